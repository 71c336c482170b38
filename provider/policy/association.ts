/*
 * How a policy finds its disks: by Apply (AssociatedWithDisk, the service's default) or by the tags of
 * the disks' instances (AssociatedWithInstanceTag), which only some regions support.
 */

export const ASSOCIATION_TYPES = ["AssociatedWithDisk", "AssociatedWithInstanceTag"] as const;
export type AssociationType = (typeof ASSOCIATION_TYPES)[number];
export const DISK_ASSOCIATION: AssociationType = "AssociatedWithDisk";
export const TAG_ASSOCIATION: AssociationType = "AssociatedWithInstanceTag";

/** CreateAutoSnapshotPolicy and ModifyAutoSnapshotPolicyEx take at most 5 target tags. */
export const MAX_TARGET_TAGS = 5;

/**
 * The regions where a policy can be associated with instance tags: the list in the doc comment of
 * CreateAutoSnapshotPolicyRequest.associationType (@alicloud/ecs20140526 7.11.6), by region id.
 * The comment names regions, not ids; sa-east-1 for Brazil (São Paulo) is the one id we could not
 * confirm (see the README).
 */
export const INSTANCE_TAG_REGIONS: readonly string[] = [
  "ap-southeast-3", // Malaysia (Kuala Lumpur)
  "ap-southeast-8", // Malaysia (Johor)
  "ap-southeast-6", // Philippines (Manila)
  "eu-west-1", // UK (London)
  "eu-west-2", // France (Paris)
  "me-central-1", // Saudi Arabia (Riyadh) - Partner
  "me-east-1", // UAE (Dubai)
  "cn-huhehaote", // China North 5 (Hohhot)
  "cn-zhongwei", // China Northwest 2 (Zhongwei)
  "cn-chengdu", // China Southwest 1 (Chengdu)
  "sa-east-1", // Brazil (São Paulo)
  "ap-southeast-7", // Thailand (Bangkok)
  "cn-guangzhou", // China South 3 (Guangzhou)
  "cn-heyuan", // China South 2 (Heyuan)
  "cn-hongkong", // Hong Kong (China)
  "eu-central-1", // Germany (Frankfurt)
  "na-south-1", // Mexico
  "us-east-1", // US (Virginia)
  "cn-hangzhou", // China East 1 (Hangzhou)
  "cn-qingdao", // China North 1 (Qingdao)
  "cn-beijing", // China North 2 (Beijing)
  "cn-shanghai", // China East 2 (Shanghai)
  "ap-southeast-1", // Singapore
  "ap-northeast-1", // Japan (Tokyo)
  "ap-northeast-2", // South Korea (Seoul)
  "cn-shenzhen", // China South 1 (Shenzhen)
  "cn-wulanchabu", // China North 6 (Ulanqab)
  "cn-zhangjiakou", // China North 3 (Zhangjiakou)
];

export function supportsInstanceTagAssociation(regionId: string): boolean {
  return INSTANCE_TAG_REGIONS.includes(regionId);
}

/** An association type from state or the service; policies recorded before it existed are disk-associated. */
export function associationTypeOf(value: unknown): AssociationType {
  return value === TAG_ASSOCIATION ? TAG_ASSOCIATION : DISK_ASSOCIATION;
}
