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

/** Full jitter: a uniform delay in [0, min(maxDelayMs, baseDelayMs × 2^retry)), retry counting from 0. */
export function backoffDelayMs(
  retry: number,
  options: { baseDelayMs: number; maxDelayMs: number; random: () => number },
): number {
  return options.random() * Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** retry);
}

/** What pop-core throws when the service answers with an error (or httpx when the network fails). */
export interface PopError {
  name?: string;
  message?: string;
  code?: string;
  data?: { Code?: string; Message?: string; RequestId?: string };
  entry?: { response?: { statusCode?: number; headers?: Record<string, string | string[] | undefined> } };
}

export interface Failure {
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

/** What a failed request means for retrying it; undefined for any other error, which is thrown as it is. */
export function classify(error: PopError): Failure | undefined {
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
