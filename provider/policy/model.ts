import { createHash } from "node:crypto";
import { isDeepStrictEqual } from "node:util";
import type { ServicePolicy, ServiceTag } from "../ecs/api";
import type { EcsParams } from "../ecs/wire";
import { containsUnknown, PROVIDER_KEY, withoutUndefined, type Known } from "../engine";
import { associationTypeOf, TAG_ASSOCIATION, type AssociationType } from "./association";
import { describeSchedule, snapshotsPerDisk, type SnapshotSchedule } from "./schedule";
import { CLIENT_TOKEN_TAG, type AutoSnapshotPolicyInputs } from "./schema";

/** Inputs that steer the provider rather than the policy; kept among the outputs for later operations. */
export const PROVIDER_OPTION_KEYS = [
  "clientToken",
  "clientTokenSeed",
  "adoptPolicyId",
  "deleteAdoptedPolicyOnDestroy",
  "allowSnapshotLimitOverflow",
] as const;

export type PolicyInputs = Known<AutoSnapshotPolicyInputs> & { clientToken?: string };

export interface CopyEncryptionOutput {
  encrypted: boolean;
  kmsKeyId?: string;
}

export type PolicyOutputs = {
  autoSnapshotPolicyId: string;
  regionId: string;
  autoSnapshotPolicyName: string;
  timePoints: number[];
  repeatWeekdays: number[];
  retentionDays: number;
  enableCrossRegionCopy: boolean;
  targetCopyRegions: string[];
  copiedSnapshotsRetentionDays: number;
  copyEncryptionConfiguration: CopyEncryptionOutput;
  tags: Record<string, string>;
  resourceGroupId: string;
  status: string;
  creationTime: string;
  snapshotsPerDisk: number;
  schedule: string;
  associationType: AssociationType;
  /** The instance tags a tag-associated policy matches; {} for a disk-associated one. */
  targetTags: Record<string, string>;
  /** The disks a tag-associated policy covers now (DescribeAutoSnapshotPolicyAssociations); [] otherwise. */
  matchedDiskIds: string[];
  /**
   * How many disks a tag-associated policy covers now. -1 for a disk-associated policy: its disks are its
   * attachments', which change them after the policy is written, so a count here would drift by itself.
   */
  coveredDiskCount: number;
  adopted: boolean;
  clientToken?: string;
  /** The resource's identity the client token was derived from (see the policy schema). */
  clientTokenSeed?: string;
  adoptPolicyId?: string;
  deleteAdoptedPolicyOnDestroy?: boolean;
  allowSnapshotLimitOverflow?: boolean;
};

type ProviderOptions = Pick<PolicyOutputs, (typeof PROVIDER_OPTION_KEYS)[number]>;

/** The provider options found among inputs or earlier outputs. */
export function providerOptions(props: Record<string, unknown>): ProviderOptions {
  const options: Record<string, unknown> = {};
  for (const key of PROVIDER_OPTION_KEYS) if (props[key] !== undefined) options[key] = props[key];
  return options as ProviderOptions;
}

function listOf(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (typeof value === "string" && value.trim() !== "") {
    try {
      const parsed: unknown = JSON.parse(value);
      return Array.isArray(parsed) ? parsed : [parsed];
    } catch {
      return value.split(",").map((item) => item.trim());
    }
  }
  return [];
}

function numberSet(value: unknown): number[] {
  return [...new Set(listOf(value).map(Number))].sort((a, b) => a - b);
}

function stringSet(value: unknown): string[] {
  return [...new Set(listOf(value).map(String))].filter((item) => item !== "").sort();
}

function integerOr(value: unknown, fallback: number): number {
  if (value === undefined || value === null || value === "") return fallback;
  const number = Number(value);
  return Number.isFinite(number) ? number : fallback;
}

function booleanOf(value: unknown): boolean {
  return value === true || value === "true";
}

function encryptionOf(value: unknown): { encrypted: boolean; kmsKeyId: string } {
  const config = (value ?? {}) as { encrypted?: unknown; kmsKeyId?: unknown };
  return { encrypted: booleanOf(config.encrypted), kmsKeyId: String(config.kmsKeyId ?? "") };
}

interface ServiceTagField {
  Tag?: readonly ServiceTag[];
  TargetTag?: readonly ServiceTag[];
}

/** `Tags.Tag[]` or `TargetTags.TargetTag[]` (or a bare list) as a map. */
function serviceTags(field: ServiceTagField | readonly ServiceTag[] | undefined): Record<string, string> {
  const wrapped = field as ServiceTagField | undefined;
  const list = Array.isArray(field) ? field : (wrapped?.Tag ?? wrapped?.TargetTag ?? []);
  const entries: [string, string][] = [];
  for (const tag of list as ServiceTag[]) {
    const key = tag.TagKey ?? tag.Key;
    if (key !== undefined) entries.push([key, tag.TagValue ?? tag.Value ?? ""]);
  }
  // fromEntries makes every key an own property, "__proto__" included.
  return Object.fromEntries(entries);
}

/** The schedule in words and the most snapshots it keeps on a disk (-1: kept forever), as outputs show them. */
export function scheduleInsights(
  schedule: SnapshotSchedule,
): Pick<PolicyOutputs, "schedule" | "snapshotsPerDisk"> {
  const perDisk = snapshotsPerDisk(schedule);
  const described = schedule.timePoints.length > 0 && schedule.repeatWeekdays.length > 0;
  return {
    snapshotsPerDisk: perDisk === Infinity ? -1 : perDisk,
    schedule: described ? describeSchedule(schedule) : "",
  };
}

/**
 * The resource's outputs for a policy as the service reports it: every input in its normalised form,
 * the service's own fields and insights, and the provider options (which later operations need).
 * `matchedDiskIds` are the disks a tag-associated policy covers, read separately.
 */
export function policyOutputs(
  policy: ServicePolicy,
  options: ProviderOptions & { adopted: boolean },
  matchedDiskIds: readonly string[] = [],
): PolicyOutputs {
  const tags = serviceTags(policy.Tags);
  delete tags[CLIENT_TOKEN_TAG];
  const timePoints = numberSet(policy.TimePoints);
  const repeatWeekdays = numberSet(policy.RepeatWeekdays);
  const retentionDays = integerOr(policy.RetentionDays, -1);
  const schedule = { timePoints, repeatWeekdays, retentionDays };
  const copying = booleanOf(policy.EnableCrossRegionCopy);
  const associationType = associationTypeOf(policy.AssociationType);
  const byInstanceTag = isTagAssociated(associationType);
  const encryption = encryptionOf({
    encrypted: policy.CopyEncryptionConfiguration?.Encrypted,
    kmsKeyId: policy.CopyEncryptionConfiguration?.KMSKeyId,
  });
  return withoutUndefined({
    autoSnapshotPolicyId: policy.AutoSnapshotPolicyId,
    regionId: policy.RegionId ?? "",
    autoSnapshotPolicyName: policy.AutoSnapshotPolicyName ?? "",
    timePoints,
    repeatWeekdays,
    retentionDays,
    enableCrossRegionCopy: copying,
    targetCopyRegions: copying ? stringSet(policy.TargetCopyRegions) : [],
    copiedSnapshotsRetentionDays: integerOr(policy.CopiedSnapshotsRetentionDays, -1),
    copyEncryptionConfiguration: {
      encrypted: encryption.encrypted,
      kmsKeyId: encryption.kmsKeyId === "" ? undefined : encryption.kmsKeyId,
    },
    tags,
    resourceGroupId: policy.ResourceGroupId ?? "",
    status: policy.Status ?? "",
    creationTime: policy.CreationTime ?? "",
    ...scheduleInsights(schedule),
    associationType,
    targetTags: byInstanceTag ? serviceTags(policy.TargetTags) : {},
    matchedDiskIds: byInstanceTag ? [...matchedDiskIds] : [],
    coveredDiskCount: byInstanceTag ? matchedDiskIds.length : -1,
    ...providerOptions(options),
    adopted: options.adopted,
  });
}

/**
 * The policy as refresh finds it, in the form check() gives the inputs, so that after a refresh the
 * engine's diff of stored and declared inputs marks exactly the properties that drifted. read() does
 * not see the stored inputs, so an optional input is included when the service reports a value other
 * than its unset one: a name, tags, a resource group; the copy settings while copying is on.
 */
export function policyInputsOf(outputs: PolicyOutputs): Record<string, unknown> {
  const copying = outputs.enableCrossRegionCopy;
  const tags = Object.keys(outputs.tags).length > 0 ? outputs.tags : undefined;
  return withoutUndefined({
    regionId: outputs.regionId,
    autoSnapshotPolicyName: outputs.autoSnapshotPolicyName || undefined,
    timePoints: outputs.timePoints,
    repeatWeekdays: outputs.repeatWeekdays,
    retentionDays: outputs.retentionDays,
    enableCrossRegionCopy: copying,
    targetCopyRegions: copying ? outputs.targetCopyRegions : undefined,
    copiedSnapshotsRetentionDays: copying ? outputs.copiedSnapshotsRetentionDays : undefined,
    copyEncryptionConfiguration: copying ? outputs.copyEncryptionConfiguration : undefined,
    tags,
    resourceGroupId: outputs.resourceGroupId || undefined,
    associationType: outputs.associationType,
    targetTags: isTagAssociated(outputs.associationType) ? outputs.targetTags : undefined,
    // check() carries these for preview; from the live schedule, so drift shows in them too.
    schedule: outputs.schedule,
    snapshotsPerDisk: outputs.snapshotsPerDisk,
    ...providerOptions(outputs),
    allowSnapshotLimitOverflow: outputs.allowSnapshotLimitOverflow ?? false,
  });
}

/** Whether an association type (from inputs, state or the service) ties the policy to instance tags. */
export function isTagAssociated(associationType: unknown): boolean {
  return associationType === TAG_ASSOCIATION;
}

export type PolicyField =
  | "autoSnapshotPolicyName"
  | "timePoints"
  | "repeatWeekdays"
  | "retentionDays"
  | "enableCrossRegionCopy"
  | "targetCopyRegions"
  | "copiedSnapshotsRetentionDays"
  | "copyEncryptionConfiguration"
  | "targetTags";

type PolicyFields = Partial<Record<PolicyField, unknown>>;

/** Keeps the engine's unknown (anywhere inside) as it is, so that it never compares equal. */
function normalised<T>(value: unknown, normalise: (value: unknown) => T): T | unknown {
  return containsUnknown(value) ? value : normalise(value);
}

/**
 * The policy fields the inputs declare, normalised. A field left out is one the declaration does not
 * constrain: an unset name (the service keeps or reports ""), and the copy settings while copying is off.
 */
export function declaredPolicyFields(inputs: Record<string, unknown>): PolicyFields {
  const copying = inputs.enableCrossRegionCopy ?? false;
  const fields: PolicyFields = {
    timePoints: normalised(inputs.timePoints, numberSet),
    repeatWeekdays: normalised(inputs.repeatWeekdays, numberSet),
    retentionDays: normalised(inputs.retentionDays, (days) => integerOr(days, -1)),
    enableCrossRegionCopy: normalised(copying, booleanOf),
  };
  if (inputs.autoSnapshotPolicyName !== undefined) {
    fields.autoSnapshotPolicyName = inputs.autoSnapshotPolicyName;
  }
  if (copying !== false) {
    fields.targetCopyRegions = normalised(inputs.targetCopyRegions, stringSet);
    fields.copiedSnapshotsRetentionDays = normalised(inputs.copiedSnapshotsRetentionDays, (days) =>
      integerOr(days, -1),
    );
    fields.copyEncryptionConfiguration = normalised(inputs.copyEncryptionConfiguration, encryptionOf);
  }
  if (isTagAssociated(inputs.associationType)) fields.targetTags = inputs.targetTags ?? {};
  return fields;
}

function currentPolicyFields(outputs: Record<string, unknown>): Required<PolicyFields> {
  return {
    autoSnapshotPolicyName: String(outputs.autoSnapshotPolicyName ?? ""),
    timePoints: numberSet(outputs.timePoints),
    repeatWeekdays: numberSet(outputs.repeatWeekdays),
    retentionDays: integerOr(outputs.retentionDays, -1),
    enableCrossRegionCopy: booleanOf(outputs.enableCrossRegionCopy),
    targetCopyRegions: stringSet(outputs.targetCopyRegions),
    copiedSnapshotsRetentionDays: integerOr(outputs.copiedSnapshotsRetentionDays, -1),
    copyEncryptionConfiguration: encryptionOf(outputs.copyEncryptionConfiguration),
    targetTags: outputs.targetTags ?? {},
  };
}

/** The policy fields (ModifyAutoSnapshotPolicyEx territory) whose declared value differs from `outputs`. */
export function changedPolicyFields(
  outputs: Record<string, unknown>,
  inputs: Record<string, unknown>,
): PolicyField[] {
  const current = currentPolicyFields(outputs);
  return Object.entries(declaredPolicyFields(inputs))
    .filter(([field, declared]) => !isDeepStrictEqual(declared, current[field as PolicyField]))
    .map(([field]) => field as PolicyField);
}

export interface TagChanges {
  /** Tags to add or change. */
  set: Record<string, string>;
  /** Keys to remove. */
  remove: string[];
}

/** What TagResources / UntagResources must do to turn `current` into `declared` (unset = no tags). */
export function tagChanges(current: unknown, declared: unknown): TagChanges {
  const have = (current ?? {}) as Record<string, unknown>;
  const want = (declared ?? {}) as Record<string, unknown>;
  // Own keys only: a tag named "constructor" or "toString" is not found on every object.
  const set = Object.fromEntries(
    Object.entries(want)
      .filter(
        ([key, value]) => key !== CLIENT_TOKEN_TAG && !(Object.hasOwn(have, key) && have[key] === value),
      )
      .map(([key, value]) => [key, String(value)]),
  );
  const remove = Object.keys(have).filter((key) => key !== CLIENT_TOKEN_TAG && !Object.hasOwn(want, key));
  return { set, remove };
}

export function hasTagChanges(changes: TagChanges): boolean {
  return Object.keys(changes.set).length > 0 || changes.remove.length > 0;
}

function replacedBy(declared: unknown, current: unknown): boolean {
  return declared !== undefined && declared !== current;
}

/**
 * The inputs whose new value means a new policy: its region, a resource group that is set and differs,
 * or the association type (ModifyAutoSnapshotPolicyEx cannot change it; unset in old state = by disk).
 */
export function replacingInputs(olds: Record<string, unknown>, news: Record<string, unknown>): string[] {
  const replacing: string[] = (["regionId", "resourceGroupId"] as const).filter((key) =>
    replacedBy(news[key], olds[key]),
  );
  const associationType = news.associationType;
  if (
    containsUnknown(associationType) ||
    (associationType !== undefined &&
      associationTypeOf(associationType) !== associationTypeOf(olds.associationType))
  ) {
    replacing.push("associationType");
  }
  return replacing;
}

/**
 * diff(): old outputs against new checked inputs. regionId and resourceGroupId (and a different
 * adoptPolicyId) replace the policy; everything else is updated in place. Unset inputs do not
 * compare against the service's defaults, and order, duplicates and number/string forms never count.
 */
export function diffPolicy(
  id: string,
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
): { changes: boolean; replaces: string[]; deleteBeforeReplace: false } {
  const replaces = replacingInputs(olds, news);
  if (replacedBy(news.adoptPolicyId, olds.adoptPolicyId) && news.adoptPolicyId !== id) {
    replaces.push("adoptPolicyId");
  }
  const tagsChanged = containsUnknown(news.tags) || hasTagChanges(tagChanges(olds.tags, news.tags));
  const optionsChanged =
    Boolean(olds.allowSnapshotLimitOverflow) !== Boolean(news.allowSnapshotLimitOverflow) ||
    olds.deleteAdoptedPolicyOnDestroy !== news.deleteAdoptedPolicyOnDestroy ||
    olds.adoptPolicyId !== news.adoptPolicyId;
  const changes =
    replaces.length > 0 || changedPolicyFields(olds, news).length > 0 || tagsChanged || optionsChanged;
  return { changes, replaces, deleteBeforeReplace: false };
}

/** Target tags as the SDK request models name them (`TargetTags.N.Key`, `TargetTags.N.Value`); '' = any value. */
function targetTagParams(inputs: PolicyInputs): EcsParams["TargetTags"] {
  if (!isTagAssociated(inputs.associationType) || inputs.targetTags === undefined) return undefined;
  return Object.entries(inputs.targetTags).map(([Key, Value]) => ({
    Key,
    Value: Value === "" ? undefined : Value,
  }));
}

/** The declared policy fields as CreateAutoSnapshotPolicy and ModifyAutoSnapshotPolicyEx take them. */
function policyFieldParams(inputs: PolicyInputs): EcsParams {
  const copying = inputs.enableCrossRegionCopy;
  const encryption = inputs.copyEncryptionConfiguration;
  return {
    regionId: inputs.regionId,
    autoSnapshotPolicyName: inputs.autoSnapshotPolicyName,
    timePoints: inputs.timePoints,
    repeatWeekdays: inputs.repeatWeekdays,
    retentionDays: inputs.retentionDays,
    EnableCrossRegionCopy: copying,
    TargetCopyRegions: copying ? inputs.targetCopyRegions : undefined,
    CopiedSnapshotsRetentionDays: inputs.copiedSnapshotsRetentionDays ?? (copying ? -1 : undefined),
    CopyEncryptionConfiguration: encryption
      ? { Encrypted: encryption.encrypted, KMSKeyId: encryption.kmsKeyId }
      : copying
        ? { Encrypted: false }
        : undefined,
    TargetTags: targetTagParams(inputs),
  };
}

export function createPolicyParams(inputs: PolicyInputs, clientToken: string): EcsParams {
  const tags = { ...inputs.tags, [CLIENT_TOKEN_TAG]: clientToken };
  return {
    ...policyFieldParams(inputs),
    AssociationType: inputs.associationType,
    Tag: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
    ResourceGroupId: inputs.resourceGroupId,
  };
}

/** The full declared policy, so that the result does not depend on what the policy held before. */
export function modifyPolicyParams(id: string, inputs: PolicyInputs): EcsParams {
  return { ...policyFieldParams(inputs), autoSnapshotPolicyId: id };
}

/** The policy as the inputs declare it, in the service's form: the best outputs when the service cannot be read. */
export function declaredServicePolicy(id: string, inputs: PolicyInputs): ServicePolicy {
  const encryption = inputs.copyEncryptionConfiguration;
  return {
    AutoSnapshotPolicyId: id,
    RegionId: inputs.regionId,
    AutoSnapshotPolicyName: inputs.autoSnapshotPolicyName,
    TimePoints: inputs.timePoints,
    RepeatWeekdays: inputs.repeatWeekdays,
    RetentionDays: inputs.retentionDays,
    EnableCrossRegionCopy: inputs.enableCrossRegionCopy,
    TargetCopyRegions: inputs.targetCopyRegions,
    CopiedSnapshotsRetentionDays: inputs.copiedSnapshotsRetentionDays,
    CopyEncryptionConfiguration: { Encrypted: encryption?.encrypted, KMSKeyId: encryption?.kmsKeyId },
    Tags: { Tag: Object.entries(inputs.tags ?? {}).map(([TagKey, TagValue]) => ({ TagKey, TagValue })) },
    ResourceGroupId: inputs.resourceGroupId,
    AssociationType: inputs.associationType,
    TargetTags: {
      TargetTag: Object.entries(inputs.targetTags ?? {}).map(([TagKey, TagValue]) => ({ TagKey, TagValue })),
    },
  };
}

/** Earlier outputs with the provider options replaced by `options` (the engine adds `__provider` back). */
export function withProviderOptions(
  outputs: Record<string, unknown>,
  options: ProviderOptions & { adopted: boolean },
): PolicyOutputs {
  const kept = Object.entries(outputs).filter(
    ([key]) => key !== PROVIDER_KEY && !(PROVIDER_OPTION_KEYS as readonly string[]).includes(key),
  );
  return withoutUndefined({
    ...Object.fromEntries(kept),
    ...providerOptions(options),
    adopted: options.adopted,
  }) as PolicyOutputs;
}

/**
 * The client token of a policy created for the resource whose identity is `seed` (see resource.ts),
 * in `regionId` and `resourceGroupId`: the same in every run, so a run after a failed one finds the
 * policy the failed run may have created; different for a replacement, which lives beside the policy it
 * replaces. Shaped like a UUID.
 */
export function derivedClientToken(seed: string, regionId: string, resourceGroupId = ""): string {
  const hex = createHash("sha256")
    .update(JSON.stringify([seed, regionId, resourceGroupId]))
    .digest("hex");
  return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20, 32)].join(
    "-",
  );
}

/** `outputs` once ModifyAutoSnapshotPolicyEx with modifyPolicyParams(declared) has landed. */
export function withModifiedFields(outputs: PolicyOutputs, declared: PolicyInputs): PolicyOutputs {
  const modified = policyOutputs(declaredServicePolicy(outputs.autoSnapshotPolicyId, declared), {
    adopted: outputs.adopted,
  });
  const copying = declared.enableCrossRegionCopy;
  const sent = <K extends keyof PolicyOutputs>(field: K, wasSent: boolean): Pick<PolicyOutputs, K> =>
    ({ [field]: wasSent ? modified[field] : outputs[field] }) as Pick<PolicyOutputs, K>;
  return {
    ...outputs,
    ...sent("autoSnapshotPolicyName", declared.autoSnapshotPolicyName !== undefined),
    timePoints: modified.timePoints,
    repeatWeekdays: modified.repeatWeekdays,
    retentionDays: modified.retentionDays,
    enableCrossRegionCopy: modified.enableCrossRegionCopy,
    targetCopyRegions: modified.targetCopyRegions,
    ...sent("copiedSnapshotsRetentionDays", copying || declared.copiedSnapshotsRetentionDays !== undefined),
    ...sent("copyEncryptionConfiguration", copying || declared.copyEncryptionConfiguration !== undefined),
    snapshotsPerDisk: modified.snapshotsPerDisk,
    schedule: modified.schedule,
  };
}

/** `outputs` once TagResources with `set` has landed. */
export function withTagsSet(outputs: PolicyOutputs, set: Record<string, string>): PolicyOutputs {
  return { ...outputs, tags: { ...outputs.tags, ...set } };
}

/** `outputs` once UntagResources with `keys` has landed. */
export function withTagsRemoved(outputs: PolicyOutputs, keys: readonly string[]): PolicyOutputs {
  return {
    ...outputs,
    tags: Object.fromEntries(Object.entries(outputs.tags).filter(([key]) => !keys.includes(key))),
  };
}
