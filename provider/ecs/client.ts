import type { EcsCredentials, EcsCredentialsProvider, EcsSettings } from "../config";
import { resolveSettings } from "../config";
import { EcsApiError } from "./errors";
import { scrubSecrets } from "./redact";
import { backoffDelayMs, classify, type Failure, type PopError } from "./retry";
import { toWireParams, type EcsParams } from "./wire";

const API_VERSION = "2014-05-26";

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
