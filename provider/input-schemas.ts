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

/** The declarative schema inside each orUnknown wrapper, by the wrapper's definition (shared by its clones). */
const wrappedSchemas = new WeakMap<object, z.ZodType>();

/**
 * Passes the engine's unknown value through untouched and validates anything else with `schema`.
 * A file has no unknown values, so a JSON Schema shows `schema` in its place (see fileFormatJsonSchema).
 */
export function orUnknown<T extends z.ZodType>(schema: T) {
  const wrapper = z.unknown().transform((value, ctx): z.output<T> | Unknown => {
    if (value === UNKNOWN) return UNKNOWN;
    const result = schema.safeParse(value);
    if (result.success) return result.data;
    for (const issue of result.error.issues) ctx.addIssue({ ...issue });
    return z.NEVER;
  });
  wrappedSchemas.set(wrapper._zod.def, schema);
  return wrapper;
}

/**
 * The JSON Schema of what a person writes (the input side): every orUnknown wrapper replaced by the
 * declarative schema it wraps, so that types, ranges, enums and required fields show and the
 * engine's unknown value does not.
 */
export function fileFormatJsonSchema(schema: z.ZodType): Record<string, unknown> {
  const options = {
    io: "input" as const,
    unrepresentable: "any" as const,
    override: (context: { zodSchema: z.core.$ZodType; jsonSchema: Record<string, unknown> }) => {
      const wrapped = wrappedSchemas.get(context.zodSchema._zod.def);
      if (wrapped === undefined) return;
      const inner = z.toJSONSchema(wrapped, options) as Record<string, unknown>;
      delete inner.$schema;
      Object.assign(context.jsonSchema, inner, { ...context.jsonSchema });
    },
  };
  return z.toJSONSchema(schema, options) as Record<string, unknown>;
}

const WHOLE_NUMBER_TEXT = /^-?\d{1,15}$/;

/**
 * A whole number from `min` to `max` (or one of `also`), given as a number or a numeric string such
 * as "13". Every way to get it wrong gives the same failure: the value and what is allowed.
 */
export function integerInput(range: { min: number; max: number; also?: number }, allowed: string) {
  const error = (issue: { input?: unknown }) => notAllowed(issue.input, allowed);
  const inRange = z.int({ error }).min(range.min, { error }).max(range.max, { error });
  const number = range.also === undefined ? inRange : z.union([z.literal(range.also), inRange], { error });
  const text = z
    .string({ error })
    .regex(WHOLE_NUMBER_TEXT, { error, abort: true })
    .refine((digits) => number.safeParse(Number(digits)).success, { error })
    .transform(Number);
  return z.union([number, text], { error });
}

export function patternInput(pattern: RegExp, allowed: string) {
  const error = (issue: { input?: unknown }) => notAllowed(issue.input, allowed);
  return z.string({ error }).regex(pattern, { error });
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
