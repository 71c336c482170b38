/*
 * Attaching one policy to 1,000 disks, over a local ECS endpoint that answers every call 20 ms late and
 * runs in a process of its own (bench/endpoint-process.ts), as a real endpoint shares no CPU with its
 * client:
 * (a) this provider's PolicyAttachment create (DescribeDisks, the policy's associations and its type read
 *     side by side, then Apply in batches of 100, up to 10 batches at once), in an account of ten
 *     policies per disk stated in the config; each run is deleted again before the next;
 * (b) the one-disk-per-resource shape of terraform-provider-alicloud and @pulumi/alicloud
 *     (`alicloud_ecs_auto_snapshot_policy_attachment`): one ApplyAutoSnapshotPolicy per disk, 10 at a
 *     time as Terraform's default -parallelism runs them (the Pulumi engine's default is unbounded, which
 *     would shorten (b)'s wall time on an endpoint that never throttles, not its call count); each run
 *     with a policy of its own.
 * (b) counts only the Applies; those providers also read every attachment back after creating it.
 *
 *   npm run build && node dist/bench/attach-disks.js
 */
import { fork } from "node:child_process";
import path from "node:path";
import type { EmulatorOptions } from "../emulator";
import { mapWithConcurrency } from "../provider/attachment/reconcile";
import { attachmentProvider } from "../provider/attachment/provider";
import { setStackConfig } from "../provider/config";
import { setAccountConfig } from "../provider/ecs/account";
import { EcsClient } from "../provider/ecs/client";
import type { Endpoint } from "./endpoint-process";

const REGION = "cn-hangzhou";
const DISK_COUNT = 1000;
const LATENCY_MS = 20;
const TERRAFORM_PARALLELISM = 10;
const BATCHED_RUNS = 7;
const PER_DISK_RUNS = 3;

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
  const warmUpDisks = Array.from({ length: 20 }, (_, index) => `d-warm${String(index).padStart(5, "0")}`);
  const endpoint = await startEndpointProcess({
    policiesPerDisk: 10,
    disks: [...diskIds, ...warmUpDisks].map((diskId) => ({ diskId, regionId: REGION })),
    // No `times` and no `rate`: the delay applies to every call.
    faults: [{ delayMs: LATENCY_MS }],
    requestLogLimit: 100_000,
  });
  try {
    const credentials = { accessKeyId: endpoint.accessKeyId, accessKeySecret: endpoint.accessKeySecret };
    const client = new EcsClient({ endpoint: endpoint.url, credentials });
    setStackConfig({
      get: (key) =>
        ({
          "alicloud:accessKey": credentials.accessKeyId,
          "alicloud:secretKey": credentials.accessKeySecret,
          "alicloud:region": REGION,
          "alicloud:endpoints": JSON.stringify([{ ecs: endpoint.url }]),
        })[key],
    });
    setAccountConfig({
      get: (key) => (key === "alicloud-snapshot-policy:policiesPerDisk" ? "10" : undefined),
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
    const batchedPolicy = await createPolicy();
    const perDiskPolicies: string[] = [];
    for (let run = 0; run < PER_DISK_RUNS; run++) perDiskPolicies.push(await createPolicy());
    const warmUpPolicy = await createPolicy();

    const attach = async (policyId: string, disks: string[]) => {
      const checked = await attachmentProvider.check({}, { autoSnapshotPolicyId: policyId, diskIds: disks });
      if (checked.failures?.length || !checked.inputs) throw new Error(JSON.stringify(checked.failures));
      const { id, outs } = await attachmentProvider.create(checked.inputs);
      return () => attachmentProvider.delete(id, outs!);
    };
    const applyOneByOne = async (policyId: string, disks: string[]) => {
      await mapWithConcurrency(disks, TERRAFORM_PARALLELISM, (diskId) =>
        client.call("ApplyAutoSnapshotPolicy", {
          regionId: REGION,
          autoSnapshotPolicyId: policyId,
          diskIds: [diskId],
        }),
      );
    };
    // Both shapes are measured warm: each first runs once on 20 other disks, so that neither pays for
    // loading and compiling the code it runs.
    await attach(warmUpPolicy, warmUpDisks.slice(0, 10));
    await applyOneByOne(warmUpPolicy, warmUpDisks.slice(10));

    const batched: Measurement[] = [];
    for (let run = 0; run < BATCHED_RUNS; run++) {
      let detach = async () => {};
      batched.push(
        await measure(endpoint, async () => {
          detach = await attach(batchedPolicy, diskIds);
        }),
      );
      await detach();
    }
    const perDisk: Measurement[] = [];
    for (const policyId of perDiskPolicies) {
      perDisk.push(await measure(endpoint, () => applyOneByOne(policyId, diskIds)));
    }

    console.log(
      `${DISK_COUNT} disks, ${LATENCY_MS} ms latency on every call, ecs-local in its own process; ` +
        `median (min–max) of ${BATCHED_RUNS} and ${PER_DISK_RUNS} runs`,
    );
    console.log(
      `${"".padEnd(42)}${"Apply calls".padStart(12)}${"all calls".padStart(12)}${"wall ms".padStart(20)}`,
    );
    const rows: [string, Measurement[]][] = [
      ["(a) PolicyAttachment, batches of 100", batched],
      [`(b) one Apply per disk, ${TERRAFORM_PARALLELISM} at a time`, perDisk],
    ];
    for (const [label, runs] of rows) {
      const wall = runs.map(({ wallMs }) => wallMs);
      const spread = `${median(wall).toFixed(0)} (${Math.min(...wall).toFixed(0)}–${Math.max(...wall).toFixed(0)})`;
      console.log(
        `${label.padEnd(42)}${calls(runs, "applyCalls").padStart(12)}${calls(runs, "totalCalls").padStart(12)}${spread.padStart(20)}`,
      );
    }
    const wallOf = (runs: Measurement[]) => runs.map(({ wallMs }) => wallMs);
    const ratio = (b: number, a: number) => `${(b / a).toFixed(1)}×`;
    console.log(
      `(b) / (a): ${ratio(perDisk[0].applyCalls, batched[0].applyCalls)} the Apply calls, ` +
        `${ratio(perDisk[0].totalCalls, batched[0].totalCalls)} the calls, ` +
        `${ratio(median(wallOf(perDisk)), median(wallOf(batched)))} the median wall time ` +
        `(${ratio(Math.min(...wallOf(perDisk)), Math.max(...wallOf(batched)))} slowest (a) against fastest (b))`,
    );
  } finally {
    await endpoint.close();
  }
}

interface EndpointProcess extends Endpoint {
  /** The actions of the requests served since the last call. */
  actions(): Promise<string[]>;
  close(): Promise<void>;
}

async function startEndpointProcess(options: EmulatorOptions): Promise<EndpointProcess> {
  // Not this process's flags: `node --cpu-prof dist/bench/attach-disks.js` profiles the client only.
  const child = fork(path.join(__dirname, "endpoint-process.js"), { stdio: "inherit", execArgv: [] });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const answer = <T>() =>
    new Promise<T>((resolve, reject) => {
      child.once("message", (message) => resolve(message as T));
      void exited.then(() => reject(new Error("the ecs-local process exited")));
    });
  const started = answer<Endpoint>();
  child.send(options);
  const endpoint = await started;
  return {
    ...endpoint,
    actions() {
      const actions = answer<string[]>();
      child.send("actions");
      return actions;
    },
    async close() {
      child.send("close");
      await exited;
    },
  };
}

async function measure(endpoint: EndpointProcess, run: () => Promise<void>): Promise<Measurement> {
  await endpoint.actions();
  const started = performance.now();
  await run();
  const wallMs = performance.now() - started;
  const made = await endpoint.actions();
  return {
    applyCalls: made.filter((action) => action === "ApplyAutoSnapshotPolicy").length,
    totalCalls: made.length,
    wallMs,
  };
}

/** The count of every run, or the range when the runs differ. */
function calls(runs: Measurement[], key: "applyCalls" | "totalCalls"): string {
  const counts = runs.map((run) => run[key]);
  const [low, high] = [Math.min(...counts), Math.max(...counts)];
  return low === high ? String(low) : `${low}–${high}`;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
}
