import { z } from "zod";
import type { ValidationFailure } from "../validation";
import { UNKNOWN, type Unknown } from "../engine";
import {
  booleanInput,
  describeValue,
  inputsObject,
  integerInput,
  listInput,
  notAllowed,
  orUnknown,
  patternInput,
  policyIdSchema,
  REGION_RULE,
  regionIdSchema,
  sortedSet,
} from "../input-schemas";
import {
  ASSOCIATION_TYPES,
  INSTANCE_TAG_REGIONS,
  MAX_TARGET_TAGS,
  supportsInstanceTagAssociation,
  TAG_ASSOCIATION,
} from "./association";
import { snapshotLimitFailure } from "./schedule";

export const MAX_TIME_POINTS = 24;
export const MAX_REPEAT_WEEKDAYS = 7;
/** The tag the AutoSnapshotPolicy provider keeps on each policy to find it again after a lost create answer. */
export const CLIENT_TOKEN_TAG = "pulumi:client-token";
/** The input through which the resource passes its identity, from which check() derives the client token. */
export const CLIENT_TOKEN_SEED_KEY = "clientTokenSeed";
/** A policy holds 20 tags; one of them is CLIENT_TOKEN_TAG. */
export const MAX_TAGS = 19;

const TIME_POINT_RULE = "whole hours 0–23 (UTC+8)";
const WEEKDAY_RULE = "days 1–7 (1 = Monday, 7 = Sunday)";
const RETENTION_RULE = "-1 (keep forever) or 1–65535 days";
const NAME_RULE =
  "2–128 characters: Latin or Chinese letters, digits, ':', '_' and '-', starting with a letter, not with http:// or https://";

const timePointSchema = integerInput({ min: 0, max: 23 }, TIME_POINT_RULE);
const weekdaySchema = integerInput({ min: 1, max: 7 }, WEEKDAY_RULE);
const retentionDaysSchema = integerInput({ min: 1, max: 65535, also: -1 }, RETENTION_RULE);

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

function nameLengthProblem(name: string): string {
  const length = [...name].length;
  return `a name of ${length} character${length === 1 ? "" : "s"} is not allowed; ${NAME_RULE}`;
}

/** The first rule a name breaks, checked in this order; each check stops the ones after it. */
const policyNameSchema = z
  .string({ error: (issue) => notAllowed(issue.input, `a name of ${NAME_RULE}`) })
  .min(2, { error: (issue) => nameLengthProblem(issue.input as string), abort: true })
  .max(128, { error: (issue) => nameLengthProblem(issue.input as string), abort: true })
  .regex(/^(?![Hh][Tt][Tt][Pp][Ss]?:\/\/)/, {
    error: (issue) => `${describeValue(issue.input)} is not allowed; ${NAME_RULE}`,
    abort: true,
  })
  .regex(/^[A-Za-z\p{Script=Han}]/u, {
    error: (issue) =>
      `${describeValue(issue.input)} starts with ${JSON.stringify([...(issue.input as string)][0])}; ${NAME_RULE}`,
    abort: true,
  })
  .regex(/^[A-Za-z0-9:_\-\p{Script=Han}]*$/u, {
    error: (issue) => {
      const name = issue.input as string;
      const bad = [...name].find((character) => !/^[A-Za-z0-9:_\-\p{Script=Han}]$/u.test(character));
      return `${describeValue(name)} contains ${JSON.stringify(bad)}; ${NAME_RULE}`;
    },
  });

const TAG_KEY_RULE = "tag keys are 1–128 characters";
const TAG_VALUE_RULE = "tag values are 0–128 characters";

function tagKeyProblem(key: string): string | undefined {
  if (key.length === 0) return `an empty tag key is not allowed; ${TAG_KEY_RULE}`;
  if (key.length > 128) return `a tag key of ${key.length} characters is not allowed; ${TAG_KEY_RULE}`;
  if (key === CLIENT_TOKEN_TAG)
    return "this tag key is kept for the provider (it finds the policy it created by it); use another key";
  if (/^(acs:|aliyun)/i.test(key)) return 'a tag key must not start with "acs:" or "aliyun", in any case';
  if (/https?:\/\//i.test(key)) return 'a tag key must not contain "http://" or "https://", in any case';
  if (key === "__proto__") return UNTRAVELLED_KEY;
  return undefined;
}

/** Tag values may be secrets, so their problems never quote them. */
function tagValueProblem(value: unknown): string | undefined {
  if (value === UNKNOWN) return undefined;
  if (typeof value !== "string") return `a tag value must be a string; ${TAG_VALUE_RULE}`;
  if (value.length > 128)
    return `a tag value of ${value.length} characters is not allowed; ${TAG_VALUE_RULE}`;
  if (/^acs:/i.test(value)) return 'a tag value must not start with "acs:", in any case';
  if (/https?:\/\//i.test(value)) return 'a tag value must not contain "http://" or "https://", in any case';
  return undefined;
}

/**
 * Pulumi's property maps assign keys one by one (`map[key] = value`), so a `__proto__` key never reaches
 * the provider; it is refused wherever it can be seen rather than dropped.
 */
export const UNTRAVELLED_KEY =
  'the key "__proto__" is not allowed: Pulumi\'s property maps drop it on the way to the provider; use another key';

// Not z.record, which drops a "__proto__" key without an issue.
const tagsSchema = z
  .unknown()
  .transform((tags, ctx) => {
    if (tags === null || typeof tags !== "object" || Array.isArray(tags)) {
      ctx.addIssue({ code: "custom", message: notAllowed(tags, `a map of at most ${MAX_TAGS} tags`) });
      return z.NEVER;
    }
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
    return Object.fromEntries(entries) as Record<string, string | Unknown>;
  })
  .meta({
    // What the transform checks, for the plan file's JSON Schema (editors).
    type: "object",
    maxProperties: MAX_TAGS,
    propertyNames: {
      minLength: 1,
      maxLength: 128,
      not: { pattern: "^([Aa][Cc][Ss]:|[Aa][Ll][Ii][Yy][Uu][Nn])" },
    },
    additionalProperties: { type: "string", maxLength: 128 },
  });

const ASSOCIATION_TYPE_RULE = `${ASSOCIATION_TYPES.join(" or ")}`;
export const associationTypeSchema = z.enum(ASSOCIATION_TYPES, {
  error: (issue) => notAllowed(issue.input, ASSOCIATION_TYPE_RULE),
});

const TARGET_TAGS_RULE = `1–${MAX_TARGET_TAGS} tags that an instance must all carry for the policy to cover its disks (an empty value matches any value)`;
const TARGET_TAG_VALUE_RULE = "target tag values are 0–128 characters ('' = any value)";

function targetTagKeyProblem(key: string): string | undefined {
  if (key.length === 0) return `an empty tag key is not allowed; ${TAG_KEY_RULE}`;
  if (key.length > 128) return `a tag key of ${key.length} characters is not allowed; ${TAG_KEY_RULE}`;
  if (key.startsWith("acs:") || key.startsWith("aliyun"))
    return 'a tag key must not start with "acs:" or "aliyun"';
  if (/https?:\/\//.test(key)) return 'a tag key must not contain "http://" or "https://"';
  return undefined;
}

function targetTagValueProblem(value: unknown): string | undefined {
  if (value === UNKNOWN) return undefined;
  if (typeof value !== "string") return `a target tag value must be a string; ${TARGET_TAG_VALUE_RULE}`;
  if (value.length > 128)
    return `a target tag value of ${value.length} characters is not allowed; ${TARGET_TAG_VALUE_RULE}`;
  if (/https?:\/\//.test(value)) return 'a target tag value must not contain "http://" or "https://"';
  return undefined;
}

const targetTagsSchema = z
  .record(z.string(), z.unknown(), {
    error: (issue) => notAllowed(issue.input, `a map of ${TARGET_TAGS_RULE}`),
  })
  .transform((tags, ctx) => {
    const entries = Object.entries(tags);
    if (entries.length === 0 || entries.length > MAX_TARGET_TAGS) {
      ctx.addIssue({
        code: "custom",
        message: `${entries.length === 0 ? "an empty map is" : `${entries.length} tags are`} not allowed; ${TARGET_TAGS_RULE}`,
      });
    }
    for (const [key, value] of entries) {
      for (const problem of [targetTagKeyProblem(key), targetTagValueProblem(value)]) {
        if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem, path: [key] });
      }
    }
    return tags as Record<string, string | Unknown>;
  })
  .meta({
    // What the transform checks, for the plan file's JSON Schema (editors).
    minProperties: 1,
    maxProperties: MAX_TARGET_TAGS,
    propertyNames: { minLength: 1, maxLength: 128 },
    additionalProperties: { type: "string", maxLength: 128 },
  });

const resourceGroupIdSchema = patternInput(/^rg-[a-z0-9]+$/, "a resource group id such as rg-aek2kkmhmhs");

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

export const autoSnapshotPolicyInputsSchema = inputsObject({
  regionId: orUnknown(regionIdSchema).optional(),
  autoSnapshotPolicyName: orUnknown(policyNameSchema).optional(),
  timePoints: orUnknown(timePointsSchema),
  repeatWeekdays: orUnknown(repeatWeekdaysSchema),
  retentionDays: orUnknown(retentionDaysSchema),
  enableCrossRegionCopy: orUnknown(booleanInput).default(false),
  targetCopyRegions: orUnknown(targetCopyRegionsSchema).optional(),
  copiedSnapshotsRetentionDays: orUnknown(retentionDaysSchema).optional(),
  copyEncryptionConfiguration: orUnknown(copyEncryptionConfigurationSchema).optional(),
  tags: orUnknown(tagsSchema).optional(),
  resourceGroupId: orUnknown(resourceGroupIdSchema).optional(),
  adoptPolicyId: orUnknown(policyIdSchema).optional(),
  deleteAdoptedPolicyOnDestroy: orUnknown(booleanInput).optional(),
  allowSnapshotLimitOverflow: orUnknown(booleanInput).default(false),
  associationType: orUnknown(associationTypeSchema).default("AssociatedWithDisk"),
  targetTags: orUnknown(targetTagsSchema).optional(),
}).superRefine((inputs, ctx) => {
  const { regionId, enableCrossRegionCopy, targetCopyRegions } = inputs;
  associationIssues(inputs, ctx);
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
});

/** targetTags go with AssociatedWithInstanceTag, which needs them and a region that supports it. */
function associationIssues(
  {
    associationType,
    targetTags,
    regionId,
  }: { associationType: unknown; targetTags?: unknown; regionId?: unknown },
  ctx: z.RefinementCtx,
): void {
  if (associationType === UNKNOWN) return;
  const byInstanceTag = associationType === TAG_ASSOCIATION;
  if (byInstanceTag && targetTags === undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["targetTags"],
      message: `required with associationType ${TAG_ASSOCIATION}; ${TARGET_TAGS_RULE}`,
    });
  }
  if (!byInstanceTag && targetTags !== undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["targetTags"],
      message: `only allowed with associationType: ${TAG_ASSOCIATION} (a disk-associated policy gets its disks through PolicyAttachment)`,
    });
  }
  if (byInstanceTag && typeof regionId === "string" && regionId !== UNKNOWN) {
    if (!supportsInstanceTagAssociation(regionId)) {
      ctx.addIssue({
        code: "custom",
        path: ["regionId"],
        message:
          `${describeValue(regionId)} does not support associationType ${TAG_ASSOCIATION}; ` +
          `the regions that do: ${INSTANCE_TAG_REGIONS.join(", ")}`,
      });
    }
  }
}

export type AutoSnapshotPolicyInputs = z.infer<typeof autoSnapshotPolicyInputsSchema>;

/** The rules check() runs once the inputs have passed the schema (a plan's loader runs them too). */
export function autoSnapshotPolicyRules(inputs: AutoSnapshotPolicyInputs): ValidationFailure[] {
  const limitFailure = snapshotLimitFailure(inputs);
  return limitFailure ? [limitFailure] : [];
}
