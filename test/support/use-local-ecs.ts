import type Ecs from "@alicloud/ecs20140526";
import type RPCClient from "@alicloud/pop-core";
import { type EcsEmulator, type EmulatorOptions, startEcsEmulator } from "../../emulator";
import { type Caller, ecsCaller, ecsClient, popCoreCaller, popCoreClient } from "./ecs-clients";

/** What a test gets from `useLocalEcs`: a running local ECS endpoint and clients signed for it. */
export interface LocalEcs {
  emulator: EcsEmulator;
  /** @alicloud/pop-core (HMAC-SHA1 signature v1). */
  popCore: RPCClient;
  /** @alicloud/ecs20140526, the typed ACS3 client (ACS3-HMAC-SHA256). */
  ecs: Ecs;
  /** One signed-call function per client, by name, so that a case can run through both. */
  callers: Record<ClientName, Caller>;
}

export type ClientName = "pop-core" | "ecs20140526";
export const CLIENT_NAMES: readonly ClientName[] = ["pop-core", "ecs20140526"];

/**
 * Starts a local ECS endpoint before the suite (or before each test, with `lifecycle: "test"`) and
 * closes it after. The handle's fields are set once the endpoint runs: read them inside hooks and tests.
 */
export function useLocalEcs(
  options: EmulatorOptions | (() => EmulatorOptions) = {},
  lifecycle: "suite" | "test" = "suite",
): LocalEcs {
  const handle = {} as LocalEcs;
  const start = async (): Promise<void> => {
    const emulator = await startEcsEmulator(typeof options === "function" ? options() : options);
    Object.assign(handle, {
      emulator,
      popCore: popCoreClient(emulator),
      ecs: ecsClient(emulator),
      callers: { "pop-core": popCoreCaller(emulator), ecs20140526: ecsCaller(emulator) },
    });
  };
  const stop = (): Promise<void> | undefined => handle.emulator?.close();
  if (lifecycle === "suite") {
    beforeAll(start);
    afterAll(stop);
  } else {
    beforeEach(start);
    afterEach(stop);
  }
  return handle;
}
