import type { ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import RPCClient from "@alicloud/pop-core";
import { FileStore } from "../../emulator/store";
import { requireBuiltCli, startEcsLocalCli } from "../support/ecs-local-cli";

/*
 * A crash in the middle of a group-committed batch: `ecs-local --state` (the built CLI) is killed with
 * SIGKILL while 16 clients create policies, and a fresh load of its state file and journal must hold
 * every policy whose creation was answered. Writes in the batch that was on its way to disk were not
 * answered, so they may be there or not.
 */

let stateDir: string;
let child: ChildProcess | undefined;

beforeAll(requireBuiltCli);
beforeEach(() => {
  stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "ecs-local-crash-"));
});
afterEach(() => {
  if (child?.exitCode === null) child.kill("SIGKILL");
  fs.rmSync(stateDir, { recursive: true, force: true });
});

async function startCli(
  statePath: string,
): Promise<{ url: string; accessKeyId: string; accessKeySecret: string }> {
  const started = await startEcsLocalCli(["--state", statePath]);
  child = started.child;
  return { url: started.url, accessKeyId: started.accessKeyId, accessKeySecret: started.accessKeySecret };
}

test("SIGKILL under 16 concurrent writers loses no answered write; the restart reads the journal", async () => {
  const statePath = path.join(stateDir, "ecs.json");
  const endpoint = await startCli(statePath);
  const answered: string[] = [];
  let killed = false;
  // Below the region's quota of policies, with the 16 requests still in flight at the kill.
  const killAfter = 60;
  const writer = async () => {
    const client = new RPCClient({ ...endpoint, endpoint: endpoint.url, apiVersion: "2014-05-26" });
    while (!killed) {
      try {
        const { AutoSnapshotPolicyId } = await client.request<{ AutoSnapshotPolicyId: string }>(
          "CreateAutoSnapshotPolicy",
          { regionId: "cn-hangzhou", timePoints: '["1"]', repeatWeekdays: '["1"]', retentionDays: "7" },
          { method: "POST", timeout: 10_000 },
        );
        answered.push(AutoSnapshotPolicyId);
        if (answered.length >= killAfter && !killed) {
          killed = true;
          child?.kill("SIGKILL");
        }
      } catch (error) {
        if (!killed) throw error;
      }
    }
  };
  const exited = new Promise((resolve) => child?.once("exit", resolve));
  await Promise.all(Array.from({ length: 16 }, writer));
  await exited;

  // Killed under load, the newest state is in the journal, not yet folded into the file.
  expect(fs.existsSync(`${statePath}.journal`)).toBe(true);
  const recovered = new FileStore(statePath).load();
  const missing = answered.filter((id) => !(id in recovered.policies));
  expect(answered.length).toBeGreaterThanOrEqual(killAfter);
  expect(missing).toEqual([]);

  // The restarted endpoint serves them.
  const restarted = await startCli(statePath);
  const client = new RPCClient({ ...restarted, endpoint: restarted.url, apiVersion: "2014-05-26" });
  const described = await client.request<{ TotalCount: number }>(
    "DescribeAutoSnapshotPolicyEx",
    { RegionId: "cn-hangzhou", PageSize: "1" },
    { method: "POST" },
  );
  expect(described.TotalCount).toBeGreaterThanOrEqual(answered.length);
}, 60_000);
