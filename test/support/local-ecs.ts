import type * as pulumi from "@pulumi/pulumi";
import RPCClient from "@alicloud/pop-core";
import type { EcsEmulator } from "../../emulator";

/*
 * Pointing providers and stacks at the local ECS endpoint, and an ECS client outside the provider.
 */

/**
 * The account kind the provider and engine tests run the local endpoint in: one policy per disk,
 * where Apply replaces, until the provider handles accounts that carry several policies per disk.
 */
export const PROVIDER_ACCOUNT = { policiesPerDisk: 1 } as const;

/** The region the tests against the local endpoint work in unless they name another. */
export const REGION = "cn-hangzhou";

/** The alicloud:* stack config that points a provider at the local endpoint. */
export function stackConfig(emulator: EcsEmulator, region = REGION): Record<string, string> {
  return {
    "alicloud:accessKey": emulator.accessKeyId,
    "alicloud:secretKey": emulator.accessKeySecret,
    "alicloud:region": region,
    "alicloud:endpoints": JSON.stringify([{ ecs: emulator.url }]),
  };
}

/** Stack config as the Automation API takes it. */
export type AutomationConfig = Record<string, { value: string; secret?: boolean }>;

const SECRET_KEYS = new Set(["alicloud:accessKey", "alicloud:secretKey"]);

/** stackConfig for the Automation API, the credentials marked secret. */
export function automationConfig(emulator: EcsEmulator, region = REGION): AutomationConfig {
  return Object.fromEntries(
    Object.entries(stackConfig(emulator, region)).map(([key, value]) => [
      key,
      SECRET_KEYS.has(key) ? { value, secret: true } : { value },
    ]),
  );
}

/** A dynamic provider's config bag over fixed values. */
export function providerConfig(values: Record<string, string>): pulumi.dynamic.Config {
  return {
    get: (key) => values[key],
    require: (key) => {
      if (values[key] === undefined) throw new Error(`config ${key} is not set`);
      return values[key];
    },
  };
}

/** Calls `provider.configure` with stackConfig, as the engine does before any other call. */
export async function configureProvider(
  provider: pulumi.dynamic.ResourceProvider,
  emulator: EcsEmulator,
  region = REGION,
): Promise<void> {
  await provider.configure!({ config: providerConfig(stackConfig(emulator, region)) });
}

/** One signed ECS call to the local endpoint from outside the provider; values are sent as strings. */
export type OutOfBandEcs = <T = Record<string, unknown>>(
  action: string,
  params: Record<string, string | number>,
) => Promise<T>;

/** A raw pop-core client of the local endpoint, for changes and checks behind the provider's back. */
export function outOfBandEcs(emulator: EcsEmulator): OutOfBandEcs {
  const client = new RPCClient({
    endpoint: emulator.url,
    apiVersion: "2014-05-26",
    accessKeyId: emulator.accessKeyId,
    accessKeySecret: emulator.accessKeySecret,
  });
  return <T>(action: string, params: Record<string, string | number>) => {
    const wire = Object.fromEntries(Object.entries(params).map(([key, value]) => [key, String(value)]));
    return client.request<T>(action, wire, { method: "POST", formatParams: false });
  };
}

/** A policy as DescribeAutoSnapshotPolicyEx answers it, in the fields the tests read. */
export interface ServicePolicy {
  AutoSnapshotPolicyId: string;
  AutoSnapshotPolicyName: string;
  TimePoints: string;
  RetentionDays: number;
  Tags: { Tag: { TagKey: string; TagValue: string }[] };
}

/** Every policy in `regionId` (up to 100). */
export async function describePolicies(ecs: OutOfBandEcs, regionId: string): Promise<ServicePolicy[]> {
  const answer = await ecs<{ AutoSnapshotPolicies: { AutoSnapshotPolicy: ServicePolicy[] } }>(
    "DescribeAutoSnapshotPolicyEx",
    { RegionId: regionId, PageSize: 100 },
  );
  return answer.AutoSnapshotPolicies.AutoSnapshotPolicy;
}

/** The policy `diskId` carries ("" for none). */
export async function policyOfDisk(ecs: OutOfBandEcs, regionId: string, diskId: string): Promise<string> {
  const answer = await ecs<{ Disks: { Disk: { AutoSnapshotPolicyId?: string }[] } }>("DescribeDisks", {
    RegionId: regionId,
    DiskIds: JSON.stringify([diskId]),
  });
  return answer.Disks.Disk[0].AutoSnapshotPolicyId ?? "";
}
