import { z } from "zod";

/** The value the engine passes at preview for anything that comes from another resource. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
export type Unknown = typeof UNKNOWN;

/** A checked input type with every place an unknown may sit resolved, as create() and update() receive it. */
export type Known<T> = T extends Unknown
  ? never
  : T extends readonly (infer E)[]
    ? Known<E>[]
    : T extends object
      ? { [K in keyof T]: Known<T[K]> }
      : T;

export const MAX_TIME_POINTS = 24;
export const MAX_REPEAT_WEEKDAYS = 7;
/** The tag the AutoSnapshotPolicy provider keeps on each policy to find it again after a lost create answer. */
export const CLIENT_TOKEN_TAG = "pulumi:client-token";
/** A policy holds 20 tags; one of them is CLIENT_TOKEN_TAG. */
export const MAX_TAGS = 19;
export const MAX_APPLY_BATCH_SIZE = 100;

const TIME_POINT_RULE = "whole hours 0–23 (UTC+8)";
const WEEKDAY_RULE = "days 1–7 (1 = Monday, 7 = Sunday)";
const RETENTION_RULE = "-1 (keep forever) or 1–65535 days";
const REGION_RULE = "a region id such as cn-hangzhou or ap-southeast-1";
const NAME_RULE =
  "2–128 characters: Latin or Chinese letters, digits, ':', '_' and '-', starting with a letter, not with http:// or https://";
const BOOLEAN_RULE = "true or false";

export function containsUnknown(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (value !== null && typeof value === "object") return Object.values(value).some(containsUnknown);
  return false;
}

/** The offending value as it appears in a failure: short strings quoted, long ones only by their length. */
export function describeValue(value: unknown): string {
  if (typeof value === "string")
    return value.length <= 48 ? JSON.stringify(value) : `a ${value.length}-character string`;
  if (typeof value === "number" || typeof value === "boolean" || value === null) return String(value);
  if (Array.isArray(value)) return "a list";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

function notAllowed(value: unknown, allowed: string): string {
  return value === undefined ? `required; ${allowed}` : `${describeValue(value)} is not allowed; ${allowed}`;
}

/** Passes the engine's unknown value through untouched and validates anything else with `schema`. */
function orUnknown<T extends z.ZodType>(schema: T) {
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
function integerInput(isAllowed: (value: number) => boolean, allowed: string) {
  return z.unknown().transform((value, ctx) => {
    const integer = toInteger(value);
    if (integer !== undefined && isAllowed(integer)) return integer;
    ctx.addIssue({ code: "custom", message: notAllowed(value, allowed), input: value });
    return z.NEVER;
  });
}

function patternInput(pattern: RegExp, allowed: string) {
  return z.unknown().transform((value, ctx) => {
    if (typeof value === "string" && pattern.test(value)) return value;
    ctx.addIssue({ code: "custom", message: notAllowed(value, allowed), input: value });
    return z.NEVER;
  });
}

const booleanInput = z.boolean({ error: (issue) => notAllowed(issue.input, BOOLEAN_RULE) });

/** A list of `element`s with `min`–`max` entries, counted before de-duplication. */
function listInput<T extends z.ZodType>(element: T, min: number, max: number, allowed: string) {
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
function sortedSet<T extends number | string>(list: (T | Unknown)[]): (T | Unknown)[] {
  if (list.includes(UNKNOWN)) return list;
  return [...new Set(list)].sort((a, b) =>
    typeof a === "number" && typeof b === "number" ? a - b : String(a).localeCompare(String(b)),
  );
}

export const regionIdSchema = patternInput(/^[a-z]{2,}(-[a-z0-9]+)+$/, REGION_RULE);

const timePointSchema = integerInput((hour) => hour >= 0 && hour <= 23, TIME_POINT_RULE);
const weekdaySchema = integerInput((day) => day >= 1 && day <= 7, WEEKDAY_RULE);
const retentionDaysSchema = integerInput(
  (days) => days === -1 || (days >= 1 && days <= 65535),
  RETENTION_RULE,
);

const timePointsSchema = listInput(timePointSchema, 1, MAX_TIME_POINTS, `1–24 ${TIME_POINT_RULE}`).transform(
  sortedSet<number>,
);
const repeatWeekdaysSchema = listInput(
  weekdaySchema,
  1,
  MAX_REPEAT_WEEKDAYS,
  `1–7 ${WEEKDAY_RULE}`,
).transform(sortedSet<number>);
const targetCopyRegionsSchema = listInput(
  regionIdSchema,
  1,
  1,
  `exactly one destination region, ${REGION_RULE}`,
);

const policyNameSchema = z.unknown().transform((name, ctx) => {
  const problem = policyNameProblem(name);
  if (problem === undefined) return name as string;
  ctx.addIssue({ code: "custom", message: problem, input: name });
  return z.NEVER;
});

function policyNameProblem(name: unknown): string | undefined {
  if (typeof name !== "string") return notAllowed(name, `a name of ${NAME_RULE}`);
  const length = [...name].length;
  if (length < 2 || length > 128)
    return `a name of ${length} character${length === 1 ? "" : "s"} is not allowed; ${NAME_RULE}`;
  if (/^https?:\/\//i.test(name)) return `${describeValue(name)} is not allowed; ${NAME_RULE}`;
  if (!/^[A-Za-z\p{Script=Han}]/u.test(name)) {
    return `${describeValue(name)} starts with ${JSON.stringify([...name][0])}; ${NAME_RULE}`;
  }
  const badCharacter = [...name].find((character) => !/^[A-Za-z0-9:_\-\p{Script=Han}]$/u.test(character));
  if (badCharacter !== undefined) {
    return `${describeValue(name)} contains ${JSON.stringify(badCharacter)}; ${NAME_RULE}`;
  }
  return undefined;
}

const TAG_KEY_RULE = "tag keys are 1–128 characters";
const TAG_VALUE_RULE = "tag values are 0–128 characters";

function tagKeyProblem(key: string): string | undefined {
  if (key.length === 0) return `an empty tag key is not allowed; ${TAG_KEY_RULE}`;
  if (key.length > 128) return `a tag key of ${key.length} characters is not allowed; ${TAG_KEY_RULE}`;
  if (key === CLIENT_TOKEN_TAG)
    return "this tag key is kept for the provider (it finds the policy it created by it); use another key";
  if (key.startsWith("acs:") || key.startsWith("aliyun"))
    return 'a tag key must not start with "acs:" or "aliyun"';
  if (/https?:\/\//.test(key)) return 'a tag key must not contain "http://" or "https://"';
  return undefined;
}

/** Tag values may be secrets, so their problems never quote them. */
function tagValueProblem(value: unknown): string | undefined {
  if (value === UNKNOWN) return undefined;
  if (typeof value !== "string") return `a tag value must be a string; ${TAG_VALUE_RULE}`;
  if (value.length > 128)
    return `a tag value of ${value.length} characters is not allowed; ${TAG_VALUE_RULE}`;
  if (value.startsWith("acs:")) return 'a tag value must not start with "acs:"';
  if (/https?:\/\//.test(value)) return 'a tag value must not contain "http://" or "https://"';
  return undefined;
}

const tagsSchema = z
  .record(z.string(), z.unknown(), {
    error: (issue) => notAllowed(issue.input, `a map of at most ${MAX_TAGS} tags`),
  })
  .transform((tags, ctx) => {
    const entries = Object.entries(tags);
    if (entries.length > MAX_TAGS) {
      ctx.addIssue({
        code: "custom",
        message: `${entries.length} tags; at most ${MAX_TAGS} are allowed (a policy holds 20 and the provider keeps one, ${CLIENT_TOKEN_TAG})`,
      });
    }
    for (const [key, value] of entries) {
      for (const problem of [tagKeyProblem(key), tagValueProblem(value)]) {
        if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem, path: [key] });
      }
    }
    return tags as Record<string, string | Unknown>;
  });

const copyEncryptionConfigurationSchema = z
  .strictObject(
    {
      encrypted: orUnknown(booleanInput).default(false),
      kmsKeyId: orUnknown(z.string({ error: (issue) => notAllowed(issue.input, "a KMS key id") })).optional(),
    },
    {
      error: (issue) =>
        issue.code === "unrecognized_keys"
          ? "unknown field; copyEncryptionConfiguration takes encrypted and kmsKeyId"
          : notAllowed(issue.input, "an object { encrypted, kmsKeyId }"),
    },
  )
  .superRefine(({ encrypted, kmsKeyId }, ctx) => {
    if (kmsKeyId && kmsKeyId !== UNKNOWN && encrypted === false) {
      ctx.addIssue({ code: "custom", path: ["kmsKeyId"], message: "a kmsKeyId needs encrypted: true" });
    }
  });

export const policyIdSchema = patternInput(
  /^sp-[a-z0-9]+$/,
  "an automatic snapshot policy id such as sp-bp12m37ccmxvbmi5",
);
const diskIdSchema = patternInput(/^d-[a-z0-9]+$/, "a disk id such as d-bp14k9cxvr5uzy54");
const resourceGroupIdSchema = patternInput(/^rg-[a-z0-9]+$/, "a resource group id such as rg-aek2kkmhmhs");

function diskIdList(allowed: string) {
  return z.array(orUnknown(diskIdSchema), { error: (issue) => notAllowed(issue.input, allowed) });
}

const diskIdsSchema = diskIdList("a list of one or more disk ids such as d-bp14k9cxvr5uzy54")
  .min(1, { error: "an empty list is not allowed; one or more disk ids such as d-bp14k9cxvr5uzy54" })
  .superRefine((diskIds, ctx) => {
    const firstIndex = new Map<string, number>();
    diskIds.forEach((diskId, index) => {
      if (diskId === UNKNOWN) return;
      const earlier = firstIndex.get(diskId);
      if (earlier === undefined) firstIndex.set(diskId, index);
      else {
        ctx.addIssue({
          code: "custom",
          path: [index],
          message: `"${diskId}" is already listed at index ${earlier}; list each disk once`,
        });
      }
    });
  })
  .transform(sortedSet<string>);

const handedOffDiskIdsSchema = diskIdList("a list of disk ids such as d-bp14k9cxvr5uzy54").transform(
  sortedSet<string>,
);

/** A resource's inputs: unknown names are rejected so that a misspelt input is not silently ignored. */
function inputsObject<Shape extends z.ZodRawShape>(shape: Shape) {
  return z.strictObject(shape, { error: (issue) => notAllowed(issue.input, "an object of inputs") });
}

export const autoSnapshotPolicyInputsSchema = inputsObject({
  regionId: orUnknown(regionIdSchema).optional(),
  autoSnapshotPolicyName: orUnknown(policyNameSchema).optional(),
  timePoints: orUnknown(timePointsSchema),
  repeatWeekdays: orUnknown(repeatWeekdaysSchema),
  retentionDays: orUnknown(retentionDaysSchema).default(-1),
  enableCrossRegionCopy: orUnknown(booleanInput).default(false),
  targetCopyRegions: orUnknown(targetCopyRegionsSchema).optional(),
  copiedSnapshotsRetentionDays: orUnknown(retentionDaysSchema).optional(),
  copyEncryptionConfiguration: orUnknown(copyEncryptionConfigurationSchema).optional(),
  tags: orUnknown(tagsSchema).optional(),
  resourceGroupId: orUnknown(resourceGroupIdSchema).optional(),
  adoptPolicyId: orUnknown(policyIdSchema).optional(),
  deleteAdoptedPolicyOnDestroy: orUnknown(booleanInput).optional(),
  allowSnapshotLimitOverflow: orUnknown(booleanInput).default(false),
}).superRefine((inputs, ctx) => {
  const { regionId, enableCrossRegionCopy, targetCopyRegions } = inputs;
  if (targetCopyRegions !== undefined && enableCrossRegionCopy === false) {
    ctx.addIssue({
      code: "custom",
      path: ["targetCopyRegions"],
      message: "only allowed with enableCrossRegionCopy: true",
    });
  }
  if (targetCopyRegions === undefined && enableCrossRegionCopy === true) {
    ctx.addIssue({
      code: "custom",
      path: ["targetCopyRegions"],
      message: `required when enableCrossRegionCopy is true; exactly one destination region, ${REGION_RULE}`,
    });
  }
  if (Array.isArray(targetCopyRegions) && regionId !== undefined && regionId !== UNKNOWN) {
    targetCopyRegions.forEach((target, index) => {
      if (target === regionId) {
        ctx.addIssue({
          code: "custom",
          path: ["targetCopyRegions", index],
          message: `"${target}" is the policy's own region; the destination must be another region`,
        });
      }
    });
  }
  if (inputs.adoptPolicyId !== undefined && inputs.deleteAdoptedPolicyOnDestroy === undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["deleteAdoptedPolicyOnDestroy"],
      message:
        "required with adoptPolicyId; true deletes the adopted policy on destroy, false leaves it in place",
    });
  }
  if (inputs.adoptPolicyId === undefined && inputs.deleteAdoptedPolicyOnDestroy !== undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["deleteAdoptedPolicyOnDestroy"],
      message: "only allowed with adoptPolicyId",
    });
  }
});

export const policyAttachmentInputsSchema = inputsObject({
  regionId: orUnknown(regionIdSchema).optional(),
  autoSnapshotPolicyId: orUnknown(policyIdSchema),
  diskIds: orUnknown(diskIdsSchema),
  batchSize: orUnknown(
    integerInput(
      (size) => size >= 1 && size <= MAX_APPLY_BATCH_SIZE,
      `whole numbers 1–${MAX_APPLY_BATCH_SIZE} (disks per ApplyAutoSnapshotPolicy call)`,
    ),
  ).default(MAX_APPLY_BATCH_SIZE),
  takeOverDisks: orUnknown(booleanInput).default(false),
  handedOffDiskIds: orUnknown(handedOffDiskIdsSchema).default([]),
});

export type AutoSnapshotPolicyInputs = z.infer<typeof autoSnapshotPolicyInputsSchema>;
export type PolicyAttachmentInputs = z.infer<typeof policyAttachmentInputsSchema>;
