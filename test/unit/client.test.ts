import { EcsApiError } from "../../provider/ecs/errors";
import { scrubSecrets } from "../../provider/ecs/redact";
import { backoffDelayMs } from "../../provider/ecs/retry";
import { EcsParams, repeated, toWireParams } from "../../provider/ecs/wire";
import {
  DEFAULT_ECS_ENDPOINT,
  defaultRegion,
  EcsCredentialsProvider,
  resolveSettings,
  setStackConfig,
} from "../../provider/config";

describe("toWireParams", () => {
  const cases: [string, EcsParams, Record<string, string>][] = [
    ["strings pass through", { regionId: "cn-hangzhou" }, { regionId: "cn-hangzhou" }],
    ["numbers become text", { retentionDays: -1, PageSize: 100 }, { retentionDays: "-1", PageSize: "100" }],
    [
      "booleans become true/false",
      { EnableCrossRegionCopy: true, DryRun: false },
      { EnableCrossRegionCopy: "true", DryRun: "false" },
    ],
    ["undefined and null are dropped", { a: undefined, b: null, c: "x" }, { c: "x" }],
    ["lists of numbers become JSON lists of strings", { timePoints: [1, 13] }, { timePoints: '["1","13"]' }],
    ["lists of strings become JSON lists", { diskIds: ["d-1", "d-2"] }, { diskIds: '["d-1","d-2"]' }],
    ["empty lists are dropped", { diskIds: [], Tag: [] }, {}],
    [
      "lists of objects are numbered from 1",
      {
        Tag: [
          { Key: "env", Value: "prod" },
          { Key: "team", Value: "" },
        ],
      },
      { "Tag.1.Key": "env", "Tag.1.Value": "prod", "Tag.2.Key": "team", "Tag.2.Value": "" },
    ],
    [
      "objects are flattened with dots",
      { CopyEncryptionConfiguration: { Encrypted: true, KMSKeyId: "key-1" } },
      { "CopyEncryptionConfiguration.Encrypted": "true", "CopyEncryptionConfiguration.KMSKeyId": "key-1" },
    ],
    [
      "undefined fields inside objects are dropped",
      { CopyEncryptionConfiguration: { Encrypted: false, KMSKeyId: undefined } },
      { "CopyEncryptionConfiguration.Encrypted": "false" },
    ],
    [
      "repeated lists are numbered from 1",
      { ResourceId: repeated(["sp-1", "sp-2"]) },
      { "ResourceId.1": "sp-1", "ResourceId.2": "sp-2" },
    ],
    ["an empty repeated list sends nothing", { ResourceId: repeated([]) }, {}],
  ];

  test.each(cases)("%s", (_name, params, wire) => {
    expect(toWireParams(params)).toEqual(wire);
  });
});

describe("backoffDelayMs", () => {
  const base = { baseDelayMs: 200, maxDelayMs: 5000 };

  test.each([
    [0, 200],
    [1, 400],
    [3, 1600],
    [5, 5000],
    [20, 5000],
  ])("retry %i stays within [0, %i)", (retry, ceiling) => {
    expect(backoffDelayMs(retry, { ...base, random: () => 0 })).toBe(0);
    expect(backoffDelayMs(retry, { ...base, random: () => 0.5 })).toBe(ceiling / 2);
    expect(backoffDelayMs(retry, { ...base, random: () => 0.999999 })).toBeLessThan(ceiling);
  });
});

describe("EcsApiError", () => {
  test("formats the service's answer", () => {
    const error = new EcsApiError({
      action: "CreateAutoSnapshotPolicy",
      status: 403,
      code: "AutoSnapshotPolicy.QuotaExceed",
      serviceMessage: "The maximum number of automatic snapshot policy has been reached.",
      requestId: "473469C7-AA6F-4DC5-B3DB-A3DC0DE3C83E",
      retryable: false,
      attempts: 1,
    });
    const expected =
      "CreateAutoSnapshotPolicy failed: 403 AutoSnapshotPolicy.QuotaExceed: The maximum number of automatic " +
      "snapshot policy has been reached. (RequestId 473469C7-AA6F-4DC5-B3DB-A3DC0DE3C83E)";
    expect(error.message).toBe(expected);
    expect(String(error)).toBe(expected);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("EcsApiError");
  });

  test("names the action and the attempts when no answer came", () => {
    const error = new EcsApiError({
      action: "ApplyAutoSnapshotPolicy",
      code: "NetworkError",
      serviceMessage: "socket hang up",
      retryable: true,
      attempts: 5,
    });
    expect(error.message).toBe(
      "ApplyAutoSnapshotPolicy failed after 5 attempts: NetworkError: socket hang up",
    );
  });
});

describe("scrubSecrets", () => {
  const secret = "s3cr3t/value+x=";
  const token = "CAIS-token/abc+def";

  test.each([
    ["the raw secret", `secret is ${secret}`],
    ["the encoded secret", `key=${encodeURIComponent(secret)}&`],
    ["the doubly encoded token", `string to sign: ${encodeURIComponent(encodeURIComponent(token))}`],
    ["a Signature parameter", "POST http://x/?Signature=abc%2Bdef%3D&Action=Describe"],
    [
      "a SecurityToken parameter in a string to sign",
      "AccessKeyId%3Did%26SecurityToken%3Dunknown-token%26Timestamp",
    ],
    ["an AccessKeySecret JSON field", '{"AccessKeySecret":"unknown-secret","AccessKeyId":"id"}'],
  ])("removes %s", (_name, text) => {
    const scrubbed = scrubSecrets(text, [secret, token, undefined]);
    for (const leaked of [secret, token, "abc%2Bdef", "unknown-token", "unknown-secret"]) {
      expect(scrubbed).not.toContain(leaked);
    }
    expect(scrubbed).toContain("***");
  });

  test("keeps what is not secret", () => {
    const text = "AccessKeyId%3Did%26SecurityToken%3Dtok%26Timestamp%3D2024";
    expect(scrubSecrets(text, [])).toBe("AccessKeyId%3Did%26SecurityToken%3D***%26Timestamp%3D2024");
  });
});

describe("settings", () => {
  const ENVIRONMENT = [
    "ALIBABA_CLOUD_ACCESS_KEY_ID",
    "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
    "ALIBABA_CLOUD_SECURITY_TOKEN",
    "ALIBABA_CLOUD_REGION_ID",
    "ALIBABA_CLOUD_ECS_ENDPOINT",
    "ALICLOUD_ACCESS_KEY",
    "ALICLOUD_SECRET_KEY",
    "ALICLOUD_SECURITY_TOKEN",
    "ALICLOUD_REGION",
    "ALICLOUD_ECS_ENDPOINT",
    "ALIBABA_CLOUD_ECS_MAX_ATTEMPTS",
    "ALIBABA_CLOUD_ECS_TIMEOUT_MS",
  ];
  const saved = Object.fromEntries(ENVIRONMENT.map((name) => [name, process.env[name]]));

  function stackConfig(values: Record<string, string>) {
    setStackConfig({ get: (key) => values[key] });
  }

  beforeEach(() => {
    for (const name of ENVIRONMENT) delete process.env[name];
    stackConfig({});
  });

  afterEach(() => {
    jest.dontMock("@alicloud/credentials");
    jest.resetModules();
    for (const name of ENVIRONMENT) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  });

  const aliases = () =>
    Object.assign(process.env, {
      ALICLOUD_ACCESS_KEY: "alias-id",
      ALICLOUD_SECRET_KEY: "alias-secret",
      ALICLOUD_SECURITY_TOKEN: "alias-token",
      ALICLOUD_REGION: "cn-beijing",
      ALICLOUD_ECS_ENDPOINT: "http://alias.example",
    });
  const environment = () =>
    Object.assign(process.env, {
      ALIBABA_CLOUD_ACCESS_KEY_ID: "env-id",
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: "env-secret",
      ALIBABA_CLOUD_REGION_ID: "cn-shanghai",
      ALIBABA_CLOUD_ECS_ENDPOINT: "http://env.example",
    });

  test("the alias environment is used when nothing else is set", async () => {
    aliases();
    expect(await resolveSettings()).toEqual({
      endpoint: "http://alias.example",
      regionId: "cn-beijing",
      credentials: { accessKeyId: "alias-id", accessKeySecret: "alias-secret", securityToken: "alias-token" },
    });
  });

  test("the environment wins over its aliases, and a key pair keeps its own token", async () => {
    aliases();
    environment();
    expect(await resolveSettings()).toEqual({
      endpoint: "http://env.example",
      regionId: "cn-shanghai",
      credentials: { accessKeyId: "env-id", accessKeySecret: "env-secret" },
    });
  });

  test("stack config wins over the environment", async () => {
    aliases();
    environment();
    stackConfig({
      "alicloud:accessKey": "config-id",
      "alicloud:secretKey": "config-secret",
      "alicloud:securityToken": "config-token",
      "alicloud:region": "ap-southeast-1",
      "alicloud:ecsEndpoint": "http://config.example",
    });
    expect(await resolveSettings()).toEqual({
      endpoint: "http://config.example",
      regionId: "ap-southeast-1",
      credentials: {
        accessKeyId: "config-id",
        accessKeySecret: "config-secret",
        securityToken: "config-token",
      },
    });
  });

  test("region and endpoint fall through independently of the credentials", async () => {
    environment();
    stackConfig({ "alicloud:accessKey": "config-id", "alicloud:secretKey": "config-secret" });
    const settings = await resolveSettings();
    expect(settings.credentials).toEqual({ accessKeyId: "config-id", accessKeySecret: "config-secret" });
    expect(settings.regionId).toBe("cn-shanghai");
    expect(settings.endpoint).toBe("http://env.example");
  });

  test("the endpoint defaults to the public HTTPS ECS endpoint", async () => {
    stackConfig({ "alicloud:accessKey": "id", "alicloud:secretKey": "secret" });
    expect(DEFAULT_ECS_ENDPOINT).toBe("https://ecs.aliyuncs.com");
    expect((await resolveSettings()).endpoint).toBe("https://ecs.aliyuncs.com");
  });

  test("retry knobs come from the environment", async () => {
    environment();
    process.env.ALIBABA_CLOUD_ECS_MAX_ATTEMPTS = "3";
    process.env.ALIBABA_CLOUD_ECS_TIMEOUT_MS = "2000";
    expect(await resolveSettings()).toMatchObject({ maxAttempts: 3, timeoutMs: 2000 });
    process.env.ALIBABA_CLOUD_ECS_MAX_ATTEMPTS = "many";
    await expect(resolveSettings()).rejects.toThrow(
      /ALIBABA_CLOUD_ECS_MAX_ATTEMPTS must be a positive whole number/,
    );
  });

  test("defaultRegion reads config, then the environment, then its alias", () => {
    expect(defaultRegion()).toBeUndefined();
    process.env.ALICLOUD_REGION = "cn-beijing";
    expect(defaultRegion()).toBe("cn-beijing");
    process.env.ALIBABA_CLOUD_REGION_ID = "cn-shanghai";
    expect(defaultRegion()).toBe("cn-shanghai");
    stackConfig({ "alicloud:region": "ap-southeast-1" });
    expect(defaultRegion()).toBe("ap-southeast-1");
  });

  test("settings are read when asked, not when configured once", async () => {
    stackConfig({
      "alicloud:accessKey": "id",
      "alicloud:secretKey": "secret",
      "alicloud:region": "cn-hangzhou",
    });
    expect(defaultRegion()).toBe("cn-hangzhou");
    stackConfig({ "alicloud:accessKey": "id", "alicloud:secretKey": "secret" });
    expect(defaultRegion()).toBeUndefined();
  });

  test("falls back to the default credential chain, whose credentials are fetched per request", async () => {
    let issued = 0;
    jest.doMock("@alicloud/credentials", () => ({
      default: class {
        async getCredential() {
          issued += 1;
          return { accessKeyId: "chain-id", accessKeySecret: `chain-secret-${issued}`, securityToken: "sts" };
        }
      },
    }));
    const settings = await resolveSettings();
    const provider = settings.credentials as EcsCredentialsProvider;
    expect(typeof provider.getCredentials).toBe("function");
    const first = await provider.getCredentials();
    const second = await provider.getCredentials();
    expect(first).toMatchObject({ accessKeyId: "chain-id", securityToken: "sts" });
    expect(second.accessKeySecret).not.toBe(first.accessKeySecret);
  });

  test("does not load the default chain when credentials are given", async () => {
    const factory = jest.fn(() => ({ default: class {} }));
    jest.doMock("@alicloud/credentials", factory);
    environment();
    await resolveSettings();
    expect(factory).not.toHaveBeenCalled();
  });

  test("says where credentials can come from when none are found", async () => {
    jest.doMock("@alicloud/credentials", () => ({
      default: class {
        async getCredential(): Promise<never> {
          throw new Error("unable to get credentials from any of the providers in the chain");
        }
      },
    }));
    await expect(resolveSettings()).rejects.toThrow(
      /No Alibaba Cloud credentials: set alicloud:accessKey and alicloud:secretKey.*unable to get credentials/,
    );
  });
});
