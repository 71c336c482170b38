import { statedPoliciesPerDisk } from "../ecs/account";
import {
  applyAutoSnapshotPolicy,
  cancelAutoSnapshotPolicy,
  DESCRIBE_DISKS_MAX_IDS,
  describeDisks,
  type DiskState,
} from "../ecs/api";
import { disksOfPolicy, policyIdsInRegion } from "../ecs/associations";
import type { EcsClient } from "../ecs/client";
import { isDiskNotFound } from "../ecs/errors";
import {
  type Associations,
  disksIn,
  intersect,
  isEmpty,
  merge,
  minus,
  needsRegionScan,
  normalize,
  preflight,
} from "./associations";

/*
 * Makes the cloud hold the associations a resource declares, starting from those it owns: every new
 * association is applied before any old one is cancelled, and old ones are cancelled by policy id, only
 * on disks that still carry them when read after the Applies. In an account of one policy per disk the
 * Apply has already replaced the old policy and nothing is left to cancel; in an account of ten the
 * Cancel takes it off. Either way no disk is ever without a policy, and none keeps the old one.
 */

// Reads, Applies and Cancels run side by side up to these bounds (Terraform's default parallelism is 10).
const READ_CONCURRENCY = 10;
const WRITE_CONCURRENCY = 10;

/** A failure after the cloud was changed: `owned` is what the resource owns now, as read back. */
export class AssociationsChangedError extends Error {
  constructor(
    readonly failure: Error,
    readonly owned: Associations,
  ) {
    super(failure.message);
    this.name = "AssociationsChangedError";
  }
}

export interface ReconcileRequest {
  regionId: string;
  owned: Associations;
  desired: Associations;
  batchSize: number;
  takeOverDisks: boolean;
  adoptAssociations: boolean;
  /** How messages name a policy. */
  label?: (policyId: string) => string;
  /**
   * A read-only check made beside the preflight reads, when there is anything to add; its failure stops
   * all, once those reads are answered.
   */
  precheck?: () => Promise<void>;
}

/**
 * Returns what the resource owns afterwards (the desired associations). Throws a plain Error, with
 * nothing changed, when a read shows the change may not be made; an AssociationsChangedError when a
 * write failed after others succeeded.
 */
export async function reconcile(client: EcsClient, request: ReconcileRequest): Promise<Associations> {
  const { regionId } = request;
  const owned = normalize(request.owned);
  const desired = normalize(request.desired);
  const toAdd = minus(desired, owned);
  const toRemove = minus(owned, desired);
  if (isEmpty(toAdd) && isEmpty(toRemove)) return desired;

  let toApply: Associations = {};
  let takenOver: Associations = {};
  if (!isEmpty(toAdd)) {
    const stated = statedPoliciesPerDisk();
    const scanned = needsRegionScan(toAdd, stated, request.takeOverDisks);
    const [, disks, present] = await allSettled([
      request.precheck?.(),
      describeDisksById(client, regionId, disksIn(toAdd)),
      scanned ? associationsInRegion(client, regionId) : associationsOf(client, regionId, Object.keys(toAdd)),
    ]);
    const checked = preflight({
      regionId,
      owned,
      desired,
      disks,
      present,
      scanned,
      policiesPerDisk: stated,
      takeOverDisks: request.takeOverDisks,
      adoptAssociations: request.adoptAssociations,
      label: request.label,
    });
    if (checked.problems.length > 0) throw new Error(checked.problems.join("; "));
    toApply = checked.toApply;
    takenOver = checked.takenOver;
  }

  const involved = Object.keys(merge(owned, desired));
  const readBack = async (fallback: Associations): Promise<Associations> => {
    try {
      return intersect(merge(owned, desired), await associationsOf(client, regionId, involved));
    } catch {
      // Recording an association that is not there costs a harmless read-then-skip on the next
      // operation; leaving out one that is there would leave it behind for good.
      return fallback;
    }
  };

  const applied = await inBatches(toApply, request.batchSize, (policyId, diskIds) =>
    applyAutoSnapshotPolicy(client, regionId, policyId, diskIds),
  );
  if (applied.error !== undefined) {
    throw new AssociationsChangedError(applied.error, await readBack(merge(owned, applied.attempted)));
  }

  // Read after the Applies: in an account of one policy per disk they took the old policies off.
  const toCancel = merge(toRemove, takenOver);
  const stillThere = intersect(toCancel, await associationsOf(client, regionId, Object.keys(toCancel)));
  const cancelled = await inBatches(stillThere, request.batchSize, (policyId, diskIds) =>
    cancelCarrying(client, regionId, policyId, diskIds),
  );
  if (cancelled.error !== undefined) {
    throw new AssociationsChangedError(
      cancelled.error,
      await readBack(merge(desired, minus(intersect(toRemove, stillThere), cancelled.done))),
    );
  }
  return desired;
}

/** Cancels exactly the owned associations that still hold (read first), by policy id. */
export async function cancelOwned(
  client: EcsClient,
  regionId: string,
  owned: Associations,
  batchSize: number,
): Promise<void> {
  const stillThere = intersect(owned, await associationsOf(client, regionId, Object.keys(owned)));
  const cancelled = await inBatches(stillThere, batchSize, (policyId, diskIds) =>
    cancelCarrying(client, regionId, policyId, diskIds),
  );
  if (cancelled.error !== undefined) throw cancelled.error;
}

/** The associations of these policies now; a policy that no longer exists has none. */
export async function associationsOf(
  client: EcsClient,
  regionId: string,
  policyIds: readonly string[],
): Promise<Associations> {
  const found = await disksOfPolicies(client, regionId, policyIds);
  return normalize(
    Object.fromEntries(Object.entries(found).map(([policyId, disks]) => [policyId, disks ?? []])),
  );
}

/** The disks of each policy; undefined for a policy the region no longer holds. */
export async function disksOfPolicies(
  client: EcsClient,
  regionId: string,
  policyIds: readonly string[],
): Promise<Record<string, string[] | undefined>> {
  const disks = await mapWithConcurrency(policyIds, READ_CONCURRENCY, (policyId) =>
    disksOfPolicy(client, regionId, policyId),
  );
  return Object.fromEntries(policyIds.map((policyId, index) => [policyId, disks[index]]));
}

/**
 * Every association in the region: DescribeAutoSnapshotPolicyEx (a region holds at most 100 policies),
 * then the associations of each policy. It costs 1 + Σ⌈disks of a policy / 100⌉ calls, against one call
 * per disk to ask each disk for its policies.
 */
async function associationsInRegion(client: EcsClient, regionId: string): Promise<Associations> {
  return associationsOf(client, regionId, await policyIdsInRegion(client, regionId));
}

export async function describeDisksById(
  client: EcsClient,
  regionId: string,
  diskIds: readonly string[],
): Promise<DiskState[]> {
  const pages = await mapWithConcurrency(chunk(diskIds, DESCRIBE_DISKS_MAX_IDS), READ_CONCURRENCY, (ids) =>
    describeDisks(client, regionId, ids),
  );
  return pages.flat();
}

/**
 * Cancel naming the policy. A batch naming a disk deleted meanwhile is sent again with only the disks
 * that still carry the policy.
 */
async function cancelCarrying(
  client: EcsClient,
  regionId: string,
  policyId: string,
  diskIds: readonly string[],
): Promise<void> {
  try {
    await cancelAutoSnapshotPolicy(client, regionId, policyId, diskIds);
  } catch (error) {
    if (!isDiskNotFound(error)) throw error;
    const carrying = new Set((await disksOfPolicy(client, regionId, policyId)) ?? []);
    const left = diskIds.filter((diskId) => carrying.has(diskId));
    if (left.length > 0) await cancelAutoSnapshotPolicy(client, regionId, policyId, left);
  }
}

interface BatchesOutcome {
  /** Pairs whose call succeeded. */
  done: Associations;
  /** Pairs whose call was sent, whatever its outcome. */
  attempted: Associations;
  error?: Error;
}

/**
 * One call per batch of at most `batchSize` disks of a policy, up to WRITE_CONCURRENCY at once. After a
 * failure no new batch starts; those in flight finish; the first failure is reported.
 */
async function inBatches(
  associations: Associations,
  batchSize: number,
  call: (policyId: string, diskIds: string[]) => Promise<void>,
): Promise<BatchesOutcome> {
  const batches = Object.entries(associations).flatMap(([policyId, diskIds]) =>
    chunk(diskIds, batchSize).map((batch): [string, string[]] => [policyId, batch]),
  );
  const done: Associations = {};
  const attempted: Associations = {};
  let error: Error | undefined;
  let next = 0;
  const worker = async () => {
    while (next < batches.length && error === undefined) {
      const [policyId, diskIds] = batches[next++];
      attempted[policyId] = [...(attempted[policyId] ?? []), ...diskIds];
      try {
        await call(policyId, diskIds);
        done[policyId] = [...(done[policyId] ?? []), ...diskIds];
      } catch (failure) {
        error ??= failure as Error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(WRITE_CONCURRENCY, batches.length) }, worker));
  return { done: normalize(done), attempted: normalize(attempted), error };
}

/**
 * Promise.all that lets every promise settle before it throws the first failure (in the order given): a
 * failed check does not leave the other reads running, or yet to start, after the operation has failed.
 */
async function allSettled<T extends readonly unknown[]>(promises: {
  readonly [K in keyof T]: Promise<T[K]> | T[K];
}): Promise<T> {
  const results = await Promise.allSettled(promises as readonly unknown[]);
  const failure = results.find((result): result is PromiseRejectedResult => result.status === "rejected");
  if (failure !== undefined) throw failure.reason;
  return results.map((result) => (result as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  if (!Number.isInteger(size) || size < 1)
    throw new Error(`chunk size must be a positive integer, got ${size}`);
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
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
