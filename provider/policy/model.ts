import { isDeepStrictEqual } from "node:util";
import type { ServicePolicy, ServiceTag } from "../ecs/api";
import type { EcsParams } from "../ecs/wire";
import { containsUnknown, PROVIDER_KEY, withoutUndefined, type Known } from "../engine";
import { describeSchedule, snapshotsPerDisk, type SnapshotSchedule } from "./schedule";
import { CLIENT_TOKEN_TAG, type AutoSnapshotPolicyInputs } from "./schema";

/** Inputs that steer the provider rather than the policy; kept among the outputs for later operations. */
export const PROVIDER_OPTION_KEYS = [
  "clientToken",
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
  adopted: boolean;
  clientToken?: string;
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

function serviceTags(policy: ServicePolicy): Record<string, string> {
  const list = Array.isArray(policy.Tags)
    ? policy.Tags
    : ((policy.Tags as { Tag?: ServiceTag[] })?.Tag ?? []);
  const tags: Record<string, string> = {};
  for (const tag of list as ServiceTag[]) {
    const key = tag.TagKey ?? tag.Key;
    if (key !== undefined) tags[key] = tag.TagValue ?? tag.Value ?? "";
  }
  return tags;
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
 */
export function policyOutputs(
  policy: ServicePolicy,
  options: ProviderOptions & { adopted: boolean },
): PolicyOutputs {
  const tags = serviceTags(policy);
  delete tags[CLIENT_TOKEN_TAG];
  const timePoints = numberSet(policy.TimePoints);
  const repeatWeekdays = numberSet(policy.RepeatWeekdays);
  const retentionDays = integerOr(policy.RetentionDays, -1);
  const schedule = { timePoints, repeatWeekdays, retentionDays };
  const copying = booleanOf(policy.EnableCrossRegionCopy);
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
    // check() carries these for preview; from the live schedule, so drift shows in them too.
    schedule: outputs.schedule,
    snapshotsPerDisk: outputs.snapshotsPerDisk,
    ...providerOptions(outputs),
    allowSnapshotLimitOverflow: outputs.allowSnapshotLimitOverflow ?? false,
  });
}

export type PolicyField =
  | "autoSnapshotPolicyName"
  | "timePoints"
  | "repeatWeekdays"
  | "retentionDays"
  | "enableCrossRegionCopy"
  | "targetCopyRegions"
  | "copiedSnapshotsRetentionDays"
  | "copyEncryptionConfiguration";

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
  const set: Record<string, string> = {};
  for (const [key, value] of Object.entries(want)) {
    if (key !== CLIENT_TOKEN_TAG && have[key] !== value) set[key] = String(value);
  }
  const remove = Object.keys(have).filter((key) => key !== CLIENT_TOKEN_TAG && !(key in want));
  return { set, remove };
}

export function hasTagChanges(changes: TagChanges): boolean {
  return Object.keys(changes.set).length > 0 || changes.remove.length > 0;
}

function replacedBy(declared: unknown, current: unknown): boolean {
  return declared !== undefined && declared !== current;
}

/** The inputs whose new value means a new policy: its region, or a resource group that is set and differs. */
export function replacingInputs(olds: Record<string, unknown>, news: Record<string, unknown>): string[] {
  return (["regionId", "resourceGroupId"] as const).filter((key) => replacedBy(news[key], olds[key]));
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
  };
}

export function createPolicyParams(inputs: PolicyInputs, clientToken: string): EcsParams {
  const tags = { ...inputs.tags, [CLIENT_TOKEN_TAG]: clientToken };
  return {
    ...policyFieldParams(inputs),
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
