import { z } from "zod";
import { UNKNOWN, type Unknown } from "./engine";

/*
 * The pieces the resources' input schemas are built from: each failure names what was given and
 * what is allowed, and the engine's unknown value passes through wherever an input may hold one.
 */

export const REGION_RULE = "a region id such as cn-hangzhou or ap-southeast-1";
const BOOLEAN_RULE = "true or false";

/** The offending value as it appears in a failure: short strings quoted, long ones only by their length. */
export function describeValue(value: unknown): string {
  if (typeof value === "string")
    return value.length <= 48 ? JSON.stringify(value) : `a ${value.length}-character string`;
  if (typeof value === "number" || typeof value === "boolean" || value === null) return String(value);
  if (Array.isArray(value)) return "a list";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

export function notAllowed(value: unknown, allowed: string): string {
  return value === undefined ? `required; ${allowed}` : `${describeValue(value)} is not allowed; ${allowed}`;
}

/** Passes the engine's unknown value through untouched and validates anything else with `schema`. */
export function orUnknown<T extends z.ZodType>(schema: T) {
  return z.unknown().transform((value, ctx): z.output<T> | Unknown => {
    if (value === UNKNOWN) return UNKNOWN;
    const result = schema.safeParse(value);
    if (result.success) return result.data;
    for (const issue of result.error.issues) ctx.addIssue({ ...issue });
    return z.NEVER;
  });
}

function toInteger(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isSafeInteger(value) ? value : undefined;
  if (typeof value === "string" && /^-?\d{1,15}$/.test(value)) return Number(value);
  return undefined;
}

/** A whole number given as a number or a numeric string such as "13". */
export function integerInput(isAllowed: (value: number) => boolean, allowed: string) {
  return z.unknown().transform((value, ctx) => {
    const integer = toInteger(value);
    if (integer !== undefined && isAllowed(integer)) return integer;
    ctx.addIssue({ code: "custom", message: notAllowed(value, allowed), input: value });
    return z.NEVER;
  });
}

export function patternInput(pattern: RegExp, allowed: string) {
  return z.unknown().transform((value, ctx) => {
    if (typeof value === "string" && pattern.test(value)) return value;
    ctx.addIssue({ code: "custom", message: notAllowed(value, allowed), input: value });
    return z.NEVER;
  });
}

export const booleanInput = z.boolean({ error: (issue) => notAllowed(issue.input, BOOLEAN_RULE) });

/** A list of `element`s with `min`–`max` entries, counted before de-duplication. */
export function listInput<T extends z.ZodType>(element: T, min: number, max: number, allowed: string) {
  const countProblem = (list: unknown) => {
    const length = Array.isArray(list) ? list.length : 0;
    return `${length === 0 ? "an empty list is" : `${length} entries are`} not allowed; ${allowed}`;
  };
  return z
    .array(orUnknown(element), { error: (issue) => notAllowed(issue.input, `a list of ${allowed}`) })
    .min(min, { error: (issue) => countProblem(issue.input) })
    .max(max, { error: (issue) => countProblem(issue.input) });
}

/** Sorted and de-duplicated, unless an element is still unknown: then the order given is kept. */
export function sortedSet<T extends number | string>(list: (T | Unknown)[]): (T | Unknown)[] {
  if (list.includes(UNKNOWN)) return list;
  return [...new Set(list)].sort((a, b) =>
    typeof a === "number" && typeof b === "number" ? a - b : String(a).localeCompare(String(b)),
  );
}

export const regionIdSchema = patternInput(/^[a-z]{2,}(-[a-z0-9]+)+$/, REGION_RULE);

export const policyIdSchema = patternInput(
  /^sp-[a-z0-9]+$/,
  "an automatic snapshot policy id such as sp-bp12m37ccmxvbmi5",
);
export const diskIdSchema = patternInput(/^d-[a-z0-9]+$/, "a disk id such as d-bp14k9cxvr5uzy54");

/** A resource's inputs: unknown names are rejected so that a misspelt input is not silently ignored. */
export function inputsObject<Shape extends z.ZodRawShape>(shape: Shape) {
  return z.strictObject(shape, { error: (issue) => notAllowed(issue.input, "an object of inputs") });
}
