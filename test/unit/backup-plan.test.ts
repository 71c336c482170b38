import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { BackupPlanError, loadBackupPlan, parseBackupPlan } from "../../provider/backup-plan/load";
import { autoSnapshotPolicyProvider } from "../../provider";
import { UNTRAVELLED_KEY } from "../../provider/policy/schema";
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
          associationType: "AssociatedWithDisk",
        },
        daily: {
          regionId: "cn-hangzhou",
          timePoints: [2, 14],
          repeatWeekdays: [1, 2, 3, 4, 5, 6, 7],
          retentionDays: 7,
          enableCrossRegionCopy: false,
          allowSnapshotLimitOverflow: false,
          associationType: "AssociatedWithDisk",
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
          associationType: "AssociatedWithDisk",
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
        // 24 a day for 30 days (720) and 12 each Sunday for 365 days (12 × 53 = 636): 1,356 together.
        'policies.weekly.disks[1]: "d-shared01" would hold up to 1,356 snapshots under ' +
          "the policies daily, weekly together, over the limit of 1,000 automatic snapshots per disk, beyond which the " +
          "oldest are deleted; lower their retentionDays, or set allowSnapshotLimitOverflow: true on each of them",
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

describe("a plan that loads is a plan check() accepts", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "backup-plan-"));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const planFile = (name: string, text: string) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
  };

  test("a policy without retentionDays fails at load with the message check() gives", async () => {
    const policy = { regionId: "cn-hangzhou", timePoints: [2], repeatWeekdays: [1, 2, 3, 4, 5, 6, 7] };
    const checked = await autoSnapshotPolicyProvider.check!({}, policy);
    expect(checked.failures).toEqual([{ property: "retentionDays", reason: expect.any(String) }]);
    const file = planFile("forever.yaml", `policies:\n  daily: ${JSON.stringify(policy)}\n`);
    // check() words a missing input for the engine's line ("retentionDays is required: <rule>"); the
    // plan names the path instead, then the same rule.
    const rule = checked.failures![0].reason.replace(/^retentionDays is required: /, "");
    expect(rule).not.toBe(checked.failures![0].reason);
    expect(failureOf(() => loadBackupPlan(file)).message).toBe(
      `${file}: policies.daily.retentionDays: required; ${rule}`,
    );
  });

  test("the 1,000-snapshot rule applies to plans in code too, and allowSnapshotLimitOverflow lifts it", () => {
    const hourly = {
      timePoints: [...Array(24).keys()],
      repeatWeekdays: [1, 2, 3, 4, 5, 6, 7],
      retentionDays: 60,
    };
    expect(failureOf(() => parseBackupPlan({ policies: { hourly } }, "BackupPlan prod")).message).toMatch(
      /^BackupPlan prod: policies\.hourly\.retentionDays: keeps up to 1,440 snapshots per disk; .*lower retentionDays to at most 41 days/,
    );
    const allowed = { ...hourly, allowSnapshotLimitOverflow: true };
    expect(parseBackupPlan({ policies: { hourly: allowed } }, "code").policies.hourly.retentionDays).toBe(60);
  });

  test("duplicate keys in a JSON plan are an error, as in YAML", () => {
    const file = planFile(
      "duplicates.json",
      [
        "{",
        '  "policies": {',
        '    "daily": { "timePoints": [2], "repeatWeekdays": [1], "retentionDays": 7, "timePoints": [3] },',
        '    "weekly": { "timePoints": [3], "repeatWeekdays": [7], "retentionDays": 28, "tags": { "a": "1", "a": "2" } },',
        '    "daily": { "timePoints": [4], "repeatWeekdays": [1], "retentionDays": 7 }',
        "  }",
        "}",
      ].join("\n"),
    );
    expect(failureOf(() => loadBackupPlan(file)).message).toBe(
      [
        "policies.daily.timePoints: duplicated key (line 3); a key appears once in an object",
        "policies.weekly.tags.a: duplicated key (line 4); a key appears once in an object",
        "policies.daily: duplicated key (line 5); a key appears once in an object",
      ]
        .map((line) => `${file}: ${line}`)
        .join("\n"),
    );
    const yamlFile = planFile("duplicates.yaml", "policies:\n  daily: {}\n  daily: {}\n");
    expect(failureOf(() => loadBackupPlan(yamlFile)).message).toMatch(
      /Map keys must be unique \(line 3, column 3\)/,
    );
  });

  test.each(["json", "yaml"])(
    "policy keys named like built-in properties are ordinary keys; __proto__ fails by name (%s)",
    (format) => {
      const policy = { timePoints: [2], repeatWeekdays: [1], retentionDays: 7 };
      const plan = { policies: { constructor: policy, tostring: { ...policy, tags: { constructor: "c" } } } };
      const text =
        format === "json"
          ? JSON.stringify(plan)
          : `policies:\n  constructor: ${JSON.stringify(policy)}\n  tostring: ${JSON.stringify(plan.policies.tostring)}\n`;
      const loaded = loadBackupPlan(planFile(`builtin.${format}`, text));
      expect(Object.keys(loaded.policies)).toEqual(["constructor", "tostring"]);
      expect(Object.hasOwn(loaded.policies, "constructor")).toBe(true);
      expect(loaded.policies.tostring.tags).toEqual({ constructor: "c" });

      const proto =
        format === "json"
          ? `{"policies": {"__proto__": ${JSON.stringify(policy)}, "daily": ${JSON.stringify({ ...policy, tags: JSON.parse('{"__proto__": "x"}') })}}}`
          : `policies:\n  __proto__: ${JSON.stringify(policy)}\n  daily: { timePoints: [2], repeatWeekdays: [1], retentionDays: 7, tags: { __proto__: x } }\n`;
      const file = planFile(`proto.${format}`, proto);
      expect(failureOf(() => loadBackupPlan(file)).message).toBe(
        [
          `policies.__proto__: "__proto__" is not allowed; ${KEY_RULE}`,
          `policies.daily.tags.__proto__: ${UNTRAVELLED_KEY}`,
        ]
          .map((line) => `${file}: ${line}`)
          .join("\n"),
      );
    },
  );
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
