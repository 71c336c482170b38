/*
 * Attaching one policy to 1,000 disks, over a local ECS endpoint that answers every call 20 ms late:
 * (a) this provider's PolicyAttachment create (DescribeDisks preflight, then Apply in batches of 100);
 * (b) the one-disk-per-resource shape of terraform-provider-alicloud and @pulumi/alicloud
 *     (`alicloud_ecs_auto_snapshot_policy_attachment`): one ApplyAutoSnapshotPolicy per disk, 10 at a
 *     time as Terraform's default -parallelism runs them (the Pulumi engine's default is unbounded, which
 *     would shorten (b)'s wall time on an endpoint that never throttles, not its call count).
 * (b) counts only the Applies; those providers also read every attachment back after creating it.
 *
 *   npm run build && node dist/bench/attach-disks.js
 */
import { startEcsEmulator } from "../emulator";
import { mapWithConcurrency } from "../provider/attachment/model";
import { attachmentProvider } from "../provider/attachment/provider";
import { setStackConfig } from "../provider/config";
import { EcsClient } from "../provider/ecs/client";

const REGION = "cn-hangzhou";
const DISK_COUNT = 1000;
const LATENCY_MS = 20;
const TERRAFORM_PARALLELISM = 10;

interface Measurement {
  applyCalls: number;
  totalCalls: number;
  wallMs: number;
}

async function main(): Promise<void> {
  const diskIds = Array.from(
    { length: DISK_COUNT },
    (_, index) => `d-bench${String(index).padStart(5, "0")}`,
  );
  const emulator = await startEcsEmulator({
    // One policy per disk (Apply replaces) until the provider handles several policies per disk.
    policiesPerDisk: 1,
    disks: diskIds.map((diskId) => ({ diskId, regionId: REGION })),
    // No `times` and no `rate`: the delay applies to every call.
    faults: [{ delayMs: LATENCY_MS }],
  });
  try {
    const credentials = { accessKeyId: emulator.accessKeyId, accessKeySecret: emulator.accessKeySecret };
    const client = new EcsClient({ endpoint: emulator.url, credentials });
    setStackConfig({
      get: (key) =>
        ({
          "alicloud:accessKey": credentials.accessKeyId,
          "alicloud:secretKey": credentials.accessKeySecret,
          "alicloud:region": REGION,
          "alicloud:endpoints": JSON.stringify([{ ecs: emulator.url }]),
        })[key],
    });
    const createPolicy = async () =>
      (
        await client.call<{ AutoSnapshotPolicyId: string }>("CreateAutoSnapshotPolicy", {
          regionId: REGION,
          timePoints: ["1"],
          repeatWeekdays: ["1"],
          retentionDays: 7,
        })
      ).AutoSnapshotPolicyId;
    const [batchedPolicy, perDiskPolicy] = [await createPolicy(), await createPolicy()];

    const batched = await measure(emulator.requests, async () => {
      const checked = await attachmentProvider.check({}, { autoSnapshotPolicyId: batchedPolicy, diskIds });
      if (checked.failures?.length || !checked.inputs) throw new Error(JSON.stringify(checked.failures));
      await attachmentProvider.create(checked.inputs);
    });
    const perDisk = await measure(emulator.requests, async () => {
      await mapWithConcurrency(diskIds, TERRAFORM_PARALLELISM, (diskId) =>
        client.call("ApplyAutoSnapshotPolicy", {
          regionId: REGION,
          autoSnapshotPolicyId: perDiskPolicy,
          diskIds: [diskId],
        }),
      );
    });

    const rows: [string, Measurement][] = [
      ["(a) PolicyAttachment, batches of 100", batched],
      [`(b) one Apply per disk, ${TERRAFORM_PARALLELISM} at a time`, perDisk],
    ];
    console.log(`${DISK_COUNT} disks, ${LATENCY_MS} ms latency on every call`);
    console.log(
      `${"".padEnd(42)}${"Apply calls".padStart(12)}${"all calls".padStart(12)}${"wall ms".padStart(10)}`,
    );
    for (const [label, { applyCalls, totalCalls, wallMs }] of rows) {
      console.log(
        `${label.padEnd(42)}${String(applyCalls).padStart(12)}${String(totalCalls).padStart(12)}${wallMs.toFixed(0).padStart(10)}`,
      );
    }
    const ratio = (b: number, a: number) => `${(b / a).toFixed(1)}×`;
    console.log(
      `(b) / (a): ${ratio(perDisk.applyCalls, batched.applyCalls)} the Apply calls, ` +
        `${ratio(perDisk.totalCalls, batched.totalCalls)} the calls, ${ratio(perDisk.wallMs, batched.wallMs)} the wall time`,
    );
  } finally {
    await emulator.close();
  }
}

async function measure(
  requests: readonly { action: string }[],
  run: () => Promise<void>,
): Promise<Measurement> {
  const mark = requests.length;
  const started = performance.now();
  await run();
  const wallMs = performance.now() - started;
  const made = requests.slice(mark);
  return {
    applyCalls: made.filter(({ action }) => action === "ApplyAutoSnapshotPolicy").length,
    totalCalls: made.length,
    wallMs,
  };
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
}
