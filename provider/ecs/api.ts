import type { EcsClient } from "./client";
import { repeated, type EcsParams } from "./wire";

/*
 * One typed wrapper per ECS API call the providers make. The parameter names are the wire names
 * (lowerCamel for the snapshot-policy calls, PascalCase for the others), as the API takes them.
 */

/** DescribeDisks takes at most 100 ids a call (and answers at most 100 disks a page). */
export const DESCRIBE_DISKS_MAX_IDS = 100;

export interface ServiceTag {
  TagKey?: string;
  TagValue?: string;
  Key?: string;
  Value?: string;
}

/** One policy as DescribeAutoSnapshotPolicyEx reports it (lists as JSON strings, numbers maybe as text). */
export interface ServicePolicy {
  AutoSnapshotPolicyId: string;
  RegionId?: string;
  AutoSnapshotPolicyName?: string;
  TimePoints?: string | readonly (string | number)[];
  RepeatWeekdays?: string | readonly (string | number)[];
  RetentionDays?: number | string;
  EnableCrossRegionCopy?: boolean | string;
  TargetCopyRegions?: string | readonly string[];
  CopiedSnapshotsRetentionDays?: number | string;
  CopyEncryptionConfiguration?: { Encrypted?: boolean | string; KMSKeyId?: string };
  Tags?: { Tag?: readonly ServiceTag[] } | readonly ServiceTag[];
  ResourceGroupId?: string;
  Status?: string;
  CreationTime?: string;
  DiskNums?: number | string;
}

/** What DescribeDisks tells us about one disk. */
export interface DiskState {
  diskId: string;
  category: string;
  /** The policy the disk carries now; empty when it has none. */
  autoSnapshotPolicyId: string;
}

/** The policies DescribeAutoSnapshotPolicyEx finds: the one with an id, or the first carrying a tag. */
export type PolicyLookup =
  | { regionId: string; autoSnapshotPolicyId: string }
  | { regionId: string; tag: { key: string; value: string } };

interface DescribeAutoSnapshotPolicyExAnswer {
  AutoSnapshotPolicies?: { AutoSnapshotPolicy?: ServicePolicy[] };
}

interface DescribeDisksAnswer {
  Disks?: { Disk?: { DiskId: string; Category?: string; AutoSnapshotPolicyId?: string }[] };
}

/**
 * CreateAutoSnapshotPolicy; returns the new policy's id. `findCreated` tells whether a create whose
 * answer was lost took effect (the client then takes its id instead of creating a second policy).
 */
export async function createAutoSnapshotPolicy(
  client: EcsClient,
  params: EcsParams,
  findCreated: () => Promise<ServicePolicy | undefined>,
): Promise<string> {
  const created = await client.call<{ AutoSnapshotPolicyId: string }>("CreateAutoSnapshotPolicy", params, {
    reconcile: async () => {
      const found = await findCreated();
      return found && { AutoSnapshotPolicyId: found.AutoSnapshotPolicyId };
    },
  });
  return created.AutoSnapshotPolicyId;
}

export async function modifyAutoSnapshotPolicyEx(client: EcsClient, params: EcsParams): Promise<void> {
  await client.call("ModifyAutoSnapshotPolicyEx", params);
}

export async function deleteAutoSnapshotPolicy(
  client: EcsClient,
  regionId: string,
  autoSnapshotPolicyId: string,
): Promise<void> {
  await client.call("DeleteAutoSnapshotPolicy", { regionId, autoSnapshotPolicyId });
}

export async function describeAutoSnapshotPolicy(
  client: EcsClient,
  lookup: PolicyLookup,
): Promise<ServicePolicy | undefined> {
  const params: EcsParams =
    "autoSnapshotPolicyId" in lookup
      ? { RegionId: lookup.regionId, AutoSnapshotPolicyId: lookup.autoSnapshotPolicyId }
      : { RegionId: lookup.regionId, Tag: [{ Key: lookup.tag.key, Value: lookup.tag.value }], PageSize: 100 };
  const answer = await client.call<DescribeAutoSnapshotPolicyExAnswer>(
    "DescribeAutoSnapshotPolicyEx",
    params,
  );
  const policies = answer.AutoSnapshotPolicies?.AutoSnapshotPolicy ?? [];
  if ("autoSnapshotPolicyId" in lookup) {
    return policies.find((policy) => policy.AutoSnapshotPolicyId === lookup.autoSnapshotPolicyId);
  }
  return policies[0];
}

export async function tagResources(
  client: EcsClient,
  target: { regionId: string; resourceType: string; resourceIds: readonly string[] },
  tags: Record<string, string>,
): Promise<void> {
  await client.call("TagResources", {
    RegionId: target.regionId,
    ResourceType: target.resourceType,
    ResourceId: repeated(target.resourceIds),
    Tag: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
  });
}

export async function untagResources(
  client: EcsClient,
  target: { regionId: string; resourceType: string; resourceIds: readonly string[] },
  tagKeys: readonly string[],
): Promise<void> {
  await client.call("UntagResources", {
    RegionId: target.regionId,
    ResourceType: target.resourceType,
    ResourceId: repeated(target.resourceIds),
    TagKey: repeated(tagKeys),
  });
}

/** DescribeDisks for at most DESCRIBE_DISKS_MAX_IDS disks; disks that do not exist are left out. */
export async function describeDisks(
  client: EcsClient,
  regionId: string,
  diskIds: readonly string[],
): Promise<DiskState[]> {
  const answer = await client.call<DescribeDisksAnswer>("DescribeDisks", {
    RegionId: regionId,
    DiskIds: diskIds,
    PageSize: DESCRIBE_DISKS_MAX_IDS,
  });
  return (answer.Disks?.Disk ?? []).map((disk) => ({
    diskId: disk.DiskId,
    category: disk.Category ?? "",
    autoSnapshotPolicyId: disk.AutoSnapshotPolicyId ?? "",
  }));
}

export async function applyAutoSnapshotPolicy(
  client: EcsClient,
  regionId: string,
  autoSnapshotPolicyId: string,
  diskIds: readonly string[],
): Promise<void> {
  await client.call("ApplyAutoSnapshotPolicy", { regionId, autoSnapshotPolicyId, diskIds });
}

export async function cancelAutoSnapshotPolicy(
  client: EcsClient,
  regionId: string,
  autoSnapshotPolicyId: string,
  diskIds: readonly string[],
): Promise<void> {
  await client.call("CancelAutoSnapshotPolicy", { regionId, autoSnapshotPolicyId, diskIds });
}
