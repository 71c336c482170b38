import type { EcsEmulator } from "../../emulator";
import type { OutOfBandEcs } from "./local-ecs";

/*
 * Membership as the endpoint reports it (DescribeAutoSnapshotPolicyAssociations, never DescribeDisks'
 * single policy field), and a replay of the endpoint's request log that shows what every disk carried
 * after each write.
 */

interface AssociationsPage {
  NextToken: string;
  AutoSnapshotPolicyAssociations: {
    AutoSnapshotPolicyAssociation: { AutoSnapshotPolicyId: string; DiskId: string }[];
  };
}

async function pairs(ecs: OutOfBandEcs, filter: Record<string, string>): Promise<[string, string][]> {
  const found: [string, string][] = [];
  let token = "";
  do {
    const page = await ecs<AssociationsPage>("DescribeAutoSnapshotPolicyAssociations", {
      ...filter,
      MaxResults: 100,
      ...(token ? { NextToken: token } : {}),
    });
    for (const pair of page.AutoSnapshotPolicyAssociations.AutoSnapshotPolicyAssociation) {
      found.push([pair.AutoSnapshotPolicyId, pair.DiskId]);
    }
    token = page.NextToken;
  } while (token);
  return found;
}

/** The policies each disk carries, sorted (one call a disk). */
export async function policiesOfDisks(
  ecs: OutOfBandEcs,
  regionId: string,
  diskIds: readonly string[],
): Promise<Record<string, string[]>> {
  const entries = await Promise.all(
    diskIds.map(async (diskId) => {
      const found = await pairs(ecs, { RegionId: regionId, DiskId: diskId });
      return [diskId, found.map(([policyId]) => policyId).sort()] as const;
    }),
  );
  return Object.fromEntries(entries);
}

/** The disks that carry `policyId`, sorted. */
export async function disksOfPolicy(
  ecs: OutOfBandEcs,
  regionId: string,
  policyId: string,
): Promise<string[]> {
  return (await pairs(ecs, { RegionId: regionId, AutoSnapshotPolicyId: policyId }))
    .map(([, diskId]) => diskId)
    .sort();
}

/**
 * Replays the successful Apply and Cancel requests since `mark` on `start` (the policies of each disk
 * before them), with the account's rule for Apply, and returns what the given disks carried after each one.
 */
export function replayWrites(
  emulator: EcsEmulator,
  mark: number,
  start: Record<string, readonly string[]>,
): Record<string, string[]>[] {
  const current = new Map(Object.entries(start).map(([diskId, policies]) => [diskId, [...policies]]));
  const snapshots: Record<string, string[]>[] = [];
  for (const { action, params, status } of emulator.requests.slice(mark)) {
    if (status !== 200) continue;
    if (action !== "ApplyAutoSnapshotPolicy" && action !== "CancelAutoSnapshotPolicy") continue;
    const policyId = params.autoSnapshotPolicyId;
    for (const diskId of JSON.parse(params.diskIds) as string[]) {
      if (!current.has(diskId)) continue;
      const policies = current.get(diskId)!;
      if (action === "CancelAutoSnapshotPolicy") {
        current.set(diskId, policyId ? policies.filter((id) => id !== policyId) : []);
      } else if (emulator.policiesPerDisk === 1) {
        current.set(diskId, [policyId]);
      } else if (!policies.includes(policyId)) {
        current.set(diskId, [...policies, policyId]);
      }
    }
    snapshots.push(
      Object.fromEntries([...current].map(([diskId, policies]) => [diskId, [...policies].sort()])),
    );
  }
  return snapshots;
}

/** The disks that carried no policy at some point of a replay. */
export function disksLeftBare(snapshots: readonly Record<string, string[]>[]): string[] {
  const bare = new Set<string>();
  for (const snapshot of snapshots) {
    for (const [diskId, policies] of Object.entries(snapshot)) if (policies.length === 0) bare.add(diskId);
  }
  return [...bare].sort();
}
