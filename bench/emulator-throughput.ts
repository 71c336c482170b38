import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import RPCClient from "@alicloud/pop-core";
import { startEcsEmulator, type EcsEmulator } from "../emulator";

/*
 * Signed requests per second the local ECS endpoint serves on loopback, for pop-core (HMAC-SHA1)
 * clients running concurrently. Each scenario stops after REQUESTS requests or SECONDS seconds.
 * Clients and endpoint share this one Node process (one event loop), so the figure is a floor.
 *
 *   node dist/bench/emulator-throughput.js [clients=8] [requests=4000] [seconds=20]
 */

const REGION = "cn-hangzhou";
const [CLIENTS, REQUESTS, SECONDS] = [8, 4000, 20].map((fallback, index) => {
  const value = Number(process.argv[2 + index]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
});
const POLICY = { timePoints: '["1"]', repeatWeekdays: '["1"]', retentionDays: 7 };
const REGIONS = ["cn-hangzhou", "cn-shanghai", "cn-beijing", "cn-shenzhen", "ap-southeast-1", "eu-central-1"];

type Call = (action: string, params: Record<string, string | number>) => Promise<Record<string, unknown>>;

interface Scenario {
  name: string;
  /** Makes one round of calls for a client; returns how many requests it sent. */
  round(call: Call, clientIndex: number): Promise<number>;
}

const SCENARIOS: Scenario[] = [
  {
    name: "DescribeAutoSnapshotPolicyEx",
    async round(call) {
      await call("DescribeAutoSnapshotPolicyEx", { RegionId: REGION, PageSize: 10 });
      return 1;
    },
  },
  {
    // Create then delete, so the 100-per-region quota never stops the run.
    name: "CreateAutoSnapshotPolicy + DeleteAutoSnapshotPolicy",
    async round(call, clientIndex) {
      const regionId = REGIONS[clientIndex % REGIONS.length];
      const created = await call("CreateAutoSnapshotPolicy", { regionId, ...POLICY });
      await call("DeleteAutoSnapshotPolicy", {
        regionId,
        autoSnapshotPolicyId: String(created.AutoSnapshotPolicyId),
      });
      return 2;
    },
  },
];

async function run(emulator: EcsEmulator, scenario: Scenario): Promise<{ count: number; seconds: number }> {
  const deadline = Date.now() + SECONDS * 1000;
  let sent = 0;
  const started = process.hrtime.bigint();
  const client = async (clientIndex: number): Promise<void> => {
    const rpc = new RPCClient({
      accessKeyId: emulator.accessKeyId,
      accessKeySecret: emulator.accessKeySecret,
      endpoint: emulator.url,
      apiVersion: "2014-05-26",
    });
    const call: Call = (action, params) =>
      rpc.request<Record<string, unknown>>(action, params, { method: "POST", formatParams: false });
    while (sent < REQUESTS && Date.now() < deadline) sent += await scenario.round(call, clientIndex);
  };
  await Promise.all(Array.from({ length: CLIENTS }, (_, index) => client(index)));
  return { count: sent, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

async function main(): Promise<void> {
  console.log(
    `ecs-local throughput: ${CLIENTS} pop-core clients, up to ${REQUESTS} requests or ${SECONDS} s each`,
  );
  for (const statePath of [undefined, path.join(os.tmpdir(), `ecs-local-bench-${process.pid}.json`)]) {
    const emulator = await startEcsEmulator({ statePath });
    try {
      for (const scenario of SCENARIOS) {
        const { count, seconds } = await run(emulator, scenario);
        const store = statePath ? "file state" : "in memory";
        console.log(
          `  ${scenario.name.padEnd(52)} ${store.padEnd(10)} ${String(count).padStart(6)} requests ` +
            `in ${seconds.toFixed(2)} s = ${Math.round(count / seconds)} req/s`,
        );
      }
    } finally {
      await emulator.close();
      if (statePath) fs.rmSync(statePath, { force: true });
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
