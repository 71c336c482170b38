import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { BackupPlanError, loadBackupPlan, parseBackupPlan } from "../../provider/backup-plan/load";
import { PLAN_SCHEMA_PATH, planSchemaText } from "../../scripts/generate-plan-schema";

const FIXTURES = path.join("test", "unit", "fixtures", "plans");
const fixture = (name: string) => path.join(FIXTURES, name);

const KEY_RULE =
  "policy keys are lowercase letters, digits, '-' and '_', starting with a letter or digit (they name Pulumi resources)";

function failureOf(load: () => unknown): BackupPlanError {
  try {
    load();
  } catch (error) {
    expect(error).toBeInstanceOf(BackupPlanError);
    return error as BackupPlanError;
  }
  throw new Error("the plan loaded; expected a BackupPlanError");
}

describe("valid plans", () => {
  test("YAML and JSON load to the same normalised plan, whatever the order of keys and lists", () => {
    const expected = {
      policies: {
        archive: {
          timePoints: [1],
          repeatWeekdays: [1],
          retentionDays: 365,
          enableCrossRegionCopy: false,
          allowSnapshotLimitOverflow: false,
        },
        daily: {
          regionId: "cn-hangzhou",
          timePoints: [2, 14],
          repeatWeekdays: [1, 2, 3, 4, 5, 6, 7],
          retentionDays: 7,
          enableCrossRegionCopy: false,
          allowSnapshotLimitOverflow: false,
          tags: { tier: "daily" },
          disks: ["d-daily01", "d-daily02"],
        },
        weekly: {
          regionId: "cn-shanghai",
          timePoints: [3],
          repeatWeekdays: [7],
          retentionDays: 28,
          enableCrossRegionCopy: false,
          allowSnapshotLimitOverflow: false,
          disks: ["d-weekly01", "d-weekly02"],
        },
      },
    };
    const fromYaml = loadBackupPlan(fixture("valid.yaml"));
    const fromJson = loadBackupPlan(fixture("valid.json"));
    expect(fromYaml).toEqual(expected);
    expect(fromJson).toEqual(expected);
    expect(Object.keys(fromYaml.policies)).toEqual(["archive", "daily", "weekly"]);
  });

  test("the example plan has daily and weekly tiers in cn-hangzhou and cn-shanghai", () => {
    const plan = loadBackupPlan(path.join("examples", "backup-plan", "backup.yaml"));
    const tiers = Object.entries(plan.policies).map(([key, policy]) => [key, policy.regionId, policy.tags]);
    expect(tiers).toEqual([
      ["daily-hangzhou", "cn-hangzhou", { tier: "daily" }],
      ["daily-shanghai", "cn-shanghai", { tier: "daily" }],
      ["weekly-hangzhou", "cn-hangzhou", { tier: "weekly" }],
      ["weekly-shanghai", "cn-shanghai", { tier: "weekly" }],
    ]);
  });

  test("a plan in code is validated the same way and named by its source", () => {
    expect(() =>
      parseBackupPlan(
        { policies: { nightly: { timePoints: [25], repeatWeekdays: [1], retentionDays: 7 } } },
        "BackupPlan prod",
      ),
    ).toThrow(
      new BackupPlanError("BackupPlan prod", [
        { property: "policies.nightly.timePoints[0]", reason: "25 is not allowed; whole hours 0–23 (UTC+8)" },
      ]),
    );
    expect(parseBackupPlan({ policies: {} }, "empty")).toEqual({ policies: {} });
  });
});

describe("invalid plans: every failure names the file, the path in it and what is allowed", () => {
  test.each([
    {
      file: "out-of-range.yaml",
      lines: [
        "policies.daily.timePoints[2]: 24 is not allowed; whole hours 0–23 (UTC+8)",
        "policies.daily.repeatWeekdays[0]: 0 is not allowed; days 1–7 (1 = Monday, 7 = Sunday)",
        "policies.daily.retentionDays: 0 is not allowed; -1 (keep forever) or 1–65535 days",
        'policies.daily.disks[1]: "vol-1" is not allowed; a disk id such as d-bp14k9cxvr5uzy54',
      ],
    },
    {
      file: "duplicate-disk.yaml",
      lines: [
        'policies.weekly.disks[1]: "d-shared01" is also listed by policy daily; a disk follows one policy',
      ],
    },
    {
      file: "unknown-field.yaml",
      lines: [
        "polices: unknown field; a plan holds policies (and optionally $schema)",
        "policies.daily.retentionDays: required; -1 (keep forever) or 1–65535 days",
        "policies.daily.retentionDay: unknown input; did you mean retentionDays?",
        "policies.daily.disk: unknown input; did you mean disks?",
      ],
    },
    {
      file: "bad-key.yaml",
      lines: [
        `policies.-weekly: "-weekly" is not allowed; ${KEY_RULE}`,
        `policies["Daily Backups"]: "Daily Backups" is not allowed; ${KEY_RULE}`,
      ],
    },
    {
      file: "cross-field.json",
      lines: [
        "policies.copied.targetCopyRegions: only allowed with enableCrossRegionCopy: true",
        `policies.copied.targetCopyRegions[0]: "cn-hangzhou" is the policy's own region; the destination must be another region`,
      ],
    },
    {
      file: "no-policies.yaml",
      lines: [
        "policies: required; a map of policy keys to policies",
        "policy: unknown field; a plan holds policies (and optionally $schema)",
      ],
    },
  ])("$file", ({ file, lines }) => {
    const error = failureOf(() => loadBackupPlan(fixture(file)));
    expect(error.message).toBe(lines.map((line) => `${fixture(file)}: ${line}`).join("\n"));
  });

  test("a YAML syntax error names the file and the line", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "backup-plan-"));
    const file = path.join(dir, "backup.yaml");
    fs.writeFileSync(file, "policies:\n  daily:\n    timePoints: [2\n    repeatWeekdays: [1]\n");
    try {
      expect(failureOf(() => loadBackupPlan(file)).message).toMatch(
        new RegExp(`^${file}: not valid yaml: .* \\(line \\d+, column \\d+\\)$`),
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a file that is neither YAML nor JSON, or is missing, is refused by name", () => {
    expect(failureOf(() => loadBackupPlan("plan.toml")).message).toBe(
      'plan.toml: unsupported file type ".toml"; .yaml, .yml or .json',
    );
    expect(failureOf(() => loadBackupPlan(fixture("missing.yaml"))).message).toMatch(
      new RegExp(`^${fixture("missing.yaml")}: cannot read: ENOENT`),
    );
  });
});

test("the committed JSON Schema is the one generated from the zod schemas", () => {
  expect(fs.readFileSync(PLAN_SCHEMA_PATH, "utf8")).toBe(planSchemaText());
});

test("the JSON Schema lists the policy fields and refuses unknown ones", () => {
  const schema = JSON.parse(fs.readFileSync(PLAN_SCHEMA_PATH, "utf8"));
  const policy = schema.properties.policies.additionalProperties;
  expect(policy.additionalProperties).toBe(false);
  expect(policy.required).toEqual(["timePoints", "repeatWeekdays", "retentionDays"]);
  expect(Object.keys(policy.properties)).toContain("disks");
  expect(schema.properties.policies.propertyNames.pattern).toBe("^[a-z0-9][a-z0-9_-]*$");
});
