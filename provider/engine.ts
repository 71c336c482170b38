import { unknownValue } from "@pulumi/pulumi/runtime/rpc";

/*
 * The dynamic-provider contract: what the engine puts into a provider's properties and what it
 * expects back. The serialized provider shells (serialized-providers.ts) must not refer to anything
 * here: they capture nothing, and require the implementation at call time.
 */

/** The serialized provider the engine keeps among a dynamic resource's properties. */
export const PROVIDER_KEY = "__provider";

/** Keys the engine adds to every dynamic resource's inputs; the host puts them back after check(). */
export const ENGINE_KEYS: readonly string[] = [PROVIDER_KEY];

/**
 * The value the engine passes at preview for anything that comes from another resource. Taken from the
 * SDK's rpc module alone, not the whole SDK, so that snapshot-plan starts in a fraction of a second.
 */
export const UNKNOWN = unknownValue;
export type Unknown = typeof UNKNOWN;

/** A checked input type with every place an unknown may sit resolved, as create() and update() receive it. */
export type Known<T> = T extends Unknown
  ? never
  : T extends readonly (infer E)[]
    ? Known<E>[]
    : T extends object
      ? { [K in keyof T]: Known<T[K]> }
      : T;

export function containsUnknown(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (value !== null && typeof value === "object") return Object.values(value).some(containsUnknown);
  return false;
}

/**
 * The value with every key whose value is undefined dropped, at any depth: how inputs arrive and
 * how outputs must leave, since the engine's protobuf Structs cannot carry undefined.
 */
export function withoutUndefined<T>(value: T): T {
  if (Array.isArray(value)) return value.map(withoutUndefined) as T;
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, field]) => field !== undefined)
      .map(([key, field]) => [key, withoutUndefined(field)]),
  ) as T;
}

/**
 * Thrown by create()/update() when the cloud was changed before the operation failed: the engine
 * records `id` with `properties` (the state as far as it got) and reports `message`, so nothing
 * that was done is lost from state. `properties` must carry the serialized provider.
 */
export class PartialStateError extends Error {
  readonly reasons: string[];

  constructor(
    message: string,
    readonly id: string,
    readonly properties: Record<string, unknown>,
  ) {
    super(message);
    this.name = "PartialStateError";
    this.reasons = [message];
  }
}
