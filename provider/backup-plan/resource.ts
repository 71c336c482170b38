import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as yaml from "js-yaml";
import { z } from "zod";
import { PolicyAttachment } from "./attachment";
import { difference } from "./attachment-model";
import { AutoSnapshotPolicy, type AutoSnapshotPolicyArgs } from "./policy";
import {
  autoSnapshotPolicyInputsSchema,
  describeValue,
  policyAttachmentInputsSchema,
  type Known,
} from "./schemas";
import { formatPropertyPath, validateInputs, type ValidationFailure } from "./validation";

/*
 * A backup plan: named automatic snapshot policies and, for each, the disks that follow it. The same
 * zod schemas as the resources' check() validate it, so a plan that loads is a plan the providers accept.
 */

const POLICY_KEY_PATTERN = /^[a-z0-9][a-z0-9_-]*$/;
const POLICY_KEY_RULE =
  "policy keys are lowercase letters, digits, '-' and '_', starting with a letter or digit (they name Pulumi resources)";
const PLAN_FIELDS_RULE = "a plan holds policies (and optionally $schema)";

type PolicyShape = typeof autoSnapshotPolicyInputsSchema.shape;

/** Shown by editors that read schema/backup-plan.schema.json; the rules themselves live in the schemas. */
const POLICY_FIELD_DESCRIPTIONS: Record<keyof PolicyShape, string> = {
  regionId: "Region of the policy and its disks, e.g. cn-hangzhou; defaults to alicloud:region.",
  autoSnapshotPolicyName:
    "2–128 characters; starts with a letter (Latin or Chinese); letters, digits, ':', '_', '-'.",
  timePoints: "1–24 whole hours 0–23 (UTC+8); order and duplicates do not matter.",
  repeatWeekdays: "1–7 days 1–7 (1 = Monday, 7 = Sunday); order and duplicates do not matter.",
  retentionDays: "Days each snapshot is kept: -1 (forever) or 1–65535; default -1.",
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

/** Every failure of a plan, one per line: `<source>: <path>: <what is wrong and what is allowed>`. */
export class BackupPlanError extends Error {
  constructor(
    readonly source: string,
    readonly failures: readonly ValidationFailure[],
  ) {
    super(
      failures
        .map(({ property, reason }) =>
          property ? `${source}: ${property}: ${reason}` : `${source}: ${reason}`,
        )
        .join("\n"),
    );
    this.name = "BackupPlanError";
  }
}

const PLAN_FIELDS = Object.keys(backupPlanSchema.shape);

const planFileSchema = z.object(
  {
    $schema: z
      .string({ error: (issue) => `${describeValue(issue.input)} is not allowed; a URL or path` })
      .optional(),
    policies: z.record(z.string(), z.unknown(), {
      error: (issue) =>
        issue.input === undefined
          ? "required; a map of policy keys to policies"
          : `${describeValue(issue.input)} is not allowed; a map of policy keys to policies`,
    }),
  },
  { error: (issue) => `${describeValue(issue.input)} is not allowed; ${PLAN_FIELDS_RULE}` },
);

/** Validates plan data (already parsed from YAML or JSON, or written in code); `source` names it in errors. */
export function parseBackupPlan(data: unknown, source: string): BackupPlanSpec {
  const failures: ValidationFailure[] = unknownPlanFields(data);
  const file = planFileSchema.safeParse(data);
  if (!file.success) {
    const fileFailures = file.error.issues.map((issue) => ({
      property: formatPropertyPath(issue.path),
      reason: issue.message,
    }));
    throw new BackupPlanError(source, [...fileFailures, ...failures]);
  }
  const policies: Record<string, PlanPolicySpec> = {};
  for (const key of Object.keys(file.data.policies).sort()) {
    const where = ["policies", key];
    if (!policyKeySchema.safeParse(key).success) {
      failures.push({
        property: formatPropertyPath(where),
        reason: `${describeValue(key)} is not allowed; ${POLICY_KEY_RULE}`,
      });
    }
    const policy = file.data.policies[key];
    if (policy === null || typeof policy !== "object" || Array.isArray(policy)) {
      failures.push({
        property: formatPropertyPath(where),
        reason: `${describeValue(policy)} is not allowed; an object of AutoSnapshotPolicy inputs and disks`,
      });
      continue;
    }
    const validated = validateInputs(planPolicySchema, policy as Record<string, unknown>);
    if (validated.ok) policies[key] = validated.inputs as PlanPolicySpec;
    else failures.push(...validated.failures.map((failure) => within(where, failure)));
  }
  failures.push(...disksClaimedTwice(policies, file.data.policies));
  if (failures.length > 0) throw new BackupPlanError(source, failures);
  return { policies };
}

/** Reads a plan file: YAML (.yaml, .yml) or JSON (.json). Errors name the file as `filePath` is given. */
export function loadBackupPlan(filePath: string): BackupPlanSpec {
  const extension = path.extname(filePath).toLowerCase();
  if (![".yaml", ".yml", ".json"].includes(extension)) {
    throw new BackupPlanError(filePath, [
      { property: "", reason: `unsupported file type "${extension}"; .yaml, .yml or .json` },
    ]);
  }
  let text: string;
  try {
    text = fs.readFileSync(filePath, "utf8");
  } catch (error) {
    throw new BackupPlanError(filePath, [
      { property: "", reason: `cannot read: ${(error as Error).message}` },
    ]);
  }
  let data: unknown;
  try {
    data = extension === ".json" ? JSON.parse(text) : yaml.load(text, { filename: filePath });
  } catch (error) {
    const reason = error instanceof yaml.YAMLException ? yamlProblem(error) : (error as Error).message;
    throw new BackupPlanError(filePath, [
      { property: "", reason: `not valid ${extension.slice(1)}: ${reason}` },
    ]);
  }
  return parseBackupPlan(data, filePath);
}

export type BackupPlanArgs =
  | {
      /** The plan as data; validated exactly like a file. */
      plan: BackupPlanDocument | BackupPlanSpec;
    }
  | {
      /** Path of a YAML or JSON plan file, relative to the working directory. */
      file: string;
    };

/**
 * Creates the policies and attachments a plan describes: for policy key `k`, the AutoSnapshotPolicy
 * `${name}-${k}` and, when it lists disks, the PolicyAttachment `${name}-${k}-disks` with all of them
 * (Apply in batches of 100).
 *
 * Moving a disk between policies must never leave it without a policy. A move is one update on each
 * side, which the engine runs in either order: the gaining attachment Applies its policy (which
 * replaces the old one in one call), and the losing attachment drops the disk without a Cancel, because
 * each attachment's handedOffDiskIds lists the disks the plan gives to its other policies. So in either
 * order, and for swaps too, the disk goes from the old policy straight to the new one. A disk removed
 * from the plan altogether is in no handedOffDiskIds, so it is cancelled.
 *
 * A plan claims its disks (takeOverDisks): a listed disk that carries a policy from outside the plan is
 * moved to the plan's policy; this also lets the gaining side Apply before the losing side has run.
 */
export class BackupPlan extends pulumi.ComponentResource {
  /** The plan as validated and normalised. */
  readonly spec: BackupPlanSpec;
  /** The policies, by policy key. */
  readonly policies: Record<string, AutoSnapshotPolicy>;
  /** The attachments, by policy key; a policy that lists no disks has none. */
  readonly attachments: Record<string, PolicyAttachment>;
  /** Policy ids ("sp-…") by policy key. */
  readonly policyIds: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: BackupPlanArgs, opts?: pulumi.ComponentResourceOptions) {
    // Validated before anything is registered, so that an invalid plan changes nothing.
    const spec =
      "file" in args ? loadBackupPlan(args.file) : parseBackupPlan(args.plan, `BackupPlan ${name}`);
    super("alicloud-snapshot-policy:index:BackupPlan", name, {}, opts);
    this.spec = spec;
    this.policies = {};
    this.attachments = {};
    const plannedDisks = Object.values(spec.policies).flatMap(({ disks }) => disks ?? []);
    for (const [key, { disks, ...policyInputs }] of Object.entries(spec.policies)) {
      const policy = new AutoSnapshotPolicy(`${name}-${key}`, policyInputs, { parent: this });
      this.policies[key] = policy;
      if (disks === undefined) continue;
      this.attachments[key] = new PolicyAttachment(
        `${name}-${key}-disks`,
        {
          regionId: policyInputs.regionId,
          autoSnapshotPolicyId: policy.id,
          diskIds: disks,
          takeOverDisks: true,
          // A disk is listed by one policy only, so these are the disks of the plan's other policies.
          handedOffDiskIds: difference(plannedDisks, disks),
        },
        { parent: this },
      );
    }
    this.policyIds = pulumi.all(
      Object.fromEntries(Object.entries(this.policies).map(([key, policy]) => [key, policy.id])),
    );
    this.registerOutputs({ policyIds: this.policyIds });
  }
}

function within(where: readonly string[], { property, reason }: ValidationFailure): ValidationFailure {
  const prefix = formatPropertyPath(where);
  return { property: property.startsWith("[") ? `${prefix}${property}` : `${prefix}.${property}`, reason };
}

function unknownPlanFields(data: unknown): ValidationFailure[] {
  if (data === null || typeof data !== "object" || Array.isArray(data)) return [];
  return Object.keys(data)
    .filter((field) => !PLAN_FIELDS.includes(field))
    .map((field) => ({
      property: formatPropertyPath([field]),
      reason: `unknown field; ${PLAN_FIELDS_RULE}`,
    }));
}

/**
 * Disk ids are unique across regions, so a disk listed under two policies is an error whatever their
 * regions. The path points at the disk as written (`given`), not at its place in the sorted list.
 */
function disksClaimedTwice(
  policies: Record<string, PlanPolicySpec>,
  given: Record<string, unknown>,
): ValidationFailure[] {
  const claimedBy = new Map<string, string>();
  const failures: ValidationFailure[] = [];
  for (const [key, { disks }] of Object.entries(policies)) {
    const givenDisks = (given[key] as { disks: unknown[] }).disks;
    for (const diskId of disks ?? []) {
      const earlier = claimedBy.get(diskId);
      if (earlier === undefined) claimedBy.set(diskId, key);
      else {
        failures.push({
          property: formatPropertyPath(["policies", key, "disks", givenDisks.indexOf(diskId)]),
          reason: `"${diskId}" is also listed by policy ${earlier}; a disk follows one policy`,
        });
      }
    }
  }
  return failures;
}

function yamlProblem(error: yaml.YAMLException): string {
  const { mark } = error;
  return mark ? `${error.reason} (line ${mark.line + 1}, column ${mark.column + 1})` : error.reason;
}
