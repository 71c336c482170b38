import * as fs from "node:fs";
import * as path from "node:path";
import Ajv2020 from "ajv/dist/2020";
import { parse } from "yaml";
import { BackupPlanError, parseBackupPlan } from "../../provider/backup-plan/load";
import { PLAN_SCHEMA_PATH } from "../../scripts/generate-plan-schema";

/*
 * schema/backup-plan.schema.json as an editor or a CI validator uses it: a JSON Schema validator (ajv)
 * refuses invalid plans and accepts the examples; each plan it refuses, the loader refuses too.
 */

const schema = JSON.parse(fs.readFileSync(PLAN_SCHEMA_PATH, "utf8"));
const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);

/** A valid policy with `fields` added, or replacing the one of the same name. */
const policy = (fields: string) => {
  const base = { timePoints: "[2]", repeatWeekdays: "[1]", retentionDays: "7" };
  const lines = Object.entries(base)
    .filter(([name]) => !fields.includes(`${name}:`))
    .map(([name, value]) => `    ${name}: ${value}\n`);
  return `policies:\n  nightly:\n${lines.join("")}${fields}`;
};

const INVALID_PLANS: [string, string, string][] = [
  ["an hour past 23", policy("    timePoints: [25]\n"), "/items/anyOf"],
  ["retention in words", policy('    retentionDays: "soon"\n'), "retentionDays"],
  ["retention of zero days", policy("    retentionDays: 0\n"), "retentionDays"],
  ["weekday 0", policy("    repeatWeekdays: [0]\n"), "repeatWeekdays"],
  ["no time points", policy("    timePoints: []\n"), "timePoints"],
  [
    "a required field left out",
    "policies:\n  nightly:\n    timePoints: [2]\n    retentionDays: 7\n",
    "required",
  ],
  ["a misspelt field", policy("    retentionDay: 7\n"), "additionalProperties"],
  ["a policy key with a space", policy("").replace("nightly", "Daily Backups"), "propertyNames"],
  ["a disk id that is not one", policy("    disks: [vol-1]\n"), "disks"],
  ["a reserved tag key", policy('    tags: { "acs:owner": platform }\n'), "tags"],
  ["a yes that is not a boolean", policy('    enableCrossRegionCopy: "yes"\n'), "enableCrossRegionCopy"],
  [
    "a name starting with a digit",
    policy("    autoSnapshotPolicyName: 1nightly\n"),
    "autoSnapshotPolicyName",
  ],
  ["no policies at all", "policy: {}\n", "required"],
];

test.each(INVALID_PLANS)("refuses %s, as the loader does", (_name, text, where) => {
  const plan = parse(text);
  expect(validate(plan)).toBe(false);
  expect(JSON.stringify(validate.errors)).toContain(where);
  expect(() => parseBackupPlan(plan, "plan")).toThrow(BackupPlanError);
});

test.each([
  path.join("examples", "backup-plan", "backup.yaml"),
  path.join("test", "unit", "fixtures", "plans", "valid.yaml"),
  path.join("test", "unit", "fixtures", "plans", "valid.json"),
])("accepts %s", (file) => {
  const plan = file.endsWith(".json")
    ? JSON.parse(fs.readFileSync(file, "utf8"))
    : parse(fs.readFileSync(file, "utf8"));
  expect(validate(plan)).toBe(true);
  expect(validate.errors ?? []).toEqual([]);
});

test("the file format shows types and ranges, and not the engine's unknown value", () => {
  const text = fs.readFileSync(PLAN_SCHEMA_PATH, "utf8");
  expect(text).not.toContain("04da6b54-80e4-46f7-96ec-b56ff0331ba9");
  const fields = schema.properties.policies.additionalProperties.properties;
  expect(fields.timePoints).toMatchObject({ type: "array", minItems: 1, maxItems: 24 });
  expect(fields.timePoints.items.anyOf[0]).toEqual({ type: "integer", minimum: 0, maximum: 23 });
  expect(fields.enableCrossRegionCopy.type).toBe("boolean");
  expect(fields.tags.maxProperties).toBe(19);
});
