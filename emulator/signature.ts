import * as crypto from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { EcsError } from "./errors";

/** How far a request's timestamp may be from the server clock. */
export const TIMESTAMP_WINDOW_MS = 15 * 60 * 1000;

export interface SignedRequest {
  method: string;
  /** The request path without the query string, as sent. */
  path: string;
  query: Record<string, string>;
  /** Form-encoded body parameters (pop-core POST). */
  form: Record<string, string>;
  body: Buffer;
  headers: IncomingHttpHeaders;
}

/** Percent-encoding of the Alibaba Cloud SDKs: encodeURIComponent plus `!'()*`. */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (char) => EXTRA_ESCAPES[char]);
}

const EXTRA_ESCAPES: Record<string, string> = { "!": "%21", "'": "%27", "(": "%28", ")": "%29", "*": "%2A" };

/** Nonces seen within the window; each is kept as long as a request carrying it could still be accepted. */
export class NonceCache {
  // A nonce stored at t came with a timestamp ≥ t - window, so it can be replayed until t + 2 × window.
  private static readonly RETENTION_MS = 2 * TIMESTAMP_WINDOW_MS;
  private readonly seenAt = new Map<string, number>();

  /** Records the nonce; false if it was already used. */
  use(nonce: string, now: number): boolean {
    for (const [seen, at] of this.seenAt) {
      if (at > now - NonceCache.RETENTION_MS) break;
      this.seenAt.delete(seen);
    }
    if (this.seenAt.has(nonce)) return false;
    this.seenAt.set(nonce, now);
    return true;
  }

  get size(): number {
    return this.seenAt.size;
  }
}

const ACS3_PREFIX = "ACS3-HMAC-SHA256 ";

/**
 * Checks the signature of a request, either ACS3-HMAC-SHA256 (Authorization header, as
 * @alicloud/ecs20140526 sends it) or HMAC-SHA1 signature v1 (Signature parameter, as @alicloud/pop-core
 * sends it), then the timestamp and the nonce. Returns the access key id.
 */
export function authenticate(
  request: SignedRequest,
  secrets: ReadonlyMap<string, string>,
  nonces: NonceCache,
  now: number,
): string {
  const authorization = headerValue(request.headers, "authorization");
  const signed =
    authorization === undefined
      ? checkSignatureV1(request, secrets)
      : checkAcs3(request, authorization, secrets);
  checkTimestamp(signed.timestamp, now);
  if (!nonces.use(`${signed.accessKeyId}\n${signed.nonce}`, now)) throw EcsError.signatureNonceUsed();
  return signed.accessKeyId;
}

interface CheckedSignature {
  accessKeyId: string;
  timestamp: string;
  nonce: string;
}

function checkSignatureV1(request: SignedRequest, secrets: ReadonlyMap<string, string>): CheckedSignature {
  const params = { ...request.query, ...request.form };
  for (const name of ["AccessKeyId", "Signature", "SignatureNonce", "Timestamp"]) {
    if (!params[name]) throw EcsError.missingParameter(name);
  }
  const { Signature: signature, ...signedParams } = params;
  const secret = secrets.get(signedParams.AccessKeyId);
  if (secret === undefined) throw EcsError.accessKeyNotFound();
  if (signedParams.SignatureMethod !== "HMAC-SHA1" || (signedParams.SignatureVersion ?? "1.0") !== "1.0") {
    throw EcsError.incompleteSignature();
  }
  const canonical = Object.keys(signedParams)
    .sort()
    .map((name) => `${percentEncode(name)}=${percentEncode(signedParams[name])}`)
    .join("&");
  const stringToSign = `${request.method}&${percentEncode("/")}&${percentEncode(canonical)}`;
  const expected = crypto.createHmac("sha1", `${secret}&`).update(stringToSign, "utf8").digest("base64");
  if (!constantTimeEqual(expected, signature)) throw EcsError.signatureDoesNotMatch();
  return {
    accessKeyId: signedParams.AccessKeyId,
    timestamp: signedParams.Timestamp,
    nonce: signedParams.SignatureNonce,
  };
}

function checkAcs3(
  request: SignedRequest,
  authorization: string,
  secrets: ReadonlyMap<string, string>,
): CheckedSignature {
  if (!authorization.startsWith(ACS3_PREFIX)) throw EcsError.incompleteSignature();
  const fields = new Map(
    authorization
      .slice(ACS3_PREFIX.length)
      .split(",")
      .map((field) => {
        const separator = field.indexOf("=");
        return [field.slice(0, separator).trim(), field.slice(separator + 1).trim()] as const;
      }),
  );
  const accessKeyId = fields.get("Credential");
  const signedHeaderList = fields.get("SignedHeaders");
  const signature = fields.get("Signature");
  if (!accessKeyId || signedHeaderList === undefined || !signature) throw EcsError.incompleteSignature();
  const secret = secrets.get(accessKeyId);
  if (secret === undefined) throw EcsError.accessKeyNotFound();

  const timestamp = headerValue(request.headers, "x-acs-date");
  const nonce = headerValue(request.headers, "x-acs-signature-nonce");
  if (!timestamp) throw EcsError.missingParameter("x-acs-date");
  if (!nonce) throw EcsError.missingParameter("x-acs-signature-nonce");
  const signedHeaders = signedHeaderList.split(";");
  if (!signedHeaders.includes("x-acs-date") || !signedHeaders.includes("x-acs-signature-nonce")) {
    throw EcsError.incompleteSignature();
  }

  const canonicalQuery = Object.keys(request.query)
    .sort()
    .map((name) => `${name}=${percentEncode(request.query[name])}`)
    .join("&");
  const canonicalHeaders = signedHeaders
    .map((name) => `${name}:${(headerValue(request.headers, name) ?? "").trim()}\n`)
    .join("");
  const payloadHash = crypto.createHash("sha256").update(request.body).digest("hex");
  const canonicalRequest = [
    request.method,
    request.path,
    canonicalQuery,
    canonicalHeaders,
    signedHeaderList,
    payloadHash,
  ].join("\n");
  const canonicalHash = crypto.createHash("sha256").update(canonicalRequest).digest("hex");
  const stringToSign = `ACS3-HMAC-SHA256\n${canonicalHash}`;
  const expected = crypto.createHmac("sha256", secret).update(stringToSign).digest("hex");
  if (!constantTimeEqual(expected, signature)) throw EcsError.signatureDoesNotMatch();
  return { accessKeyId, timestamp, nonce };
}

function checkTimestamp(timestamp: string, now: number): void {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(timestamp)) throw EcsError.timestampMalformed();
  const at = Date.parse(timestamp);
  if (Number.isNaN(at)) throw EcsError.timestampMalformed();
  if (Math.abs(now - at) > TIMESTAMP_WINDOW_MS) throw EcsError.timestampExpired();
}

/** A request header as one string (repeated headers joined with commas). */
export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(",") : value;
}

/**
 * Compares in time that depends only on the length, which is public: every signature of one method
 * has the same length.
 */
function constantTimeEqual(expected: string, actual: string): boolean {
  const [a, b] = [Buffer.from(expected, "utf8"), Buffer.from(actual, "utf8")];
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}
