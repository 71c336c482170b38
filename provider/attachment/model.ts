import type * as pulumi from "@pulumi/pulumi";
import { containsUnknown } from "../engine";
import { type Associations, merge, sameAssociations, storedAssociations } from "./associations";

/*
 * What a PolicyAttachment's state means: the (policy, disk) associations it owns. Normally those are
 * its policy on `diskIds`; after a change that failed half-way, `formerAssociations` also holds the
 * associations of a policy it no longer declares that still stand, for the next update or delete to
 * cancel.
 */

/** The string entries of a stored list (state written by any version may hold anything). */
export function idList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((id): id is string => typeof id === "string") : [];
}

/** The associations an attachment's state says it owns. */
export function ownedAssociations(state: Record<string, unknown>): Associations {
  const declared =
    typeof state.autoSnapshotPolicyId === "string"
      ? { [state.autoSnapshotPolicyId]: idList(state.diskIds) }
      : {};
  return merge(declared, storedAssociations(state.formerAssociations));
}

/** The associations checked inputs declare. */
export function declaredAssociations(inputs: {
  autoSnapshotPolicyId: string;
  diskIds: readonly string[];
}): Associations {
  return merge({ [inputs.autoSnapshotPolicyId]: [...inputs.diskIds] });
}

/**
 * Old outputs against new checked inputs. Only what the cloud holds counts: a new region replaces
 * the attachment (disks belong to one region); a new policy, a new disk list, or associations left
 * from a failed change update it in place. batchSize, takeOverDisks, adoptAssociations and the
 * deprecated handedOffDiskIds change how the next operation runs, not the cloud, so alone they are no change.
 */
export function diffAttachment(
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
): pulumi.dynamic.DiffResult {
  if (containsUnknown(news.regionId) || news.regionId !== olds.regionId) {
    return { changes: true, replaces: ["regionId"] };
  }
  if (containsUnknown(news.autoSnapshotPolicyId) || containsUnknown(news.diskIds)) return { changes: true };
  const declared = declaredAssociations({
    autoSnapshotPolicyId: String(news.autoSnapshotPolicyId),
    diskIds: idList(news.diskIds),
  });
  // Disks found gone at refresh stay reported until an update: it fails while they are still listed,
  // and clears the report once they are taken out of diskIds.
  const missingReported = idList(olds.missingDiskIds).length > 0;
  return { changes: !sameAssociations(ownedAssociations(olds), declared) || missingReported };
}
