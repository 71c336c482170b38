import { z } from "zod";
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

export type AutoSnapshotPolicyInputs = z.infer<typeof autoSnapshotPolicyInputsSchema>;
