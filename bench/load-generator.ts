import * as crypto from "node:crypto";
import * as http from "node:http";

/*
 * The load generator of `npm run bench`, run as a child process so that its work never shares the
 * endpoint's event loop. It sends exactly what @alicloud/pop-core sends for a POST call (form body,
 * HMAC-SHA1 signature v1, the same headers), signing each request just before it goes out with a fresh
 * nonce and timestamp, over keep-alive connections each running one request at a time. It signs by
 * itself rather than through pop-core because pop-core's own per-call cost (json-bigint, httpx,
 * promise layers) would make the generator, not the endpoint, the limit on a 2-core machine; the bare
 * server's figure in the same run shows where the generator's own ceiling is.
 */

export type ScenarioName = "describe" | "create-delete";

export interface LoadJob {
  url: string;
  accessKeyId: string;
  accessKeySecret: string;
  scenario: ScenarioName;
  connections: number;
  warmupSeconds: number;
  seconds: number;
}

export interface LoadResult {
  /** Scenario rounds finished inside the measured window (a request, or a Create+Delete pair). */
  rounds: number;
  requests: number;
  seconds: number;
  /** Answers that were not HTTP 200, by status and code; any at all makes the run invalid. */
  failures: Record<string, number>;
}

const REGIONS = ["cn-hangzhou", "cn-shanghai", "cn-beijing", "cn-shenzhen", "ap-southeast-1", "eu-central-1"];

function encode(value: string): string {
  return encodeURIComponent(value)
    .replace(/!/g, "%21")
    .replace(/'/g, "%27")
    .replace(/\(/g, "%28")
    .replace(/\)/g, "%29")
    .replace(/\*/g, "%2A");
}

/** A pop-core form body for `action`, signed now with a new nonce. */
export function signedForm(
  job: Pick<LoadJob, "accessKeyId" | "accessKeySecret">,
  action: string,
  params: Record<string, string>,
): string {
  const all: Record<string, string> = {
    Action: action,
    Format: "JSON",
    Timestamp: new Date().toISOString().replace(/\.\d{3}Z$/, "Z"),
    Version: "2014-05-26",
    SignatureMethod: "HMAC-SHA1",
    SignatureVersion: "1.0",
    SignatureNonce: crypto.randomUUID(),
    AccessKeyId: job.accessKeyId,
    ...params,
  };
  const canonical = Object.keys(all)
    .sort()
    .map((name) => `${encode(name)}=${encode(all[name])}`)
    .join("&");
  const signature = crypto
    .createHmac("sha1", `${job.accessKeySecret}&`)
    .update(`POST&${encode("/")}&${encode(canonical)}`)
    .digest("base64");
  return `${canonical}&Signature=${encode(signature)}`;
}

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

function post(agent: http.Agent, url: URL, action: string, form: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        path: "/",
        method: "POST",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          "content-length": Buffer.byteLength(form),
          "x-acs-action": action,
          "x-acs-version": "2014-05-26",
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => {
          try {
            resolve({
              status: response.statusCode ?? 0,
              body: JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>,
            });
          } catch (error) {
            reject(error as Error);
          }
        });
        response.on("error", reject);
      },
    );
    request.on("error", reject);
    request.end(form);
  });
}

type Send = (action: string, params: Record<string, string>) => Promise<Answer>;

/** One round of a scenario; returns the requests it sent, or the failed answer. */
const SCENARIOS: Record<ScenarioName, (send: Send, connection: number) => Promise<Answer[]>> = {
  describe: async (send) => [
    await send("DescribeAutoSnapshotPolicyEx", { RegionId: "cn-hangzhou", PageSize: "10" }),
  ],
  // Create then delete, so the 100-per-region quota never stops the run.
  "create-delete": async (send, connection) => {
    const regionId = REGIONS[connection % REGIONS.length];
    const created = await send("CreateAutoSnapshotPolicy", {
      regionId,
      timePoints: '["1"]',
      repeatWeekdays: '["1"]',
      retentionDays: "7",
    });
    if (created.status !== 200) return [created];
    const deleted = await send("DeleteAutoSnapshotPolicy", {
      regionId,
      autoSnapshotPolicyId: String(created.body.AutoSnapshotPolicyId),
    });
    return [created, deleted];
  },
};

export async function runLoad(job: LoadJob): Promise<LoadResult> {
  const url = new URL(job.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: job.connections });
  const send: Send = (action, params) => post(agent, url, action, signedForm(job, action, params));
  const round = SCENARIOS[job.scenario];

  const start = performance.now();
  const measureFrom = start + job.warmupSeconds * 1000;
  const stopAt = measureFrom + job.seconds * 1000;
  const result: LoadResult = { rounds: 0, requests: 0, seconds: job.seconds, failures: {} };
  const connection = async (index: number): Promise<void> => {
    for (;;) {
      const answers = await round(send, index);
      const finished = performance.now();
      if (finished >= stopAt) return;
      for (const { status, body } of answers) {
        if (status === 200) continue;
        const key = `${status} ${String(body.Code)}`;
        result.failures[key] = (result.failures[key] ?? 0) + 1;
      }
      if (finished < measureFrom) continue;
      result.rounds += 1;
      result.requests += answers.length;
    }
  };
  await Promise.all(Array.from({ length: job.connections }, (_, index) => connection(index)));
  agent.destroy();
  return result;
}

if (require.main === module) {
  process.once("message", (job: LoadJob) => {
    runLoad(job).then(
      (result) => process.send!(result, () => process.exit(0)),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
}
