import type * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import { defaultRegion } from "./config";
import { ENGINE_KEYS, withoutUndefined } from "./engine";

/** A check() failure, as the engine shows it: the input's path and what is allowed there. */
export interface ValidationFailure {
  property: string;
  reason: string;
}

export type ValidationResult<T> = { ok: true; inputs: T } | { ok: false; failures: ValidationFailure[] };

export interface ValidationContext {
  /** Keys the provider itself stores among the inputs (such as `clientToken`): carried through unchecked. */
  carriedKeys?: readonly string[];
}

export const REGION_REQUIRED: ValidationFailure = {
  property: "regionId",
  reason: "required; set regionId or configure alicloud:region / ALIBABA_CLOUD_REGION_ID",
};

export function validateInputs<Schema extends z.ZodType<object>>(
  schema: Schema,
  news: Record<string, unknown>,
  context: ValidationContext = {},
): ValidationResult<z.output<Schema>> {
  const carriedKeys = context.carriedKeys ?? [];
  const userInputs: Record<string, unknown> = {};
  const carried: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(news)) {
    // undefined cannot travel to the engine, and null is how a program leaves an input unset.
    if (ENGINE_KEYS.includes(key) || value === undefined || value === null) continue;
    if (carriedKeys.includes(key)) carried[key] = value;
    else userInputs[key] = withoutUndefined(value);
  }
  const result = schema.safeParse(userInputs);
  if (result.success) return { ok: true, inputs: { ...carried, ...result.data } };
  const inputNames = "shape" in schema ? Object.keys(schema.shape as object) : [];
  const failures = result.error.issues.flatMap((issue) => failuresOf(issue, inputNames));
  return { ok: false, failures: uniqueFailures(failures) };
}

/** Fills regionId from the configured region; without either there is nothing to validate against. */
export function applyDefaultRegion(
  news: Record<string, unknown>,
  defaultRegion: string | undefined,
): { ok: true; news: Record<string, unknown> } | { ok: false; failures: ValidationFailure[] } {
  const { regionId } = news;
  if (regionId !== undefined && regionId !== null && regionId !== "") return { ok: true, news };
  if (defaultRegion) return { ok: true, news: { ...news, regionId: defaultRegion } };
  return { ok: false, failures: [REGION_REQUIRED] };
}

/** `["timePoints", 2]` → `timePoints[2]`; `["tags", "acs:x"]` → `tags.acs:x`. */
export function formatPropertyPath(path: readonly PropertyKey[]): string {
  return path
    .map((segment, index) => {
      if (typeof segment === "number") return `[${segment}]`;
      const name = String(segment);
      if (name === "" || /[.[\]\s]/.test(name)) return `[${JSON.stringify(name)}]`;
      return index === 0 ? name : `.${name}`;
    })
    .join("");
}

/** One line per failure, for errors thrown outside check() (where the engine does not print the property). */
export function formatFailures(failures: readonly ValidationFailure[]): string {
  return failures.map(({ property, reason }) => (property ? `${property}: ${reason}` : reason)).join("\n");
}

function failuresOf(issue: z.core.$ZodIssue, inputNames: readonly string[]): ValidationFailure[] {
  if (issue.code !== "unrecognized_keys") {
    return [{ property: formatPropertyPath(issue.path), reason: issue.message }];
  }
  return issue.keys.map((key) => ({
    property: formatPropertyPath([...issue.path, key]),
    reason: issue.path.length === 0 ? unknownInputReason(key, inputNames) : issue.message,
  }));
}

function unknownInputReason(key: string, inputNames: readonly string[]): string {
  const suggestion = inputNames.find(
    (name) => name.toLowerCase() === key.toLowerCase() || editDistance(name, key) <= 2,
  );
  return suggestion !== undefined
    ? `unknown input; did you mean ${suggestion}?`
    : `unknown input; the inputs are ${inputNames.join(", ")}`;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j] + 1,
        current[j - 1] + 1,
        previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length];
}

function uniqueFailures(failures: ValidationFailure[]): ValidationFailure[] {
  const seen = new Set<string>();
  return failures.filter(({ property, reason }) => {
    const key = `${property}\n${reason}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

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
  const shown = (failures: readonly ValidationFailure[]) =>
    failures.map((failure) => failureForEngine(failure, news));
  const withRegion = applyDefaultRegion(news, defaultRegion());
  if (!withRegion.ok) return { inputs: news, failures: shown(withRegion.failures) };
  const validated = validateInputs(schema, withRegion.news, { carriedKeys: options.carriedKeys });
  if (!validated.ok) return { inputs: news, failures: shown(validated.failures) };
  const failures = shown(options.rules?.(validated.inputs) ?? []);
  return { inputs: withoutUndefined(validated.inputs as Record<string, unknown>), failures };
}

const MISSING_PREFIX = "required; ";

/**
 * A check() failure as the engine prints it. The engine looks the property up among the inputs by
 * its top-level name only (a nested path prints as `value {<nil>}`), so the failure names the
 * top-level input and the reason starts with the path: `timePoints` / `timePoints[1]: 25 is not
 * allowed; …`. An input that is missing reads `retentionDays is required: …`.
 */
export function failureForEngine(
  failure: ValidationFailure,
  news: Record<string, unknown>,
): ValidationFailure {
  const { property, reason } = failure;
  const topLevel = /^[^.[]+/.exec(property)?.[0];
  if (!topLevel) return failure;
  if (topLevel !== property) return { property: topLevel, reason: `${property}: ${reason}` };
  const given = news[property];
  if ((given === undefined || given === null) && reason.startsWith(MISSING_PREFIX)) {
    return { property, reason: `${property} is required: ${reason.slice(MISSING_PREFIX.length)}` };
  }
  return failure;
}
