import { EcsError } from "../errors";
import { disksOfPolicy, type DiskRecord, type EcsState, policiesOfDisk, type PolicyRecord } from "../model";
import * as validate from "../validation";
import {
  type Action,
  type ActionContext,
  checkAccountStatus,
  checkRegionSupported,
  policyInRegion,
  slicePage,
} from "./action";

const MAX_DISKS_PER_CALL = 1000;
const MAX_DESCRIBE_DISK_IDS = 100;
const MAX_RESULTS_LIMIT = 500;
const ASSOCIATIONS_PAGE = { min: 10, max: 100 };

/** The disks with these ids in this region; any other id is reported as not found. */
function disksInRegion(context: ActionContext, diskIds: string[], regionId: string): DiskRecord[] {
  return diskIds.map((diskId) => {
    const disk = context.state.disks[diskId];
    if (!disk || disk.regionId !== regionId) throw EcsError.diskNotFound();
    return disk;
  });
}

/** Disks join and leave a tag-associated policy through their instances' tags, never by Apply or Cancel. */
function checkAssociatedWithDisk(policy: PolicyRecord): void {
  if (policy.associationType !== "AssociatedWithDisk") throw EcsError.associationTypeMismatch();
}

/**
 * With one policy per disk, Apply replaces the disk's policy; with ten, it adds the policy (a disk
 * that carries it already is left as it is) and refuses the request, changing nothing, when a disk
 * would carry an eleventh.
 */
export const applyAutoSnapshotPolicy: Action = {
  mutates: true,
  validate(params) {
    for (const name of ["regionId", "autoSnapshotPolicyId", "diskIds"]) params.required(name);
    const regionId = validate.regionId(params);
    const policyId = params.required("autoSnapshotPolicyId");
    if (!/^sp-[A-Za-z0-9]+$/.test(policyId)) throw EcsError.policyIdInvalid();
    const diskIds = validate.diskIdList(params, "diskIds", MAX_DISKS_PER_CALL, EcsError.diskIdsInvalid) ?? [];
    if (diskIds.length === 0) throw EcsError.diskIdsInvalid();

    return (context) => {
      checkRegionSupported(context, regionId);
      checkAccountStatus(context);
      const policy = context.state.policies[policyId];
      if (!policy) throw EcsError.policyNotFound();
      if (policy.regionId !== regionId) throw EcsError.policyNotFoundInRegion();
      checkAssociatedWithDisk(policy);
      const disks = disksInRegion(context, diskIds, regionId);
      const localDisks = disks.filter((disk) => validate.isLocalDiskCategory(disk.category));
      if (localDisks.length === disks.length && localDisks.length > 0)
        throw EcsError.diskCategoryNotSupported();
      if (localDisks.length > 0) throw EcsError.someDiskCategoriesNotSupported();
      if (context.policiesPerDisk === 1) {
        for (const disk of disks) disk.policyIds = [policyId];
        return {};
      }
      const joining = disks.filter((disk) => !disk.policyIds.includes(policyId));
      if (joining.some((disk) => policiesOfDisk(context.state, disk).length >= context.policiesPerDisk)) {
        throw EcsError.policiesPerDiskExceeded(context.policiesPerDisk);
      }
      for (const disk of joining) disk.policyIds.push(policyId);
      return {};
    };
  },
};

/**
 * Cancel takes a disk-associated policy off the disks. Without autoSnapshotPolicyId, a disk with
 * more than one such policy fails the whole request; with it, a disk that does not carry the policy
 * is left as it is.
 */
export const cancelAutoSnapshotPolicy: Action = {
  mutates: true,
  validate(params) {
    for (const name of ["regionId", "diskIds"]) params.required(name);
    const regionId = validate.regionId(params);
    const policyId = params.get("autoSnapshotPolicyId") || undefined;
    const diskIds = validate.diskIdList(params, "diskIds", MAX_DISKS_PER_CALL, EcsError.diskIdsInvalid) ?? [];
    if (diskIds.length === 0) throw EcsError.diskIdsInvalid();

    return (context) => {
      checkRegionSupported(context, regionId);
      if (policyId !== undefined) checkAssociatedWithDisk(policyInRegion(context, policyId, regionId));
      const disks = disksInRegion(context, diskIds, regionId);
      if (policyId === undefined) {
        if (disks.some((disk) => disk.policyIds.length > 1)) throw EcsError.tooManyPoliciesToCancel();
        for (const disk of disks) disk.policyIds = [];
        return {};
      }
      for (const disk of disks) disk.policyIds = disk.policyIds.filter((id) => id !== policyId);
      return {};
    };
  },
};

export const describeDisks: Action = {
  mutates: false,
  validate(params) {
    const regionId = validate.regionId(params, "RegionId");
    const diskIds = validate.diskIdList(params, "DiskIds", MAX_DESCRIBE_DISK_IDS, EcsError.diskIdsMalformed);
    const policyId = params.get("AutoSnapshotPolicyId") || undefined;
    const maxResults = params.integer("MaxResults", () => EcsError.invalidParameter("MaxResults"));
    const nextToken = params.get("NextToken") || undefined;
    const byToken = maxResults !== undefined || nextToken !== undefined;
    if (maxResults !== undefined && (maxResults < 1 || maxResults > MAX_RESULTS_LIMIT)) {
      throw EcsError.invalidParameter("MaxResults");
    }
    const start = nextToken === undefined ? 0 : Number(nextToken);
    if (!Number.isInteger(start) || start < 0) throw EcsError.invalidParameter("NextToken");
    const { pageNumber, pageSize } = validate.paging(params, 100);

    return (context) => {
      const wanted = diskIds === undefined ? undefined : new Set(diskIds);
      const matching = Object.values(context.state.disks).filter(
        (disk) =>
          disk.regionId === regionId &&
          (wanted === undefined || wanted.has(disk.diskId)) &&
          (policyId === undefined || policiesOfDisk(context.state, disk).includes(policyId)),
      );
      if (byToken) {
        const size = maxResults ?? 10;
        const end = start + size;
        return {
          TotalCount: matching.length,
          NextToken: end < matching.length ? String(end) : "",
          Disks: { Disk: matching.slice(start, end).map((disk) => describeDisk(context.state, disk)) },
        };
      }
      return {
        TotalCount: matching.length,
        PageNumber: pageNumber,
        PageSize: pageSize,
        Disks: {
          Disk: slicePage(matching, pageNumber, pageSize).map((disk) => describeDisk(context.state, disk)),
        },
      };
    };
  },
};

/** DescribeDisks has one policy field: it shows the disk's first policy (see policiesOfDisk). */
function describeDisk(state: EcsState, disk: DiskRecord): Record<string, unknown> {
  const [firstPolicyId] = policiesOfDisk(state, disk);
  return {
    DiskId: disk.diskId,
    RegionId: disk.regionId,
    ZoneId: `${disk.regionId}-a`,
    Category: disk.category,
    Type: "data",
    Status: disk.attached ? "In_use" : "Available",
    InstanceId: disk.instanceId ?? "",
    AutoSnapshotPolicyId: firstPolicyId ?? "",
    EnableAutoSnapshot: firstPolicyId !== undefined,
  };
}

/**
 * The (policy, disk) pairs of one policy or of one disk, tag-matched ones included. MaxResults under
 * 10 means 10 and over 100 means 100; NextToken is the offset of the next page.
 */
export const describeAutoSnapshotPolicyAssociations: Action = {
  mutates: false,
  validate(params) {
    const regionId = validate.regionId(params, "RegionId");
    const policyId = params.get("AutoSnapshotPolicyId") || undefined;
    const diskId = params.get("DiskId") || undefined;
    if ((policyId === undefined) === (diskId === undefined)) throw EcsError.policyOrDiskRequired();
    const maxResults = params.integer("MaxResults", () => EcsError.invalidParameter("MaxResults"));
    const pageSize = Math.min(Math.max(maxResults ?? 0, ASSOCIATIONS_PAGE.min), ASSOCIATIONS_PAGE.max);
    const start = Number(params.get("NextToken") || "0");
    if (!Number.isInteger(start) || start < 0) throw EcsError.invalidParameter("NextToken");

    return (context) => {
      const pairs =
        policyId !== undefined
          ? disksOfPolicy(context.state, policyInRegion(context, policyId, regionId)).map((disk) => ({
              AutoSnapshotPolicyId: policyId,
              DiskId: disk.diskId,
            }))
          : policiesOfDisk(context.state, disksInRegion(context, [diskId!], regionId)[0]).map((id) => ({
              AutoSnapshotPolicyId: id,
              DiskId: diskId!,
            }));
      const end = start + pageSize;
      return {
        NextToken: end < pairs.length ? String(end) : "",
        AutoSnapshotPolicyAssociations: { AutoSnapshotPolicyAssociation: pairs.slice(start, end) },
      };
    };
  },
};
