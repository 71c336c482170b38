import * as crypto from "node:crypto";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { isoSeconds } from "./actions/action";
import { newPolicyId } from "./actions/policies";
import { consoleRoute } from "./console";
import { type AccountStatus, type Controls, controlRoute, type SeedDisk } from "./control";
import { FaultSet, type FaultRule } from "./faults";
import { isKnownRegion } from "./regions";
import { handleRequest, type RequestRecord, type Service } from "./server";
import { NonceCache } from "./signature";
import { openStore } from "./store";

export type { AccountStatus, FaultRule, RequestRecord, SeedDisk };
export { EcsError } from "./errors";

export interface EmulatorCredentials {
  accessKeyId: string;
  accessKeySecret: string;
}

export interface EmulatorOptions {
  /** 0 (default) = any free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** A JSON file that holds the state across restarts; unset = in memory. */
  statePath?: string;
  /** Accepted key pairs; unset = one generated pair, exposed as `accessKeyId` / `accessKeySecret`. */
  credentials?: EmulatorCredentials[];
  disks?: SeedDisk[];
  faults?: FaultRule[];
  /** Serve the test-only `/__control/` route (see control.ts); default false. */
  controlRoute?: boolean;
  /** Serve the console page at `/` (see console.ts); default false. */
  console?: boolean;
}

export interface EcsEmulator extends Controls {
  /** http://<host>:<port> */
  url: string;
  /** The first accepted key pair. */
  accessKeyId: string;
  accessKeySecret: string;
  requests: RequestRecord[];
  /** Stops serving; safe to call more than once. */
  close(): Promise<void>;
}

function generatedCredentials(): EmulatorCredentials {
  return {
    accessKeyId: `LTAI-local-${crypto.randomBytes(8).toString("hex")}`,
    accessKeySecret: crypto.randomBytes(24).toString("base64url"),
  };
}

export async function startEcsEmulator(options: EmulatorOptions = {}): Promise<EcsEmulator> {
  const credentials = options.credentials?.length ? options.credentials : [generatedCredentials()];
  const store = openStore(options.statePath);
  const service: Service = {
    context: {
      state: store.load(),
      switches: { notEnoughBalance: false, snapshotServiceUnavailable: false, unsupportedRegions: new Set() },
    },
    store,
    secrets: new Map(credentials.map((pair) => [pair.accessKeyId, pair.accessKeySecret])),
    nonces: new NonceCache(),
    faults: new FaultSet(),
    requests: [],
  };
  const { state, switches } = service.context;

  const persist = (): Promise<void> => store.save(state);
  let persistFailure: unknown;
  const persistInBackground = (): void => {
    persist().catch((error: unknown) => (persistFailure ??= error));
  };

  const controls: Controls = {
    addFault: (rule) => service.faults.add(rule),
    clearFaults: () => service.faults.clear(),
    addDisks(disks) {
      for (const seed of disks) {
        if (!seed.diskId || !isKnownRegion(seed.regionId)) {
          throw new Error(`A seed disk needs a diskId and a known regionId, got ${JSON.stringify(seed)}`);
        }
      }
      for (const seed of disks) {
        const existing = state.disks[seed.diskId];
        state.disks[seed.diskId] = {
          diskId: seed.diskId,
          regionId: seed.regionId,
          category: seed.category ?? "cloud_essd",
          attached: seed.attached ?? true,
          ...(existing?.regionId === seed.regionId && existing.policyId
            ? { policyId: existing.policyId }
            : {}),
        };
      }
      persistInBackground();
    },
    removeDisk(diskId) {
      delete state.disks[diskId];
      persistInBackground();
    },
    addSystemPolicy(regionId) {
      if (!isKnownRegion(regionId)) throw new Error(`Unknown region ${regionId}`);
      const id = newPolicyId(regionId);
      state.policies[id] = {
        id,
        regionId,
        name: `System-${id}`,
        timePoints: ["2"],
        repeatWeekdays: ["1", "2", "3", "4", "5", "6", "7"],
        retentionDays: 7,
        enableCrossRegionCopy: false,
        targetCopyRegions: [],
        copiedSnapshotsRetentionDays: -1,
        encrypted: false,
        kmsKeyId: "",
        resourceGroupId: "",
        type: "System",
        creationTime: isoSeconds(new Date()),
        tags: {},
      };
      persistInBackground();
      return id;
    },
    setAccountStatus(status) {
      switches.notEnoughBalance = status.notEnoughBalance ?? false;
      switches.snapshotServiceUnavailable = status.snapshotServiceUnavailable ?? false;
    },
    setUnsupportedRegions(regionIds) {
      switches.unsupportedRegions = new Set(regionIds);
    },
  };

  for (const rule of options.faults ?? []) controls.addFault(rule);
  if (options.disks) controls.addDisks(options.disks);
  await persist();
  if (options.controlRoute) service.control = controlRoute(controls);
  if (options.console) service.console = consoleRoute(service, controls);

  const server = http.createServer((req, res) => void handleRequest(service, req, res));
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await persist();
      server.closeAllConnections();
      await stopped;
      if (persistFailure !== undefined) throw persistFailure;
    })());

  return {
    ...controls,
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    accessKeyId: credentials[0].accessKeyId,
    accessKeySecret: credentials[0].accessKeySecret,
    requests: service.requests,
    close,
  };
}
