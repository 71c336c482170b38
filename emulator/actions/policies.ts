import { EcsError } from "../errors";
import type { Params } from "../params";
import { regionIdCode } from "../regions";
import { disksOfPolicy, newPolicyRecord, type PolicyRecord, type TargetTag } from "../model";
import * as validate from "../validation";
import {
  type Action,
  type ActionContext,
  checkAccountStatus,
  checkRegionSupported,
  hasTags,
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
    const associationType = validate.associationType(params, regionId) ?? "AssociatedWithDisk";
    const targetTags = validate.targetTags(params);
    checkTargetTags(associationType === "AssociatedWithInstanceTag", targetTags);

    return (context) => {
      checkRegionSupported(context, regionId);
      checkAccountStatus(context);
      const inRegion = Object.values(context.state.policies).filter(
        (policy) => policy.regionId === regionId && policy.type === "Custom",
      );
      if (inRegion.length >= POLICIES_PER_REGION) throw EcsError.quotaExceeded();
      const policy = newPolicyRecord({
        id: newPolicyId(regionId),
        regionId,
        type: "Custom",
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
        tags,
        associationType,
        targetTags: targetTags ?? [],
      });
      context.state.policies[policy.id] = policy;
      return { AutoSnapshotPolicyId: policy.id };
    };
  },
};

/** Target tags go with AssociatedWithInstanceTag, which needs at least one. */
function checkTargetTags(byInstanceTag: boolean, targetTags: TargetTag[] | undefined): void {
  if (byInstanceTag && targetTags === undefined) throw EcsError.missingParameter("TargetTags.1.Key");
  if (!byInstanceTag && targetTags !== undefined) throw EcsError.targetTagsNotAllowed();
}

/**
 * ModifyEx cannot change the association type (its request has no AssociationType); TargetTags
 * replace the policy's whole list.
 */
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
    const targetTags = validate.targetTags(params);

    return (context) => {
      checkRegionSupported(context, regionId);
      const policy = policyInRegion(context, policyId, regionId);
      if (policy.type !== "Custom") throw EcsError.policyTypeUnsupported();
      if (targetTags !== undefined && policy.associationType !== "AssociatedWithInstanceTag") {
        throw EcsError.targetTagsNotAllowed();
      }
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
        targetTags: targetTags ?? policy.targetTags,
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
      for (const disk of disksOfPolicy(context.state, policy)) {
        disk.policyIds = disk.policyIds.filter((id) => id !== policyId);
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
    DiskNums: disksOfPolicy(context.state, policy).length,
    VolumeNums: 0,
    ResourceGroupId: policy.resourceGroupId,
    Type: policy.type,
    Tags: { Tag: Object.entries(policy.tags).map(([TagKey, TagValue]) => ({ TagKey, TagValue })) },
    AssociationType: policy.associationType,
    TargetTags: { TargetTag: policy.targetTags.map(({ key, value }) => ({ TagKey: key, TagValue: value })) },
  };
}
