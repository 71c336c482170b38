import {
  AUTO_SNAPSHOTS_PER_DISK_LIMIT,
  describeSchedule,
  snapshotsInWindow,
  snapshotsPerDisk,
  type SnapshotSchedule,
} from "../../policy/schedule";

/*
 * What a backup plan keeps, in figures: per policy (its schedule, retention and snapshots per disk) and
 * per target, a disk named by the plan or the disks of instances matching a policy's targetTags (its
 * tiers, the snapshots they keep together against the per-disk cap, and how far back a restore reaches).
 * Counts are the worst case over the weekday a window starts on, as the schedule maths in ../../schedule
 * computes them, so a figure here is never lower than what a disk will hold.
 */

/** The most automatic snapshot policies one disk carries, in accounts that allow several. */
export const POLICIES_PER_DISK_LIMIT = 10;

/** One policy of a plan as the report reads it: a validated plan policy, with disks or targetTags. */
export interface ReportPolicy {
  regionId?: string;
  timePoints: readonly number[];
  repeatWeekdays: readonly number[];
  /** -1 keeps snapshots forever. */
  retentionDays: number;
  disks?: readonly string[];
  targetTags?: Readonly<Record<string, string>>;
}

export interface ReportPlan {
  policies: Readonly<Record<string, ReportPolicy>>;
}

export type Coverage =
  | { kind: "disks"; diskIds: string[] }
  | { kind: "tags"; targetTags: Record<string, string> }
  | { kind: "none" };

export interface PolicyFigures {
  key: string;
  regionId?: string;
  /** The schedule in words, as the policy's `schedule` output says it. */
  schedule: string;
  retentionDays: number;
  /** The most snapshots the policy keeps on one disk; Infinity when it keeps them forever. */
  snapshotsPerDisk: number;
  covers: Coverage;
}

export interface TargetFigures {
  /** A disk id, or `instances tagged k=v` for the disks a tag-driven policy covers. */
  target: string;
  kind: "disk" | "tags";
  /** The plan's policies that cover the target, by key. */
  tiers: string[];
  /** The snapshots its tiers keep together; Infinity when a tier keeps them forever. */
  snapshotsKept: number;
  overCap: boolean;
  tooManyTiers: boolean;
  /** How many days back the oldest restore point reaches once every tier is in its steady state. */
  oldestRestorePointDays: number;
  /** True when the cap, not retention, decides the oldest restore point. */
  restorePointCutByCap: boolean;
}

export interface PlanFigures {
  policies: PolicyFigures[];
  targets: TargetFigures[];
}

export function scheduleOf(policy: ReportPolicy): SnapshotSchedule {
  const { timePoints, repeatWeekdays, retentionDays } = policy;
  return { timePoints, repeatWeekdays, retentionDays };
}

export function planFigures(plan: ReportPlan): PlanFigures {
  const keys = Object.keys(plan.policies).sort();
  const policies = keys.map((key) => policyFigures(key, plan.policies[key]));
  const tiersByTarget = new Map<string, { kind: TargetFigures["kind"]; tiers: string[] }>();
  for (const key of keys) {
    for (const [target, kind] of targetsOf(plan.policies[key])) {
      const entry = tiersByTarget.get(target) ?? { kind, tiers: [] };
      entry.tiers.push(key);
      tiersByTarget.set(target, entry);
    }
  }
  const targets = [...tiersByTarget.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([target, { kind, tiers }]) =>
      targetFigures(
        target,
        kind,
        tiers,
        tiers.map((key) => scheduleOf(plan.policies[key])),
      ),
    );
  return { policies, targets };
}

/** `backup=gold, env=*`: how a tag-driven policy's target reads (an empty value matches any value). */
export function tagSelector(targetTags: Readonly<Record<string, string>>): string {
  return Object.keys(targetTags)
    .sort()
    .map((key) => `${key}=${targetTags[key] === "" ? "*" : targetTags[key]}`)
    .join(", ");
}

function targetsOf(policy: ReportPolicy): [string, TargetFigures["kind"]][] {
  if (policy.targetTags !== undefined) {
    return [[`instances tagged ${tagSelector(policy.targetTags)}`, "tags"]];
  }
  return [...new Set(policy.disks ?? [])].map((diskId) => [diskId, "disk"]);
}

function policyFigures(key: string, policy: ReportPolicy): PolicyFigures {
  const schedule = scheduleOf(policy);
  const covers: Coverage =
    policy.targetTags !== undefined
      ? { kind: "tags", targetTags: { ...policy.targetTags } }
      : policy.disks !== undefined && policy.disks.length > 0
        ? { kind: "disks", diskIds: [...new Set(policy.disks)].sort() }
        : { kind: "none" };
  return {
    key,
    regionId: policy.regionId,
    schedule: describeSchedule(schedule),
    retentionDays: policy.retentionDays,
    snapshotsPerDisk: snapshotsPerDisk(schedule),
    covers,
  };
}

function targetFigures(
  target: string,
  kind: TargetFigures["kind"],
  tiers: string[],
  schedules: SnapshotSchedule[],
): TargetFigures {
  const snapshotsKept = schedules.reduce((sum, schedule) => sum + snapshotsPerDisk(schedule), 0);
  const reach = restorePointReach(schedules);
  return {
    target,
    kind,
    tiers,
    snapshotsKept,
    overCap: snapshotsKept > AUTO_SNAPSHOTS_PER_DISK_LIMIT,
    tooManyTiers: tiers.length > POLICIES_PER_DISK_LIMIT,
    oldestRestorePointDays: reach.days,
    restorePointCutByCap: reach.cutByCap,
  };
}

/** Restore points younger than `ageDays` that the tiers keep together on one disk (before the cap). */
export function restorePointsYoungerThan(schedules: readonly SnapshotSchedule[], ageDays: number): number {
  return schedules.reduce((sum, schedule) => {
    const window = schedule.retentionDays === -1 ? ageDays : Math.min(ageDays, schedule.retentionDays);
    return sum + snapshotsInWindow(schedule, window);
  }, 0);
}

/**
 * How far back the oldest restore point reaches: the longest retention, unless the tiers together would
 * keep more than the cap; then the service deletes the oldest, and the reach is the oldest age below
 * which the disk never holds more than the cap.
 */
function restorePointReach(schedules: readonly SnapshotSchedule[]): { days: number; cutByCap: boolean } {
  const cap = AUTO_SNAPSHOTS_PER_DISK_LIMIT;
  const keepsForever = schedules.some((schedule) => schedule.retentionDays === -1);
  const longest = Math.max(0, ...schedules.map((schedule) => schedule.retentionDays));
  if (!keepsForever && restorePointsYoungerThan(schedules, longest) <= cap) {
    return { days: longest, cutByCap: false };
  }
  // Every schedule takes at least one snapshot a week, so 7 × (cap + 1) days always holds more than the cap.
  let fits = 0;
  let exceeds = keepsForever ? 7 * (cap + 1) : longest;
  while (exceeds - fits > 1) {
    const middle = Math.floor((fits + exceeds) / 2);
    if (restorePointsYoungerThan(schedules, middle) <= cap) fits = middle;
    else exceeds = middle;
  }
  return { days: fits, cutByCap: true };
}
