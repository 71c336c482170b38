import type { DiskState } from "../ecs/api";
import type { PoliciesPerDisk } from "../ecs/account";
import { POLICIES_PER_DISK_CONFIG_KEY } from "../ecs/account";

/*
 * (policy, disk) associations as sets, and the pure decisions made over them: what an operation must
 * apply, what it may cancel, and what stops it before any change. The calls are in reconcile.ts.
 */

/** Disk ids by policy id: the (policy, disk) pairs a resource owns, declares, or finds. */
export type Associations = Record<string, string[]>;

/** A disk holds at most this many automatic snapshot policies, in an account that allows several. */
export const MAX_POLICIES_PER_DISK = 10;

/** Sorted, de-duplicated lists; policies with no disk left out. */
export function normalize(associations: Associations): Associations {
  const result: Associations = {};
  for (const policyId of Object.keys(associations).sort()) {
    const diskIds = [...new Set(associations[policyId])].sort();
    if (diskIds.length > 0) result[policyId] = diskIds;
  }
  return result;
}

export function merge(...all: Associations[]): Associations {
  const result: Associations = {};
  for (const associations of all) {
    for (const [policyId, diskIds] of Object.entries(associations)) {
      result[policyId] = [...(result[policyId] ?? []), ...diskIds];
    }
  }
  return normalize(result);
}

/** The pairs of `from` that are not in `without`. */
export function minus(from: Associations, without: Associations): Associations {
  const result: Associations = {};
  for (const [policyId, diskIds] of Object.entries(from)) {
    const excluded = new Set(without[policyId] ?? []);
    result[policyId] = diskIds.filter((diskId) => !excluded.has(diskId));
  }
  return normalize(result);
}

/** The pairs of `from` that are also in `within`. */
export function intersect(from: Associations, within: Associations): Associations {
  const result: Associations = {};
  for (const [policyId, diskIds] of Object.entries(from)) {
    const kept = new Set(within[policyId] ?? []);
    result[policyId] = diskIds.filter((diskId) => kept.has(diskId));
  }
  return normalize(result);
}

export function sameAssociations(a: Associations, b: Associations): boolean {
  return JSON.stringify(normalize(a)) === JSON.stringify(normalize(b));
}

export function isEmpty(associations: Associations): boolean {
  return Object.values(associations).every((diskIds) => diskIds.length === 0);
}

export function disksIn(associations: Associations): string[] {
  return [...new Set(Object.values(associations).flat())].sort();
}

/** Policy ids by disk id. */
export function policiesByDisk(associations: Associations): Map<string, string[]> {
  const byDisk = new Map<string, string[]>();
  for (const [policyId, diskIds] of Object.entries(associations)) {
    for (const diskId of diskIds) byDisk.set(diskId, [...(byDisk.get(diskId) ?? []), policyId].sort());
  }
  return byDisk;
}

/** Associations as a state of any version stored them: anything else is left out. */
export function storedAssociations(value: unknown): Associations {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return {};
  return normalize(
    Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([policyId, diskIds]) => [
        policyId,
        Array.isArray(diskIds) ? diskIds.filter((id): id is string => typeof id === "string") : [],
      ]),
    ),
  );
}

/**
 * Local and ephemeral disks cannot take automatic snapshots (ApplyAutoSnapshotPolicy answers
 * DiskCategory.OperationNotSupported); every cloud disk category can.
 */
export function categoryTakesSnapshots(category: string): boolean {
  return !/^local|ephemeral/.test(category);
}

/** A disk that carries two policies proves an account of ten; nothing read proves an account of one. */
export function effectivePoliciesPerDisk(
  stated: PoliciesPerDisk | undefined,
  found: Associations | undefined,
): PoliciesPerDisk | undefined {
  if (stated !== undefined) return stated;
  if (found === undefined) return undefined;
  return [...policiesByDisk(found).values()].some((policies) => policies.length > 1) ? 10 : undefined;
}

export interface PreflightInput {
  regionId: string;
  /** What the resource owns now (its state). */
  owned: Associations;
  /** What the program declares. */
  desired: Associations;
  /** DescribeDisks for every disk that gains a policy. */
  disks: readonly DiskState[];
  /**
   * Associations as they are now: of every policy that gains a disk, and, when `scanned`, of every
   * policy in the region.
   */
  present: Associations;
  scanned: boolean;
  policiesPerDisk: PoliciesPerDisk | undefined;
  takeOverDisks: boolean;
  adoptAssociations: boolean;
  /** How messages name a policy (a plan's tier key with its id). */
  label?: (policyId: string) => string;
}

export interface Preflight {
  /** Why nothing may be changed; empty when the operation can go ahead. */
  problems: string[];
  /** Pairs to send to ApplyAutoSnapshotPolicy. */
  toApply: Associations;
  /** Pairs the resource will own that already exist. */
  adopted: Associations;
  /** Pairs of policies the resource does not manage, on its disks, to cancel (takeOverDisks). */
  takenOver: Associations;
  /** The account kind as stated or proven. */
  policiesPerDisk: PoliciesPerDisk | undefined;
}

/** Whether the region's associations must be read to decide: only they show other policies on a disk. */
export function needsRegionScan(
  toAdd: Associations,
  stated: PoliciesPerDisk | undefined,
  takeOverDisks: boolean,
): boolean {
  return !isEmpty(toAdd) && (takeOverDisks || stated !== 10);
}

/** Decides, from reads only, whether `desired` may replace `owned`, and what that takes. */
export function preflight(input: PreflightInput): Preflight {
  const label = input.label ?? ((policyId: string) => policyId);
  const toAdd = minus(input.desired, input.owned);
  const problems: string[] = [];
  const policiesPerDisk = effectivePoliciesPerDisk(
    input.policiesPerDisk,
    input.scanned ? input.present : undefined,
  );

  const found = new Map(input.disks.map((disk) => [disk.diskId, disk]));
  const gaining = disksIn(toAdd);
  const missing = gaining.filter((diskId) => !found.has(diskId));
  if (missing.length > 0) {
    problems.push(`these disks do not exist in ${input.regionId}: ${listIds(missing)}; remove them`);
  }
  const unsupported = gaining
    .map((diskId) => found.get(diskId))
    .filter((disk): disk is DiskState => disk !== undefined && !categoryTakesSnapshots(disk.category))
    .map(({ diskId, category }) => `${diskId} (${category})`);
  if (unsupported.length > 0) {
    problems.push(
      `these disks are of a category that cannot take automatic snapshots: ${listIds(unsupported)}`,
    );
  }

  const alreadyThere = intersect(toAdd, input.present);
  if (!isEmpty(alreadyThere) && !input.adoptAssociations) {
    problems.push(
      `these disks already carry the policy through an association this resource does not own: ` +
        `${describePairs(alreadyThere, label)}. Each association has one owner: if the resource that ` +
        "made it was renamed, give this one `aliases` with the old name; if it is to be handed over, " +
        "remove it from the old owner's state (`pulumi state delete`) and set adoptAssociations: true; " +
        "otherwise leave these disks out",
    );
  }

  const desiredByDisk = policiesByDisk(input.desired);
  const crowded = [...desiredByDisk].filter(([, policies]) => policies.length > 1);
  if (crowded.length > 0 && policiesPerDisk !== 10) {
    const why =
      policiesPerDisk === 1
        ? `this account holds one policy per disk (${POLICIES_PER_DISK_CONFIG_KEY} is 1), where each Apply would replace the last`
        : `the account's kind is not known and no disk was seen carrying two policies, so an Apply may replace ` +
          `the last; set ${POLICIES_PER_DISK_CONFIG_KEY} to 10 if the account holds several policies per disk`;
    problems.push(`these disks are named by several policies: ${describeByDisk(crowded, label)}; ${why}`);
  }

  const takenOver: Associations = {};
  if (input.scanned) {
    const presentByDisk = policiesByDisk(input.present);
    const ownedByDisk = policiesByDisk(input.owned);
    const foreign: [string, string[]][] = [];
    for (const diskId of gaining) {
      const ours = new Set([...(ownedByDisk.get(diskId) ?? []), ...(desiredByDisk.get(diskId) ?? [])]);
      const others = (presentByDisk.get(diskId) ?? []).filter((policyId) => !ours.has(policyId));
      if (others.length > 0) foreign.push([diskId, others]);
      if (input.takeOverDisks)
        for (const policyId of others) takenOver[policyId] = [...(takenOver[policyId] ?? []), diskId];
    }
    if (foreign.length > 0 && !input.takeOverDisks && policiesPerDisk !== 10) {
      problems.push(
        `these disks carry policies this resource does not manage: ${describeByDisk(foreign, label)}; ` +
          "in an account with one policy per disk the Apply would take those off. Leave the disks out, set " +
          `takeOverDisks: true to end them with this resource's policies only, or set ${POLICIES_PER_DISK_CONFIG_KEY} ` +
          "to 10 if the account holds several policies per disk (they are then kept)",
      );
    }
    if (policiesPerDisk === 10) {
      const tooMany = gaining
        .map((diskId): [string, string[]] => {
          const kept = input.takeOverDisks
            ? []
            : (presentByDisk.get(diskId) ?? []).filter(
                (policyId) => !(ownedByDisk.get(diskId) ?? []).includes(policyId),
              );
          return [diskId, [...new Set([...kept, ...(desiredByDisk.get(diskId) ?? [])])]];
        })
        .filter(([, policies]) => policies.length > MAX_POLICIES_PER_DISK);
      if (tooMany.length > 0) {
        problems.push(
          `these disks would carry more than ${MAX_POLICIES_PER_DISK} policies: ${describeByDisk(tooMany, label)}`,
        );
      }
    }
  }

  return {
    problems,
    toApply: minus(toAdd, input.present),
    adopted: input.adoptAssociations ? alreadyThere : {},
    takenOver: normalize(takenOver),
    policiesPerDisk,
  };
}

function describePairs(associations: Associations, label: (policyId: string) => string): string {
  return Object.entries(associations)
    .map(([policyId, diskIds]) => `${label(policyId)} on ${listIds(diskIds)}`)
    .join("; ");
}

function describeByDisk(byDisk: [string, string[]][], label: (policyId: string) => string): string {
  return listIds(byDisk.map(([diskId, policies]) => `${diskId} (${policies.map(label).join(", ")})`));
}

const LISTED_IDS = 20;

/** A list for an error message, cut after 20 entries so that 2,500 missing disks stay readable. */
export function listIds(ids: readonly string[]): string {
  if (ids.length <= LISTED_IDS) return ids.join(", ");
  return `${ids.slice(0, LISTED_IDS).join(", ")} and ${ids.length - LISTED_IDS} more`;
}
