import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { findPulumiCli } from "../../scripts/local-pulumi";
import { repoRoot } from "../../scripts/repo-root";
import { ACCOUNT_KINDS } from "../support/local-ecs";

// The package as users get it: `npm pack`, installed with @pulumi/pulumi into a fresh project outside
// the repository, then a script inside that project starts ecs-local from the installed package and
// deploys, refreshes and destroys a policy and an attachment with the real CLI (Automation API, local
// file backend), once in each account kind. Every module, in the script and in the CLI's
// dynamic-provider plugin, resolves from the fresh project's node_modules. Requires the build (`dist/`)
// and the CLI; slow (an npm install, done once for both kinds). Not on useLocalStack(): ecs-local runs
// inside the fresh project, from the installed package.

jest.setTimeout(10 * 60 * 1000);

const run = promisify(execFile);
const root = repoRoot();

/** Runs from the fresh project in the account kind of its argument; prints one JSON line with what it saw. */
const DEPLOY_SCRIPT = `
const fs = require("node:fs");
const path = require("node:path");
const RPCClient = require("@alicloud/pop-core");
const { LocalWorkspace, PulumiCommand } = require("@pulumi/pulumi/automation");
const { AutoSnapshotPolicy, PolicyAttachment } = require("alicloud-snapshot-policy");
const { startEcsEmulator } = require("alicloud-snapshot-policy/emulator");

const REGION = "cn-hangzhou";
const DISKS = ["d-packed000001", "d-packed000002"];
const policiesPerDisk = Number(process.argv[2]);

async function main() {
  const ecs = await startEcsEmulator({ policiesPerDisk, disks: DISKS.map((diskId) => ({ diskId, regionId: REGION })) });
  const client = new RPCClient({
    endpoint: ecs.url,
    apiVersion: "2014-05-26",
    accessKeyId: ecs.accessKeyId,
    accessKeySecret: ecs.accessKeySecret,
  });
  const call = (action, params) => client.request(action, params, { method: "POST", formatParams: false });
  const policies = async () =>
    (await call("DescribeAutoSnapshotPolicyEx", { RegionId: REGION })).AutoSnapshotPolicies.AutoSnapshotPolicy.map(
      (policy) => policy.AutoSnapshotPolicyId,
    );
  const diskPolicies = async () =>
    (await call("DescribeDisks", { RegionId: REGION, DiskIds: JSON.stringify(DISKS) })).Disks.Disk.map(
      (disk) => disk.AutoSnapshotPolicyId || "",
    ).sort();
  const quiet = { onOutput: () => undefined };
  const workDir = path.join(__dirname, "workspace-" + policiesPerDisk);
  fs.mkdirSync(workDir);
  try {
    const stack = await LocalWorkspace.createOrSelectStack(
      {
        projectName: "packed",
        stackName: "test",
        program: async () => {
          const policy = new AutoSnapshotPolicy("nightly", {
            timePoints: [2],
            repeatWeekdays: [1, 2, 3, 4, 5, 6, 7],
            retentionDays: 7,
          });
          const attachment = new PolicyAttachment("nightly-disks", {
            autoSnapshotPolicyId: policy.id,
            diskIds: DISKS,
          });
          return { policyId: policy.id, diskIds: attachment.diskIds };
        },
      },
      {
        workDir,
        pulumiCommand: await PulumiCommand.get({ root: process.env.PULUMI_CLI_ROOT }),
        envVars: { ALIBABA_CLOUD_ECS_ENDPOINT: ecs.url },
      },
    );
    await stack.setAllConfig({
      "alicloud:region": { value: REGION },
      "alicloud:accessKey": { value: ecs.accessKeyId, secret: true },
      "alicloud:secretKey": { value: ecs.accessKeySecret, secret: true },
      "alicloud-snapshot-policy:policiesPerDisk": { value: String(policiesPerDisk) },
    });
    const up = await stack.up(quiet);
    const afterUp = { policies: await policies(), diskPolicies: await diskPolicies() };
    const refresh = await stack.refresh(quiet);
    const destroy = await stack.destroy(quiet);
    console.log(
      JSON.stringify({
        resolved: {
          package: require.resolve("alicloud-snapshot-policy"),
          emulator: require.resolve("alicloud-snapshot-policy/emulator"),
          sdk: require.resolve("@pulumi/pulumi"),
        },
        up: { changes: up.summary.resourceChanges, outputs: { policyId: up.outputs.policyId.value, diskIds: up.outputs.diskIds.value }, ...afterUp },
        refresh: { result: refresh.summary.result, changes: refresh.summary.resourceChanges },
        destroy: { result: destroy.summary.result, policies: await policies(), diskPolicies: await diskPolicies() },
        providerCalls: ecs.requests.map((request) => request.action),
      }),
    );
  } finally {
    await ecs.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
`;

interface Report {
  resolved: Record<string, string>;
  up: {
    changes: Record<string, number>;
    outputs: { policyId: string; diskIds: string[] };
    policies: string[];
    diskPolicies: string[];
  };
  refresh: { result: string; changes: Record<string, number> };
  destroy: { result: string; policies: string[]; diskPolicies: string[] };
  providerCalls: string[];
}

let project: string;

beforeAll(
  async () => {
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "packed-tarball-"));
    project = path.join(scratch, "fresh-project");
    fs.mkdirSync(project);
    const { stdout: packed } = await run("npm", ["pack", "--json", "--pack-destination", scratch], {
      cwd: root,
    });
    const tarball = path.join(scratch, (JSON.parse(packed) as { filename: string }[])[0].filename);
    const sdkVersion = JSON.parse(
      fs.readFileSync(path.join(root, "node_modules", "@pulumi", "pulumi", "package.json"), "utf8"),
    ).version;
    fs.writeFileSync(
      path.join(project, "package.json"),
      JSON.stringify({ name: "fresh-project", private: true }),
    );
    await run(
      "npm",
      ["install", "--no-audit", "--no-fund", "--prefer-offline", tarball, `@pulumi/pulumi@${sdkVersion}`],
      { cwd: project },
    );
    fs.writeFileSync(path.join(project, "deploy.js"), DEPLOY_SCRIPT);
  },
  10 * 60 * 1000,
);

afterAll(() => {
  if (project) fs.rmSync(path.dirname(project), { recursive: true, force: true });
});

/** Runs deploy.js in an account of `policiesPerDisk`, on its own file backend. */
async function deploy(policiesPerDisk: number): Promise<Report> {
  const backend = path.join(path.dirname(project), `backend-${policiesPerDisk}`);
  fs.mkdirSync(backend);
  const cli = await findPulumiCli();
  const { stdout } = await run(process.execPath, ["deploy.js", String(policiesPerDisk)], {
    cwd: project,
    env: {
      ...process.env,
      PULUMI_CLI_ROOT: path.dirname(path.dirname(cli.command)),
      PULUMI_BACKEND_URL: `file://${backend}`,
      PULUMI_CONFIG_PASSPHRASE: "packed-tarball-test",
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      PATH: `${path.join(project, "node_modules", "@pulumi", "pulumi")}${path.delimiter}${process.env.PATH ?? ""}`,
    },
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(stdout.trim().split("\n").pop() ?? "{}") as Report;
}

describe.each(ACCOUNT_KINDS)("an account of %i policies per disk", (policiesPerDisk) => {
  let report: Report;

  beforeAll(
    async () => {
      report = await deploy(policiesPerDisk);
    },
    5 * 60 * 1000,
  );

  test("the installed package, its emulator and the SDK resolve inside the fresh project", () => {
    expect(project.startsWith(root)).toBe(false);
    for (const resolved of Object.values(report.resolved)) {
      expect(resolved.startsWith(path.join(project, "node_modules"))).toBe(true);
    }
  });

  test("up creates the policy and attaches the disks", () => {
    expect(report.up.changes).toEqual({ create: 3 });
    expect(report.up.policies).toEqual([report.up.outputs.policyId]);
    expect(report.up.diskPolicies).toEqual([report.up.outputs.policyId, report.up.outputs.policyId]);
    expect(report.up.outputs.diskIds).toEqual(["d-packed000001", "d-packed000002"]);
  });

  test("refresh reads both resources back and finds nothing changed", () => {
    expect(report.refresh.result).toBe("succeeded");
    expect(report.refresh.changes).toEqual({ same: 3 });
  });

  test("destroy deletes the policy and cancels it on the disks", () => {
    expect(report.destroy.result).toBe("succeeded");
    expect(report.destroy.policies).toEqual([]);
    expect(report.destroy.diskPolicies).toEqual(["", ""]);
    expect(report.providerCalls).toEqual(
      expect.arrayContaining([
        "CreateAutoSnapshotPolicy",
        "ApplyAutoSnapshotPolicy",
        "DeleteAutoSnapshotPolicy",
      ]),
    );
  });
});
