import * as crypto from "node:crypto";
import openApiUtils from "@alicloud/openapi-core/dist/utils";
import { startEcsEmulator, type EcsEmulator } from "../../emulator";
import { NonceCache } from "../../emulator/signature";
import { type Caller, ecsCaller, popCoreCaller } from "../support/ecs-clients";
import { useLocalEcs } from "../support/use-local-ecs";

const REGION = "cn-hangzhou";
const DESCRIBE = { RegionId: REGION };

const local = useLocalEcs({
  credentials: [
    { accessKeyId: "LTAI-test-one", accessKeySecret: "secret-one" },
    { accessKeyId: "LTAI-test-two", accessKeySecret: "secret-two" },
  ],
});
let emulator: EcsEmulator;
beforeAll(() => {
  emulator = local.emulator;
});
afterEach(() => jest.restoreAllMocks());

function iso(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Signature v1 written out by hand, to send requests the clients never would (old stamps, replays). */
function signedV1Body(params: Record<string, string>, secret: string): string {
  const encode = (text: string) =>
    encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const canonical = Object.keys(params)
    .sort()
    .map((name) => `${encode(name)}=${encode(params[name])}`)
    .join("&");
  const signature = crypto
    .createHmac("sha1", `${secret}&`)
    .update(`POST&%2F&${encode(canonical)}`)
    .digest("base64");
  return `${canonical}&Signature=${encode(signature)}`;
}

function v1Params(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    Action: "DescribeRegions",
    Version: "2014-05-26",
    Format: "JSON",
    AccessKeyId: "LTAI-test-one",
    SignatureMethod: "HMAC-SHA1",
    SignatureVersion: "1.0",
    SignatureNonce: crypto.randomUUID(),
    Timestamp: iso(new Date()),
    ...overrides,
  };
}

async function post(body: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${emulator.url}/`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const MINUTE = 60 * 1000;

describe.each<[string, (keys: { accessKeyId: string; accessKeySecret: string }) => Caller]>([
  ["pop-core", (keys) => popCoreCaller(emulator, "POST", keys)],
  ["ecs20140526", (keys) => ecsCaller(emulator, keys)],
])("%s", (_client, makeCaller) => {
  test("every configured key pair is accepted", async () => {
    for (const keys of [
      { accessKeyId: "LTAI-test-one", accessKeySecret: "secret-one" },
      { accessKeyId: "LTAI-test-two", accessKeySecret: "secret-two" },
    ]) {
      expect((await makeCaller(keys)("DescribeAutoSnapshotPolicyEx", DESCRIBE)).status).toBe(200);
    }
  });

  test("a wrong secret answers 400 SignatureDoesNotMatch without echoing any secret", async () => {
    const answer = await makeCaller({ accessKeyId: "LTAI-test-one", accessKeySecret: "secret-two" })(
      "DescribeAutoSnapshotPolicyEx",
      DESCRIBE,
    );
    expect(answer).toMatchObject({
      status: 400,
      body: {
        Code: "SignatureDoesNotMatch",
        Message: "Specified signature is not matched with our calculation.",
      },
    });
    expect(JSON.stringify(answer.body)).not.toMatch(/secret-(one|two)/);
    expect(emulator.requests.at(-1)).toMatchObject({ status: 400, code: "SignatureDoesNotMatch" });
  });

  test("an unknown access key answers 404 InvalidAccessKeyId.NotFound", async () => {
    const answer = await makeCaller({ accessKeyId: "LTAI-nobody", accessKeySecret: "secret-one" })(
      "DescribeAutoSnapshotPolicyEx",
      DESCRIBE,
    );
    expect(answer).toMatchObject({
      status: 404,
      body: { Code: "InvalidAccessKeyId.NotFound", Message: "Specified access key is not found." },
    });
  });
});

describe("ACS3 replays and clocks (ecs20140526 with a patched nonce or clock)", () => {
  const call = () =>
    ecsCaller(emulator, { accessKeyId: "LTAI-test-one", accessKeySecret: "secret-one" })(
      "DescribeAutoSnapshotPolicyEx",
      DESCRIBE,
    );

  test("a reused x-acs-signature-nonce answers 400 SignatureNonceUsed", async () => {
    jest.spyOn(openApiUtils, "getNonce").mockReturnValue(crypto.randomUUID());
    expect((await call()).status).toBe(200);
    expect(await call()).toMatchObject({
      status: 400,
      body: { Code: "SignatureNonceUsed", Message: "Specified signature nonce was used already." },
    });
  });

  test.each([-16, 16])(
    "an x-acs-date %i minutes off answers 400 InvalidTimeStamp.Expired",
    async (minutes) => {
      jest.spyOn(openApiUtils, "getTimestamp").mockReturnValue(iso(new Date(Date.now() + minutes * MINUTE)));
      expect(await call()).toMatchObject({
        status: 400,
        body: { Code: "InvalidTimeStamp.Expired", Message: "Specified time stamp or date value is expired." },
      });
    },
  );

  test("an x-acs-date 14 minutes behind is still accepted", async () => {
    jest.spyOn(openApiUtils, "getTimestamp").mockReturnValue(iso(new Date(Date.now() - 14 * MINUTE)));
    expect((await call()).status).toBe(200);
  });
});

describe("signature v1 requests written by hand", () => {
  test("the hand-written signer is accepted", async () => {
    expect((await post(signedV1Body(v1Params(), "secret-one"))).status).toBe(200);
  });

  test("a replayed request answers 400 SignatureNonceUsed", async () => {
    const body = signedV1Body(v1Params(), "secret-one");
    expect((await post(body)).status).toBe(200);
    expect(await post(body)).toMatchObject({ status: 400, body: { Code: "SignatureNonceUsed" } });
  });

  test.each([
    ["16 minutes old", () => iso(new Date(Date.now() - 16 * MINUTE)), "InvalidTimeStamp.Expired"],
    ["16 minutes ahead", () => iso(new Date(Date.now() + 16 * MINUTE)), "InvalidTimeStamp.Expired"],
    ["not a time", () => "yesterday", "InvalidTimeStamp.Format"],
  ])("a Timestamp %s is refused", async (_name, timestamp, code) => {
    const answer = await post(signedV1Body(v1Params({ Timestamp: timestamp() }), "secret-one"));
    expect(answer).toMatchObject({ status: 400, body: { Code: code } });
  });

  test("a parameter changed after signing answers SignatureDoesNotMatch", async () => {
    const body = signedV1Body(v1Params({ RegionId: REGION }), "secret-one").replace(
      "cn-hangzhou",
      "cn-shanghai",
    );
    expect(await post(body)).toMatchObject({ status: 400, body: { Code: "SignatureDoesNotMatch" } });
  });

  test("a request without a signature answers 400 MissingParameter", async () => {
    const answer = await post("Action=DescribeRegions&Version=2014-05-26&Format=JSON");
    expect(answer).toMatchObject({ status: 400, body: { Code: "MissingParameter" } });
  });
});

test("nonces are forgotten once no request carrying them can be accepted", () => {
  const nonces = new NonceCache();
  const start = Date.now();
  expect(nonces.use("a", start)).toBe(true);
  expect(nonces.use("a", start + 29 * MINUTE)).toBe(false);
  expect(nonces.use("b", start + 31 * MINUTE)).toBe(true);
  expect(nonces.size).toBe(1);
  expect(nonces.use("a", start + 31 * MINUTE)).toBe(true);
});

test("generated credentials are a LTAI-local key pair", async () => {
  const generated = await startEcsEmulator();
  try {
    expect(generated.accessKeyId).toMatch(/^LTAI-local-[0-9a-f]{16}$/);
    expect(generated.accessKeySecret.length).toBeGreaterThanOrEqual(30);
    expect((await popCoreCaller(generated)("DescribeRegions", {})).status).toBe(200);
  } finally {
    await generated.close();
  }
});
