import * as path from "node:path";
import RPCClient from "@alicloud/pop-core";
import type { Stack } from "@pulumi/pulumi/automation";
import { startEcsEmulator, type EcsEmulator, type EmulatorOptions } from "../../emulator";
import { localStack } from "../../scripts/local-pulumi";
import { repoRoot } from "../../scripts/repo-root";
import { tagDriven } from "./program";

/*
 * The tag-driven example on the local ECS endpoint, with the real Pulumi CLI on a local file backend:
 * deploy the policy, tag one more instance outside Pulumi, `pulumi refresh`, and see the policy cover
 * that instance's disks. Run it with `npm run build && node dist/examples/tag-driven/on-ecs-local.js`.
 */

export const REGION = "cn-hangzhou";

/** Two instances tagged backup=gold, one not tagged yet; each with its disks. */
export const INSTANCES = [
  {
    instanceId: "i-bp1goldweb0001",
    tags: { backup: "gold", role: "web" },
    disks: ["d-bp1goldweb0001", "d-bp1goldweb0002"],
  },
  { instanceId: "i-bp1golddb00001", tags: { backup: "gold", role: "db" }, disks: ["d-bp1golddb00001"] },
  { instanceId: "i-bp1batch000001", tags: { role: "batch" }, disks: ["d-bp1batch000001"] },
] as const;

/** ecs-local seeded with INSTANCES and their disks. */
export const LOCAL_SEED: EmulatorOptions = {
  instances: INSTANCES.map(({ instanceId, tags }) => ({ instanceId, regionId: REGION, tags: { ...tags } })),
  disks: INSTANCES.flatMap(({ instanceId, disks }) =>
    disks.map((diskId) => ({ diskId, regionId: REGION, instanceId })),
  ),
};

export function startLocalEcs(): Promise<EcsEmulator> {
  return startEcsEmulator(LOCAL_SEED);
}

export function tagDrivenStack(emulator: EcsEmulator, stateDir: string): Promise<Stack> {
  return localStack({
    projectName: "tagDriven",
    stackName: "local",
    program: async () => tagDriven(),
    stateDir,
    config: {
      "alicloud:region": { value: REGION },
      "alicloud:ecsEndpoint": { value: emulator.url },
      "alicloud:accessKey": { value: emulator.accessKeyId, secret: true },
      "alicloud:secretKey": { value: emulator.accessKeySecret, secret: true },
      // The endpoint's account kind; against a real account, state yours (see the README's account kinds).
      "alicloud-snapshot-policy:policiesPerDisk": { value: String(emulator.policiesPerDisk) },
    },
  });
}

/** TagResources on an instance, as the console or another tool would do it, outside Pulumi. */
export async function tagInstanceOutOfBand(
  emulator: EcsEmulator,
  instanceId: string,
  tags: Record<string, string>,
): Promise<void> {
  const client = new RPCClient({
    endpoint: emulator.url,
    apiVersion: "2014-05-26",
    accessKeyId: emulator.accessKeyId,
    accessKeySecret: emulator.accessKeySecret,
  });
  const tagParams = Object.entries(tags).flatMap(([key, value], index) => [
    [`Tag.${index + 1}.Key`, key],
    [`Tag.${index + 1}.Value`, value],
  ]);
  await client.request(
    "TagResources",
    {
      RegionId: REGION,
      ResourceType: "instance",
      "ResourceId.1": instanceId,
      ...Object.fromEntries(tagParams),
    },
    { method: "POST", formatParams: false },
  );
}

/** The policy's outputs as the stack's state holds them now (refresh writes them there). */
export async function policyState(
  stack: Stack,
): Promise<{ matchedDiskIds: string[]; coveredDiskCount: number }> {
  const { deployment } = await stack.exportStack();
  const resources = (deployment.resources ?? []) as { type: string; outputs?: Record<string, unknown> }[];
  const policy = resources.find(({ type }) => type.endsWith(":AutoSnapshotPolicy"));
  if (!policy?.outputs) throw new Error("the stack holds no AutoSnapshotPolicy");
  return {
    matchedDiskIds: policy.outputs.matchedDiskIds as string[],
    coveredDiskCount: policy.outputs.coveredDiskCount as number,
  };
}

async function main(): Promise<void> {
  const stateDir = path.join(repoRoot(), ".pulumi-local", "tag-driven");
  const emulator = await startLocalEcs();
  const print = (line: string) => console.log(line);
  try {
    const stack = await tagDrivenStack(emulator, stateDir);
    const result = await stack.up({ onOutput: (line) => process.stdout.write(line) });
    print(
      `\nPolicy ${result.outputs.policyId.value} matches ${JSON.stringify(result.outputs.targetTags.value)}`,
    );
    print(`Covers: ${(result.outputs.matchedDiskIds.value as string[]).join(", ")}`);

    const batch = INSTANCES[2];
    print(`\nTagging ${batch.instanceId} backup=gold outside Pulumi, then pulumi refresh`);
    await tagInstanceOutOfBand(emulator, batch.instanceId, { backup: "gold" });
    await stack.refresh({ onOutput: (line) => process.stdout.write(line) });
    const refreshed = await policyState(stack);
    // Refresh updates the policy's outputs in the state; the stack outputs it prints follow at the next up.
    print(`Covers after refresh (${refreshed.coveredDiskCount}): ${refreshed.matchedDiskIds.join(", ")}`);

    await stack.destroy({ onOutput: () => undefined });
    print("\nDestroyed the policy; the local endpoint's state was in memory.");
  } finally {
    await emulator.close();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
