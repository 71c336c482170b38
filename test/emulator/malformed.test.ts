import * as net from "node:net";
import { DEFAULT_REQUEST_LOG_LIMIT, startEcsEmulator } from "../../emulator";
import { popCoreCaller } from "../support/ecs-clients";
import { useLocalEcs } from "../support/use-local-ecs";

/*
 * Requests Node's HTTP parser refuses, requests that never finish, and the bound on the request log
 * (issue 11 #10): every answer is an ECS error envelope, none is a bare status.
 */

const REQUEST_TIMEOUT_MS = 1000;
/** How long a test waits for an answer before it calls the connection hung. */
const HUNG_MS = 8000;

interface RawAnswer {
  status: number;
  headers: string;
  body: Record<string, unknown>;
}

/** Writes raw bytes (in parts, `pauseMs` apart) and reads the answer until the server closes the connection. */
function rawRequest(url: string, parts: Buffer[]): Promise<RawAnswer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => {
      for (const part of parts) socket.write(part);
    });
    const chunks: Buffer[] = [];
    const hung = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${HUNG_MS} ms`));
    }, HUNG_MS);
    socket.on("data", (chunk) => chunks.push(chunk));
    socket.on("error", () => undefined);
    socket.on("close", () => {
      clearTimeout(hung);
      const text = Buffer.concat(chunks).toString("utf8");
      const [head, ...rest] = text.split("\r\n\r\n");
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]);
      try {
        resolve({
          status,
          headers: head,
          body: JSON.parse(rest.join("\r\n\r\n")) as Record<string, unknown>,
        });
      } catch {
        reject(new Error(`not a JSON answer: ${JSON.stringify(text)}`));
      }
    });
  });
}

const envelope = (code: string, message: string | RegExp) => ({
  RequestId: expect.stringMatching(/^[0-9A-F-]{36}$/),
  HostId: "ecs-local",
  Code: code,
  Message: typeof message === "string" ? message : expect.stringMatching(message),
  Recommend: expect.stringContaining(code),
});

const local = useLocalEcs({ requestTimeoutMs: REQUEST_TIMEOUT_MS, requestLogLimit: 5 });

test("a request line and headers over Node's limit get 431 with an ECS error envelope", async () => {
  const query = `Action=DescribeRegions&Pad=${"x".repeat(20_000)}`;
  const answer = await rawRequest(local.emulator.url, [
    Buffer.from(`GET /?${query} HTTP/1.1\r\nHost: x\r\n\r\n`),
  ]);
  expect(answer.status).toBe(431);
  expect(answer.headers).toMatch(/content-type: application\/json/i);
  expect(answer.body).toEqual(
    envelope(
      "BadRequest",
      "The request could not be read: the request line and headers are over the size limit.",
    ),
  );
});

test("a malformed chunk gets 400 with an ECS error envelope", async () => {
  const head =
    "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n";
  const answer = await rawRequest(local.emulator.url, [
    Buffer.from(`${head}zz\r\nAction=DescribeRegions\r\n0\r\n\r\n`),
  ]);
  expect(answer.status).toBe(400);
  expect(answer.body).toEqual(
    envelope("BadRequest", "The request could not be read: a chunk of the body is malformed."),
  );
});

test("bytes that are not UTF-8 in the URL get 400 with an ECS error envelope, raw or percent-encoded", async () => {
  const raw = Buffer.concat([
    Buffer.from("GET /?Action="),
    Buffer.from([0xff, 0xfe]),
    Buffer.from(" HTTP/1.1\r\nHost: x\r\n\r\n"),
  ]);
  const rawAnswer = await rawRequest(local.emulator.url, [raw]);
  expect(rawAnswer.status).toBe(400);
  expect(rawAnswer.body).toEqual(
    envelope("BadRequest", /^The request could not be read: malformed HTTP \(HPE_/),
  );

  const encoded = await fetch(`${local.emulator.url}/?Action=DescribeRegions&RegionId=%FF%FE`);
  expect(encoded.status).toBe(400);
  expect(await encoded.json()).toEqual({
    ...envelope(
      "BadRequest",
      "The request could not be read: the query string is not valid percent-encoded UTF-8.",
    ),
    HostId: expect.any(String),
  });
});

test("a form body that is not UTF-8 gets 400 with an ECS error envelope", async () => {
  const answer = await fetch(local.emulator.url, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: Buffer.concat([Buffer.from("Action=DescribeRegions&RegionId="), Buffer.from([0xc3, 0x28])]),
  });
  expect(answer.status).toBe(400);
  expect(await answer.json()).toMatchObject({
    Code: "BadRequest",
    Message: "The request could not be read: the form body is not UTF-8.",
  });
});

test.each([
  [
    "a body shorter than its Content-Length",
    "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nAction=De",
  ],
  ["headers that never end", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n"],
])("%s times out with 408 and an ECS error envelope", async (_name, text) => {
  const answer = await rawRequest(local.emulator.url, [Buffer.from(text)]);
  expect(answer.status).toBe(408);
  expect(answer.body).toEqual(envelope("RequestTimeout", "The request was not received in full in time."));
});

test("the request log keeps the latest requestLogLimit entries", async () => {
  const call = local.callers["pop-core"];
  for (const region of [
    "cn-hangzhou",
    "cn-beijing",
    "cn-shanghai",
    "cn-qingdao",
    "cn-shenzhen",
    "cn-chengdu",
    "eu-west-1",
  ]) {
    await call("DescribeAutoSnapshotPolicyEx", { RegionId: region });
  }
  expect(local.emulator.requests).toHaveLength(5);
  expect(local.emulator.requests.map((request) => request.params.RegionId)).toEqual([
    "cn-shanghai",
    "cn-qingdao",
    "cn-shenzhen",
    "cn-chengdu",
    "eu-west-1",
  ]);
});

test("by default the request log keeps the latest 5,000 requests", async () => {
  const emulator = await startEcsEmulator();
  try {
    const call = popCoreCaller(emulator);
    const total = DEFAULT_REQUEST_LOG_LIMIT + 10;
    let sent = 0;
    const worker = async () => {
      while (sent < total) {
        const index = sent++;
        await call("DescribeRegions", { Index: index });
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    expect(DEFAULT_REQUEST_LOG_LIMIT).toBe(5000);
    expect(emulator.requests).toHaveLength(DEFAULT_REQUEST_LOG_LIMIT);
    expect(new Set(emulator.requests.map((request) => request.params.Index)).size).toBe(
      DEFAULT_REQUEST_LOG_LIMIT,
    );
  } finally {
    await emulator.close();
  }
});
