import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import RPCClient from "@alicloud/pop-core";
import { startEcsLocalCli, type StartedCli } from "../support/ecs-local-cli";

/*
 * The `ecs-local` command as the package's bin entry runs it (the built dist/emulator/cli.js).
 */

const REPO_ROOT = path.resolve(__dirname, "../..");
const PACKAGE = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as {
  bin: Record<string, string>;
};
const CLI = path.join(REPO_ROOT, PACKAGE.bin["ecs-local"]);

type Started = StartedCli;

const running: ChildProcess[] = [];
let stateDir: string;

beforeAll(() => {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build (npm test does) first`);
});

beforeEach(() => {
  stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "ecs-local-cli-"));
});

afterEach(async () => {
  await Promise.all(running.splice(0).map(stop));
  fs.rmSync(stateDir, { recursive: true, force: true });
});

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}

/** Starts `ecs-local` and reads its banner; stopped after the test. */
async function startCli(args: string[]): Promise<Started> {
  const started = await startEcsLocalCli(args);
  running.push(started.child);
  return started;
}

function run(args: string[]): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  return new Promise((resolve) => child.once("exit", (code) => resolve({ code, output })));
}

const client = (started: Started) =>
  new RPCClient({
    endpoint: started.url,
    apiVersion: "2014-05-26",
    accessKeyId: started.accessKeyId,
    accessKeySecret: started.accessKeySecret,
  });

test("the bin entry is the built CLI, with a node shebang", () => {
  expect(PACKAGE.bin).toEqual({
    "ecs-local": "dist/emulator/cli.js",
    "snapshot-plan": "dist/provider/backup-plan/cli.js",
  });
  expect(fs.readFileSync(CLI, "utf8").split("\n")[0]).toBe("#!/usr/bin/env node");
});

test("with --state, a restart keeps the generated key pair and the state", async () => {
  const statePath = path.join(stateDir, "ecs.json");
  const first = await startCli(["--state", statePath, "--disks", "2"]);
  expect(first.accessKeyId).toMatch(/^LTAI-local-/);
  const created = await client(first).request<{ AutoSnapshotPolicyId: string }>(
    "CreateAutoSnapshotPolicy",
    { regionId: "cn-hangzhou", timePoints: '["1"]', repeatWeekdays: '["1"]', retentionDays: "7" },
    { method: "POST" },
  );
  await stop(first.child);

  const second = await startCli(["--state", statePath]);
  expect([second.accessKeyId, second.accessKeySecret]).toEqual([first.accessKeyId, first.accessKeySecret]);
  const described = await client(second).request<{
    AutoSnapshotPolicies: { AutoSnapshotPolicy: { AutoSnapshotPolicyId: string }[] };
  }>("DescribeAutoSnapshotPolicyEx", { RegionId: "cn-hangzhou" }, { method: "POST" });
  expect(
    described.AutoSnapshotPolicies.AutoSnapshotPolicy.map((policy) => policy.AutoSnapshotPolicyId),
  ).toEqual([created.AutoSnapshotPolicyId]);
});

test("--access-key-id / --access-key-secret set the key pair; --policies-per-disk sets the account kind", async () => {
  const started = await startCli([
    "--access-key-id",
    "LTAI-mine",
    "--access-key-secret",
    "my-secret",
    "--policies-per-disk",
    "1",
    "--disks",
    "d-one",
  ]);
  expect([started.accessKeyId, started.accessKeySecret]).toEqual(["LTAI-mine", "my-secret"]);
  expect(started.output).toMatch(/account:\s+1 policy per disk/);
  const ecs = client(started);
  const policyIds: string[] = [];
  for (let index = 0; index < 2; index += 1) {
    const created = await ecs.request<{ AutoSnapshotPolicyId: string }>(
      "CreateAutoSnapshotPolicy",
      { regionId: "cn-hangzhou", timePoints: '["1"]', repeatWeekdays: '["1"]', retentionDays: "7" },
      { method: "POST" },
    );
    policyIds.push(created.AutoSnapshotPolicyId);
    await ecs.request(
      "ApplyAutoSnapshotPolicy",
      { regionId: "cn-hangzhou", autoSnapshotPolicyId: created.AutoSnapshotPolicyId, diskIds: '["d-one"]' },
      { method: "POST" },
    );
  }
  const associations = await ecs.request<{
    AutoSnapshotPolicyAssociations: { AutoSnapshotPolicyAssociation: { AutoSnapshotPolicyId: string }[] };
  }>(
    "DescribeAutoSnapshotPolicyAssociations",
    { RegionId: "cn-hangzhou", DiskId: "d-one" },
    { method: "POST" },
  );
  expect(
    associations.AutoSnapshotPolicyAssociations.AutoSnapshotPolicyAssociation.map(
      (pair) => pair.AutoSnapshotPolicyId,
    ),
  ).toEqual([policyIds[1]]);
});

test.each([
  [["--policies-per-disk", "5"], "--policies-per-disk: 1 or 10, got 5"],
  [["--access-key-id", "LTAI-only"], "--access-key-id and --access-key-secret: give both"],
  [["--port", "70000"], "--port: not a port: 70000"],
])("%j is refused with exit code 2 and the usage", async (args, message) => {
  const { code, output } = await run(args);
  expect(code).toBe(2);
  expect(output).toContain(message);
  expect(output).toContain("Usage: ecs-local [options]");
});
