import {
  AUTO_SNAPSHOTS_PER_DISK_LIMIT,
  daysUntilSnapshotLimit,
  describeSchedule,
  snapshotLimitFailure,
  snapshotsPerDisk,
  type SnapshotSchedule,
} from "../../provider/policy/schedule";
import { UNKNOWN } from "../../provider/engine";
import type { AutoSnapshotPolicyInputs } from "../../provider/policy/schema";

const everyDay = [1, 2, 3, 4, 5, 6, 7];
const hours = (count: number) => Array.from({ length: count }, (_, hour) => hour);

function schedule(timePoints: number[], repeatWeekdays: number[], retentionDays: number): SnapshotSchedule {
  return { timePoints, repeatWeekdays, retentionDays };
}

function policyInputs(change: Partial<AutoSnapshotPolicyInputs>): AutoSnapshotPolicyInputs {
  return {
    timePoints: [2],
    repeatWeekdays: everyDay,
    retentionDays: 30,
    enableCrossRegionCopy: false,
    allowSnapshotLimitOverflow: false,
    ...change,
  };
}

test("a disk holds at most 1,000 automatic snapshots", () => {
  expect(AUTO_SNAPSHOTS_PER_DISK_LIMIT).toBe(1000);
});

test.each<[string, SnapshotSchedule, number]>([
  ["once a day for 30 days", schedule([2], everyDay, 30), 30],
  ["4 times a day, every day, 30 days", schedule([0, 6, 12, 18], everyDay, 30), 120],
  ["24 times a day, every day, 7 days", schedule(hours(24), everyDay, 7), 168],
  ["24 times a day, every day, 42 days (over)", schedule(hours(24), everyDay, 42), 1008],
  ["Mondays only, 28 days", schedule([1], [1], 28), 4],
  ["Mondays only, 29 days", schedule([1], [1], 29), 5],
  ["Mondays only, 30 days", schedule([1], [1], 30), 5],
  ["Mondays only, 1 day", schedule([1], [1], 1), 1],
  ["twice on Monday, Wednesday and Friday, 30 days", schedule([2, 14], [1, 3, 5], 30), 26],
  ["Saturday and Sunday, 2 days", schedule([2], [6, 7], 2), 2],
  ["duplicates are not counted twice", schedule([2, 2], [1, 1, 3], 7), 2],
  ["kept forever", schedule([2], everyDay, -1), Infinity],
])("%s: %d snapshots per disk", (_, policy, expected) => {
  expect(snapshotsPerDisk(policy)).toBe(expected);
});

test.each<[string, SnapshotSchedule, number | undefined]>([
  ["once a day, forever", schedule([2], everyDay, -1), 1000],
  ["24 times a day, forever", schedule(hours(24), everyDay, -1), 42],
  ["Mondays only, forever", schedule([1], [1], -1), 6994],
  ["24 times a day for 60 days", schedule(hours(24), everyDay, 60), 42],
  ["10 times a day for exactly 100 days", schedule(hours(10), everyDay, 100), 100],
  ["once a day for 30 days (never)", schedule([2], everyDay, 30), undefined],
])("%s: the limit is reached after %s days", (_, policy, expected) => {
  expect(daysUntilSnapshotLimit(policy)).toBe(expected);
});

test.each<[SnapshotSchedule, string]>([
  [
    schedule([14, 2], [5, 1, 3], 30),
    "Snapshots at 02:00 and 14:00 (UTC+8) on Monday, Wednesday and Friday; kept 30 days; up to 26 snapshots per disk (limit 1,000).",
  ],
  [
    schedule([2], everyDay, -1),
    "Snapshots at 02:00 (UTC+8) every day; kept forever: a disk reaches the 1,000-snapshot limit after 1,000 days, then the oldest are deleted.",
  ],
  [
    schedule([0], [7], 1),
    "Snapshots at 00:00 (UTC+8) on Sunday; kept 1 day; up to 1 snapshot per disk (limit 1,000).",
  ],
  [
    schedule(hours(24), everyDay, 60),
    "Snapshots every hour (UTC+8) every day; kept 60 days; up to 1,440 snapshots per disk, over the limit of 1,000: the oldest are deleted once a disk holds 1,000.",
  ],
])("%j reads: %s", (policy, expected) => {
  expect(describeSchedule(policy)).toBe(expected);
});

describe("snapshotLimitFailure", () => {
  test.each<[string, Partial<AutoSnapshotPolicyInputs>]>([
    ["within the limit", { retentionDays: 30 }],
    ["exactly the limit", { timePoints: hours(10), retentionDays: 100 }],
    ["over, but allowed", { timePoints: hours(24), retentionDays: 60, allowSnapshotLimitOverflow: true }],
    ["forever, but allowed", { retentionDays: -1, allowSnapshotLimitOverflow: true }],
    ["unknown retention", { timePoints: hours(24), retentionDays: UNKNOWN }],
    ["unknown timePoints", { timePoints: UNKNOWN, retentionDays: -1 }],
    ["an unknown time point", { timePoints: [1, UNKNOWN], retentionDays: -1 }],
    ["unknown repeatWeekdays", { repeatWeekdays: UNKNOWN, retentionDays: -1 }],
    ["unknown allowance", { retentionDays: -1, allowSnapshotLimitOverflow: UNKNOWN }],
  ])("none when %s", (_, change) => {
    expect(snapshotLimitFailure(policyInputs(change))).toBeUndefined();
  });

  test("over the limit: the count, the limit and the ways out", () => {
    expect(snapshotLimitFailure(policyInputs({ timePoints: hours(24), retentionDays: 60 }))).toEqual({
      property: "retentionDays",
      reason:
        "keeps up to 1,440 snapshots per disk; a disk holds at most 1,000 automatic snapshots and the oldest " +
        "beyond that are deleted; lower retentionDays to at most 41 days, use fewer timePoints or " +
        "repeatWeekdays, or set allowSnapshotLimitOverflow: true",
    });
  });

  test("one over the limit fails", () => {
    expect(snapshotLimitFailure(policyInputs({ timePoints: hours(7), retentionDays: 143 }))).toMatchObject({
      property: "retentionDays",
      reason: expect.stringMatching(/^keeps up to 1,001 snapshots per disk; .* at most 142 days/),
    });
  });

  test("kept forever: when the limit is reached and the longest retention within it", () => {
    expect(
      snapshotLimitFailure(policyInputs({ timePoints: [2], repeatWeekdays: [1], retentionDays: -1 })),
    ).toEqual({
      property: "retentionDays",
      reason:
        "-1 keeps snapshots forever: a disk reaches 1,000 snapshots after 6,994 days; a disk holds at most " +
        "1,000 automatic snapshots and the oldest beyond that are deleted; set retentionDays to at most " +
        "7,000 days, use fewer timePoints or repeatWeekdays, or set allowSnapshotLimitOverflow: true",
    });
  });
});
