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

export function isDiskNotFound(error: unknown): boolean {
  return error instanceof EcsApiError && error.code === "InvalidDiskId.NotFound";
}
