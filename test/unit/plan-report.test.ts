import { planFigures, type ReportPlan } from "../../provider/backup-plan/report/figures";
import { planDiffReport, planReport } from "../../provider/backup-plan/report/markdown";
import { pictureData } from "../../provider/backup-plan/report/picture";
import { CHANGED_TIERED_PLAN, TIERED_PLAN } from "./plan-report-fixtures";

const CAP = 1000;
const HOURS_A_DAY = 24;

interface Simulated {
  /** The most snapshots the disk held at once. */
  mostHeld: number;
  /** The oldest age (hours) the disk's oldest snapshot reaches, once every tier is steady. */
  oldestAgeMost: number;
  /** The youngest age (hours) at which the cap (not retention) deleted a snapshot; Infinity if it never did. */
  youngestCutByCap: number;
}

/**
 * An independent model of a disk under several policies: hour by hour on a calendar that starts on a
 * Monday, each tier snapshots at its hours on its weekdays, a snapshot is deleted when it is as old as
 * its tier's retention, and when the disk holds more than the cap the oldest go first.
 */
function simulateDisk(plan: ReportPlan, tiers: string[], days: number, steadyAfterDays: number): Simulated {
  let held: { takenAt: number; expiresAt: number }[] = [];
  let mostHeld = 0;
  let oldestAgeMost = 0;
  let youngestCutByCap = Infinity;
  for (let hour = 0; hour < days * HOURS_A_DAY; hour++) {
    const weekday = (Math.floor(hour / HOURS_A_DAY) % 7) + 1;
    held = held.filter((snapshot) => snapshot.expiresAt > hour);
    if (hour >= steadyAfterDays * HOURS_A_DAY && held.length > 0) {
      oldestAgeMost = Math.max(oldestAgeMost, hour - held[0].takenAt);
    }
    for (const tier of tiers) {
      const policy = plan.policies[tier];
      if (policy.repeatWeekdays.includes(weekday) && policy.timePoints.includes(hour % HOURS_A_DAY)) {
        const expiresAt = policy.retentionDays === -1 ? Infinity : hour + policy.retentionDays * HOURS_A_DAY;
        held.push({ takenAt: hour, expiresAt });
      }
    }
    held.sort((a, b) => a.takenAt - b.takenAt);
    if (held.length > CAP) {
      const cut = held.slice(0, held.length - CAP);
      held = held.slice(held.length - CAP);
      for (const snapshot of cut) youngestCutByCap = Math.min(youngestCutByCap, hour - snapshot.takenAt);
    }
    mostHeld = Math.max(mostHeld, held.length);
  }
  return { mostHeld, oldestAgeMost, youngestCutByCap };
}

describe("the report of a daily / weekly / monthly tier set", () => {
  const figures = planFigures(TIERED_PLAN);
  const target = (diskId: string) => figures.targets.find((figure) => figure.target === diskId)!;

  test.each([
    ["d-bp1app0001", ["daily", "weekly"]],
    ["d-bp1db00001", ["daily", "monthly", "weekly"]],
  ])("%s: the snapshots kept and the oldest restore point match a calendar simulation", (diskId, tiers) => {
    const simulated = simulateDisk(TIERED_PLAN, tiers, 800, 400);
    expect(target(diskId).tiers).toEqual(tiers);
    expect(target(diskId).snapshotsKept).toBe(simulated.mostHeld);
    expect(target(diskId).restorePointCutByCap).toBe(false);
    expect(simulated.youngestCutByCap).toBe(Infinity);
    expect(target(diskId).oldestRestorePointDays).toBe(Math.ceil(simulated.oldestAgeMost / HOURS_A_DAY));
  });

  test("figures worked out by hand: 7 + 5 = 12 and 7 + 5 + 53 = 65 snapshots; 35 and 365 days", () => {
    // daily: 1 a day × 7 days; weekly: Sundays in 35 days; monthly: at most 53 Saturdays in 365 days.
    expect(target("d-bp1app0002")).toMatchObject({ snapshotsKept: 12, oldestRestorePointDays: 35 });
    expect(target("d-bp1db00001")).toMatchObject({ snapshotsKept: 65, oldestRestorePointDays: 365 });
    expect(figures.policies.map(({ key, snapshotsPerDisk }) => [key, snapshotsPerDisk])).toEqual([
      ["daily", 7],
      ["monthly", 53],
      ["weekly", 5],
    ]);
  });

  test("the Markdown summary states each policy and each group of disks", () => {
    const report = planReport(TIERED_PLAN);
    expect(report).toContain(
      "| daily | cn-hangzhou | Snapshots at 02:00 (UTC+8) every day; kept 7 days; up to 7 snapshots per disk (limit 1,000). | 7 days | 7 | 3 disks: d-bp1app0001, d-bp1app0002, d-bp1db00001 |",
    );
    expect(report).toContain(
      "| monthly | cn-hangzhou | Snapshots at 04:00 (UTC+8) on Saturday; kept 365 days; up to 53 snapshots per disk (limit 1,000). | 365 days | 53 | 1 disk: d-bp1db00001 |",
    );
    expect(report).toContain("| d-bp1app0001, d-bp1app0002 | daily, weekly | 12 of 1,000 | 35 days |");
    expect(report).toContain("| d-bp1db00001 | daily, monthly, weekly | 65 of 1,000 | 365 days |");
  });
});

describe("a change that crosses the cap", () => {
  const figures = planFigures(CHANGED_TIERED_PLAN);
  const database = figures.targets.find((figure) => figure.target === "d-bp1db00001")!;

  test("the database disk's total is over the cap; every restore point younger than the cut survives", () => {
    // 4 a day × 180 + 5 + 53 + 24 an hour × 14 days
    expect(database.snapshotsKept).toBe(720 + 5 + 53 + 336);
    expect(database.overCap).toBe(true);
    expect(database.restorePointCutByCap).toBe(true);
    const simulated = simulateDisk(CHANGED_TIERED_PLAN, database.tiers, 800, 400);
    expect(simulated.mostHeld).toBe(CAP);
    // The report's reach is the whole days of restore points the cap never touches.
    expect(database.oldestRestorePointDays).toBe(Math.floor(simulated.youngestCutByCap / HOURS_A_DAY));
  });

  test("the diff report says what changes per policy and per disk, in words and figures", () => {
    const diff = planDiffReport(TIERED_PLAN, CHANGED_TIERED_PLAN);
    expect(diff).toContain(
      '- **daily**: schedule "Snapshots at 02:00 (UTC+8) every day; kept 7 days; up to 7 snapshots per disk (limit 1,000)." → ' +
        '"Snapshots at 00:00, 06:00, 12:00 and 18:00 (UTC+8) every day; kept 180 days; up to 720 snapshots per disk (limit 1,000)."; ' +
        "retention 7 days → 180 days; snapshots per disk 7 → 720.",
    );
    expect(diff).toMatch(
      /- \*\*hourly\*\*: added\. Snapshots every hour \(UTC\+8\) every day; kept 14 days; .*Covers 1 disk: d-bp1db00001\./,
    );
    expect(diff).toContain(
      "- d-bp1app0001, d-bp1app0002: oldest restore point 35 days → 180 days; snapshots kept 12 → 725 of 1,000",
    );
    expect(diff).toContain(
      `- d-bp1db00001: tiers daily, monthly, weekly → daily, hourly, monthly, weekly; oldest restore point 365 days → ${database.oldestRestorePointDays} days (cut by the cap); ` +
        "snapshots kept 65 → 1,114 of 1,000 (over the 1,000-snapshot cap: the oldest are deleted)",
    );
  });

  test("a plan against itself has nothing to report", () => {
    expect(planDiffReport(TIERED_PLAN, TIERED_PLAN)).toContain("Nothing the plan keeps changes.");
  });

  test("disks leaving and joining the plan are named", () => {
    const moved: ReportPlan = {
      policies: {
        ...TIERED_PLAN.policies,
        weekly: { ...TIERED_PLAN.policies.weekly, disks: ["d-bp1app0001", "d-bp1db00001", "d-bp1new0001"] },
      },
    };
    const diff = planDiffReport(TIERED_PLAN, moved);
    expect(diff).toContain("- **weekly**: disks added: d-bp1new0001; disks removed: d-bp1app0002.");
    expect(diff).toContain(
      "- d-bp1app0002: tiers daily, weekly → daily; oldest restore point 35 days → 7 days; snapshots kept 12 → 7 of 1,000",
    );
    expect(diff).toContain(
      "- d-bp1new0001: joins the plan with weekly; 5 of 1,000; oldest restore point 35 days",
    );
  });
});

describe("tag-driven policies (targetTags instead of disks)", () => {
  const plan: ReportPlan = {
    policies: {
      gold: {
        regionId: "cn-hangzhou",
        timePoints: [1, 13],
        repeatWeekdays: [1, 2, 3, 4, 5, 6, 7],
        retentionDays: 30,
        targetTags: { backup: "gold", env: "" },
      },
      forever: { timePoints: [5], repeatWeekdays: [1], retentionDays: -1, disks: ["d-bp1keep0001"] },
    },
  };

  test("the report names the tag selector as the target and says its totals are not checked", () => {
    const report = planReport(plan);
    expect(report).toContain("| gold | cn-hangzhou |");
    expect(report).toContain("| instances tagged backup=gold, env=* |");
    expect(report).toContain("| instances tagged backup=gold, env=* | gold | 60 of 1,000 | 30 days |");
    expect(report).toContain("not checked against the cap here");
  });

  test("a policy that keeps snapshots forever reaches back until the cap cuts", () => {
    const forever = planFigures(plan).targets.find((target) => target.target === "d-bp1keep0001")!;
    expect(forever.snapshotsKept).toBe(Infinity);
    // one snapshot a week: the cap keeps those of the last 1,000 weeks, 7,000 days.
    expect(forever).toMatchObject({
      oldestRestorePointDays: 7000,
      restorePointCutByCap: true,
      overCap: true,
    });
    expect(planReport(plan)).toContain(
      "| d-bp1keep0001 | forever | 1,000 of 1,000 (kept forever until the cap) | 7,000 days (cut by the cap) |",
    );
  });

  test("changing target tags is reported on the policy and on the targets", () => {
    const silver: ReportPlan = {
      policies: { ...plan.policies, gold: { ...plan.policies.gold, targetTags: { backup: "silver" } } },
    };
    const diff = planDiffReport(plan, silver);
    expect(diff).toContain("- **gold**: target tags backup=gold, env=* → backup=silver.");
    expect(diff).toContain("- instances tagged backup=gold, env=*: leaves the plan (it carried gold)");
    expect(diff).toContain("- instances tagged backup=silver: joins the plan with gold; 60 of 1,000");
  });
});

describe("the picture's data", () => {
  test("one panel per distinct tier set, one series per tier, every day of the weeks shown", () => {
    const data = pictureData(CHANGED_TIERED_PLAN, 4);
    expect(data.panels).toEqual([
      { targets: ["d-bp1app0001", "d-bp1app0002"], tiers: ["daily", "weekly"] },
      { targets: ["d-bp1db00001"], tiers: ["daily", "hourly", "monthly", "weekly"] },
    ]);
    expect(data.tiers).toEqual(["daily", "hourly", "monthly", "weekly"]);
    expect(data.samples).toHaveLength((2 + 4) * (4 * 7 + 1));
    const hourly = data.samples.filter((sample) => sample.tier === "hourly");
    // 24 a day until the 14 days of retention are full, then steady.
    expect(hourly.find((sample) => sample.day === 3)?.restorePoints).toBe(72);
    expect(hourly.find((sample) => sample.day === 20)?.restorePoints).toBe(336);
  });
});
