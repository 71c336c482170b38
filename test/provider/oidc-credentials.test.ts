import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as https from "node:https";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import type * as tlsTypes from "node:tls";
import { autoSnapshotPolicyProvider as provider } from "../../provider";
import { POLICIES_PER_DISK_CONFIG_KEY } from "../../provider/ecs/account";
import { ACCOUNT_KINDS, providerConfig, REGION } from "../support/local-ecs";
import { useLocalEcs } from "../support/use-local-ecs";

/*
 * GitHub Actions OIDC, as examples/github-actions/ uses it: with no access key anywhere, the provider's
 * client falls back to the @alicloud/credentials default chain, which reads ALIBABA_CLOUD_ROLE_ARN,
 * ALIBABA_CLOUD_OIDC_PROVIDER_ARN and ALIBABA_CLOUD_OIDC_TOKEN_FILE, trades the token for STS
 * credentials with AssumeRoleWithOIDC at https://sts.aliyuncs.com, and signs ECS calls with them.
 *
 * The STS stand-in is an HTTPS server on 127.0.0.1 with a certificate for sts.aliyuncs.com made for
 * the test. The chain has no setting for its STS endpoint, so for the length of the test the connection
 * to sts.aliyuncs.com:443 (and only that one) is sent to the stand-in and trusts its certificate: a
 * hosts-file entry, in effect. The request, its TLS, the chain and the ECS signature are all real.
 */

const STS_HOST = "sts.aliyuncs.com";
const ROLE_ARN = "acs:ram::1234567890123456:role/github-backups";
const OIDC_PROVIDER_ARN = "acs:ram::1234567890123456:oidc-provider/github";
const OIDC_TOKEN = "eyJhbGciOiJSUzI1NiJ9.github-actions-token.signature";
const STS_KEY = { accessKeyId: "STS.NUgYrLnoC37mZZCNnAbez", accessKeySecret: "sts-secret-from-the-stand-in" };
const SECURITY_TOKEN = "CAIS-security-token-from-the-stand-in";
const CHAIN_ENV = [
  "ALIBABA_CLOUD_ACCESS_KEY_ID",
  "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
  "ALIBABA_CLOUD_SECURITY_TOKEN",
  "ALICLOUD_ACCESS_KEY",
  "ALICLOUD_SECRET_KEY",
  "ALIBABA_CLOUD_ROLE_ARN",
  "ALIBABA_CLOUD_OIDC_PROVIDER_ARN",
  "ALIBABA_CLOUD_OIDC_TOKEN_FILE",
  "ALIBABA_CLOUD_ROLE_SESSION_NAME",
  "ALIBABA_CLOUD_STS_REGION",
  "ALIBABA_CLOUD_PROFILE",
  "ALIBABA_CLOUD_CONFIG_FILE",
  "ALIBABA_CLOUD_CREDENTIALS_FILE",
  "ALIBABA_CLOUD_ECS_METADATA",
  "ALIBABA_CLOUD_CREDENTIALS_URI",
];

interface StsRequest {
  action: string | null;
  form: URLSearchParams;
}

let dir: string;
let sts: https.Server;
let stsPort: number;
let certificate: string;
const stsRequests: StsRequest[] = [];
const savedEnv: Record<string, string | undefined> = {};
// The module object itself (not an import namespace), so that its connect can be replaced and restored.
const tls: typeof tlsTypes = require("node:tls");
const realTlsConnect = tls.connect;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "oidc-"));
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-keyout",
      path.join(dir, "key.pem"),
      "-out",
      path.join(dir, "cert.pem"),
      "-days",
      "1",
      "-subj",
      `/CN=${STS_HOST}`,
      "-addext",
      `subjectAltName=DNS:${STS_HOST}`,
    ],
    { stdio: "ignore" },
  );
  certificate = fs.readFileSync(path.join(dir, "cert.pem"), "utf8");
  sts = https.createServer(
    { key: fs.readFileSync(path.join(dir, "key.pem")), cert: certificate },
    (req, res) => {
      let body = "";
      req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
      req.on("end", () => {
        const url = new URL(req.url ?? "/", `https://${STS_HOST}`);
        const form = new URLSearchParams(body);
        stsRequests.push({ action: url.searchParams.get("Action"), form });
        const trusted =
          url.searchParams.get("Action") === "AssumeRoleWithOIDC" &&
          form.get("OIDCToken") === OIDC_TOKEN &&
          form.get("RoleArn") === ROLE_ARN &&
          form.get("OIDCProviderArn") === OIDC_PROVIDER_ARN;
        res.writeHead(trusted ? 200 : 400, { "content-type": "application/json" });
        res.end(
          JSON.stringify(
            trusted
              ? {
                  RequestId: "3D57EAD2-8723-1F26-B69C-F8707D8B565D",
                  Credentials: {
                    ...{ AccessKeyId: STS_KEY.accessKeyId, AccessKeySecret: STS_KEY.accessKeySecret },
                    SecurityToken: SECURITY_TOKEN,
                    Expiration: new Date(Date.now() + 3600_000).toISOString().replace(/\.\d+Z$/, "Z"),
                  },
                }
              : { RequestId: "x", Code: "AuthenticationFail.OIDCToken.Invalid", Message: "untrusted token" },
          ),
        );
      });
    },
  );
  await new Promise<void>((resolve) => sts.listen(0, "127.0.0.1", resolve));
  stsPort = (sts.address() as AddressInfo).port;
  tls.connect = ((...args: Parameters<typeof tls.connect>) => {
    const [options] = args;
    if (
      typeof options === "object" &&
      options !== null &&
      (options as tlsTypes.ConnectionOptions).host === STS_HOST
    ) {
      const connection = options as tlsTypes.ConnectionOptions;
      return realTlsConnect({
        ...connection,
        host: "127.0.0.1",
        port: stsPort,
        servername: STS_HOST,
        ca: certificate,
      });
    }
    return (realTlsConnect as (...a: unknown[]) => tlsTypes.TLSSocket)(...args);
  }) as typeof tls.connect;

  fs.writeFileSync(path.join(dir, "token"), OIDC_TOKEN);
  for (const name of CHAIN_ENV) {
    savedEnv[name] = process.env[name];
    delete process.env[name];
  }
  Object.assign(process.env, {
    ALIBABA_CLOUD_ROLE_ARN: ROLE_ARN,
    ALIBABA_CLOUD_OIDC_PROVIDER_ARN: OIDC_PROVIDER_ARN,
    ALIBABA_CLOUD_OIDC_TOKEN_FILE: path.join(dir, "token"),
    ALIBABA_CLOUD_ROLE_SESSION_NAME: "github-actions",
    // No CLI profile or credentials file on the machine can take the place of OIDC.
    ALIBABA_CLOUD_CONFIG_FILE: path.join(dir, "no-cli-config.json"),
    ALIBABA_CLOUD_CREDENTIALS_FILE: path.join(dir, "no-credentials"),
  });
});

afterAll(async () => {
  tls.connect = realTlsConnect;
  for (const name of CHAIN_ENV) {
    if (savedEnv[name] === undefined) delete process.env[name];
    else process.env[name] = savedEnv[name];
  }
  await new Promise((resolve) => sts?.close(resolve));
  fs.rmSync(dir, { recursive: true, force: true });
});

describe.each(ACCOUNT_KINDS)("in an account of %i policies per disk", (policiesPerDisk) => {
  // ecs-local accepts only the stand-in's STS key.
  const local = useLocalEcs({ credentials: [STS_KEY], policiesPerDisk });

  beforeAll(async () => {
    stsRequests.length = 0;
    // Region, endpoint and account kind from the stack config; no key in it.
    await provider.configure!({
      config: providerConfig({
        "alicloud:region": REGION,
        "alicloud:ecsEndpoint": local.emulator.url,
        [POLICIES_PER_DISK_CONFIG_KEY]: String(policiesPerDisk),
      }),
    });
  });

  test("the provider trades the GitHub OIDC token for STS credentials and signs ECS calls with them", async () => {
    const checked = await provider.check!({}, { timePoints: [2], repeatWeekdays: [1], retentionDays: 7 });
    expect(checked.failures ?? []).toEqual([]);
    const { id } = await provider.create({ ...checked.inputs, __provider: "serialized-provider" });
    expect(id).toMatch(/^sp-/);

    expect(stsRequests.length).toBeGreaterThanOrEqual(1);
    const [exchange] = stsRequests;
    expect(exchange.action).toBe("AssumeRoleWithOIDC");
    expect(exchange.form.get("OIDCToken")).toBe(OIDC_TOKEN);
    expect(exchange.form.get("RoleArn")).toBe(ROLE_ARN);
    expect(exchange.form.get("OIDCProviderArn")).toBe(OIDC_PROVIDER_ARN);
    expect(exchange.form.get("RoleSessionName")).toBe("github-actions");

    // ecs-local only accepts the stand-in's key, so every call it answered was signed with the STS credentials.
    const calls = local.emulator.requests.filter((request) => request.status === 200);
    expect(calls.map((request) => request.action)).toContain("CreateAutoSnapshotPolicy");
    expect(
      local.emulator.requests.every((request) => request.params.AccessKeyId === STS_KEY.accessKeyId),
    ).toBe(true);
    expect(local.emulator.requests.every((request) => request.status === 200)).toBe(true);
  });
});
