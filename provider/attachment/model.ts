import type * as pulumi from "@pulumi/pulumi";
import type { DiskState } from "../ecs/api";
import { containsUnknown } from "../engine";

/** The part of an attachment that the cloud holds. */
export interface Membership {
  autoSnapshotPolicyId: string;
  diskIds: readonly string[];
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  if (!Number.isInteger(size) || size < 1)
    throw new Error(`chunk size must be a positive integer, got ${size}`);
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}

export function sortedUnique(ids: Iterable<string>): string[] {
  return [...new Set(ids)].sort();
}

/** The ids in `from` that are not in `without`, sorted. */
export function difference(from: Iterable<string>, without: Iterable<string>): string[] {
  const excluded = new Set(without);
  return sortedUnique([...from].filter((id) => !excluded.has(id)));
}

export function union(...lists: Iterable<string>[]): string[] {
  return sortedUnique(lists.flatMap((list) => [...list]));
}

/**
 * Old outputs against new checked inputs. Only what the cloud holds counts: a new region replaces
 * the attachment (disks belong to one region), a new policy or disk list updates it in place;
 * batchSize, takeOverDisks and handedOffDiskIds change how the next operation runs, not the cloud, so
 * alone they are no change.
 */
export function diffAttachment(
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
): pulumi.dynamic.DiffResult {
  if (containsUnknown(news.regionId) || news.regionId !== olds.regionId) {
    return { changes: true, replaces: ["regionId"] };
  }
  if (containsUnknown(news.autoSnapshotPolicyId) || containsUnknown(news.diskIds)) return { changes: true };
  const policyChanged = news.autoSnapshotPolicyId !== olds.autoSnapshotPolicyId;
  const disksChanged = !sameIdSet(idList(olds.diskIds), idList(news.diskIds));
  // Disks found gone at refresh stay reported until an update: it fails while they are still listed,
  // and clears the report once they are taken out of diskIds.
  const missingReported = idList(olds.missingDiskIds).length > 0;
  return { changes: policyChanged || disksChanged || missingReported };
}

/** The string entries of a stored list (state written by any version may hold anything). */
export function idList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((id): id is string => typeof id === "string") : [];
}

function sameIdSet(a: readonly string[], b: readonly string[]): boolean {
  const left = sortedUnique(a);
  const right = sortedUnique(b);
  return left.length === right.length && left.every((id, index) => id === right[index]);
}

export interface UpdatePlan {
  /** Removed disks that lose the old policy. */
  cancel: string[];
  /** Removed disks that another attachment takes over: dropped from the state with no call. */
  handOver: string[];
  /** Disks that need the new policy. */
  apply: string[];
}

/**
 * The calls an update needs. Removed disks lose the old policy (Cancel names it, so a disk moved to
 * another policy meanwhile is left alone), except those handed off: the other attachment's Apply
 * replaces the policy whether it runs before or after this update, so a moved disk always has one.
 * A new policy is applied to every kept disk without cancelling first: Apply replaces a disk's policy,
 * so no disk is ever without one.
 */
export function planUpdate(
  old: Membership,
  next: Membership,
  handedOffDiskIds: readonly string[] = [],
): UpdatePlan {
  const removed = difference(old.diskIds, next.diskIds);
  const handedOff = new Set(handedOffDiskIds);
  const apply =
    old.autoSnapshotPolicyId === next.autoSnapshotPolicyId
      ? difference(next.diskIds, old.diskIds)
      : sortedUnique(next.diskIds);
  return {
    cancel: removed.filter((diskId) => !handedOff.has(diskId)),
    handOver: removed.filter((diskId) => handedOff.has(diskId)),
    apply,
  };
}

/**
 * Local and ephemeral disks cannot take automatic snapshots (ApplyAutoSnapshotPolicy answers
 * DiskCategory.OperationNotSupported); every cloud disk category can.
 */
export function categoryTakesSnapshots(category: string): boolean {
  return !/^local|ephemeral/.test(category);
}

export interface ApplyPreflight {
  /** Disks to send to ApplyAutoSnapshotPolicy. */
  toApply: string[];
  /** Disks that already carry the target policy: nothing to do. */
  alreadyAttached: string[];
  missing: string[];
  unsupported: { diskId: string; category: string }[];
  /** Disks that carry a policy this attachment does not own. */
  foreign: { diskId: string; autoSnapshotPolicyId: string }[];
}

/**
 * Sorts the disks about to receive `policyId` by what DescribeDisks found. `ownPolicyIds` are policies
 * this attachment put on its disks (the old one during a policy change): moving those is not a takeover.
 */
export function preflightApply(
  diskIds: readonly string[],
  found: readonly DiskState[],
  policyId: string,
  ownPolicyIds: readonly string[] = [],
): ApplyPreflight {
  const byId = new Map(found.map((disk) => [disk.diskId, disk]));
  const result: ApplyPreflight = {
    toApply: [],
    alreadyAttached: [],
    missing: [],
    unsupported: [],
    foreign: [],
  };
  for (const diskId of sortedUnique(diskIds)) {
    const disk = byId.get(diskId);
    if (disk === undefined) result.missing.push(diskId);
    else if (!categoryTakesSnapshots(disk.category))
      result.unsupported.push({ diskId, category: disk.category });
    else if (disk.autoSnapshotPolicyId === policyId) result.alreadyAttached.push(diskId);
    else {
      if (disk.autoSnapshotPolicyId && !ownPolicyIds.includes(disk.autoSnapshotPolicyId)) {
        result.foreign.push({ diskId, autoSnapshotPolicyId: disk.autoSnapshotPolicyId });
      }
      result.toApply.push(diskId);
    }
  }
  return result;
}

/** Why the disks cannot receive the policy, or undefined when they can. */
export function preflightProblem(
  preflight: ApplyPreflight,
  regionId: string,
  takeOverDisks: boolean,
): string | undefined {
  const problems: string[] = [];
  if (preflight.missing.length > 0) {
    problems.push(
      `these disks do not exist in ${regionId}: ${listIds(preflight.missing)}; remove them from diskIds`,
    );
  }
  if (preflight.unsupported.length > 0) {
    const described = preflight.unsupported.map(({ diskId, category }) => `${diskId} (${category})`);
    problems.push(
      `these disks are of a category that cannot take automatic snapshots: ${listIds(described)}`,
    );
  }
  if (preflight.foreign.length > 0 && !takeOverDisks) {
    const described = preflight.foreign.map(
      ({ diskId, autoSnapshotPolicyId }) => `${diskId} (${autoSnapshotPolicyId})`,
    );
    problems.push(
      `these disks already carry another automatic snapshot policy (a disk holds one): ${listIds(described)}; ` +
        "remove them from diskIds, or set takeOverDisks: true to move them to this policy",
    );
  }
  return problems.length === 0 ? undefined : problems.join("; ");
}

const LISTED_IDS = 20;

/** A list for an error message, cut after 20 entries so that 2,500 missing disks stay readable. */
export function listIds(ids: readonly string[]): string {
  if (ids.length <= LISTED_IDS) return ids.join(", ");
  return `${ids.slice(0, LISTED_IDS).join(", ")} and ${ids.length - LISTED_IDS} more`;
}

/** What refresh reports: declared disks that still carry the policy, and declared disks that are gone. */
export function readMembership(
  declared: readonly string[],
  found: readonly DiskState[],
  policyId: string,
): { diskIds: string[]; missingDiskIds: string[] } {
  const byId = new Map(found.map((disk) => [disk.diskId, disk]));
  const diskIds: string[] = [];
  const missingDiskIds: string[] = [];
  for (const diskId of sortedUnique(declared)) {
    const disk = byId.get(diskId);
    if (disk === undefined) missingDiskIds.push(diskId);
    else if (disk.autoSnapshotPolicyId === policyId) diskIds.push(diskId);
  }
  return { diskIds, missingDiskIds };
}

/**
 * Runs `task` over `items` with at most `limit` in flight; results keep the order of `items`.
 * After a failure no new task starts, and the first failure is thrown.
 */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (next < items.length && !failed) {
      const index = next++;
      try {
        results[index] = await task(items[index]);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
