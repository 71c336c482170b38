import { fork } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import RPCClient from "@alicloud/pop-core";
import { startEcsEmulator } from "../emulator";
import type { LoadJob, LoadResult, ScenarioName } from "./load-generator";

/*
 * Signed requests per second ecs-local serves on loopback, measured from a load generator in a separate
 * process (bench/load-generator.ts), beside the same generator's figure against a bare Node HTTP
 * server that answers a constant JSON body: the ceiling of this machine, Node's HTTP stack and the
 * generator. The ratio to it is the figure that travels between machines.
 *
 * The three targets run side by side and are measured in turns, ROUNDS times each, and each figure is
 * the median of its rounds: on a shared machine the load from other processes then weighs on all three
 * alike instead of on whichever ran while it peaked.
 *
 * Each figure is taken at 16 and at 64 connections: a state file's group commit shares one flush
 * among the writes that wait for it, so its figure depends on how many do.
 *
 *   npm run build && node dist/bench/emulator-throughput.js [connections=16,64] [seconds=3] [rounds=3]
 *   node --cpu-prof --cpu-prof-dir=profiles dist/bench/emulator-throughput.js   # profile the endpoint
 */

const positive = (text: string | undefined, fallback: number): number => {
  const value = Number(text);
  return Number.isInteger(value) && value > 0 ? value : fallback;
};
const CONNECTIONS = (process.argv[2] ?? "16,64").split(",").map((text) => positive(text, 16));
const SECONDS = positive(process.argv[3], 3);
const ROUNDS = positive(process.argv[4], 3);
const WARMUP_SECONDS = 0.5;
const REGION = "cn-hangzhou";
/** Policies in the region DescribeAutoSnapshotPolicyEx lists (one page of 10). */
const LISTED_POLICIES = 10;

const SCENARIOS: { name: ScenarioName; label: string; unit: string }[] = [
  { name: "describe", label: `DescribeAutoSnapshotPolicyEx, ${LISTED_POLICIES} policies`, unit: "req/s" },
  { name: "create-delete", label: "CreateAutoSnapshotPolicy + DeleteAutoSnapshotPolicy", unit: "pairs/s" },
];

interface Target {
  label: string;
  url: string;
  accessKeyId: string;
  accessKeySecret: string;
  close(): Promise<void>;
}

/** A Node HTTP server that reads each request and answers `body`. */
async function startBareServer(body: string): Promise<Target> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      res.writeHead(200, {
        "content-type": "application/json;charset=utf-8",
        "content-length": Buffer.byteLength(body),
      });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    label: "bare server",
    url: `http://127.0.0.1:${port}`,
    accessKeyId: "bare",
    accessKeySecret: "bare",
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** ecs-local with LISTED_POLICIES policies in REGION; also returns its DescribeAutoSnapshotPolicyEx answer. */
async function startEcsLocal(
  statePath: string | undefined,
): Promise<{ target: Target; describeAnswer: string }> {
  const emulator = await startEcsEmulator({ statePath });
  const client = new RPCClient({
    endpoint: emulator.url,
    apiVersion: "2014-05-26",
    accessKeyId: emulator.accessKeyId,
    accessKeySecret: emulator.accessKeySecret,
  });
  const call = (action: string, params: Record<string, string>) =>
    client.request<Record<string, unknown>>(action, params, { method: "POST", formatParams: false });
  for (let index = 0; index < LISTED_POLICIES; index += 1) {
    await call("CreateAutoSnapshotPolicy", {
      regionId: REGION,
      autoSnapshotPolicyName: `bench-${index}`,
      timePoints: '["1","13"]',
      repeatWeekdays: '["1","2","3","4","5"]',
      retentionDays: "7",
      "Tag.1.Key": "team",
      "Tag.1.Value": "bench",
    });
  }
  const describeAnswer = await call("DescribeAutoSnapshotPolicyEx", { RegionId: REGION, PageSize: "10" });
  return {
    target: {
      label: statePath ? "ecs-local, state file" : "ecs-local, in memory",
      url: emulator.url,
      accessKeyId: emulator.accessKeyId,
      accessKeySecret: emulator.accessKeySecret,
      close: () => emulator.close(),
    },
    describeAnswer: JSON.stringify(describeAnswer),
  };
}

function runGenerator(job: LoadJob): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = fork(path.join(__dirname, "load-generator.js"), {
      stdio: "inherit",
      // Not the endpoint's flags: `node --cpu-prof` profiles the endpoint only.
      execArgv: [],
    });
    child.once("message", (result) => resolve(result as LoadResult));
    child.once("error", reject);
    child.once("exit", (code) => {
      if (code !== 0) reject(new Error(`the load generator exited with ${code}`));
    });
    child.send(job);
  });
}

async function measure(target: Target, scenario: ScenarioName, connections: number): Promise<number> {
  const result = await runGenerator({
    url: target.url,
    accessKeyId: target.accessKeyId,
    accessKeySecret: target.accessKeySecret,
    scenario,
    connections,
    warmupSeconds: WARMUP_SECONDS,
    seconds: SECONDS,
  });
  if (Object.keys(result.failures).length > 0) {
    throw new Error(`${target.label}, ${scenario}: failed answers ${JSON.stringify(result.failures)}`);
  }
  return result.rounds / result.seconds;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

async function main(): Promise<void> {
  const cpus = os.cpus();
  console.log(
    `ecs-local throughput: load generator in its own process, ${CONNECTIONS.join(" or ")} keep-alive connections; ` +
      `median of ${ROUNDS} rounds of ${SECONDS} s (after ${WARMUP_SECONDS} s warm-up), targets in turn`,
  );
  console.log(
    `machine: ${cpus.length} × ${cpus[0]?.model.trim()}, Node ${process.version}, ${os.platform()}, ` +
      `load average ${os.loadavg()[0].toFixed(1)} at the start`,
  );

  const statePath = path.join(os.tmpdir(), `ecs-local-bench-${process.pid}`, "state.json");
  const memory = await startEcsLocal(undefined);
  const file = await startEcsLocal(statePath);
  // The bare server answers what ecs-local answers the Describe call, so both send the same bytes.
  const targets = [await startBareServer(memory.describeAnswer), memory.target, file.target];
  try {
    for (const connections of CONNECTIONS) {
      for (const { name, label, unit } of SCENARIOS) {
        const rounds = targets.map((): number[] => []);
        for (let round = 0; round < ROUNDS; round += 1) {
          for (const [index, target] of targets.entries()) {
            rounds[index].push(await measure(target, name, connections));
          }
        }
        report(`${label}, ${connections} connections (${unit})`, rounds.map(median));
      }
    }
  } finally {
    for (const target of targets) await target.close();
    fs.rmSync(path.dirname(statePath), { recursive: true, force: true });
  }

  function report(title: string, [bare, ...others]: number[]): void {
    console.log(`\n${title}`);
    console.log(`  ${targets[0].label.padEnd(24)} ${Math.round(bare).toString().padStart(7)}`);
    for (const [index, figure] of others.entries()) {
      console.log(
        `  ${targets[index + 1].label.padEnd(24)} ${Math.round(figure).toString().padStart(7)}` +
          `   ${(figure / bare).toFixed(2)} of the bare server` +
          (index === 1 ? `, ${(figure / others[0]).toFixed(2)} of in memory` : ""),
      );
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
