import * as fs from "node:fs";
import * as path from "node:path";
// The SDK's errors module alone: snapshot-plan loads plans without the whole SDK.
import { RunError } from "@pulumi/pulumi/errors";
import { parseDocument } from "yaml";
import { z } from "zod";
import { describeValue } from "../input-schemas";
import { formatPropertyPath, validateInputs, type ValidationFailure } from "../validation";
import {
  backupPlanSchema,
  planPolicySchema,
  POLICY_KEY_RULE,
  policyKeySchema,
  type BackupPlanSpec,
  type PlanPolicySpec,
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
    data = extension === ".json" ? JSON.parse(text) : yamlData(text);
  } catch (error) {
    throw new BackupPlanError(filePath, [
      { property: "", reason: `not valid ${extension.slice(1)}: ${(error as Error).message}` },
    ]);
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

/** The document's data; a syntax error or a duplicate key throws, with the line and column of the first. */
function yamlData(text: string): unknown {
  const document = parseDocument(text);
  const [problem] = document.errors;
  if (problem === undefined) return document.toJS();
  const reason = problem.message.split(/ at line \d+, column \d+/)[0];
  const start = problem.linePos?.[0];
  throw new Error(start ? `${reason} (line ${start.line}, column ${start.col})` : reason);
}
