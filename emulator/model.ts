/*
 * The emulator's records and the rules that read across them: which disks a policy covers and
 * which policies a disk carries, for both association types.
 */

export type PolicyType = "Custom" | "System";
export type AssociationType = "AssociatedWithDisk" | "AssociatedWithInstanceTag";

/**
 * Tag key → value, in the order the keys were first set. Always a null-prototype object (see
 * `tagMap`), so keys such as `__proto__` or `constructor` are ordinary keys.
 */
export type TagMap = Record<string, string>;

/** A target tag of a tag-associated policy; an empty value matches any value. */
export interface TargetTag {
  key: string;
  value: string;
}

export interface PolicyRecord {
  id: string;
  regionId: string;
  name: string;
  timePoints: string[];
  repeatWeekdays: string[];
  retentionDays: number;
  enableCrossRegionCopy: boolean;
  targetCopyRegions: string[];
  copiedSnapshotsRetentionDays: number;
  encrypted: boolean;
  kmsKeyId: string;
  resourceGroupId: string;
  type: PolicyType;
  creationTime: string;
  tags: TagMap;
  associationType: AssociationType;
  /** Set only with AssociatedWithInstanceTag; an instance matches when it carries every one. */
  targetTags: TargetTag[];
}

export interface DiskRecord {
  diskId: string;
  regionId: string;
  category: string;
  attached: boolean;
  /** The instance the disk belongs to, if any: tag-associated policies reach the disk through it. */
  instanceId?: string;
  /** The disk-associated policies applied to the disk, oldest first (at most `policiesPerDisk`). */
  policyIds: string[];
}

export interface InstanceRecord {
  instanceId: string;
  regionId: string;
  tags: TagMap;
}

export interface EmulatorCredentials {
  accessKeyId: string;
  accessKeySecret: string;
}

/** Everything that survives a restart. Maps keep insertion order, which is the listing order. */
export interface EcsState {
  policies: Record<string, PolicyRecord>;
  disks: Record<string, DiskRecord>;
  instances: Record<string, InstanceRecord>;
  /** Key pairs the emulator generated, kept so that a restart with the same state accepts them. */
  generatedCredentials?: EmulatorCredentials[];
}

export function emptyState(): EcsState {
  return { policies: idMap(), disks: idMap(), instances: idMap() };
}

/**
 * A null-prototype map holding `entries` in order: any string is an ordinary key, `__proto__` and
 * `constructor` included, and a missing key reads as undefined.
 */
export function idMap<T>(entries: Iterable<[string, T]> = []): Record<string, T> {
  const map = Object.create(null) as Record<string, T>;
  for (const [key, value] of entries) map[key] = value;
  return map;
}

export function tagMap(entries: Iterable<[string, string]> = []): TagMap {
  return idMap(entries);
}

export type PolicyFields = Pick<PolicyRecord, "id" | "regionId" | "type"> & Partial<PolicyRecord>;

/** The one way to make a policy record: every field not given takes the service's default. */
export function newPolicyRecord(fields: PolicyFields): PolicyRecord {
  return {
    name: "",
    timePoints: [],
    repeatWeekdays: [],
    retentionDays: -1,
    enableCrossRegionCopy: false,
    targetCopyRegions: [],
    copiedSnapshotsRetentionDays: -1,
    encrypted: false,
    kmsKeyId: "",
    resourceGroupId: "",
    creationTime: isoSeconds(new Date()),
    associationType: "AssociatedWithDisk",
    targetTags: [],
    ...fields,
    tags: tagMap(Object.entries(fields.tags ?? {})),
  };
}

/** ISO 8601 to the second, as the ECS API writes times (`2026-11-23T10:00:00Z`). */
export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Whether the instance carries every target tag (an empty target value matches any value). */
export function matchesTargetTags(instance: InstanceRecord, targetTags: readonly TargetTag[]): boolean {
  return (
    targetTags.length > 0 &&
    targetTags.every(
      ({ key, value }) => Object.hasOwn(instance.tags, key) && (value === "" || instance.tags[key] === value),
    )
  );
}

function coversByTag(state: EcsState, policy: PolicyRecord, disk: DiskRecord): boolean {
  if (policy.associationType !== "AssociatedWithInstanceTag" || policy.regionId !== disk.regionId) {
    return false;
  }
  const instance = disk.instanceId === undefined ? undefined : state.instances[disk.instanceId];
  return instance !== undefined && matchesTargetTags(instance, policy.targetTags);
}

/**
 * The policies a disk carries now: the disk-associated ones in the order they were applied, then the
 * tag-associated ones whose target tags its instance matches, in policy order. Computed, never stored.
 */
export function policiesOfDisk(state: EcsState, disk: DiskRecord): string[] {
  const byTag = Object.values(state.policies)
    .filter((policy) => coversByTag(state, policy, disk))
    .map((policy) => policy.id);
  return [...disk.policyIds, ...byTag];
}

/** The disks a policy covers now, in disk order. */
export function disksOfPolicy(state: EcsState, policy: PolicyRecord): DiskRecord[] {
  return Object.values(state.disks).filter((disk) =>
    policy.associationType === "AssociatedWithInstanceTag"
      ? coversByTag(state, policy, disk)
      : disk.policyIds.includes(policy.id),
  );
}
