import {
  credentialSource,
  DEFAULT_ECS_ENDPOINT,
  endpointUrl,
  parseAssumeRole,
  parseEndpoints,
  readStackConfig,
  resolveSettings,
  setStackConfig,
  type SettingSource,
} from "../../provider/config";

const config = (values: Record<string, unknown>) => ({ get: (key: string) => values[key] });

describe("alicloud:endpoints, as @pulumi/alicloud defines it", () => {
  test.each([
    [
      "a list with an ecs entry",
      '[{"ecs": "ecs.cn-hangzhou.aliyuncs.com"}]',
      { ecs: "ecs.cn-hangzhou.aliyuncs.com" },
    ],
    [
      "ecs and sts in one entry",
      '[{"ecs": "http://127.0.0.1:8787", "sts": "sts.aliyuncs.com"}]',
      { ecs: "http://127.0.0.1:8787", sts: "sts.aliyuncs.com" },
    ],
    ["entries for other services only", '[{"vpc": "vpc.aliyuncs.com"}]', {}],
    ["the first ecs entry wins", '[{"ecs": "first"}, {"ecs": "second"}]', { ecs: "first" }],
    ["one object instead of a list", '{"ecs": "ecs.aliyuncs.com"}', { ecs: "ecs.aliyuncs.com" }],
    ["unset", undefined, {}],
  ])("%s", (_name, text, expected) => {
    expect(parseEndpoints(text)).toStrictEqual(expected);
  });

  test.each([
    ["not JSON", "ecs=x", /^alicloud:endpoints: not JSON; a list of objects such as/],
    ["a list of strings", '["ecs.aliyuncs.com"]', /^alicloud:endpoints: a list of objects such as/],
    ["an empty ecs", '[{"ecs": ""}]', /^alicloud:endpoints: ecs must be a host name or URL/],
    ["a number", '[{"ecs": 8787}]', /^alicloud:endpoints: ecs must be a host name or URL/],
  ])("%s fails naming the key and the form", (_name, text, message) => {
    expect(() => parseEndpoints(text)).toThrow(message);
  });
});

describe("alicloud:assumeRole", () => {
  test("takes @pulumi/alicloud's fields", () => {
    const text = JSON.stringify({
      roleArn: "acs:ram::123:role/ops",
      sessionName: "deploy",
      sessionExpiration: 900,
      policy: "{}",
      externalId: "abc",
    });
    expect(parseAssumeRole(text)).toStrictEqual({
      roleArn: "acs:ram::123:role/ops",
      sessionName: "deploy",
      sessionExpiration: 900,
      policy: "{}",
      externalId: "abc",
    });
  });

  test("a sessionExpiration of 0 means the service's default", () => {
    expect(parseAssumeRole('{"roleArn": "acs:ram::1:role/r", "sessionExpiration": 0}')).toStrictEqual({
      roleArn: "acs:ram::1:role/r",
    });
  });

  test.each([
    ["not JSON", "acs:ram::1:role/r", /^alicloud:assumeRole: not JSON/],
    ["no roleArn", '{"sessionName": "x"}', /^alicloud:assumeRole: roleArn is required/],
    [
      "a sessionName that is not text",
      '{"roleArn": "acs:ram::1:role/r", "sessionName": 5}',
      /sessionName must be a string/,
    ],
    [
      "a fractional expiration",
      '{"roleArn": "acs:ram::1:role/r", "sessionExpiration": 9.5}',
      /sessionExpiration must be a whole number/,
    ],
  ])("%s fails naming the key", (_name, text, message) => {
    expect(() => parseAssumeRole(text)).toThrow(message);
  });
});

describe("the stack config keys", () => {
  test("structured values are taken as the engine passes them, as values or as JSON text", () => {
    const read = readStackConfig(
      config({
        "alicloud:endpoints": [{ ecs: "ecs.example" }],
        "alicloud:assumeRole": { roleArn: "acs:ram::1:role/r" },
        "alicloud-snapshot-policy:maxAttempts": 3,
      }),
    );
    expect(read).toStrictEqual({
      ecsEndpoint: "ecs.example",
      assumeRole: { roleArn: "acs:ram::1:role/r" },
      maxAttempts: "3",
    });
  });

  test("alicloud:endpoints wins over the deprecated alicloud:ecsEndpoint", () => {
    const read = readStackConfig(
      config({ "alicloud:endpoints": '[{"ecs": "new.example"}]', "alicloud:ecsEndpoint": "old.example" }),
    );
    expect(read.ecsEndpoint).toBe("new.example");
    expect(readStackConfig(config({ "alicloud:ecsEndpoint": "old.example" })).ecsEndpoint).toBe(
      "old.example",
    );
  });

  test("settings @pulumi/alicloud has no key for live in this package's namespace", () => {
    const read = readStackConfig(
      config({
        "alicloud-snapshot-policy:maxAttempts": "2",
        "alicloud-snapshot-policy:timeoutMs": "500",
        "alicloud:maxAttempts": "9",
      }),
    );
    expect(read).toStrictEqual({ maxAttempts: "2", timeoutMs: "500" });
  });

  test("the credential keys of @pulumi/alicloud are read", () => {
    const read = readStackConfig(
      config({
        "alicloud:profile": "ops",
        "alicloud:sharedCredentialsFile": "/etc/aliyun.json",
        "alicloud:ecsRoleName": "EcsRole",
        "alicloud:assumeRole": '{"roleArn": "acs:ram::1:role/r"}',
      }),
    );
    expect(read).toStrictEqual({
      profile: "ops",
      sharedCredentialsFile: "/etc/aliyun.json",
      ecsRoleName: "EcsRole",
      assumeRole: { roleArn: "acs:ram::1:role/r" },
    });
  });
});

describe("where the credentials come from", () => {
  const stackPair: SettingSource = { accessKey: "stack-id", secretKey: "stack-secret" };
  const environmentPair: SettingSource = {
    accessKey: "env-id",
    secretKey: "env-secret",
    securityToken: "env-token",
  };
  test.each<[string, SettingSource, SettingSource[], ReturnType<typeof credentialSource>]>([
    [
      "a key pair in the stack config first",
      { ...stackPair, ecsRoleName: "r", profile: "p" },
      [environmentPair],
      { kind: "accessKey", credentials: { accessKeyId: "stack-id", accessKeySecret: "stack-secret" } },
    ],
    [
      "then alicloud:ecsRoleName",
      { ecsRoleName: "r", profile: "p" },
      [environmentPair],
      { kind: "ecsRole", roleName: "r" },
    ],
    ["then alicloud:profile", { profile: "p" }, [environmentPair], { kind: "profile", profile: "p" }],
    [
      "or alicloud:sharedCredentialsFile",
      { sharedCredentialsFile: "/f.json" },
      [],
      { kind: "profile", file: "/f.json" },
    ],
    [
      "then a key pair in the environment",
      { accessKey: "half" },
      [{}, environmentPair],
      {
        kind: "accessKey",
        credentials: { accessKeyId: "env-id", accessKeySecret: "env-secret", securityToken: "env-token" },
      },
    ],
    ["then the default chain", {}, [{ accessKey: "only-id" }], { kind: "defaultChain" }],
  ])("%s", (_name, stack, environment, expected) => {
    expect(credentialSource(stack, environment)).toStrictEqual(expected);
  });
});

describe("the endpoint", () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
    setStackConfig(config({}));
  });

  test.each([
    [
      "a host name, as @pulumi/alicloud takes it, means HTTPS",
      "ecs-vpc.cn-hangzhou.aliyuncs.com",
      "https://ecs-vpc.cn-hangzhou.aliyuncs.com",
    ],
    ["a URL is kept", "http://127.0.0.1:8787", "http://127.0.0.1:8787"],
  ])("%s", (_name, endpoint, url) => {
    expect(endpointUrl(endpoint)).toBe(url);
  });

  test("alicloud:endpoints in the stack config wins over the environment", async () => {
    process.env.ALIBABA_CLOUD_ECS_ENDPOINT = "http://from-environment:1";
    setStackConfig(
      config({
        "alicloud:accessKey": "id",
        "alicloud:secretKey": "secret",
        "alicloud:endpoints": '[{"ecs": "ecs.cn-shanghai.aliyuncs.com"}]',
      }),
    );
    expect((await resolveSettings()).endpoint).toBe("https://ecs.cn-shanghai.aliyuncs.com");
    setStackConfig(config({ "alicloud:accessKey": "id", "alicloud:secretKey": "secret" }));
    expect((await resolveSettings()).endpoint).toBe("http://from-environment:1");
    delete process.env.ALIBABA_CLOUD_ECS_ENDPOINT;
    expect((await resolveSettings()).endpoint).toBe(DEFAULT_ECS_ENDPOINT);
  });

  test("a malformed alicloud:endpoints fails configure(), naming the key", () => {
    expect(() => setStackConfig(config({ "alicloud:endpoints": "[1]" }))).toThrow(/^alicloud:endpoints: /);
  });

  test("alicloud-snapshot-policy:maxAttempts wins over ALIBABA_CLOUD_ECS_MAX_ATTEMPTS, and is checked", async () => {
    process.env.ALIBABA_CLOUD_ECS_MAX_ATTEMPTS = "7";
    const pair = { "alicloud:accessKey": "id", "alicloud:secretKey": "secret" };
    setStackConfig(config({ ...pair, "alicloud-snapshot-policy:maxAttempts": "2" }));
    expect((await resolveSettings()).maxAttempts).toBe(2);
    setStackConfig(config(pair));
    expect((await resolveSettings()).maxAttempts).toBe(7);
    setStackConfig(config({ ...pair, "alicloud-snapshot-policy:maxAttempts": "0" }));
    await expect(resolveSettings()).rejects.toThrow(
      'alicloud-snapshot-policy:maxAttempts must be a positive whole number, got "0"',
    );
  });
});
