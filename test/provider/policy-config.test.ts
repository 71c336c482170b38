import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { autoSnapshotPolicyProvider as provider } from "../../provider";
import { POLICIES_PER_DISK_CONFIG_KEY } from "../../provider/ecs/account";
import { ACCOUNT_KINDS, REGION, providerConfig } from "../support/local-ecs";
import { useLocalEcs } from "../support/use-local-ecs";

/*
 * The provider configured as a stack that also uses @pulumi/alicloud would configure it, against the
 * local ECS endpoint through the real pop-core client (and @alicloud/credentials where it delegates).
 */

const declared = { timePoints: [1], repeatWeekdays: [1], retentionDays: 7 };

let scratch: string;
const savedEnvironment = { ...process.env };

beforeAll(() => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), "policy-config-"));
  for (const name of Object.keys(process.env)) {
    if (/^(ALIBABA_CLOUD|ALICLOUD)_/.test(name)) delete process.env[name];
  }
});

afterAll(() => {
  process.env = savedEnvironment;
  fs.rmSync(scratch, { recursive: true, force: true });
});

describe.each(ACCOUNT_KINDS)("in an account of %i policies per disk", (policiesPerDisk) => {
  const local = useLocalEcs({ policiesPerDisk });
  /** The account kind, stated in the stack config as for any provider of this package. */
  const accountKind = () => ({ [POLICIES_PER_DISK_CONFIG_KEY]: String(local.emulator.policiesPerDisk) });

  async function createWith(config: Record<string, string>): Promise<string> {
    await provider.configure!({
      config: providerConfig({ "alicloud:region": REGION, ...accountKind(), ...config }),
    });
    const checked = await provider.check!({}, declared);
    expect(checked.failures).toEqual([]);
    return (await provider.create(checked.inputs)).id;
  }

  const keyPair = () => ({
    "alicloud:accessKey": local.emulator.accessKeyId,
    "alicloud:secretKey": local.emulator.accessKeySecret,
  });
  const endpoints = () => JSON.stringify([{ ecs: local.emulator.url }]);

  test("alicloud:endpoints points the provider at the endpoint, without alicloud:ecsEndpoint", async () => {
    const before = local.emulator.requests.length;
    const id = await createWith({ ...keyPair(), "alicloud:endpoints": endpoints() });
    expect(id).toMatch(/^sp-/);
    expect(local.emulator.requests.slice(before).map((request) => request.action)).toEqual([
      "DescribeAutoSnapshotPolicyEx", // by client token: a policy an earlier, failed run created
      "CreateAutoSnapshotPolicy",
      "DescribeAutoSnapshotPolicyEx",
    ]);
  });

  test("the deprecated alicloud:ecsEndpoint is still read", async () => {
    expect(await createWith({ ...keyPair(), "alicloud:ecsEndpoint": local.emulator.url })).toMatch(/^sp-/);
  });

  describe("alicloud:sharedCredentialsFile and alicloud:profile, through @alicloud/credentials", () => {
    let file: string;
    beforeAll(() => {
      file = path.join(scratch, "aliyun-config.json");
      const profile = (name: string, secret: string) => ({
        name,
        mode: "AK",
        access_key_id: local.emulator.accessKeyId,
        access_key_secret: secret,
      });
      const config = {
        current: "deploy",
        profiles: [profile("deploy", local.emulator.accessKeySecret), profile("stale", "not-the-secret")],
      };
      fs.writeFileSync(file, JSON.stringify(config));
    });

    test("the file's current profile signs the requests", async () => {
      const id = await createWith({
        "alicloud:endpoints": endpoints(),
        "alicloud:sharedCredentialsFile": file,
      });
      expect(id).toMatch(/^sp-/);
    });

    test("alicloud:profile picks another profile of the file", async () => {
      const config = { "alicloud:endpoints": endpoints(), "alicloud:sharedCredentialsFile": file };
      await expect(createWith({ ...config, "alicloud:profile": "stale" })).rejects.toThrow(
        /SignatureDoesNotMatch/,
      );
    });

    test("a profile that is not in the file fails naming it", async () => {
      const config = { "alicloud:endpoints": endpoints(), "alicloud:sharedCredentialsFile": file };
      await expect(createWith({ ...config, "alicloud:profile": "missing" })).rejects.toThrow(
        `alicloud:profile: no profile "missing" in ${file}`,
      );
    });

    test("a key pair in the stack config wins over the profile", async () => {
      const config = {
        ...keyPair(),
        "alicloud:endpoints": endpoints(),
        "alicloud:sharedCredentialsFile": file,
      };
      expect(await createWith({ ...config, "alicloud:profile": "stale" })).toMatch(/^sp-/);
    });
  });

  test("alicloud-snapshot-policy:maxAttempts bounds the attempts of a failing call", async () => {
    const id = await createWith({ ...keyPair(), "alicloud:endpoints": endpoints() });
    await provider.configure!({
      config: providerConfig({
        ...keyPair(),
        ...accountKind(),
        "alicloud:region": REGION,
        "alicloud:endpoints": endpoints(),
        "alicloud-snapshot-policy:maxAttempts": "2",
      }),
    });
    local.emulator.addFault({
      action: "DescribeAutoSnapshotPolicyEx",
      times: 5,
      code: "ServiceUnavailable",
      status: 503,
    });
    const before = local.emulator.requests.length;
    await expect(provider.read!(id, { regionId: REGION })).rejects.toThrow(
      /after 2 attempts: 503 ServiceUnavailable/,
    );
    expect(local.emulator.requests.slice(before).map((request) => request.action)).toEqual([
      "DescribeAutoSnapshotPolicyEx",
      "DescribeAutoSnapshotPolicyEx",
    ]);
    local.emulator.clearFaults();
  });
});
