import * as fs from "node:fs";
import * as path from "node:path";
// The SDK's errors module alone: snapshot-plan loads plans without the whole SDK.
import { RunError } from "@pulumi/pulumi/errors";
import { parseDocument } from "yaml";
import { z } from "zod";
import { MAX_POLICIES_PER_DISK } from "../attachment/associations";
import { describeValue } from "../input-schemas";
import { autoSnapshotPolicyRules } from "../policy/schema";
import { AUTO_SNAPSHOTS_PER_DISK_LIMIT, type SnapshotSchedule, snapshotsPerDisk } from "../policy/schedule";
import { formatPropertyPath, validateInputs, type ValidationFailure } from "../validation";
import { duplicateJsonKeys } from "./json";
import {
  backupPlanSchema,
  planPolicySchema,
  POLICY_KEY_RULE,
  policyKeySchema,
  type BackupPlanSpec,
  type PlanPolicySpec,
  withAssociationFromTargetTags,
} from "./schema";

const PLAN_FIELDS_RULE = "a plan holds policies (and optionally $schema)";

/**
 * Every failure of a plan, one per line: `<source>: <path>: <what is wrong and what is allowed>`.
 * A RunError, so that a program that loads an invalid plan fails with just these lines under the
 * CLI: Pulumi prints a RunError's message without a stack trace.
 */
export class BackupPlanError extends RunError {
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
    // Not z.record, which drops a "__proto__" key without an issue.
    policies: z.custom<Record<string, unknown>>(
      (value) => value !== null && typeof value === "object" && !Array.isArray(value),
      {
        error: (issue) =>
          issue.input === undefined
            ? "required; a map of policy keys to policies"
            : `${describeValue(issue.input)} is not allowed; a map of policy keys to policies`,
      },
    ),
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
  // Entries, not assignments: a policy key such as "__proto__" must stay a key.
  const validPolicies: [string, PlanPolicySpec][] = [];
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
    const validated = validateInputs(
      planPolicySchema,
      withAssociationFromTargetTags(policy as Record<string, unknown>),
    );
    // The rules check() runs after its schema (such as the 1,000-snapshot limit), so a plan that loads previews.
    const ruleFailures = validated.ok ? autoSnapshotPolicyRules(validated.inputs) : validated.failures;
    if (validated.ok && ruleFailures.length === 0)
      validPolicies.push([key, validated.inputs as PlanPolicySpec]);
    else failures.push(...ruleFailures.map((failure) => within(where, failure)));
  }
  const policies = Object.fromEntries(validPolicies);
  failures.push(...diskRules(policies, file.data.policies));
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
    data = extension === ".json" ? JSON.parse(text) : yamlData(text);
  } catch (error) {
    throw new BackupPlanError(filePath, [
      { property: "", reason: `not valid ${extension.slice(1)}: ${(error as Error).message}` },
    ]);
  }
  if (extension === ".json") {
    const duplicates = duplicateJsonKeys(text).map(({ path: keyPath, line }) => ({
      property: formatPropertyPath(keyPath),
      reason: `duplicated key (line ${line}); a key appears once in an object`,
    }));
    if (duplicates.length > 0) throw new BackupPlanError(filePath, duplicates);
  }
  return parseBackupPlan(data, filePath);
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
 * A disk may follow several policies of a plan (tiers: hourly, daily, weekly), all in its region, at most
 * ten; together they must not keep more than 1,000 automatic snapshots on it, unless every one of them
 * accepts that (allowSnapshotLimitOverflow). Whether the account allows several policies per disk is the
 * provider's to check, at preview. Paths point at the disk as written (`given`).
 */
function diskRules(
  policies: Record<string, PlanPolicySpec>,
  given: Record<string, unknown>,
): ValidationFailure[] {
  const tiersByDisk = new Map<string, string[]>();
  for (const [key, { disks }] of Object.entries(policies)) {
    for (const diskId of disks ?? []) tiersByDisk.set(diskId, [...(tiersByDisk.get(diskId) ?? []), key]);
  }
  const failures: ValidationFailure[] = [];
  for (const [diskId, keys] of tiersByDisk) {
    if (keys.length < 2) continue;
    const last = keys[keys.length - 1];
    const property = formatPropertyPath([
      "policies",
      last,
      "disks",
      (given[last] as { disks: unknown[] }).disks.indexOf(diskId),
    ]);
    const listed = keys.join(", ");
    const regions = new Set(keys.map((key) => policies[key].regionId ?? ""));
    if (regions.size > 1) {
      failures.push({
        property,
        reason: `"${diskId}" is listed by policies of different regions (${listed}); a disk is in one region`,
      });
    } else if (keys.length > MAX_POLICIES_PER_DISK) {
      failures.push({
        property,
        reason: `"${diskId}" is listed by ${keys.length} policies (${listed}); a disk holds at most ${MAX_POLICIES_PER_DISK}`,
      });
    } else if (keys.some((key) => !policies[key].allowSnapshotLimitOverflow)) {
      const total = keys.reduce((sum, key) => sum + snapshotsPerDisk(policies[key] as SnapshotSchedule), 0);
      if (total > AUTO_SNAPSHOTS_PER_DISK_LIMIT) {
        const amount =
          total === Infinity
            ? "snapshots without limit (a policy keeps them forever)"
            : `up to ${total.toLocaleString("en-US")} snapshots`;
        failures.push({
          property,
          reason:
            `"${diskId}" would hold ${amount} under the policies ${listed} together, over the limit of ` +
            `${AUTO_SNAPSHOTS_PER_DISK_LIMIT.toLocaleString("en-US")} automatic snapshots per disk, beyond which the oldest are deleted; ` +
            "lower their retentionDays, or set allowSnapshotLimitOverflow: true on each of them",
        });
      }
    }
  }
  return failures;
}

/** The document's data; a syntax error or a duplicate key throws, with the line and column of the first. */
function yamlData(text: string): unknown {
  const document = parseDocument(text);
  const [problem] = document.errors;
  if (problem === undefined) return document.toJS();
  const reason = problem.message.split(/ at line \d+, column \d+/)[0];
  const start = problem.linePos?.[0];
  throw new Error(start ? `${reason} (line ${start.line}, column ${start.col})` : reason);
}
