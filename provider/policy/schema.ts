import { z } from "zod";
import { UNKNOWN } from "../engine";
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

export const MAX_TIME_POINTS = 24;
export const MAX_REPEAT_WEEKDAYS = 7;
/** The tag the AutoSnapshotPolicy provider keeps on each policy to find it again after a lost create answer. */
export const CLIENT_TOKEN_TAG = "pulumi:client-token";
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
const NO_URL = /^(?![\s\S]*https?:\/\/)/;

const tagKeySchema = z
  .string()
  .min(1, { error: `an empty tag key is not allowed; ${TAG_KEY_RULE}`, abort: true })
  .max(128, {
    error: (issue) =>
      `a tag key of ${(issue.input as string).length} characters is not allowed; ${TAG_KEY_RULE}`,
    abort: true,
  })
  .regex(new RegExp(`^(?!${CLIENT_TOKEN_TAG}$)`), {
    error: "this tag key is kept for the provider (it finds the policy it created by it); use another key",
    abort: true,
  })
  .regex(/^(?!acs:|aliyun)/, { error: 'a tag key must not start with "acs:" or "aliyun"', abort: true })
  .regex(NO_URL, { error: 'a tag key must not contain "http://" or "https://"' });

/** Tag values may be secrets, so their problems never quote them. */
const tagValueSchema = z
  .string({ error: `a tag value must be a string; ${TAG_VALUE_RULE}` })
  .max(128, {
    error: (issue) =>
      `a tag value of ${(issue.input as string).length} characters is not allowed; ${TAG_VALUE_RULE}`,
    abort: true,
  })
  .regex(/^(?!acs:)/, { error: 'a tag value must not start with "acs:"', abort: true })
  .regex(NO_URL, { error: 'a tag value must not contain "http://" or "https://"' });

const tagsSchema = z
  .record(tagKeySchema, orUnknown(tagValueSchema), {
    error: (issue) =>
      issue.code === "invalid_key"
        ? issue.issues[0]?.message
        : notAllowed(issue.input, `a map of at most ${MAX_TAGS} tags`),
  })
  .refine((tags) => Object.keys(tags).length <= MAX_TAGS, {
    error: (issue) =>
      `${Object.keys(issue.input as object).length} tags; at most ${MAX_TAGS} are allowed (a policy holds 20 and the provider keeps one, ${CLIENT_TOKEN_TAG})`,
  })
  .meta({ maxProperties: MAX_TAGS });

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

export type AutoSnapshotPolicyInputs = z.infer<typeof autoSnapshotPolicyInputsSchema>;
