import { EcsError } from "../errors";
import type { DiskRecord } from "../store";
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

/** The disks with these ids in this region; any other id is reported as not found. */
function disksInRegion(context: ActionContext, diskIds: string[], regionId: string): DiskRecord[] {
  return diskIds.map((diskId) => {
    const disk = context.state.disks[diskId];
    if (!disk || disk.regionId !== regionId) throw EcsError.diskNotFound();
    return disk;
  });
}

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
      const disks = disksInRegion(context, diskIds, regionId);
      const localDisks = disks.filter((disk) => validate.isLocalDiskCategory(disk.category));
      if (localDisks.length === disks.length && localDisks.length > 0)
        throw EcsError.diskCategoryNotSupported();
      if (localDisks.length > 0) throw EcsError.someDiskCategoriesNotSupported();
      for (const disk of disks) disk.policyId = policyId;
      return {};
    };
  },
};

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
      if (policyId !== undefined) policyInRegion(context, policyId, regionId);
      for (const disk of disksInRegion(context, diskIds, regionId)) {
        if (policyId === undefined || disk.policyId === policyId) delete disk.policyId;
      }
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
          (policyId === undefined || disk.policyId === policyId),
      );
      if (byToken) {
        const size = maxResults ?? 10;
        const end = start + size;
        return {
          TotalCount: matching.length,
          NextToken: end < matching.length ? String(end) : "",
          Disks: { Disk: matching.slice(start, end).map(describeDisk) },
        };
      }
      return {
        TotalCount: matching.length,
        PageNumber: pageNumber,
        PageSize: pageSize,
        Disks: { Disk: slicePage(matching, pageNumber, pageSize).map(describeDisk) },
      };
    };
  },
};

function describeDisk(disk: DiskRecord): Record<string, unknown> {
  return {
    DiskId: disk.diskId,
    RegionId: disk.regionId,
    ZoneId: `${disk.regionId}-a`,
    Category: disk.category,
    Type: "data",
    Status: disk.attached ? "In_use" : "Available",
    AutoSnapshotPolicyId: disk.policyId ?? "",
    EnableAutoSnapshot: disk.policyId !== undefined,
  };
}
