import { containsUnknown } from "../engine";
import type { ValidationFailure } from "../validation";
import type { AutoSnapshotPolicyInputs } from "./schema";

/** A disk holds at most this many automatic snapshots; beyond it the oldest are deleted. */
export const AUTO_SNAPSHOTS_PER_DISK_LIMIT = 1000;

export interface SnapshotSchedule {
  timePoints: readonly number[];
  repeatWeekdays: readonly number[];
  /** -1 keeps snapshots forever. */
  retentionDays: number;
}

const WEEKDAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

/** The most automatic snapshots one disk holds at once; `Infinity` when they are kept forever. */
export function snapshotsPerDisk(schedule: SnapshotSchedule): number {
  if (schedule.retentionDays === -1) return Infinity;
  return snapshotsInWindow(schedule, schedule.retentionDays);
}

/** After how many days a disk first holds the limit's worth of snapshots; undefined if it never does. */
export function daysUntilSnapshotLimit(schedule: SnapshotSchedule): number | undefined {
  return firstWindowHolding(schedule, AUTO_SNAPSHOTS_PER_DISK_LIMIT);
}

export function describeSchedule(schedule: SnapshotSchedule): string {
  const hours = distinct(schedule.timePoints);
  const days = distinct(schedule.repeatWeekdays);
  const times = hours.length === 24 ? "every hour" : `at ${listed(hours.map(clockTime))}`;
  const weekdays =
    days.length === 7 ? "every day" : `on ${listed(days.map((day) => WEEKDAY_NAMES[day - 1]))}`;
  const limit = AUTO_SNAPSHOTS_PER_DISK_LIMIT.toLocaleString("en-US");
  const when = `Snapshots ${times} (UTC+8) ${weekdays}`;
  if (schedule.retentionDays === -1) {
    const days = plural(daysUntilSnapshotLimit(schedule) ?? 0, "day");
    return `${when}; kept forever: a disk reaches the ${limit}-snapshot limit after ${days}, then the oldest are deleted.`;
  }
  const kept = `kept ${plural(schedule.retentionDays, "day")}`;
  const perDisk = snapshotsPerDisk(schedule);
  if (perDisk <= AUTO_SNAPSHOTS_PER_DISK_LIMIT) {
    return `${when}; ${kept}; up to ${plural(perDisk, "snapshot")} per disk (limit ${limit}).`;
  }
  return (
    `${when}; ${kept}; up to ${perDisk.toLocaleString("en-US")} snapshots per disk, over the limit of ${limit}: ` +
    `the oldest are deleted once a disk holds ${limit}.`
  );
}

/**
 * A failure on retentionDays when the policy would keep more automatic snapshots per disk than a disk holds
 * (silently losing the oldest), unless the user accepted that with allowSnapshotLimitOverflow.
 */
export function snapshotLimitFailure(inputs: AutoSnapshotPolicyInputs): ValidationFailure | undefined {
  const { timePoints, repeatWeekdays, retentionDays, allowSnapshotLimitOverflow } = inputs;
  if (allowSnapshotLimitOverflow !== false) return undefined;
  if (containsUnknown([timePoints, repeatWeekdays, retentionDays])) return undefined;
  const schedule = { timePoints, repeatWeekdays, retentionDays } as SnapshotSchedule;
  const perDisk = snapshotsPerDisk(schedule);
  if (perDisk <= AUTO_SNAPSHOTS_PER_DISK_LIMIT) return undefined;

  const limit = AUTO_SNAPSHOTS_PER_DISK_LIMIT.toLocaleString("en-US");
  const longestRetention = (firstWindowHolding(schedule, AUTO_SNAPSHOTS_PER_DISK_LIMIT + 1) ?? 1) - 1;
  const remedy =
    `${perDisk === Infinity ? "set" : "lower"} retentionDays to at most ${plural(longestRetention, "day")}, ` +
    "use fewer timePoints or repeatWeekdays, or set allowSnapshotLimitOverflow: true";
  const kept =
    perDisk === Infinity
      ? `-1 keeps snapshots forever: a disk reaches ${limit} snapshots after ${plural(daysUntilSnapshotLimit(schedule) ?? 0, "day")}`
      : `keeps up to ${perDisk.toLocaleString("en-US")} snapshots per disk`;
  return {
    property: "retentionDays",
    reason: `${kept}; a disk holds at most ${limit} automatic snapshots and the oldest beyond that are deleted; ${remedy}`,
  };
}

/** Snapshots taken in the busiest `windowDays` consecutive days, whichever weekday the window starts on. */
export function snapshotsInWindow(schedule: SnapshotSchedule, windowDays: number): number {
  const weekdays = new Set(schedule.repeatWeekdays);
  const fullWeeks = Math.floor(windowDays / 7);
  let busiestRemainder = 0;
  for (let start = 0; start < 7; start++) {
    let scheduled = 0;
    for (let offset = 0; offset < windowDays % 7; offset++) {
      if (weekdays.has(((start + offset) % 7) + 1)) scheduled++;
    }
    busiestRemainder = Math.max(busiestRemainder, scheduled);
  }
  return new Set(schedule.timePoints).size * (fullWeeks * weekdays.size + busiestRemainder);
}

/** The fewest consecutive days in which a disk can collect `count` snapshots under its retention. */
function firstWindowHolding(schedule: SnapshotSchedule, count: number): number | undefined {
  if (schedule.timePoints.length === 0 || schedule.repeatWeekdays.length === 0) return undefined;
  const longestWindow = schedule.retentionDays === -1 ? count * 7 : schedule.retentionDays;
  for (let days = 1; days <= longestWindow; days++) {
    if (snapshotsInWindow(schedule, days) >= count) return days;
  }
  return undefined;
}

function distinct(values: readonly number[]): number[] {
  return [...new Set(values)].sort((a, b) => a - b);
}

function clockTime(hour: number): string {
  return `${String(hour).padStart(2, "0")}:00`;
}

function listed(items: readonly string[]): string {
  return items.length <= 1
    ? items.join("")
    : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

function plural(count: number, unit: string): string {
  return `${count.toLocaleString("en-US")} ${unit}${count === 1 ? "" : "s"}`;
}
