import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { autoSnapshotPolicyProvider } from "../../provider";
import { serializeProvider } from "../support/provider-host";
import { ACCOUNT_KINDS, providerConfig, stackConfig } from "../support/local-ecs";
import { useLocalEcs } from "../support/use-local-ecs";

/*
 * The provider as the engine stores it: serialized into state. It must carry no credential, and it
 * must work when deserialized in a fresh Node process (the engine's provider host), where it finds its
 * implementation in the built package (dist/; `npm test` builds it first).
 */

const REPO_ROOT = path.resolve(__dirname, "../..");
const ENV_KEY_ID = "LTAI-env-key-id-sentinel";
const ENV_SECRET = "env-secret-sentinel-value";
const CONFIG_KEY_ID = "LTAI-config-key-id-sentinel";
const CONFIG_SECRET = "config-secret-sentinel-value";

const savedEnvironment = { ...process.env };

afterAll(() => {
  process.env = savedEnvironment;
});

test("the serialized provider carries no credential, even when they are set while it is serialized", async () => {
  process.env.ALIBABA_CLOUD_ACCESS_KEY_ID = ENV_KEY_ID;
  process.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET = ENV_SECRET;
  const config = providerConfig({
    "alicloud:accessKey": CONFIG_KEY_ID,
    "alicloud:secretKey": CONFIG_SECRET,
    "alicloud:region": "cn-hangzhou",
  });
  await autoSnapshotPolicyProvider.configure!({ config });

  const text = await serializeProvider(autoSnapshotPolicyProvider);
  console.log(`serialized AutoSnapshotPolicy provider: ${Buffer.byteLength(text)} bytes`);
  for (const secret of [ENV_KEY_ID, ENV_SECRET, CONFIG_KEY_ID, CONFIG_SECRET]) {
    expect(text).not.toContain(secret);
  }
  expect(text).toContain("alicloud-snapshot-policy/runtime");
});

/** Runs `script` in a fresh `node -e` with cwd = the repo root, as the engine's provider host runs. */
function runFreshNode(
  script: string,
  input: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["-e", script], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? "", ALIBABA_CLOUD_ECS_MAX_ATTEMPTS: "3" },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.once("error", reject);
    child.once("exit", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

const FRESH_PROCESS_SCRIPT = `
let input = "";
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", async () => {
  const { text, config, news } = JSON.parse(input);
  const provider = require("require-from-string")(text).handler();
  await provider.configure({ config: { get: (key) => config[key] } });
  const checked = await provider.check({}, { ...news, __provider: text });
  const created = await provider.create({ ...checked.inputs, __provider: text });
  console.log(JSON.stringify({ failures: checked.failures, id: created.id, outs: created.outs }));
});
`;

describe.each(ACCOUNT_KINDS)("in an account of %i policies per disk", (policiesPerDisk) => {
  const local = useLocalEcs({ policiesPerDisk });

  test("deserialized in a fresh Node process, the provider checks and creates against the endpoint", async () => {
    const built = path.join(REPO_ROOT, "dist/provider/runtime.js");
    if (!fs.existsSync(built))
      throw new Error(`${built} is missing: run npm run build (npm test does) first`);

    const config = stackConfig(local.emulator);
    const news = { timePoints: ["13", 1], repeatWeekdays: [1], retentionDays: 7, tags: { team: "storage" } };
    const text = await serializeProvider(autoSnapshotPolicyProvider);
    const { code, stdout, stderr } = await runFreshNode(
      FRESH_PROCESS_SCRIPT,
      JSON.stringify({ text, config, news }),
    );
    expect({ code, stderr }).toEqual({ code: 0, stderr: "" });

    const result = JSON.parse(stdout.trim().split("\n").pop() as string);
    expect(result.failures).toEqual([]);
    expect(result.id).toMatch(/^sp-/);
    expect(result.outs).toMatchObject({
      autoSnapshotPolicyId: result.id,
      regionId: "cn-hangzhou",
      timePoints: [1, 13],
      tags: { team: "storage" },
      adopted: false,
    });
    expect(local.emulator.requests.map((request) => request.action)).toEqual([
      "DescribeAutoSnapshotPolicyEx", // by client token: a policy an earlier, failed run created
      "CreateAutoSnapshotPolicy",
      "DescribeAutoSnapshotPolicyEx",
    ]);
  });
});
