import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { policyAttachmentInputsSchema } from "../attachment/schema";
import type { Known } from "../engine";
import type { AutoSnapshotPolicyArgs } from "../policy/resource";
import { autoSnapshotPolicyInputsSchema } from "../policy/schema";

/*
 * A backup plan: named automatic snapshot policies and, for each, the disks that follow it. The same
 * zod schemas as the resources' check() validate it, so a plan that loads is a plan the providers accept.
 */

const POLICY_KEY_PATTERN = /^[a-z0-9][a-z0-9_-]*$/;
export const POLICY_KEY_RULE =
  "policy keys are lowercase letters, digits, '-' and '_', starting with a letter or digit (they name Pulumi resources)";

type PolicyShape = typeof autoSnapshotPolicyInputsSchema.shape;

/** Shown by editors that read schema/backup-plan.schema.json; the rules themselves live in the schemas. */
const POLICY_FIELD_DESCRIPTIONS: Record<keyof PolicyShape, string> = {
  regionId: "Region of the policy and its disks, e.g. cn-hangzhou; defaults to alicloud:region.",
  autoSnapshotPolicyName:
    "2–128 characters; starts with a letter (Latin or Chinese); letters, digits, ':', '_', '-'.",
  timePoints: "1–24 whole hours 0–23 (UTC+8); order and duplicates do not matter.",
  repeatWeekdays: "1–7 days 1–7 (1 = Monday, 7 = Sunday); order and duplicates do not matter.",
  retentionDays: "Days each snapshot is kept: -1 (forever) or 1–65535; required.",
  enableCrossRegionCopy: "Copy each snapshot to targetCopyRegions; default false.",
  targetCopyRegions: "Exactly one region other than regionId; only with enableCrossRegionCopy: true.",
  copiedSnapshotsRetentionDays: "Days each copy is kept: -1 (forever) or 1–65535.",
  copyEncryptionConfiguration: "{ encrypted, kmsKeyId } for the copies; a kmsKeyId needs encrypted: true.",
  tags: "At most 19 tags (the provider keeps one of the 20 a policy holds); keys 1–128, values 0–128 characters.",
  resourceGroupId: "Resource group, rg-…; changing it replaces the policy.",
  adoptPolicyId: "Id of an existing policy (sp-…) to adopt instead of creating one.",
  deleteAdoptedPolicyOnDestroy: "Required with adoptPolicyId: whether destroying the plan deletes it.",
  allowSnapshotLimitOverflow: "Accept a schedule that keeps more than 1,000 snapshots a disk; default false.",
};

function describedShape(): PolicyShape {
  const shape = autoSnapshotPolicyInputsSchema.shape;
  return Object.fromEntries(
    Object.entries(shape).map(([field, schema]) => [
      field,
      schema.meta({ description: POLICY_FIELD_DESCRIPTIONS[field as keyof PolicyShape] }),
    ]),
  ) as PolicyShape;
}

/** One policy of a plan: the AutoSnapshotPolicy inputs (with their cross-field rules) plus its disks. */
export const planPolicySchema = autoSnapshotPolicyInputsSchema.safeExtend({
  ...describedShape(),
  disks: policyAttachmentInputsSchema.shape.diskIds.optional().meta({
    description: "Disks (d-…) in the policy's region that follow this policy; each disk in one policy only.",
  }),
});

export const policyKeySchema = z.string().regex(POLICY_KEY_PATTERN);

/** The whole plan file; parseBackupPlan applies it step by step so that every failure names its place. */
export const backupPlanSchema = z
  .strictObject({
    $schema: z.string().optional(),
    policies: z.record(policyKeySchema, planPolicySchema).meta({
      description: `Policies by key. ${POLICY_KEY_RULE}.`,
    }),
  })
  .meta({
    title: "alicloud-snapshot-policy backup plan",
    description: "Automatic snapshot policies and the disks that follow each of them.",
  });

export type PlanPolicySpec = Known<z.output<typeof planPolicySchema>>;
export interface BackupPlanSpec {
  /** Validated and normalised policies (lists sorted and de-duplicated, defaults filled), by key. */
  policies: Record<string, PlanPolicySpec>;
}

type Plain<T> = { [K in keyof T]: pulumi.Unwrap<T[K]> };
/** A policy of a plan written in code: the AutoSnapshotPolicy inputs as plain values, plus its disks. */
export type PlanPolicyDocument = Plain<AutoSnapshotPolicyArgs> & { disks?: string[] };
export interface BackupPlanDocument {
  $schema?: string;
  policies: Record<string, PlanPolicyDocument>;
}
