import type { EcsClient } from "./client";
import { isPolicyNotFound } from "./errors";

/*
 * Which disks carry which automatic snapshot policies. Membership comes only from
 * DescribeAutoSnapshotPolicyAssociations: DescribeDisks has one AutoSnapshotPolicyId field, which cannot
 * show a disk that carries several policies.
 */

/** The page size asked of DescribeAutoSnapshotPolicyAssociations; the service caps MaxResults at 100. */
export const ASSOCIATIONS_PAGE_SIZE = 100;
/** DescribeAutoSnapshotPolicyEx answers at most 100 policies a page; a region holds at most 100. */
const POLICIES_PAGE_SIZE = 100;

interface AssociationsAnswer {
  NextToken?: string;
  AutoSnapshotPolicyAssociations?: {
    AutoSnapshotPolicyAssociation?: { AutoSnapshotPolicyId?: string; DiskId?: string }[];
  };
}

interface PoliciesAnswer {
  TotalCount?: number;
  AutoSnapshotPolicies?: { AutoSnapshotPolicy?: { AutoSnapshotPolicyId: string }[] };
}

/**
 * The disks that carry `policyId` (tag-matched ones included), every page; undefined when the policy
 * does not exist in the region.
 */
export async function disksOfPolicy(
  client: EcsClient,
  regionId: string,
  policyId: string,
): Promise<string[] | undefined> {
  try {
    const pairs = await associations(client, { RegionId: regionId, AutoSnapshotPolicyId: policyId });
    return pairs.map(({ diskId }) => diskId);
  } catch (error) {
    if (isPolicyNotFound(error)) return undefined;
    throw error;
  }
}

async function associations(
  client: EcsClient,
  filter: { RegionId: string; AutoSnapshotPolicyId?: string; DiskId?: string },
): Promise<{ policyId: string; diskId: string }[]> {
  const pairs: { policyId: string; diskId: string }[] = [];
  let nextToken: string | undefined;
  do {
    const answer = await client.call<AssociationsAnswer>("DescribeAutoSnapshotPolicyAssociations", {
      ...filter,
      MaxResults: ASSOCIATIONS_PAGE_SIZE,
      NextToken: nextToken,
    });
    for (const pair of answer.AutoSnapshotPolicyAssociations?.AutoSnapshotPolicyAssociation ?? []) {
      if (pair.AutoSnapshotPolicyId && pair.DiskId) {
        pairs.push({ policyId: pair.AutoSnapshotPolicyId, diskId: pair.DiskId });
      }
    }
    nextToken = answer.NextToken || undefined;
  } while (nextToken !== undefined);
  return pairs;
}

/** The ids of every automatic snapshot policy in the region (a region holds at most 100). */
export async function policyIdsInRegion(client: EcsClient, regionId: string): Promise<string[]> {
  const ids: string[] = [];
  for (let pageNumber = 1; ; pageNumber++) {
    const answer = await client.call<PoliciesAnswer>("DescribeAutoSnapshotPolicyEx", {
      RegionId: regionId,
      PageNumber: pageNumber,
      PageSize: POLICIES_PAGE_SIZE,
    });
    const page = answer.AutoSnapshotPolicies?.AutoSnapshotPolicy ?? [];
    ids.push(...page.map((policy) => policy.AutoSnapshotPolicyId));
    if (page.length < POLICIES_PAGE_SIZE || ids.length >= (answer.TotalCount ?? 0)) return ids;
  }
}
