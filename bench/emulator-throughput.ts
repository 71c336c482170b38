import { fork } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { startEcsEmulator } from "../emulator";
import type { LoadJob, LoadResult, ScenarioName } from "./load-generator";

/*
 * Signed requests per second ecs-local serves on loopback, measured from a load generator in a separate
 * process (bench/load-generator.ts), beside the same generator's figure against a bare Node HTTP
 * server that answers a constant JSON body: the ceiling of this machine, Node's HTTP stack and the
 * generator. The ratio to it is the figure that travels between machines.
 *
 *   npm run build && node dist/bench/emulator-throughput.js [connections=16] [seconds=5]
 *   node --cpu-prof --cpu-prof-dir=profiles dist/bench/emulator-throughput.js   # profile the endpoint
 */

const [CONNECTIONS, SECONDS] = [16, 5].map((fallback, index) => {
  const value = Number(process.argv[2 + index]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
});
const WARMUP_SECONDS = 1;

const SCENARIOS: { name: ScenarioName; label: string; unit: string }[] = [
  { name: "describe", label: "DescribeAutoSnapshotPolicyEx", unit: "req/s" },
  { name: "create-delete", label: "CreateAutoSnapshotPolicy + DeleteAutoSnapshotPolicy", unit: "pairs/s" },
];

interface Target {
  label: string;
  url: string;
  accessKeyId: string;
  accessKeySecret: string;
  close(): Promise<void>;
}

/** A Node HTTP server that reads each request and answers one constant JSON body. */
async function startBareServer(): Promise<Target> {
  const body = JSON.stringify({
    RequestId: "00000000-0000-0000-0000-000000000000",
    AutoSnapshotPolicyId: "sp-bare",
  });
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

async function startEcsLocal(statePath: string | undefined): Promise<Target> {
  const emulator = await startEcsEmulator({ statePath });
  return {
    label: statePath ? "ecs-local, state file" : "ecs-local, in memory",
    url: emulator.url,
    accessKeyId: emulator.accessKeyId,
    accessKeySecret: emulator.accessKeySecret,
    close: () => emulator.close(),
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

async function measure(target: Target, scenario: ScenarioName): Promise<number> {
  const result = await runGenerator({
    url: target.url,
    accessKeyId: target.accessKeyId,
    accessKeySecret: target.accessKeySecret,
    scenario,
    connections: CONNECTIONS,
    warmupSeconds: WARMUP_SECONDS,
    seconds: SECONDS,
  });
  if (Object.keys(result.failures).length > 0) {
    throw new Error(`${target.label}, ${scenario}: failed answers ${JSON.stringify(result.failures)}`);
  }
  return result.rounds / result.seconds;
}

async function main(): Promise<void> {
  const cpus = os.cpus();
  console.log(
    `ecs-local throughput: load generator in its own process, ${CONNECTIONS} keep-alive connections, ` +
      `${WARMUP_SECONDS} s warm-up + ${SECONDS} s per figure`,
  );
  console.log(
    `machine: ${cpus.length} × ${cpus[0]?.model.trim()}, Node ${process.version}, ${os.platform()}`,
  );

  const statePath = path.join(os.tmpdir(), `ecs-local-bench-${process.pid}.json`);
  const figures = new Map<string, number[]>();
  for (const start of [startBareServer, () => startEcsLocal(undefined), () => startEcsLocal(statePath)]) {
    const target = await start();
    try {
      const values: number[] = [];
      for (const { name } of SCENARIOS) values.push(await measure(target, name));
      figures.set(target.label, values);
    } finally {
      await target.close();
      fs.rmSync(statePath, { force: true });
    }
  }

  const [bare, ...others] = [...figures.entries()];
  for (const [index, { label, unit }] of SCENARIOS.entries()) {
    console.log(`\n${label} (${unit})`);
    console.log(`  ${bare[0].padEnd(24)} ${Math.round(bare[1][index]).toString().padStart(7)}`);
    for (const [target, values] of others) {
      const ratio = values[index] / bare[1][index];
      console.log(
        `  ${target.padEnd(24)} ${Math.round(values[index]).toString().padStart(7)}   ${ratio.toFixed(2)} of the bare server`,
      );
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
