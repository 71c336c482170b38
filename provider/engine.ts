import type * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import { defaultRegion } from "./config";
import { applyDefaultRegion, validateInputs, withoutUndefined, type ValidationFailure } from "./validation";

/** The serialized provider the engine keeps among a dynamic resource's properties. */
export const PROVIDER_KEY = "__provider";

/**
 * check() for a resource: fills regionId from the configured region, validates with the resource's
 * schema, then runs `rules` (cross-input rules that need the normalised inputs). Makes no API call.
 */
export function checkInputs<Schema extends z.ZodType<object>>(
  schema: Schema,
  news: Record<string, unknown>,
  options: {
    carriedKeys?: readonly string[];
    rules?: (inputs: z.output<Schema>) => ValidationFailure[];
  } = {},
): pulumi.dynamic.CheckResult {
  const withRegion = applyDefaultRegion(news, defaultRegion());
  if (!withRegion.ok) return { inputs: news, failures: withRegion.failures };
  const validated = validateInputs(schema, withRegion.news, { carriedKeys: options.carriedKeys });
  if (!validated.ok) return { inputs: news, failures: validated.failures };
  const failures = options.rules?.(validated.inputs) ?? [];
  return { inputs: withoutUndefined(validated.inputs as Record<string, unknown>), failures };
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
