import * as crypto from "crypto";
import * as http from "http";
import type { AddressInfo } from "net";

import { EcsClient, EcsClientOptions } from "../../provider/ecs/client";
import { EcsApiError } from "../../provider/ecs/errors";
import { repeated } from "../../provider/ecs/wire";

const ACCESS_KEY_ID = "LTAI-test-key-id";
const ACCESS_KEY_SECRET = "test-secret/with+chars=";
const SECURITY_TOKEN = "sts-token-value/abc+def";

interface ReceivedRequest {
  method: string;
  path: string;
  params: Record<string, string>;
}

interface Answer {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Reset the connection instead of answering. */
  reset?: boolean;
  /** Never answer. */
  hang?: boolean;
}

type Responder = (request: ReceivedRequest) => Answer;

function errorBody(code: string, message: string, requestId = "473469C7-AA6F-4DC5-B3DB-A3DC0DE3C83E") {
  return { RequestId: requestId, HostId: "ecs.aliyuncs.com", Code: code, Message: message, Recommend: "" };
}

class ScriptedServer {
  readonly received: ReceivedRequest[] = [];
  private readonly server = http.createServer((req, res) => this.handle(req, res));
  private script: Responder[] = [];
  url = "";

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Each request takes the next responder; the last one repeats. */
  answer(...responders: (Responder | Answer)[]): void {
    this.script = responders.map((responder) =>
      typeof responder === "function" ? responder : () => responder,
    );
    this.received.length = 0;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      const request: ReceivedRequest = {
        method: req.method ?? "",
        path: req.url ?? "",
        params: Object.fromEntries(new URLSearchParams(body)),
      };
      this.received.push(request);
      const responder = this.script[Math.min(this.received.length - 1, this.script.length - 1)];
      const answer = responder(request);
      if (answer.reset) {
        req.socket.destroy();
        return;
      }
      if (answer.hang) return;
      res.writeHead(answer.status ?? 200, { "content-type": "application/json", ...answer.headers });
      res.end(JSON.stringify(answer.body ?? { RequestId: "OK-REQUEST" }));
    });
  }
}

// The RFC 3986 encoding the POP signature uses, written independently of pop-core.
function percentEncode(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase(),
  );
}

function expectedSignature(params: Record<string, string>, secret: string): string {
  const canonical = Object.keys(params)
    .filter((key) => key !== "Signature")
    .sort()
    .map((key) => `${percentEncode(key)}=${percentEncode(params[key])}`)
    .join("&");
  const stringToSign = `POST&${percentEncode("/")}&${percentEncode(canonical)}`;
  return crypto.createHmac("sha1", `${secret}&`).update(stringToSign).digest("base64");
}

const server = new ScriptedServer();
let sleeps: number[];

function client(options: EcsClientOptions = {}, securityToken?: string): EcsClient {
  return new EcsClient(
    {
      endpoint: server.url,
      credentials: { accessKeyId: ACCESS_KEY_ID, accessKeySecret: ACCESS_KEY_SECRET, securityToken },
    },
    {
      maxAttempts: 5,
      random: () => 0.5,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      ...options,
    },
  );
}

function expectNoSecrets(error: unknown): void {
  const renderings = [String(error), (error as Error).stack ?? "", JSON.stringify(error)];
  for (const text of renderings) {
    for (const secret of [ACCESS_KEY_SECRET, SECURITY_TOKEN, percentEncode(ACCESS_KEY_SECRET)]) {
      expect(text).not.toContain(secret);
    }
  }
}

async function failure(promise: Promise<unknown>): Promise<EcsApiError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(EcsApiError);
    return error as EcsApiError;
  }
  throw new Error("expected the call to fail");
}

beforeAll(() => server.start());
afterAll(() => server.stop());
beforeEach(() => {
  sleeps = [];
});

test("sends a signed POST that decodes parameter by parameter", async () => {
  server.answer({ body: { RequestId: "R-1", AutoSnapshotPolicyId: "sp-1" } });
  const result = await client({}, SECURITY_TOKEN).call<{ AutoSnapshotPolicyId: string }>(
    "CreateAutoSnapshotPolicy",
    {
      regionId: "cn-hangzhou",
      timePoints: [1, 13],
      repeatWeekdays: [1, 7],
      retentionDays: -1,
      autoSnapshotPolicyName: "nightly",
      EnableCrossRegionCopy: true,
      TargetCopyRegions: ["cn-shanghai"],
      CopyEncryptionConfiguration: { Encrypted: true, KMSKeyId: "key-1" },
      Tag: [{ Key: "env", Value: "prod" }],
      ResourceGroupId: undefined,
    },
  );
  expect(result.AutoSnapshotPolicyId).toBe("sp-1");

  expect(server.received).toHaveLength(1);
  const [{ method, path, params }] = server.received;
  expect(method).toBe("POST");
  expect(path).toBe("/");
  expect(params.Action).toBe("CreateAutoSnapshotPolicy");
  expect(params.Version).toBe("2014-05-26");
  expect(params.Format).toBe("JSON");
  expect(params.AccessKeyId).toBe(ACCESS_KEY_ID);
  expect(params.SecurityToken).toBe(SECURITY_TOKEN);
  expect(params.SignatureMethod).toBe("HMAC-SHA1");
  expect(params.SignatureVersion).toBe("1.0");
  expect(params.SignatureNonce).toMatch(/\S{8,}/);
  expect(params.Timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  expect(params.regionId).toBe("cn-hangzhou");
  expect(params.timePoints).toBe('["1","13"]');
  expect(params.repeatWeekdays).toBe('["1","7"]');
  expect(params.retentionDays).toBe("-1");
  expect(params.autoSnapshotPolicyName).toBe("nightly");
  expect(params.EnableCrossRegionCopy).toBe("true");
  expect(params.TargetCopyRegions).toBe('["cn-shanghai"]');
  expect(params["CopyEncryptionConfiguration.Encrypted"]).toBe("true");
  expect(params["CopyEncryptionConfiguration.KMSKeyId"]).toBe("key-1");
  expect(params["Tag.1.Key"]).toBe("env");
  expect(params["Tag.1.Value"]).toBe("prod");
  expect(params).not.toHaveProperty("ResourceGroupId");
  expect(Object.values(params)).not.toContain("undefined");
  expect(params).not.toHaveProperty("AccessKeySecret");
  expect(params.Signature).toBe(expectedSignature(params, ACCESS_KEY_SECRET));
  expect(params.Signature).not.toBe(expectedSignature(params, "another-secret"));
});

test("sends repeated lists as numbered parameters", async () => {
  server.answer({});
  await client().call("TagResources", {
    RegionId: "cn-hangzhou",
    ResourceType: "snapshotpolicy",
    ResourceId: repeated(["sp-1", "sp-2"]),
    Tag: [
      { Key: "a", Value: "1" },
      { Key: "b", Value: "" },
    ],
  });
  const [{ params }] = server.received;
  expect(params["ResourceId.1"]).toBe("sp-1");
  expect(params["ResourceId.2"]).toBe("sp-2");
  expect(params["Tag.2.Key"]).toBe("b");
  expect(params["Tag.2.Value"]).toBe("");
  expect(params.Signature).toBe(expectedSignature(params, ACCESS_KEY_SECRET));
});

test("succeeds after two Throttling answers", async () => {
  server.answer(
    { status: 400, body: errorBody("Throttling.User", "Request was denied due to user flow control.") },
    { status: 400, body: errorBody("Throttling", "Request was denied due to flow control.") },
    { body: { RequestId: "R-3", AutoSnapshotPolicies: {} } },
  );
  const result = await client().call<{ RequestId: string }>("DescribeAutoSnapshotPolicyEx", {
    RegionId: "cn-hangzhou",
  });
  expect(result.RequestId).toBe("R-3");
  expect(server.received).toHaveLength(3);
  expect(sleeps).toEqual([100, 200]); // 0.5 × min(5000, 200 × 2^retry)
  const nonces = new Set(server.received.map((request) => request.params.SignatureNonce));
  expect(nonces.size).toBe(3);
});

test("gives up after maxAttempts with a typed error that carries no secret", async () => {
  const requestId = "473469C7-AA6F-4DC5-B3DB-A3DC0DE3C83E";
  server.answer((request) => ({
    status: 400,
    // Echo the request the way a signature mismatch does, to prove the error is scrubbed.
    body: errorBody(
      "Throttling.User",
      `Request was denied due to user flow control. Signature=${request.params.Signature}` +
        `&SecurityToken=${request.params.SecurityToken} secret ${ACCESS_KEY_SECRET}`,
      requestId,
    ),
  }));
  const error = await failure(
    client({ maxAttempts: 3 }, SECURITY_TOKEN).call("DeleteAutoSnapshotPolicy", {}),
  );
  expect(server.received).toHaveLength(3);
  expect(error.action).toBe("DeleteAutoSnapshotPolicy");
  expect(error.code).toBe("Throttling.User");
  expect(error.status).toBe(400);
  expect(error.requestId).toBe(requestId);
  expect(error.retryable).toBe(true);
  expect(error.attempts).toBe(3);
  expect(error.message).toContain("DeleteAutoSnapshotPolicy failed after 3 attempts: 400 Throttling.User:");
  expect(error.message).toContain(`(RequestId ${requestId})`);
  expect(error.message).not.toContain(server.received[2].params.Signature);
  expectNoSecrets(error);
});

test("retries a 5xx answer", async () => {
  server.answer(
    {
      status: 500,
      body: errorBody("InternalError", "The request processing has failed due to some unknown error."),
    },
    {
      status: 503,
      body: errorBody("ServiceUnavailable", "The request has failed due to a temporary failure."),
    },
    { body: { RequestId: "R-ok" } },
  );
  await client().call("DescribeDisks", { RegionId: "cn-hangzhou", DiskIds: ["d-1", "d-2"] });
  expect(server.received).toHaveLength(3);
  expect(server.received[0].params.DiskIds).toBe('["d-1","d-2"]');
});

test("retries after the connection is reset", async () => {
  server.answer({ reset: true }, { body: { RequestId: "R-after-reset" } });
  const result = await client().call<{ RequestId: string }>("DescribeAutoSnapshotPolicyEx", {});
  expect(result.RequestId).toBe("R-after-reset");
  expect(server.received).toHaveLength(2);
});

test("reports the action and attempts when the network keeps failing", async () => {
  server.answer({ reset: true });
  const error = await failure(client({ maxAttempts: 2 }).call("DescribeDisks", {}));
  expect(server.received).toHaveLength(2);
  expect(error.code).toBe("NetworkError");
  expect(error.status).toBeUndefined();
  expect(error.message).toMatch(/^DescribeDisks failed after 2 attempts: NetworkError: /);
  expectNoSecrets(error);
});

describe("a write whose answer was lost", () => {
  test("is reconciled instead of sent again when it landed", async () => {
    const created: string[] = [];
    server.answer(() => {
      created.push("sp-lost");
      return { reset: true };
    });
    const reconcile = jest.fn(async () =>
      created.length ? { AutoSnapshotPolicyId: created[0] } : undefined,
    );
    const result = await client().call(
      "CreateAutoSnapshotPolicy",
      { regionId: "cn-hangzhou" },
      { reconcile },
    );
    expect(result).toEqual({ AutoSnapshotPolicyId: "sp-lost" });
    expect(reconcile).toHaveBeenCalledTimes(1);
    expect(server.received).toHaveLength(1);
  });

  test("is sent again when reconcile finds nothing", async () => {
    server.answer(
      { status: 502, body: errorBody("BadGateway", "upstream failed") },
      { body: { RequestId: "R-2", AutoSnapshotPolicyId: "sp-2" } },
    );
    const reconcile = jest.fn(async () => undefined);
    const result = await client().call("CreateAutoSnapshotPolicy", {}, { reconcile });
    expect(result).toEqual({ RequestId: "R-2", AutoSnapshotPolicyId: "sp-2" });
    expect(reconcile).toHaveBeenCalledTimes(1);
    expect(server.received).toHaveLength(2);
  });

  test("is not reconciled after throttling, which rejects the request", async () => {
    server.answer({ status: 400, body: errorBody("Throttling.User", "flow control") }, {});
    const reconcile = jest.fn(async () => undefined);
    await client().call("CreateAutoSnapshotPolicy", {}, { reconcile });
    expect(reconcile).not.toHaveBeenCalled();
  });
});

test("honours x-acs-retry-after in milliseconds", async () => {
  server.answer(
    {
      status: 400,
      headers: { "x-acs-retry-after": "1500" },
      body: errorBody("Throttling.User", "Request was denied due to user flow control."),
    },
    {},
  );
  await client().call("DescribeAutoSnapshotPolicyEx", {});
  expect(server.received).toHaveLength(2);
  expect(sleeps).toEqual([1500]);
});

test("does not retry a 4xx error other than throttling", async () => {
  server.answer({
    status: 403,
    body: errorBody(
      "AutoSnapshotPolicy.QuotaExceed",
      "The maximum number of automatic snapshot policy has been reached.",
      "473469C7-AA6F-4DC5-B3DB-A3DC0DE3C83E",
    ),
  });
  const reconcile = jest.fn(async () => undefined);
  const error = await failure(client().call("CreateAutoSnapshotPolicy", {}, { reconcile }));
  expect(server.received).toHaveLength(1);
  expect(reconcile).not.toHaveBeenCalled();
  expect(error.retryable).toBe(false);
  expect(error.serviceMessage).toBe("The maximum number of automatic snapshot policy has been reached.");
  expect(String(error)).toBe(
    "CreateAutoSnapshotPolicy failed: 403 AutoSnapshotPolicy.QuotaExceed: The maximum number of automatic " +
      "snapshot policy has been reached. (RequestId 473469C7-AA6F-4DC5-B3DB-A3DC0DE3C83E)",
  );
});

test("times out when no answer comes", async () => {
  server.answer({ hang: true });
  const started = Date.now();
  const error = await failure(client({ maxAttempts: 2, timeoutMs: 300 }).call("DescribeDisks", {}));
  expect(Date.now() - started).toBeLessThan(5000);
  expect(server.received).toHaveLength(2);
  expect(error.code).toBe("NetworkError");
  expect(error.message).toMatch(/^DescribeDisks failed after 2 attempts: NetworkError: .*Timeout/);
});
