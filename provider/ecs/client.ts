import type { EcsCredentials, EcsCredentialsProvider, EcsSettings } from "./config";
import { resolveSettings } from "./config";

const API_VERSION = "2014-05-26";
// The cap the Alibaba Cloud SDKs (@darabonba/typescript) put on a server-requested delay.
const MAX_RETRY_AFTER_MS = 120_000;
const NETWORK_ERROR_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EPIPE",
  "EAI_AGAIN",
  "ENETUNREACH",
  "EHOSTUNREACH",
]);

type Primitive = string | number | boolean;

/**
 * A list sent as repeated parameters `Name.1`, `Name.2`, … (what TagResources expects for
 * `ResourceId`), where a plain array of primitives would travel as one JSON string.
 */
export class RepeatedList {
  constructor(readonly values: readonly Primitive[]) {}
}

export function repeated(values: readonly Primitive[]): RepeatedList {
  return new RepeatedList(values);
}

export type EcsParamValue =
  | Primitive
  | null
  | undefined
  | RepeatedList
  | readonly EcsParamValue[]
  | { readonly [field: string]: EcsParamValue };

/** Parameter names are sent exactly as given (lowerCamel or PascalCase, whichever the action takes). */
export type EcsParams = Record<string, EcsParamValue>;

/**
 * Flattens parameters into the strings pop-core signs and sends:
 * - `undefined`/`null` and empty arrays are left out;
 * - booleans and numbers become their text (`true`, `24`);
 * - an array of primitives becomes a JSON list of strings (`timePoints: [1, 13]` → `["1","13"]`);
 * - an array of objects is numbered from 1 (`Tag: [{ Key, Value }]` → `Tag.1.Key`, `Tag.1.Value`);
 * - an object is flattened with dots (`CopyEncryptionConfiguration.Encrypted`);
 * - `repeated([...])` is numbered from 1 (`ResourceId: repeated(ids)` → `ResourceId.1`, `ResourceId.2`).
 */
export function toWireParams(params: EcsParams): Record<string, string> {
  const wire: Record<string, string> = {};
  for (const [name, value] of Object.entries(params)) flattenInto(wire, name, value);
  return wire;
}

function isPrimitive(value: unknown): value is Primitive {
  return typeof value === "string" || typeof value === "number" || typeof value === "boolean";
}

function flattenInto(wire: Record<string, string>, name: string, value: EcsParamValue): void {
  if (value === undefined || value === null) return;
  if (isPrimitive(value)) {
    wire[name] = String(value);
  } else if (value instanceof RepeatedList) {
    value.values.forEach((item, index) => flattenInto(wire, `${name}.${index + 1}`, item));
  } else if (Array.isArray(value)) {
    if (value.length === 0) return;
    if (value.every(isPrimitive)) {
      wire[name] = JSON.stringify(value.map(String));
    } else {
      value.forEach((item, index) => flattenInto(wire, `${name}.${index + 1}`, item));
    }
  } else {
    for (const [field, fieldValue] of Object.entries(value))
      flattenInto(wire, `${name}.${field}`, fieldValue);
  }
}

/** Full jitter: a uniform delay in [0, min(maxDelayMs, baseDelayMs × 2^retry)), retry counting from 0. */
export function backoffDelayMs(
  retry: number,
  options: { baseDelayMs: number; maxDelayMs: number; random: () => number },
): number {
  return options.random() * Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** retry);
}

const SECRET_PARAMETER = /(AccessKeySecret|SecurityToken|Signature)(=|%3D|%253D)(?:(?!%26|%2526)[^&\s"'])*/g;
const SECRET_JSON_FIELD = /("?(?:AccessKeySecret|SecurityToken|Signature)"?\s*:\s*")[^"]*/g;

/**
 * Removes credentials from text that may echo a request (pop-core puts URLs in its messages; a
 * signature mismatch echoes the string to sign): the given secrets, raw or percent-encoded once or
 * twice, and the values of AccessKeySecret, SecurityToken and Signature parameters.
 */
export function scrubSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  let scrubbed = text;
  for (const secret of secrets) {
    if (!secret) continue;
    const encodedOnce = encodeURIComponent(secret);
    for (const form of [secret, encodedOnce, encodeURIComponent(encodedOnce)]) {
      scrubbed = scrubbed.split(form).join("***");
    }
  }
  return scrubbed.replace(SECRET_PARAMETER, "$1$2***").replace(SECRET_JSON_FIELD, "$1***");
}

export interface EcsApiErrorDetails {
  action: string;
  status?: number;
  code: string;
  serviceMessage: string;
  requestId?: string;
  retryable: boolean;
  attempts: number;
}

/**
 * A failed ECS call: the service's answer (`status`, `code`, `serviceMessage`, `requestId`), or
 * code `NetworkError` (no status) when no answer came back, or `InvalidResponse` when the answer
 * was not JSON. `retryable` says whether the failure was transient; `attempts` how many requests
 * were made before giving up.
 */
export class EcsApiError extends Error {
  readonly action: string;
  readonly status?: number;
  readonly code: string;
  readonly serviceMessage: string;
  readonly requestId?: string;
  readonly retryable: boolean;
  readonly attempts: number;

  constructor(details: EcsApiErrorDetails) {
    const afterAttempts = details.attempts > 1 ? ` after ${details.attempts} attempts` : "";
    const status = details.status === undefined ? "" : `${details.status} `;
    const requestId = details.requestId ? ` (RequestId ${details.requestId})` : "";
    super(
      `${details.action} failed${afterAttempts}: ${status}${details.code}: ${details.serviceMessage}${requestId}`,
    );
    this.name = "EcsApiError";
    this.action = details.action;
    this.status = details.status;
    this.code = details.code;
    this.serviceMessage = details.serviceMessage;
    this.requestId = details.requestId;
    this.retryable = details.retryable;
    this.attempts = details.attempts;
  }

  override toString(): string {
    return this.message;
  }
}

/** The service's answer for a policy id that names no policy (in the region): 404 ParameterInvalid. */
export function isPolicyNotFound(error: unknown): boolean {
  return (
    error instanceof EcsApiError &&
    error.status === 404 &&
    error.code === "ParameterInvalid" &&
    /automatic snapshot policy does not exist/i.test(error.serviceMessage)
  );
}

export interface EcsClientOptions {
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export interface CallOptions<T> {
  /**
   * For writes: finds out whether a write whose answer was lost (network error, timeout, 5xx)
   * took effect. A value is taken as the call's result; `undefined` means it did not land and the
   * write is sent again.
   */
  reconcile?: () => Promise<T | undefined>;
}

interface PopRequestOptions {
  method: "POST";
  formatParams: false;
  timeout: number;
}

interface PopRpcClient {
  request<T>(action: string, params: Record<string, string>, options: PopRequestOptions): Promise<T>;
}

type PopRpcClientConstructor = new (config: {
  endpoint: string;
  apiVersion: string;
  credentialsProvider: EcsCredentialsProvider;
}) => PopRpcClient;

/** What pop-core throws when the service answers with an error (or httpx when the network fails). */
interface PopError {
  name?: string;
  message?: string;
  code?: string;
  data?: { Code?: string; Message?: string; RequestId?: string };
  entry?: { response?: { statusCode?: number; headers?: Record<string, string | string[] | undefined> } };
}

interface Failure {
  status?: number;
  code: string;
  serviceMessage: string;
  requestId?: string;
  retryable: boolean;
  /** The request may have taken effect without our hearing about it. */
  answerMayBeLost: boolean;
  retryAfterMs?: number;
}

function isThrottling(code: string): boolean {
  return code.startsWith("Throttling");
}

function retryAfterMs(
  headers: Record<string, string | string[] | undefined> | undefined,
): number | undefined {
  const raw = headers?.["x-acs-retry-after"];
  // Milliseconds, as the Alibaba Cloud SDKs read it (@alicloud/openapi-core getThrottlingTimeLeft).
  const value = parseInt(Array.isArray(raw) ? raw[0] : (raw ?? ""), 10);
  return Number.isNaN(value) || value < 0 ? undefined : Math.min(value, MAX_RETRY_AFTER_MS);
}

function classify(error: PopError): Failure | undefined {
  if (error.data?.Code) {
    const status = error.entry?.response?.statusCode;
    const code = error.data.Code;
    const serverFault = status !== undefined && status >= 500;
    return {
      status,
      code,
      serviceMessage: error.data.Message ?? "",
      requestId: error.data.RequestId,
      retryable: isThrottling(code) || code === "ServiceUnavailable" || serverFault,
      answerMayBeLost: serverFault || code === "ServiceUnavailable",
      retryAfterMs: retryAfterMs(error.entry?.response?.headers),
    };
  }
  const message = error.message ?? "";
  if (
    (error.code && NETWORK_ERROR_CODES.has(error.code)) ||
    error.name?.includes("RequestTimeout") ||
    message.includes("socket hang up")
  ) {
    return { code: "NetworkError", serviceMessage: message, retryable: true, answerMayBeLost: true };
  }
  if (error.name === "SyntaxError") {
    return {
      code: "InvalidResponse",
      serviceMessage: `the answer was not JSON (${message})`,
      retryable: true,
      answerMayBeLost: true,
    };
  }
  return undefined;
}

/** An ECS RPC client (pop-core, HMAC-SHA1 signatures) that retries transient failures. */
export class EcsClient {
  private readonly rpc: PopRpcClient;
  private readonly secretsInUse = new Set<string>();
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly timeoutMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(settings: EcsSettings, options: EcsClientOptions = {}) {
    this.maxAttempts = options.maxAttempts ?? settings.maxAttempts ?? 5;
    this.baseDelayMs = options.baseDelayMs ?? 200;
    this.maxDelayMs = options.maxDelayMs ?? 5000;
    this.timeoutMs = options.timeoutMs ?? settings.timeoutMs ?? 15_000;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;

    const source = settings.credentials;
    const credentialsProvider: EcsCredentialsProvider = {
      getCredentials: async () => {
        const credentials: EcsCredentials =
          "getCredentials" in source ? await source.getCredentials() : source;
        this.secretsInUse.add(credentials.accessKeySecret);
        if (credentials.securityToken) this.secretsInUse.add(credentials.securityToken);
        return credentials;
      },
    };
    const RPCClient: PopRpcClientConstructor = require("@alicloud/pop-core");
    this.rpc = new RPCClient({ endpoint: settings.endpoint, apiVersion: API_VERSION, credentialsProvider });
  }

  async call<T>(action: string, params: EcsParams, options: CallOptions<T> = {}): Promise<T> {
    const wireParams = toWireParams(params);
    for (let attempt = 1; ; attempt++) {
      let failure: Failure;
      try {
        return await this.rpc.request<T>(action, wireParams, {
          method: "POST",
          formatParams: false,
          timeout: this.timeoutMs,
        });
      } catch (error) {
        const classified = classify(error as PopError);
        if (!classified) {
          if (error instanceof Error) error.message = scrubSecrets(error.message, [...this.secretsInUse]);
          throw error;
        }
        failure = classified;
      }
      if (failure.answerMayBeLost && options.reconcile) {
        const landed = await options.reconcile();
        if (landed !== undefined) return landed;
      }
      if (!failure.retryable || attempt >= this.maxAttempts) {
        throw this.toError(action, failure, attempt);
      }
      const backoff = { baseDelayMs: this.baseDelayMs, maxDelayMs: this.maxDelayMs, random: this.random };
      await this.sleep(failure.retryAfterMs ?? backoffDelayMs(attempt - 1, backoff));
    }
  }

  private toError(action: string, failure: Failure, attempts: number): EcsApiError {
    const secrets = [...this.secretsInUse];
    return new EcsApiError({
      action,
      status: failure.status,
      code: failure.code,
      serviceMessage: scrubSecrets(failure.serviceMessage, secrets),
      requestId: failure.requestId,
      retryable: failure.retryable,
      attempts,
    });
  }
}

/** A client for the credentials and endpoint in effect now (stack config, environment, default chain). */
export async function createEcsClient(options?: EcsClientOptions): Promise<EcsClient> {
  return new EcsClient(await resolveSettings(), options);
}
