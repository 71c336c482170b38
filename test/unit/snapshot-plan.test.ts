import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { main } from "../../provider/backup-plan/cli";
import { propertyPathSegments } from "../../provider/backup-plan/source-positions";

const FIXTURES = path.join("test", "unit", "fixtures", "plans");
const fixture = (name: string) => path.join(FIXTURES, name);

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "snapshot-plan-"));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function writePlan(name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

async function run(...argv: string[]): Promise<{ status: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const status = await main(argv, { out: (text) => out.push(text), err: (text) => err.push(text) });
  return { status, out, err };
}

describe("snapshot-plan check", () => {
  test("a valid plan exits 0 and says what it holds", async () => {
    const example = path.join("examples", "backup-plan", "backup.yaml");
    expect(await run("check", example)).toEqual({
      status: 0,
      out: [`${example}: valid; 4 policies, 5 disks`],
      err: [],
    });
  });

  test("out-of-range values: one line per failure at the value's line and column", async () => {
    const file = fixture("out-of-range.yaml");
    expect(await run("check", file)).toEqual({
      status: 1,
      out: [
        `${file}:3:25: policies.daily.timePoints[2]: 24 is not allowed; whole hours 0–23 (UTC+8)`,
        `${file}:4:22: policies.daily.repeatWeekdays[0]: 0 is not allowed; days 1–7 (1 = Monday, 7 = Sunday)`,
        `${file}:5:20: policies.daily.retentionDays: 0 is not allowed; -1 (keep forever) or 1–65535 days`,
        `${file}:6:24: policies.daily.disks[1]: "vol-1" is not allowed; a disk id such as d-bp14k9cxvr5uzy54`,
      ],
      err: [],
    });
  });

  test("unknown fields point at their keys; bad policy keys at the key", async () => {
    const unknown = fixture("unknown-field.yaml");
    expect((await run("check", unknown)).out).toEqual([
      `${unknown}:7:1: polices: unknown field; a plan holds policies (and optionally $schema)`,
      `${unknown}:2:3: policies.daily.retentionDays: required; -1 (keep forever) or 1–65535 days`,
      `${unknown}:5:5: policies.daily.retentionDay: unknown input; did you mean retentionDays?`,
      `${unknown}:6:5: policies.daily.disk: unknown input; did you mean disks?`,
    ]);
    const badKey = fixture("bad-key.yaml");
    expect((await run("check", badKey)).out.map((line) => line.split(": ")[0])).toEqual([
      `${badKey}:6:3`,
      `${badKey}:2:3`,
    ]);
  });

  test("a disk over the cap under two tiers points at the second listing; JSON files get positions too", async () => {
    const duplicate = fixture("duplicate-disk.yaml");
    expect((await run("check", duplicate)).out).toEqual([
      `${duplicate}:13:25: policies.weekly.disks[1]: "d-shared01" would hold up to 1,356 snapshots under the policies ` +
        "daily, weekly together, over the limit of 1,000 automatic snapshots per disk, beyond which the oldest are " +
        "deleted; lower their retentionDays, or set allowSnapshotLimitOverflow: true on each of them",
    ]);
    const json = fixture("cross-field.json");
    expect((await run("check", json)).out).toEqual([
      `${json}:8:7: policies.copied.targetCopyRegions: only allowed with enableCrossRegionCopy: true`,
      `${json}:8:29: policies.copied.targetCopyRegions[0]: "cn-hangzhou" is the policy's own region; the destination must be another region`,
    ]);
  });

  test("a plan the loader takes but preview would refuse fails: snapshots kept forever without allowSnapshotLimitOverflow", async () => {
    const file = writePlan(
      "forever.yaml",
      "policies:\n  archive:\n    timePoints: [1]\n    repeatWeekdays: [1]\n    retentionDays: -1\n",
    );
    expect(await run("check", file)).toEqual({
      status: 1,
      out: [
        `${file}:5:20: policies.archive.retentionDays: -1 keeps snapshots forever: a disk reaches 1,000 snapshots after ` +
          "6,994 days; a disk holds at most 1,000 automatic snapshots and the oldest beyond that are deleted; set " +
          "retentionDays to at most 7,000 days, use fewer timePoints or repeatWeekdays, or set allowSnapshotLimitOverflow: true",
      ],
      err: [],
    });
  });

  test("the rules check() applies beyond the schema apply too: the per-disk snapshot cap", async () => {
    const file = writePlan(
      "over-cap.yaml",
      "policies:\n  hourly:\n    timePoints: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23]\n" +
        "    repeatWeekdays: [1, 2, 3, 4, 5, 6, 7]\n    retentionDays: 42\n",
    );
    expect(await run("check", file)).toEqual({
      status: 1,
      out: [
        `${file}:5:20: policies.hourly.retentionDays: keeps up to 1,008 snapshots per disk; a disk holds at most ` +
          "1,000 automatic snapshots and the oldest beyond that are deleted; lower retentionDays to at most 41 days, " +
          "use fewer timePoints or repeatWeekdays, or set allowSnapshotLimitOverflow: true",
      ],
      err: [],
    });
  });

  test("a missing field points at the policy that lacks it", async () => {
    const file = writePlan(
      "missing.yaml",
      "policies:\n  nightly:\n    timePoints: [1]\n    retentionDays: 7\n",
    );
    expect(await run("check", file)).toMatchObject({
      status: 1,
      out: [
        `${file}:2:3: policies.nightly.repeatWeekdays: required; a list of 1–7 days 1–7 (1 = Monday, 7 = Sunday)`,
      ],
    });
  });

  test("YAML syntax errors and duplicate keys are invalid plans, at their position", async () => {
    const duplicateKey = writePlan(
      "duplicate-key.yaml",
      "policies:\n  daily:\n    timePoints: [2]\n    repeatWeekdays: [1]\n    timePoints: [3]\n",
    );
    const result = await run("check", duplicateKey);
    expect(result.status).toBe(1);
    expect(result.out).toHaveLength(1);
    expect(result.out[0]).toBe(
      `${duplicateKey}:5:5: not valid yaml: Map keys must be unique (line 5, column 5)`,
    );

    const broken = writePlan(
      "broken.yaml",
      "policies:\n  daily:\n    timePoints: [2\n    repeatWeekdays: [1]\n",
    );
    const brokenResult = await run("check", broken);
    expect(brokenResult.status).toBe(1);
    expect(brokenResult.out[0]).toMatch(new RegExp(`^${broken}:\\d+:\\d+: not valid yaml: `));
  });

  test("an unreadable or unsupported file exits 2 and says why", async () => {
    const missing = path.join(dir, "absent.yaml");
    const result = await run("check", missing);
    expect(result.status).toBe(2);
    expect(result.out[0]).toMatch(new RegExp(`^${missing}: cannot read: ENOENT`));
    const directory =
      fs.mkdirSync(path.join(dir, "folder.yaml"), { recursive: true }) ?? path.join(dir, "folder.yaml");
    expect((await run("check", directory)).status).toBe(2);
    expect(await run("check", "plan.toml")).toEqual({
      status: 2,
      out: ['plan.toml: unsupported file type ".toml"; .yaml, .yml or .json'],
      err: [],
    });
  });

  test("usage errors exit 2 with the usage on stderr", async () => {
    for (const argv of [
      [],
      ["check"],
      ["check", "a.yaml", "b.yaml"],
      ["lint", "a.yaml"],
      ["report", "a.yaml", "--svg"],
    ]) {
      const result = await run(...argv);
      expect(result.status).toBe(2);
      expect(result.err.join("\n")).toContain("usage: snapshot-plan check <plan>");
    }
    expect((await run("report", fixture("valid.yaml"), "--colour", "red")).err[0]).toContain(
      "unknown option --colour",
    );
  });
});

describe("snapshot-plan report", () => {
  const base = () =>
    writePlan(
      "base.yaml",
      [
        "policies:",
        "  daily:",
        "    regionId: cn-hangzhou",
        "    timePoints: [2]",
        "    repeatWeekdays: [1, 2, 3, 4, 5, 6, 7]",
        "    retentionDays: 7",
        "    disks: [d-bp1app0001, d-bp1app0002]",
        "",
      ].join("\n"),
    );

  test("prints the diff from the base, then the summary, and writes the picture", async () => {
    const head = writePlan(
      "head.yaml",
      fs.readFileSync(base(), "utf8").replace("retentionDays: 7", "retentionDays: 28"),
    );
    const svg = path.join(dir, "plan.svg");
    const result = await run("report", head, "--base", base(), "--svg", svg);
    expect(result.status).toBe(0);
    const markdown = result.out.join("\n");
    expect(markdown).toContain("## Backup plan changes");
    expect(markdown).toContain(
      "- d-bp1app0001, d-bp1app0002: oldest restore point 7 days → 28 days; snapshots kept 7 → 28 of 1,000",
    );
    expect(markdown).toContain("| d-bp1app0001, d-bp1app0002 | daily | 28 of 1,000 | 28 days |");
    expect(markdown.indexOf("## Backup plan changes")).toBeLessThan(markdown.indexOf("## Backup plan\n"));
    expect(fs.readFileSync(svg, "utf8")).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  });

  test("an invalid plan is reported on stderr like check, exit 1", async () => {
    const result = await run("report", fixture("out-of-range.yaml"), "--base", base());
    expect(result.status).toBe(1);
    expect(result.err[0]).toBe(
      `${fixture("out-of-range.yaml")}:3:25: policies.daily.timePoints[2]: 24 is not allowed; whole hours 0–23 (UTC+8)`,
    );
    expect(result.out).toEqual([]);
  });
});

test("property paths read back into segments", () => {
  expect(propertyPathSegments('policies["Daily Backups"].disks[1]')).toEqual([
    "policies",
    "Daily Backups",
    "disks",
    1,
  ]);
  expect(propertyPathSegments("policies.-weekly")).toEqual(["policies", "-weekly"]);
  expect(propertyPathSegments("tags.acs:x")).toEqual(["tags", "acs:x"]);
});
