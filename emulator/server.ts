import * as crypto from "node:crypto";
import { type IncomingMessage, type ServerResponse, STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";
import { ACTIONS, type ActionContext } from "./actions";
import { isConsoleRequest } from "./console";
import { EcsError } from "./errors";
import type { FaultSet } from "./faults";
import { Params } from "./params";
import { authenticate, headerValue, type NonceCache, type SignedRequest } from "./signature";
import type { Store } from "./store";

const API_VERSION = "2014-05-26";
const MAX_BODY_BYTES = 1024 * 1024;
export const CONTROL_PREFIX = "/__control/";

/** One request as the emulator saw it. `params` never holds the signature or a security token. */
export interface RequestRecord {
  /** When the request arrived (ISO 8601). */
  time: string;
  action: string;
  params: Record<string, string>;
  status: number;
  code?: string;
  /** The action ran but the connection was reset instead of answered (a `dropResponse` fault). */
  dropped?: boolean;
}

export interface Service {
  context: ActionContext;
  store: Store;
  secrets: ReadonlyMap<string, string>;
  nonces: NonceCache;
  faults: FaultSet;
  /** The latest requests, at most `requestLogLimit`, oldest first. */
  requests: RequestRecord[];
  requestLogLimit: number;
  /** The test-only control route, when enabled. */
  control?: (request: IncomingMessage, body: Buffer, response: ServerResponse) => Promise<void>;
  /** The console page and its routes, when enabled. */
  console?: (request: IncomingMessage, body: Buffer, response: ServerResponse) => Promise<void>;
}

/**
 * The request pipeline: parse → authenticate → faults → dispatch → validate → action (and persist)
 * → serialize, with every failure answered as an ECS error.
 */
export async function handleRequest(
  service: Service,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const requestId = crypto.randomUUID().toUpperCase();
  const record: RequestRecord = { time: new Date().toISOString(), action: "", params: {}, status: 0 };
  try {
    const body = await readBody(req);
    const signed = parse(req, body);
    if (signed.path.startsWith(CONTROL_PREFIX)) {
      if (!service.control) throw EcsError.actionNotFound();
      return await service.control(req, body, res);
    }
    if (service.console && isConsoleRequest(req)) return await service.console(req, body, res);
    const params = { ...signed.query, ...signed.form };
    record.action = params.Action ?? headerValue(req.headers, "x-acs-action") ?? "";
    record.params = withoutSecrets(params);

    authenticate(signed, service.secrets, service.nonces, Date.now());

    const fault = service.faults.take(record.action);
    if (fault?.delayMs) await sleep(fault.delayMs);
    if (fault && (fault.code !== undefined || fault.status !== undefined)) {
      throw EcsError.forFault(fault.code, fault.status);
    }

    if (!record.action) throw EcsError.missingParameter("Action");
    const action = ACTIONS.get(record.action);
    if (!action) throw EcsError.actionNotFound();
    const version = params.Version ?? headerValue(req.headers, "x-acs-version");
    if (!version) throw EcsError.missingParameter("Version");
    if (version !== API_VERSION) throw EcsError.invalidVersion();

    const operation = action.validate(new Params(params));

    // Operations are synchronous, so mutations never interleave; answer once the change is durable.
    const result = operation(service.context);
    if (action.mutates) await service.store.save(service.context.state);

    if (fault?.dropResponse) {
      Object.assign(record, { status: 200, dropped: true });
      res.socket?.destroy();
      return;
    }
    record.status = 200;
    send(res, 200, requestId, { RequestId: requestId, ...result });
  } catch (error) {
    const failure = error instanceof EcsError ? error : EcsError.internalError();
    Object.assign(record, { status: failure.status, code: failure.code });
    send(res, failure.status, requestId, errorBody(failure, requestId, req.headers.host));
  } finally {
    // A request the clientError handler answered (a timeout) is logged there.
    if ((record.action || record.status) && (res.headersSent || record.dropped)) logRequest(service, record);
  }
}

function logRequest(service: Service, record: RequestRecord): void {
  service.requests.push(record);
  const excess = service.requests.length - service.requestLogLimit;
  if (excess > 0) service.requests.splice(0, excess);
}

function errorBody(failure: EcsError, requestId: string, host: string | undefined): Record<string, unknown> {
  return {
    RequestId: requestId,
    HostId: host ?? "ecs-local",
    Code: failure.code,
    Message: failure.message,
    Recommend: `https://api.aliyun.com/troubleshoot?q=${encodeURIComponent(failure.code)}&product=Ecs`,
  };
}

/** What a request that Node could not parse, or that did not arrive in time, is answered with. */
function clientFailure(error: NodeJS.ErrnoException): EcsError {
  switch (error.code) {
    case "ERR_HTTP_REQUEST_TIMEOUT":
      return EcsError.requestTimeout();
    case "HPE_HEADER_OVERFLOW":
      return EcsError.malformedRequest(431, "the request line and headers are over the size limit");
    case "HPE_INVALID_CHUNK_SIZE":
      return EcsError.malformedRequest(400, "a chunk of the body is malformed");
    default:
      return EcsError.malformedRequest(400, `malformed HTTP (${error.code ?? "unknown"})`);
  }
}

/**
 * The server's 'clientError' handler: answers with an ECS error envelope whenever nothing of a
 * response has been written to the socket yet (as Node's own handler would answer a bare status).
 */
export function answerClientError(service: Service, error: NodeJS.ErrnoException, socket: Duplex): void {
  const inFlight = (socket as Duplex & { _httpMessage?: ServerResponse })._httpMessage;
  if (!socket.writable || inFlight?.headersSent || error.code === "ECONNRESET") {
    socket.destroy();
    return;
  }
  const failure = clientFailure(error);
  logRequest(service, {
    time: new Date().toISOString(),
    action: "",
    params: {},
    status: failure.status,
    code: failure.code,
  });
  const requestId = crypto.randomUUID().toUpperCase();
  const text = JSON.stringify(errorBody(failure, requestId, undefined));
  socket.end(
    [
      `HTTP/1.1 ${failure.status} ${STATUS_CODES[failure.status] ?? "Error"}`,
      "content-type: application/json;charset=utf-8",
      `content-length: ${Buffer.byteLength(text)}`,
      `x-acs-request-id: ${requestId}`,
      "connection: close",
      "",
      text,
    ].join("\r\n"),
  );
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

function parse(req: IncomingMessage, body: Buffer): SignedRequest {
  const url = req.url ?? "/";
  const queryStart = url.indexOf("?");
  const isForm = (headerValue(req.headers, "content-type") ?? "").startsWith(
    "application/x-www-form-urlencoded",
  );
  const formText = isForm ? utf8(body, "the form body") : "";
  checkPercentEncodedUtf8(queryStart === -1 ? "" : url.slice(queryStart + 1), "the query string");
  checkPercentEncodedUtf8(formText, "the form body");
  return {
    method: (req.method ?? "GET").toUpperCase(),
    path: (queryStart === -1 ? url : url.slice(0, queryStart)) || "/",
    query: queryStart === -1 ? {} : Object.fromEntries(new URLSearchParams(url.slice(queryStart + 1))),
    form: isForm ? Object.fromEntries(new URLSearchParams(formText)) : {},
    body,
    headers: req.headers,
  };
}

function utf8(bytes: Buffer, what: string): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    throw EcsError.malformedRequest(400, `${what} is not UTF-8`);
  }
}

/** Percent-escapes that decode to bytes which are not UTF-8 (`%FF`) would otherwise become U+FFFD silently. */
function checkPercentEncodedUtf8(text: string, what: string): void {
  try {
    decodeURIComponent(text);
  } catch {
    throw EcsError.malformedRequest(400, `${what} is not valid percent-encoded UTF-8`);
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) return void chunks.push(chunk);
      req.destroy();
      reject(EcsError.invalidParameter("Body"));
    });
    req.once("end", () => resolve(Buffer.concat(chunks)));
    req.once("error", reject);
  });
}

function withoutSecrets(params: Record<string, string>): Record<string, string> {
  const kept = { ...params };
  delete kept.Signature;
  delete kept.SecurityToken;
  return kept;
}

function send(res: ServerResponse, status: number, requestId: string, body: Record<string, unknown>): void {
  if (res.headersSent || res.destroyed || !res.socket?.writable) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json;charset=utf-8",
    "content-length": Buffer.byteLength(text),
    "x-acs-request-id": requestId,
  });
  res.end(text);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
