import { EcsError } from "../errors";
import type { Params } from "../params";
import { regionIdCode } from "../regions";
import type { EcsState, PolicyRecord } from "../store";
import * as validate from "../validation";
import {
  type Action,
  type ActionContext,
  checkAccountStatus,
  checkRegionSupported,
  hasTags,
  isoSeconds,
  policyInRegion,
  randomIdSuffix,
  slicePage,
} from "./action";

export const POLICIES_PER_REGION = 100;

export function newPolicyId(regionId: string): string {
  return `sp-${regionIdCode(regionId)}${randomIdSuffix(17)}`;
}

function policyIdParam(params: Params): string {
  return params.required("autoSnapshotPolicyId");
}

export const createAutoSnapshotPolicy: Action = {
  mutates: true,
  validate(params) {
    for (const name of ["regionId", "timePoints", "repeatWeekdays", "retentionDays"]) params.required(name);
    const regionId = validate.regionId(params);
    const name = validate.policyName(params);
    const timePoints = validate.timePoints(params) ?? [];
    const repeatWeekdays = validate.repeatWeekdays(params) ?? [];
    const retentionDays = validate.retentionDays(params) ?? -1;
    const enableCrossRegionCopy = params.boolean("EnableCrossRegionCopy") ?? false;
    const targetCopyRegions = validate.targetCopyRegions(params, regionId) ?? [];
    if (enableCrossRegionCopy && targetCopyRegions.length === 0) throw EcsError.targetCopyRegionsInvalid();
    const copiedSnapshotsRetentionDays = validate.copiedSnapshotsRetentionDays(params) ?? -1;
    const encryption = validate.copyEncryption(params);
    const tags = validate.tags(params);
    const resourceGroupId = params.get("ResourceGroupId") ?? "";

    return (context) => {
      checkRegionSupported(context, regionId);
      checkAccountStatus(context);
      const inRegion = Object.values(context.state.policies).filter(
        (policy) => policy.regionId === regionId && policy.type === "Custom",
      );
      if (inRegion.length >= POLICIES_PER_REGION) throw EcsError.quotaExceeded();
      const policy: PolicyRecord = {
        id: newPolicyId(regionId),
        regionId,
        name: name ?? "",
        timePoints,
        repeatWeekdays,
        retentionDays,
        enableCrossRegionCopy,
        targetCopyRegions,
        copiedSnapshotsRetentionDays,
        encrypted: encryption.encrypted ?? false,
        kmsKeyId: encryption.kmsKeyId ?? "",
        resourceGroupId,
        type: "Custom",
        creationTime: isoSeconds(new Date()),
        tags,
      };
      context.state.policies[policy.id] = policy;
      return { AutoSnapshotPolicyId: policy.id };
    };
  },
};

export const modifyAutoSnapshotPolicyEx: Action = {
  mutates: true,
  validate(params) {
    const policyId = policyIdParam(params);
    const regionId = validate.regionId(params);
    const name = validate.policyName(params);
    const timePoints = validate.timePoints(params);
    const repeatWeekdays = validate.repeatWeekdays(params);
    const retentionDays = validate.retentionDays(params);
    const enableCrossRegionCopy = params.boolean("EnableCrossRegionCopy");
    const targetCopyRegions = validate.targetCopyRegions(params, regionId);
    const copiedSnapshotsRetentionDays = validate.copiedSnapshotsRetentionDays(params);
    const encryption = validate.copyEncryption(params);

    return (context) => {
      checkRegionSupported(context, regionId);
      const policy = policyInRegion(context, policyId, regionId);
      if (policy.type !== "Custom") throw EcsError.policyTypeUnsupported();
      const copyEnabled = enableCrossRegionCopy ?? policy.enableCrossRegionCopy;
      const copyRegions = targetCopyRegions ?? policy.targetCopyRegions;
      if (copyEnabled && copyRegions.length === 0) throw EcsError.targetCopyRegionsInvalid();
      Object.assign(policy, {
        name: name ?? policy.name,
        timePoints: timePoints ?? policy.timePoints,
        repeatWeekdays: repeatWeekdays ?? policy.repeatWeekdays,
        retentionDays: retentionDays ?? policy.retentionDays,
        enableCrossRegionCopy: copyEnabled,
        targetCopyRegions: copyRegions,
        copiedSnapshotsRetentionDays: copiedSnapshotsRetentionDays ?? policy.copiedSnapshotsRetentionDays,
        encrypted: encryption.encrypted ?? policy.encrypted,
        kmsKeyId: encryption.kmsKeyId ?? policy.kmsKeyId,
      });
      return {};
    };
  },
};

export const deleteAutoSnapshotPolicy: Action = {
  mutates: true,
  validate(params) {
    const regionId = validate.regionId(params);
    const policyId = policyIdParam(params);
    return (context) => {
      checkRegionSupported(context, regionId);
      const policy = policyInRegion(context, policyId, regionId);
      if (policy.type !== "Custom") throw EcsError.policyTypeUnsupported();
      for (const disk of Object.values(context.state.disks)) {
        if (disk.policyId === policyId) delete disk.policyId;
      }
      delete context.state.policies[policyId];
      return {};
    };
  },
};

export const describeAutoSnapshotPolicyEx: Action = {
  mutates: false,
  validate(params) {
    const regionId = validate.regionId(params, "RegionId");
    const policyId = params.get("AutoSnapshotPolicyId");
    const name = params.get("AutoSnapshotPolicyName");
    const resourceGroupId = params.get("ResourceGroupId");
    const tagFilters = params.tags();
    const { pageNumber, pageSize } = validate.paging(params, 100);

    return (context) => {
      const matching = Object.values(context.state.policies).filter(
        (policy) =>
          policy.regionId === regionId &&
          (!policyId || policy.id === policyId) &&
          (!name || policy.name === name) &&
          (!resourceGroupId || policy.resourceGroupId === resourceGroupId) &&
          hasTags(policy, tagFilters),
      );
      return {
        TotalCount: matching.length,
        PageNumber: pageNumber,
        PageSize: pageSize,
        AutoSnapshotPolicies: {
          AutoSnapshotPolicy: slicePage(matching, pageNumber, pageSize).map((policy) =>
            describePolicy(context, policy),
          ),
        },
      };
    };
  },
};

function attachedDiskCount(state: EcsState, policyId: string): number {
  return Object.values(state.disks).filter((disk) => disk.policyId === policyId).length;
}

function describePolicy(context: ActionContext, policy: PolicyRecord): Record<string, unknown> {
  return {
    AutoSnapshotPolicyId: policy.id,
    AutoSnapshotPolicyName: policy.name,
    RegionId: policy.regionId,
    TimePoints: JSON.stringify(policy.timePoints),
    RepeatWeekdays: JSON.stringify(policy.repeatWeekdays),
    RetentionDays: policy.retentionDays,
    EnableCrossRegionCopy: policy.enableCrossRegionCopy,
    TargetCopyRegions: JSON.stringify(policy.targetCopyRegions),
    CopiedSnapshotsRetentionDays: policy.copiedSnapshotsRetentionDays,
    CopyEncryptionConfiguration: { Encrypted: policy.encrypted, KMSKeyId: policy.kmsKeyId },
    Status: "Normal",
    CreationTime: policy.creationTime,
    DiskNums: attachedDiskCount(context.state, policy.id),
    VolumeNums: 0,
    ResourceGroupId: policy.resourceGroupId,
    Type: policy.type,
    Tags: { Tag: Object.entries(policy.tags).map(([TagKey, TagValue]) => ({ TagKey, TagValue })) },
  };
}
