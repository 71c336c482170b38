import { EcsError } from "./errors";
import type { Params } from "./params";
import { type AssociationType, type TagMap, type TargetTag, tagMap } from "./model";
import { isKnownRegion, supportsInstanceTagAssociation } from "./regions";

export const MAX_TAGS_PER_RESOURCE = 20;
/**
 * The ModifyEx and Chinese Create documents say 65536, the English Create document 65535:
 * both calls take 65536.
 */
const MAX_RETENTION_DAYS = 65536;
const MAX_COPIED_RETENTION_DAYS = 65535;
const LOCAL_DISK_CATEGORIES = new Set([
  "ephemeral",
  "ephemeral_ssd",
  "local_ssd_pro",
  "local_hdd_pro",
  "elastic_ephemeral_disk_standard",
  "elastic_ephemeral_disk_premium",
]);

export function isLocalDiskCategory(category: string): boolean {
  return LOCAL_DISK_CATEGORIES.has(category);
}

export function regionId(params: Params, name = "regionId"): string {
  const region = params.required(name);
  if (!isKnownRegion(region)) throw EcsError.regionIdInvalid();
  return region;
}

/** A JSON list of whole numbers in [min, max], `minCount`–`maxCount` distinct entries; sorted. */
function numberList(
  params: Params,
  name: string,
  range: { min: number; max: number; maxCount: number },
  invalid: () => EcsError,
): string[] | undefined {
  const items = params.jsonList(name, invalid);
  if (items === undefined) return undefined;
  const numbers = items.map((item) => {
    if (!/^\d+$/.test(item)) throw invalid();
    const value = Number(item);
    if (value < range.min || value > range.max) throw invalid();
    return value;
  });
  const distinct = [...new Set(numbers)].sort((a, b) => a - b);
  if (distinct.length === 0 || distinct.length > range.maxCount) throw invalid();
  return distinct.map(String);
}

export function timePoints(params: Params): string[] | undefined {
  return numberList(params, "timePoints", { min: 0, max: 23, maxCount: 24 }, EcsError.timePointsInvalid);
}

export function repeatWeekdays(params: Params): string[] | undefined {
  return numberList(
    params,
    "repeatWeekdays",
    { min: 1, max: 7, maxCount: 7 },
    EcsError.repeatWeekdaysInvalid,
  );
}

function retention(value: number | undefined, max: number, invalid: () => EcsError): number | undefined {
  if (value === undefined) return undefined;
  if (value !== -1 && (value < 1 || value > max)) throw invalid();
  return value;
}

export function retentionDays(params: Params): number | undefined {
  const invalid = EcsError.retentionDaysInvalid;
  return retention(params.integer("retentionDays", invalid), MAX_RETENTION_DAYS, invalid);
}

export function copiedSnapshotsRetentionDays(params: Params): number | undefined {
  const invalid = EcsError.copiedSnapshotsRetentionDaysInvalid;
  return retention(
    params.integer("CopiedSnapshotsRetentionDays", invalid),
    MAX_COPIED_RETENTION_DAYS,
    invalid,
  );
}

const NAME_PATTERN = /^[A-Za-z\p{Script=Han}][A-Za-z\p{Script=Han}0-9:_-]{1,127}$/u;

export function policyName(params: Params): string | undefined {
  const name = params.get("autoSnapshotPolicyName");
  if (name === undefined || name === "") return undefined;
  if (!NAME_PATTERN.test(name) || /^https?:\/\//i.test(name)) throw EcsError.policyNameMalformed();
  return name;
}

/** Exactly one known region other than the policy's own. */
export function targetCopyRegions(params: Params, ownRegion: string): string[] | undefined {
  const regions = params.jsonList("TargetCopyRegions", EcsError.targetCopyRegionsInvalid);
  if (regions === undefined) return undefined;
  if (regions.length !== 1 || !isKnownRegion(regions[0]) || regions[0] === ownRegion) {
    throw EcsError.targetCopyRegionsInvalid();
  }
  return regions;
}

export function copyEncryption(params: Params): { encrypted?: boolean; kmsKeyId?: string } {
  const encrypted = params.boolean("CopyEncryptionConfiguration.Encrypted");
  const kmsKeyId = params.get("CopyEncryptionConfiguration.KMSKeyId");
  if (kmsKeyId && encrypted !== true) throw EcsError.encryptedIllegal();
  return { encrypted, kmsKeyId };
}

export function validTagKey(key: string): boolean {
  return (
    key.length >= 1 &&
    key.length <= 128 &&
    !/^acs:/i.test(key) &&
    !/^aliyun/i.test(key) &&
    !/https?:\/\//i.test(key)
  );
}

export function validTagValue(value: string): boolean {
  return value.length <= 128 && !/^acs:/i.test(value) && !/https?:\/\//i.test(value);
}

/** `Tag.N.Key` / `Tag.N.Value` (N = 1–20) as an ordered map; keys unique. */
export function tags(params: Params): TagMap {
  const entries = params.tags();
  const result = tagMap();
  for (const { key, value, index } of entries) {
    if (index < 1 || index > MAX_TAGS_PER_RESOURCE) throw EcsError.tagCountExceeded();
    if (!validTagKey(key)) throw EcsError.tagKeyMalformed();
    if (value !== undefined && !validTagValue(value)) throw EcsError.tagValueMalformed();
    if (Object.hasOwn(result, key)) throw EcsError.duplicateTagKey();
    result[key] = value ?? "";
  }
  return result;
}

export const MAX_TARGET_TAGS = 5;
const ASSOCIATION_TYPES: readonly AssociationType[] = ["AssociatedWithDisk", "AssociatedWithInstanceTag"];

/** `AssociationType`: one of the two documented values; instance tags only in the regions the SDK lists. */
export function associationType(params: Params, regionId: string): AssociationType | undefined {
  const value = params.get("AssociationType");
  if (value === undefined || value === "") return undefined;
  if (!ASSOCIATION_TYPES.includes(value as AssociationType)) throw EcsError.associationTypeInvalid();
  if (value === "AssociatedWithInstanceTag" && !supportsInstanceTagAssociation(regionId)) {
    throw EcsError.associationTypeNotSupportedInRegion();
  }
  return value as AssociationType;
}

/** `TargetTags.N.Key` / `TargetTags.N.Value` (N = 1–5), keys unique; an absent value means any value. */
export function targetTags(params: Params): TargetTag[] | undefined {
  const entries = params.tags("TargetTags");
  if (entries.length === 0) return undefined;
  const seen = new Set<string>();
  return entries.map(({ key, value, index }) => {
    if (index < 1 || index > MAX_TARGET_TAGS || entries.length > MAX_TARGET_TAGS) {
      throw EcsError.targetTagCountExceeded();
    }
    if (!validTagKey(key)) throw EcsError.targetTagKeyMalformed();
    if (value !== undefined && (value.length > 128 || /https?:\/\//i.test(value))) {
      throw EcsError.targetTagValueMalformed();
    }
    if (seen.has(key)) throw EcsError.duplicateTagKey();
    seen.add(key);
    return { key, value: value ?? "" };
  });
}

/** A JSON list of disk ids (`["d-…"]`), 1–`max` entries, de-duplicated. */
export function diskIdList(
  params: Params,
  name: string,
  max: number,
  invalid: () => EcsError,
): string[] | undefined {
  const ids = params.jsonList(name, invalid);
  if (ids === undefined) return undefined;
  if (ids.length > max || ids.some((id) => id === "")) throw invalid();
  return [...new Set(ids)];
}

/** PageNumber (≥ 1, default 1) and PageSize (1–`maxSize`, default 10). */
export function paging(params: Params, maxSize: number): { pageNumber: number; pageSize: number } {
  const pageNumber = params.integer("PageNumber", () => EcsError.invalidParameter("PageNumber")) ?? 1;
  const pageSize = params.integer("PageSize", () => EcsError.invalidParameter("PageSize")) ?? 10;
  if (pageNumber < 1) throw EcsError.invalidParameter("PageNumber");
  if (pageSize < 1 || pageSize > maxSize) throw EcsError.invalidParameter("PageSize");
  return { pageNumber, pageSize };
}
