import type { EcsEmulator } from "../../emulator";
import { type Caller, json, type WireParams } from "../support/ecs-clients";
import { CLIENT_NAMES, useLocalEcs } from "../support/use-local-ecs";

const REGION = "cn-hangzhou";
const OTHER_REGION = "cn-shanghai";

const ids = { policy: "", otherRegionPolicy: "", systemPolicy: "" };

const valid: WireParams = {
  regionId: REGION,
  timePoints: json([1]),
  repeatWeekdays: json([1]),
  retentionDays: 7,
};
const without = (name: string): WireParams =>
  Object.fromEntries(Object.entries(valid).filter(([key]) => key !== name));
const create = (overrides: WireParams): WireParams => ({ ...valid, ...overrides });
const modify = (overrides: WireParams) => ({
  regionId: REGION,
  autoSnapshotPolicyId: ids.policy,
  ...overrides,
});
const apply = (overrides: WireParams) => ({
  regionId: REGION,
  autoSnapshotPolicyId: ids.policy,
  diskIds: json(["d-cloud1"]),
  ...overrides,
});
const tags = (...pairs: [string, string][]): WireParams =>
  Object.fromEntries(
    pairs.flatMap(([key, value], index) => [
      [`Tag.${index + 1}.Key`, key],
      [`Tag.${index + 1}.Value`, value],
    ]),
  );

const targetTags = (...pairs: [string, string][]): WireParams =>
  Object.fromEntries(
    pairs.flatMap(([key, value], index) => [
      [`TargetTags.${index + 1}.Key`, key],
      [`TargetTags.${index + 1}.Value`, value],
    ]),
  );

const missing = (name: string) =>
  `The input parameter "${name}" that is mandatory for processing this request is not supplied.`;
const TIME_POINTS = "The specified TimePoints parameter is invalid.";
const WEEKDAYS = "The specified RepeatWeekDays parameter is invalid.";
const RETENTION = "The specified RetentionDays parameter is invalid.";
const REGION_ID = "The specified RegionId parameter is invalid.";
const NAME = "The specified autoSnapshotPolicyName is wrongly formed.";
const TAG_KEY = "The specified Tag.n.Key is not valid.";
const TAG_VALUE = "The specified Tag.n.Value is not valid.";
const TARGET_REGIONS = "The specified TargetCopyRegions is invalid.";
const COPIED_RETENTION = "The specified CopiedSnapshotsRetentionDays is invalid.";
const NO_POLICY = "The specified automatic snapshot policy does not exist.";
const NO_DISK = "The specified disk does not exist in the region.";
const DISK_IDS = "The specified DiskIds are invalid.";
const TARGET_TAGS_WITH_DISK = "TargetTags can be set only when AssociationType is AssociatedWithInstanceTag.";
const ONE_OF_POLICY_OR_DISK = "Specify exactly one of AutoSnapshotPolicyId and DiskId.";

type Case = [string, string, () => WireParams, number, string, string];

const CASES: Case[] = [
  // Reserved tag prefixes, in any case (issue 11 #5)
  [
    "tag key ACS: in capitals",
    "CreateAutoSnapshotPolicy",
    () => create(tags(["ACS:team", "a"])),
    400,
    "InvalidTagKey.Malformed",
    TAG_KEY,
  ],
  [
    "tag key Aliyun-",
    "CreateAutoSnapshotPolicy",
    () => create(tags(["Aliyun-owner", "a"])),
    400,
    "InvalidTagKey.Malformed",
    TAG_KEY,
  ],
  [
    "tag key HTTPS://",
    "CreateAutoSnapshotPolicy",
    () => create(tags(["HTTPS://k", "a"])),
    400,
    "InvalidTagKey.Malformed",
    TAG_KEY,
  ],
  [
    "tag value Acs:",
    "CreateAutoSnapshotPolicy",
    () => create(tags(["env", "Acs:x"])),
    400,
    "InvalidTagValue.Malformed",
    TAG_VALUE,
  ],
  [
    "tag value Http://",
    "CreateAutoSnapshotPolicy",
    () => create(tags(["env", "see Http://x"])),
    400,
    "InvalidTagValue.Malformed",
    TAG_VALUE,
  ],
  [
    "instance tag key aLiYuN",
    "TagResources",
    () => ({
      RegionId: REGION,
      ResourceType: "instance",
      "ResourceId.1": "i-tagged",
      ...tags(["aLiYuNx", "b"]),
    }),
    400,
    "InvalidTagKey.Malformed",
    TAG_KEY,
  ],
  // AssociationType and TargetTags
  [
    "unknown AssociationType",
    "CreateAutoSnapshotPolicy",
    () => create({ AssociationType: "AssociatedWithVolume" }),
    400,
    "InvalidParameter.AssociationType",
    "The specified AssociationType is not valid: AssociatedWithDisk or AssociatedWithInstanceTag.",
  ],
  [
    "AssociatedWithInstanceTag without TargetTags",
    "CreateAutoSnapshotPolicy",
    () => create({ AssociationType: "AssociatedWithInstanceTag" }),
    400,
    "MissingParameter",
    missing("TargetTags.1.Key"),
  ],
  [
    "TargetTags on a disk-associated policy",
    "CreateAutoSnapshotPolicy",
    () => create(targetTags(["backup", "gold"])),
    400,
    "InvalidParameter.TargetTags",
    TARGET_TAGS_WITH_DISK,
  ],
  [
    "six TargetTags",
    "CreateAutoSnapshotPolicy",
    () =>
      create({
        AssociationType: "AssociatedWithInstanceTag",
        ...targetTags(...Array.from({ length: 6 }, (_, index): [string, string] => [`k${index}`, ""])),
      }),
    400,
    "InvalidParameter.TargetTags",
    "The specified TargetTags are beyond the permitted range: at most 5.",
  ],
  [
    "TargetTags.6 alone",
    "CreateAutoSnapshotPolicy",
    () => create({ AssociationType: "AssociatedWithInstanceTag", "TargetTags.6.Key": "k" }),
    400,
    "InvalidParameter.TargetTags",
    "The specified TargetTags are beyond the permitted range: at most 5.",
  ],
  [
    "TargetTags key acs: in capitals",
    "CreateAutoSnapshotPolicy",
    () => create({ AssociationType: "AssociatedWithInstanceTag", ...targetTags(["ACS:x", ""]) }),
    400,
    "InvalidTagKey.Malformed",
    "The specified TargetTags.N.Key is not valid.",
  ],
  [
    "TargetTags value with a URL",
    "CreateAutoSnapshotPolicy",
    () => create({ AssociationType: "AssociatedWithInstanceTag", ...targetTags(["k", "HTTP://x"]) }),
    400,
    "InvalidTagValue.Malformed",
    "The specified TargetTags.N.Value is not valid.",
  ],
  [
    "TargetTags with a repeated key",
    "CreateAutoSnapshotPolicy",
    () => create({ AssociationType: "AssociatedWithInstanceTag", ...targetTags(["k", "a"], ["k", "b"]) }),
    400,
    "Duplicate.TagKey",
    "The Tag.N.Key contain duplicate key.",
  ],
  [
    "AssociatedWithInstanceTag in a region outside the SDK's list",
    "CreateAutoSnapshotPolicy",
    () =>
      create({
        regionId: "cn-nanjing",
        AssociationType: "AssociatedWithInstanceTag",
        ...targetTags(["backup", "gold"]),
      }),
    403,
    "OperationDenied.AssociationTypeNotSupportedInRegion",
    "AssociatedWithInstanceTag is not supported in the specified region.",
  ],
  [
    "TargetTags on a disk-associated policy",
    "ModifyAutoSnapshotPolicyEx",
    () => modify(targetTags(["backup", "gold"])),
    400,
    "InvalidParameter.TargetTags",
    TARGET_TAGS_WITH_DISK,
  ],
  // DescribeAutoSnapshotPolicyAssociations
  [
    "neither policy nor disk",
    "DescribeAutoSnapshotPolicyAssociations",
    () => ({ RegionId: REGION }),
    400,
    "InvalidParameter",
    ONE_OF_POLICY_OR_DISK,
  ],
  [
    "both policy and disk",
    "DescribeAutoSnapshotPolicyAssociations",
    () => ({ RegionId: REGION, AutoSnapshotPolicyId: ids.policy, DiskId: "d-cloud1" }),
    400,
    "InvalidParameter",
    ONE_OF_POLICY_OR_DISK,
  ],
  [
    "no RegionId",
    "DescribeAutoSnapshotPolicyAssociations",
    () => ({ DiskId: "d-cloud1" }),
    400,
    "MissingParameter",
    missing("RegionId"),
  ],
  [
    "unknown policy",
    "DescribeAutoSnapshotPolicyAssociations",
    () => ({ RegionId: REGION, AutoSnapshotPolicyId: "sp-bp1nothere" }),
    404,
    "ParameterInvalid",
    NO_POLICY,
  ],
  [
    "policy of another region",
    "DescribeAutoSnapshotPolicyAssociations",
    () => ({ RegionId: REGION, AutoSnapshotPolicyId: ids.otherRegionPolicy }),
    404,
    "ParameterInvalid",
    NO_POLICY,
  ],
  [
    "disk of another region",
    "DescribeAutoSnapshotPolicyAssociations",
    () => ({ RegionId: REGION, DiskId: "d-shanghai" }),
    404,
    "InvalidDiskId.NotFound",
    NO_DISK,
  ],
  [
    "MaxResults not a number",
    "DescribeAutoSnapshotPolicyAssociations",
    () => ({ RegionId: REGION, DiskId: "d-cloud1", MaxResults: "ten" }),
    400,
    "InvalidParameter",
    'The specified parameter "MaxResults" is not valid.',
  ],
  [
    "NextToken not ours",
    "DescribeAutoSnapshotPolicyAssociations",
    () => ({ RegionId: REGION, DiskId: "d-cloud1", NextToken: "caeba0bbb2be03f84eb48b699f0a" }),
    400,
    "InvalidParameter",
    'The specified parameter "NextToken" is not valid.',
  ],
  // CreateAutoSnapshotPolicy
  [
    "no timePoints",
    "CreateAutoSnapshotPolicy",
    () => without("timePoints"),
    400,
    "MissingParameter",
    missing("timePoints"),
  ],
  [
    "no repeatWeekdays",
    "CreateAutoSnapshotPolicy",
    () => without("repeatWeekdays"),
    400,
    "MissingParameter",
    missing("repeatWeekdays"),
  ],
  [
    "no retentionDays",
    "CreateAutoSnapshotPolicy",
    () => without("retentionDays"),
    400,
    "MissingParameter",
    missing("retentionDays"),
  ],
  [
    "no regionId",
    "CreateAutoSnapshotPolicy",
    () => without("regionId"),
    400,
    "MissingParameter",
    missing("regionId"),
  ],
  [
    "unknown region",
    "CreateAutoSnapshotPolicy",
    () => create({ regionId: "cn-atlantis" }),
    403,
    "ParameterInvalid",
    REGION_ID,
  ],
  [
    "hour 24",
    "CreateAutoSnapshotPolicy",
    () => create({ timePoints: json([1, 24]) }),
    403,
    "ParameterInvalid",
    TIME_POINTS,
  ],
  [
    "hour -1",
    "CreateAutoSnapshotPolicy",
    () => create({ timePoints: json([-1]) }),
    403,
    "ParameterInvalid",
    TIME_POINTS,
  ],
  [
    "half hour",
    "CreateAutoSnapshotPolicy",
    () => create({ timePoints: json(["1.5"]) }),
    403,
    "ParameterInvalid",
    TIME_POINTS,
  ],
  [
    "no hours",
    "CreateAutoSnapshotPolicy",
    () => create({ timePoints: "[]" }),
    403,
    "ParameterInvalid",
    TIME_POINTS,
  ],
  [
    "hours not JSON",
    "CreateAutoSnapshotPolicy",
    () => create({ timePoints: "1,2" }),
    403,
    "ParameterInvalid",
    TIME_POINTS,
  ],
  [
    "weekday 0",
    "CreateAutoSnapshotPolicy",
    () => create({ repeatWeekdays: json([0]) }),
    403,
    "ParameterInvalid",
    WEEKDAYS,
  ],
  [
    "weekday 8",
    "CreateAutoSnapshotPolicy",
    () => create({ repeatWeekdays: json([7, 8]) }),
    403,
    "ParameterInvalid",
    WEEKDAYS,
  ],
  [
    "no weekdays",
    "CreateAutoSnapshotPolicy",
    () => create({ repeatWeekdays: "[]" }),
    403,
    "ParameterInvalid",
    WEEKDAYS,
  ],
  [
    "retention 0",
    "CreateAutoSnapshotPolicy",
    () => create({ retentionDays: 0 }),
    403,
    "ParameterInvalid",
    RETENTION,
  ],
  [
    "retention -2",
    "CreateAutoSnapshotPolicy",
    () => create({ retentionDays: -2 }),
    403,
    "ParameterInvalid",
    RETENTION,
  ],
  [
    "retention 65537",
    "CreateAutoSnapshotPolicy",
    () => create({ retentionDays: 65537 }),
    403,
    "ParameterInvalid",
    RETENTION,
  ],
  [
    "retention text",
    "CreateAutoSnapshotPolicy",
    () => create({ retentionDays: "week" }),
    403,
    "ParameterInvalid",
    RETENTION,
  ],
  [
    "name with a digit first",
    "CreateAutoSnapshotPolicy",
    () => create({ autoSnapshotPolicyName: "1st" }),
    400,
    "InvalidSnapshotPolicyName.Malformed",
    NAME,
  ],
  [
    "one-letter name",
    "CreateAutoSnapshotPolicy",
    () => create({ autoSnapshotPolicyName: "a" }),
    400,
    "InvalidSnapshotPolicyName.Malformed",
    NAME,
  ],
  [
    "129-letter name",
    "CreateAutoSnapshotPolicy",
    () => create({ autoSnapshotPolicyName: "a".repeat(129) }),
    400,
    "InvalidSnapshotPolicyName.Malformed",
    NAME,
  ],
  [
    "name with a space",
    "CreateAutoSnapshotPolicy",
    () => create({ autoSnapshotPolicyName: "my policy" }),
    400,
    "InvalidSnapshotPolicyName.Malformed",
    NAME,
  ],
  [
    "URL name",
    "CreateAutoSnapshotPolicy",
    () => create({ autoSnapshotPolicyName: "http://x" }),
    400,
    "InvalidSnapshotPolicyName.Malformed",
    NAME,
  ],
  [
    "duplicate tag key",
    "CreateAutoSnapshotPolicy",
    () => create(tags(["env", "a"], ["env", "b"])),
    400,
    "Duplicate.TagKey",
    "The Tag.N.Key contain duplicate key.",
  ],
  [
    "tag key acs:",
    "CreateAutoSnapshotPolicy",
    () => create(tags(["acs:env", "a"])),
    400,
    "InvalidTagKey.Malformed",
    TAG_KEY,
  ],
  [
    "tag key aliyun",
    "CreateAutoSnapshotPolicy",
    () => create(tags(["aliyunEnv", "a"])),
    400,
    "InvalidTagKey.Malformed",
    TAG_KEY,
  ],
  [
    "tag key with URL",
    "CreateAutoSnapshotPolicy",
    () => create(tags(["see https://x", "a"])),
    400,
    "InvalidTagKey.Malformed",
    TAG_KEY,
  ],
  [
    "129-char tag key",
    "CreateAutoSnapshotPolicy",
    () => create(tags(["k".repeat(129), "a"])),
    400,
    "InvalidTagKey.Malformed",
    TAG_KEY,
  ],
  [
    "tag value without key",
    "CreateAutoSnapshotPolicy",
    () => create({ "Tag.1.Value": "a" }),
    400,
    "InvalidTagKey.Malformed",
    TAG_KEY,
  ],
  [
    "tag value acs:",
    "CreateAutoSnapshotPolicy",
    () => create(tags(["env", "acs:x"])),
    400,
    "InvalidTagValue.Malformed",
    TAG_VALUE,
  ],
  [
    "tag value with URL",
    "CreateAutoSnapshotPolicy",
    () => create(tags(["env", "http://x"])),
    400,
    "InvalidTagValue.Malformed",
    TAG_VALUE,
  ],
  [
    "129-char tag value",
    "CreateAutoSnapshotPolicy",
    () => create(tags(["env", "v".repeat(129)])),
    400,
    "InvalidTagValue.Malformed",
    TAG_VALUE,
  ],
  [
    "21st tag",
    "CreateAutoSnapshotPolicy",
    () => create({ "Tag.21.Key": "k" }),
    400,
    "InvalidTagCount",
    "The specified tags are beyond the permitted range.",
  ],
  [
    "KMS key unencrypted",
    "CreateAutoSnapshotPolicy",
    () => create({ "CopyEncryptionConfiguration.KMSKeyId": "key-1" }),
    400,
    "InvalidParameter.EncryptedIllegal",
    "The specified parameter Encrypted must be true when kmsKeyId is not empty.",
  ],
  [
    "two target regions",
    "CreateAutoSnapshotPolicy",
    () => create({ EnableCrossRegionCopy: true, TargetCopyRegions: json(["cn-beijing", "cn-shanghai"]) }),
    403,
    "InvalidParameter.TargetCopyRegions",
    TARGET_REGIONS,
  ],
  [
    "unknown target region",
    "CreateAutoSnapshotPolicy",
    () => create({ EnableCrossRegionCopy: true, TargetCopyRegions: json(["cn-atlantis"]) }),
    403,
    "InvalidParameter.TargetCopyRegions",
    TARGET_REGIONS,
  ],
  [
    "own region as target",
    "CreateAutoSnapshotPolicy",
    () => create({ EnableCrossRegionCopy: true, TargetCopyRegions: json([REGION]) }),
    403,
    "InvalidParameter.TargetCopyRegions",
    TARGET_REGIONS,
  ],
  [
    "copy without target",
    "CreateAutoSnapshotPolicy",
    () => create({ EnableCrossRegionCopy: true }),
    403,
    "InvalidParameter.TargetCopyRegions",
    TARGET_REGIONS,
  ],
  [
    "copied retention 0",
    "CreateAutoSnapshotPolicy",
    () => create({ CopiedSnapshotsRetentionDays: 0 }),
    403,
    "InvalidParameter.CopiedSnapshotsRetentionDays",
    COPIED_RETENTION,
  ],
  [
    "copied retention 65536",
    "CreateAutoSnapshotPolicy",
    () => create({ CopiedSnapshotsRetentionDays: 65536 }),
    403,
    "InvalidParameter.CopiedSnapshotsRetentionDays",
    COPIED_RETENTION,
  ],
  // ModifyAutoSnapshotPolicyEx
  [
    "modify: no policy id",
    "ModifyAutoSnapshotPolicyEx",
    () => ({ regionId: REGION }),
    400,
    "MissingParameter",
    missing("autoSnapshotPolicyId"),
  ],
  [
    "modify: unknown region",
    "ModifyAutoSnapshotPolicyEx",
    () => modify({ regionId: "cn-atlantis" }),
    403,
    "ParameterInvalid",
    REGION_ID,
  ],
  [
    "modify: unknown policy",
    "ModifyAutoSnapshotPolicyEx",
    () => modify({ autoSnapshotPolicyId: "sp-bp1nothere" }),
    404,
    "ParameterInvalid",
    NO_POLICY,
  ],
  [
    "modify: policy of another region",
    "ModifyAutoSnapshotPolicyEx",
    () => modify({ autoSnapshotPolicyId: ids.otherRegionPolicy }),
    404,
    "ParameterInvalid",
    NO_POLICY,
  ],
  [
    "modify: system policy",
    "ModifyAutoSnapshotPolicyEx",
    () => modify({ autoSnapshotPolicyId: ids.systemPolicy, retentionDays: 3 }),
    403,
    "InvalidOperation.PolicyTypeUnsupported",
    "The current policy type does not support this operation. Only custom policies are permitted.",
  ],
  [
    "modify: hour 24",
    "ModifyAutoSnapshotPolicyEx",
    () => modify({ timePoints: json([24]) }),
    403,
    "ParameterInvalid",
    TIME_POINTS,
  ],
  [
    "modify: weekday 8",
    "ModifyAutoSnapshotPolicyEx",
    () => modify({ repeatWeekdays: json([8]) }),
    403,
    "ParameterInvalid",
    WEEKDAYS,
  ],
  [
    "modify: retention 65537",
    "ModifyAutoSnapshotPolicyEx",
    () => modify({ retentionDays: 65537 }),
    403,
    "ParameterInvalid",
    RETENTION,
  ],
  [
    "modify: name",
    "ModifyAutoSnapshotPolicyEx",
    () => modify({ autoSnapshotPolicyName: "https://x" }),
    400,
    "InvalidSnapshotPolicyName.Malformed",
    NAME,
  ],
  [
    "modify: KMS key unencrypted",
    "ModifyAutoSnapshotPolicyEx",
    () =>
      modify({
        "CopyEncryptionConfiguration.Encrypted": false,
        "CopyEncryptionConfiguration.KMSKeyId": "key-1",
      }),
    400,
    "InvalidParameter.EncryptedIllegal",
    "The specified parameter Encrypted must be true when kmsKeyId is not empty.",
  ],
  [
    "modify: target regions",
    "ModifyAutoSnapshotPolicyEx",
    () => modify({ EnableCrossRegionCopy: true, TargetCopyRegions: "[]" }),
    403,
    "InvalidParameter.TargetCopyRegions",
    TARGET_REGIONS,
  ],
  [
    "modify: copied retention",
    "ModifyAutoSnapshotPolicyEx",
    () => modify({ CopiedSnapshotsRetentionDays: -5 }),
    403,
    "InvalidParameter.CopiedSnapshotsRetentionDays",
    COPIED_RETENTION,
  ],
  // ApplyAutoSnapshotPolicy
  [
    "apply: no diskIds",
    "ApplyAutoSnapshotPolicy",
    () => ({ regionId: REGION, autoSnapshotPolicyId: ids.policy }),
    400,
    "MissingParameter",
    missing("diskIds"),
  ],
  [
    "apply: unknown region",
    "ApplyAutoSnapshotPolicy",
    () => apply({ regionId: "cn-atlantis" }),
    403,
    "ParameterInvalid",
    REGION_ID,
  ],
  [
    "apply: malformed policy id",
    "ApplyAutoSnapshotPolicy",
    () => apply({ autoSnapshotPolicyId: "policy-1" }),
    403,
    "ParameterInvalid",
    "The specified AutoSnapshotPolicyId parameter is invalid.",
  ],
  [
    "apply: diskIds not JSON",
    "ApplyAutoSnapshotPolicy",
    () => apply({ diskIds: "d-cloud1" }),
    403,
    "ParameterInvalid",
    DISK_IDS,
  ],
  [
    "apply: empty diskIds",
    "ApplyAutoSnapshotPolicy",
    () => apply({ diskIds: "[]" }),
    403,
    "ParameterInvalid",
    DISK_IDS,
  ],
  [
    "apply: unknown policy",
    "ApplyAutoSnapshotPolicy",
    () => apply({ autoSnapshotPolicyId: "sp-bp1nothere" }),
    404,
    "ParameterInvalid",
    NO_POLICY,
  ],
  [
    "apply: policy of another region",
    "ApplyAutoSnapshotPolicy",
    () => apply({ autoSnapshotPolicyId: ids.otherRegionPolicy }),
    404,
    "ParameterInvalid",
    "The specified automatic snapshot policy does not exist in the region.",
  ],
  [
    "apply: unknown disk",
    "ApplyAutoSnapshotPolicy",
    () => apply({ diskIds: json(["d-cloud1", "d-nothere"]) }),
    404,
    "InvalidDiskId.NotFound",
    NO_DISK,
  ],
  [
    "apply: disk of another region",
    "ApplyAutoSnapshotPolicy",
    () => apply({ diskIds: json(["d-shanghai"]) }),
    404,
    "InvalidDiskId.NotFound",
    NO_DISK,
  ],
  [
    "apply: a local disk",
    "ApplyAutoSnapshotPolicy",
    () => apply({ diskIds: json(["d-local1"]) }),
    400,
    "DiskCategory.OperationNotSupported",
    "The type of the specified disk does not support creating a snapshot.",
  ],
  [
    "apply: some local disks",
    "ApplyAutoSnapshotPolicy",
    () => apply({ diskIds: json(["d-cloud2", "d-local2"]) }),
    400,
    "PartofDiskCategory.OperationNotSupported",
    "The types of some disks in the disk list do not support creating snapshots.",
  ],
  // CancelAutoSnapshotPolicy, DeleteAutoSnapshotPolicy
  [
    "cancel: no diskIds",
    "CancelAutoSnapshotPolicy",
    () => ({ regionId: REGION }),
    400,
    "MissingParameter",
    missing("diskIds"),
  ],
  [
    "cancel: unknown disk",
    "CancelAutoSnapshotPolicy",
    () => ({ regionId: REGION, diskIds: json(["d-nothere"]) }),
    404,
    "InvalidDiskId.NotFound",
    NO_DISK,
  ],
  [
    "cancel: diskIds not JSON",
    "CancelAutoSnapshotPolicy",
    () => ({ regionId: REGION, diskIds: "{}" }),
    403,
    "ParameterInvalid",
    DISK_IDS,
  ],
  [
    "cancel: unknown policy",
    "CancelAutoSnapshotPolicy",
    () => ({ regionId: REGION, autoSnapshotPolicyId: "sp-bp1nothere", diskIds: json(["d-cloud1"]) }),
    404,
    "ParameterInvalid",
    NO_POLICY,
  ],
  [
    "delete: unknown policy",
    "DeleteAutoSnapshotPolicy",
    () => ({ regionId: REGION, autoSnapshotPolicyId: "sp-bp1nothere" }),
    404,
    "ParameterInvalid",
    NO_POLICY,
  ],
  [
    "delete: system policy",
    "DeleteAutoSnapshotPolicy",
    () => ({ regionId: REGION, autoSnapshotPolicyId: ids.systemPolicy }),
    403,
    "InvalidOperation.PolicyTypeUnsupported",
    "The current policy type does not support this operation. Only custom policies are permitted.",
  ],
  // Describe and tag actions
  [
    "describe: no RegionId",
    "DescribeAutoSnapshotPolicyEx",
    () => ({}),
    400,
    "MissingParameter",
    missing("RegionId"),
  ],
  [
    "describe: PageSize 101",
    "DescribeAutoSnapshotPolicyEx",
    () => ({ RegionId: REGION, PageSize: 101 }),
    400,
    "InvalidParameter",
    'The specified parameter "PageSize" is not valid.',
  ],
  [
    "disks: DiskIds not JSON",
    "DescribeDisks",
    () => ({ RegionId: REGION, DiskIds: "d-1" }),
    400,
    "InvalidDiskIds.Malformed",
    "The amount of specified disk Ids exceeds the limit.",
  ],
  [
    "tag: unknown policy",
    "TagResources",
    () => ({
      RegionId: REGION,
      ResourceType: "snapshotpolicy",
      "ResourceId.1": "sp-bp1nothere",
      ...tags(["a", "b"]),
    }),
    404,
    "InvalidResourceId.NotFound",
    "The specified ResourceIds are not found in our records.",
  ],
  [
    "tag: other resource type",
    "TagResources",
    () => ({ RegionId: REGION, ResourceType: "disk", "ResourceId.1": ids.policy, ...tags(["a", "b"]) }),
    400,
    "InvalidResourceType.NotSupported",
    "The specified ResourceType is not supported.",
  ],
  [
    "tag: key acs:",
    "TagResources",
    () => ({
      RegionId: REGION,
      ResourceType: "snapshotpolicy",
      "ResourceId.1": ids.policy,
      ...tags(["acs:a", "b"]),
    }),
    400,
    "InvalidTagKey.Malformed",
    TAG_KEY,
  ],
  [
    "untag: no ResourceId",
    "UntagResources",
    () => ({ RegionId: REGION, ResourceType: "snapshotpolicy", "TagKey.1": "a" }),
    400,
    "MissingParameter",
    missing("ResourceId.1"),
  ],
  [
    "unknown action",
    "RunInstances",
    () => ({ RegionId: REGION }),
    404,
    "InvalidAction.NotFound",
    "Specified api is not found, please check your url and method.",
  ],
];

/** The conformance suite, run in both kinds of account. */
describe.each([1, 10] as const)("an account with %i polic(ies) per disk", (policiesPerDisk) => {
  let emulator: EcsEmulator;

  const local = useLocalEcs({
    policiesPerDisk,
    disks: [
      { diskId: "d-cloud1", regionId: REGION },
      { diskId: "d-cloud2", regionId: REGION },
      { diskId: "d-local1", regionId: REGION, category: "ephemeral_ssd" },
      { diskId: "d-local2", regionId: REGION, category: "local_ssd_pro" },
      { diskId: "d-shanghai", regionId: OTHER_REGION },
    ],
    instances: [{ instanceId: "i-tagged", regionId: REGION, tags: { backup: "gold" } }],
  });
  beforeAll(async () => {
    emulator = local.emulator;
    const call = local.callers["pop-core"];
    const create = async (regionId: string) =>
      (await call("CreateAutoSnapshotPolicy", { ...valid, regionId })).body.AutoSnapshotPolicyId as string;
    ids.policy = await create(REGION);
    ids.otherRegionPolicy = await create(OTHER_REGION);
    ids.systemPolicy = emulator.addSystemPolicy(REGION);
  });

  describe.each(CLIENT_NAMES)("error codes through %s", (client) => {
    let call: Caller;
    beforeAll(() => {
      call = local.callers[client];
    });

    test.each(CASES)("%s: %s → %i %s", async (_name, action, params, status, code, message) => {
      const before = JSON.stringify(
        await call("DescribeAutoSnapshotPolicyEx", { RegionId: REGION, PageSize: 100 }),
      );
      const answer = await call(action, params());
      expect(answer).toEqual({
        status,
        body: {
          RequestId: expect.stringMatching(/^[0-9A-F-]{36}$/),
          HostId: expect.any(String),
          Code: code,
          Message: message,
          Recommend: expect.stringContaining(code),
        },
      });
      const after = JSON.stringify(
        await call("DescribeAutoSnapshotPolicyEx", { RegionId: REGION, PageSize: 100 }),
      );
      expect(after.replace(/"RequestId":"[^"]+"/, "")).toBe(before.replace(/"RequestId":"[^"]+"/, ""));
    });
  });

  describe("switchable states", () => {
    let call: Caller;
    beforeAll(() => {
      call = local.callers["pop-core"];
    });
    afterEach(() => {
      emulator.setAccountStatus({});
      emulator.setUnsupportedRegions([]);
    });

    test.each([
      [
        { notEnoughBalance: true },
        "InvalidAccountStatus.NotEnoughBalance",
        "Your account does not have enough balance.",
      ],
      [
        { snapshotServiceUnavailable: true },
        "InvalidAccountStatus.SnapshotServiceUnavailable",
        "Snapshot service has not been opened yet.",
      ],
    ])("account status %j fails Create and Apply with 403 %s", async (status, code, message) => {
      emulator.setAccountStatus(status);
      for (const [action, params] of [
        ["CreateAutoSnapshotPolicy", valid],
        ["ApplyAutoSnapshotPolicy", apply({})],
      ] as const) {
        const answer = await call(action, params);
        expect(answer.status).toBe(403);
        expect(answer.body).toMatchObject({ Code: code, Message: message });
      }
      emulator.setAccountStatus({});
      expect((await call("CreateAutoSnapshotPolicy", valid)).status).toBe(200);
    });

    test("a region without the action answers 403 Abs.InvalidAction.RegionNotSupport", async () => {
      emulator.setUnsupportedRegions([REGION]);
      for (const [action, params] of [
        ["CreateAutoSnapshotPolicy", valid],
        ["ModifyAutoSnapshotPolicyEx", modify({ retentionDays: 9 })],
      ] as const) {
        const answer = await call(action, params);
        expect(answer.status).toBe(403);
        expect(answer.body).toMatchObject({
          Code: "Abs.InvalidAction.RegionNotSupport",
          Message: "This region does not support this action.",
        });
      }
      expect((await call("CreateAutoSnapshotPolicy", { ...valid, regionId: OTHER_REGION })).status).toBe(200);
    });

    test("the 101st policy of a region answers 403 AutoSnapshotPolicy.QuotaExceed", async () => {
      const region = "eu-west-1";
      const created: string[] = [];
      for (let index = 0; index < 100; index += 1) {
        const answer = await call("CreateAutoSnapshotPolicy", { ...valid, regionId: region });
        expect(answer.status).toBe(200);
        created.push(answer.body.AutoSnapshotPolicyId as string);
      }
      const refused = await call("CreateAutoSnapshotPolicy", { ...valid, regionId: region });
      expect(refused).toMatchObject({
        status: 403,
        body: {
          Code: "AutoSnapshotPolicy.QuotaExceed",
          Message: "The maximum number of automatic snapshot policy has been reached.",
        },
      });
      expect((await call("CreateAutoSnapshotPolicy", { ...valid, regionId: "eu-central-1" })).status).toBe(
        200,
      );
      await call("DeleteAutoSnapshotPolicy", { regionId: region, autoSnapshotPolicyId: created[0] });
      expect((await call("CreateAutoSnapshotPolicy", { ...valid, regionId: region })).status).toBe(200);
    });

    test("a disk deleted outside is no longer found", async () => {
      emulator.addDisks([{ diskId: "d-doomed", regionId: REGION }]);
      expect((await call("ApplyAutoSnapshotPolicy", apply({ diskIds: json(["d-doomed"]) }))).status).toBe(
        200,
      );
      emulator.removeDisk("d-doomed");
      const answer = await call("ApplyAutoSnapshotPolicy", apply({ diskIds: json(["d-doomed"]) }));
      expect(answer).toMatchObject({ status: 404, body: { Code: "InvalidDiskId.NotFound" } });
    });
  });
});
