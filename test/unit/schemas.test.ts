import { policyAttachmentInputsSchema } from "../../provider/attachment/schema";
import { containsUnknown, UNKNOWN } from "../../provider/engine";
import { autoSnapshotPolicyInputsSchema } from "../../provider/policy/schema";
import {
  applyDefaultRegion,
  formatFailures,
  formatPropertyPath,
  REGION_REQUIRED,
  validateInputs,
  type ValidationFailure,
} from "../../provider/validation";

const policy = { regionId: "cn-hangzhou", timePoints: [2], repeatWeekdays: [1], retentionDays: 7 };
const attachment = { regionId: "cn-hangzhou", autoSnapshotPolicyId: "sp-abc123", diskIds: ["d-a1"] };
const hours = (count: number) => Array.from({ length: count }, (_, hour) => hour);
const text = (length: number, first = "a") => first + "b".repeat(length - 1);
const tagsOf = (count: number) => Object.fromEntries(hours(count).map((n) => [`key${n}`, `value${n}`]));

function checkPolicy(news: Record<string, unknown>) {
  return validateInputs(autoSnapshotPolicyInputsSchema, news);
}

function checkAttachment(news: Record<string, unknown>) {
  return validateInputs(policyAttachmentInputsSchema, news);
}

function failuresOf(
  result: { ok: true } | { ok: false; failures: ValidationFailure[] },
): ValidationFailure[] {
  return result.ok ? [] : result.failures;
}

function acceptedPolicy(news: Record<string, unknown>) {
  const result = checkPolicy(news);
  if (!result.ok) throw new Error(`expected no failures, got ${formatFailures(result.failures)}`);
  return result.inputs;
}

function acceptedAttachment(news: Record<string, unknown>) {
  const result = checkAttachment(news);
  if (!result.ok) throw new Error(`expected no failures, got ${formatFailures(result.failures)}`);
  return result.inputs;
}

describe("AutoSnapshotPolicy inputs: one failure, naming the input and what is allowed", () => {
  test.each<[string, Record<string, unknown>, string, RegExp]>([
    [
      "timePoints -1",
      { timePoints: [-1] },
      "timePoints[0]",
      /^-1 is not allowed; whole hours 0–23 \(UTC\+8\)$/,
    ],
    [
      "timePoints 24",
      { timePoints: [3, 24] },
      "timePoints[1]",
      /^24 is not allowed; whole hours 0–23 \(UTC\+8\)$/,
    ],
    ["timePoints 1.5", { timePoints: [1.5] }, "timePoints[0]", /^1\.5 is not allowed; whole hours 0–23/],
    ["timePoints '13x'", { timePoints: ["13x"] }, "timePoints[0]", /^"13x" is not allowed; whole hours 0–23/],
    [
      "timePoints empty",
      { timePoints: [] },
      "timePoints",
      /^an empty list is not allowed; 1–24 whole hours 0–23/,
    ],
    [
      "timePoints 25 entries",
      { timePoints: [...hours(24), 0] },
      "timePoints",
      /^25 entries are not allowed; 1–24/,
    ],
    [
      "timePoints not a list",
      { timePoints: "2" },
      "timePoints",
      /^"2" is not allowed; a list of 1–24 whole hours/,
    ],
    [
      "timePoints missing",
      { timePoints: undefined },
      "timePoints",
      /^required; a list of 1–24 whole hours 0–23/,
    ],
    [
      "repeatWeekdays 0",
      { repeatWeekdays: [0] },
      "repeatWeekdays[0]",
      /^0 is not allowed; days 1–7 \(1 = Monday/,
    ],
    ["repeatWeekdays 8", { repeatWeekdays: [1, 8] }, "repeatWeekdays[1]", /^8 is not allowed; days 1–7/],
    [
      "repeatWeekdays empty",
      { repeatWeekdays: [] },
      "repeatWeekdays",
      /^an empty list is not allowed; 1–7 days/,
    ],
    [
      "repeatWeekdays 8 entries",
      { repeatWeekdays: [1, 2, 3, 4, 5, 6, 7, 1] },
      "repeatWeekdays",
      /^8 entries/,
    ],
    [
      "retentionDays -2",
      { retentionDays: -2 },
      "retentionDays",
      /^-2 is not allowed; -1 \(keep forever\) or 1–65535/,
    ],
    [
      "retentionDays 0",
      { retentionDays: 0 },
      "retentionDays",
      /^0 is not allowed; -1 \(keep forever\) or 1–65535 days$/,
    ],
    [
      "retentionDays 65536",
      { retentionDays: 65536 },
      "retentionDays",
      /^65536 is not allowed; -1 .* or 1–65535/,
    ],
    ["retentionDays 1.5", { retentionDays: 1.5 }, "retentionDays", /^1\.5 is not allowed/],
    [
      "copied retention -2",
      { copiedSnapshotsRetentionDays: -2 },
      "copiedSnapshotsRetentionDays",
      /^-2 .*1–65535/,
    ],
    [
      "copied retention 0",
      { copiedSnapshotsRetentionDays: 0 },
      "copiedSnapshotsRetentionDays",
      /^0 .*1–65535/,
    ],
    [
      "copied retention 65536",
      { copiedSnapshotsRetentionDays: "65536" },
      "copiedSnapshotsRetentionDays",
      /65535/,
    ],
    [
      "name of 1 character",
      { autoSnapshotPolicyName: "a" },
      "autoSnapshotPolicyName",
      /^a name of 1 character is not allowed; 2–128/,
    ],
    [
      "name of 129 characters",
      { autoSnapshotPolicyName: text(129) },
      "autoSnapshotPolicyName",
      /129 .* 2–128/,
    ],
    [
      "name starting with a digit",
      { autoSnapshotPolicyName: "1policy" },
      "autoSnapshotPolicyName",
      /starts with "1"/,
    ],
    [
      "name with http://",
      { autoSnapshotPolicyName: "http://x" },
      "autoSnapshotPolicyName",
      /not with http:\/\//,
    ],
    [
      "name with https://",
      { autoSnapshotPolicyName: "https://x" },
      "autoSnapshotPolicyName",
      /"https:\/\/x" is not/,
    ],
    [
      "name with a space",
      { autoSnapshotPolicyName: "my policy" },
      "autoSnapshotPolicyName",
      /contains " "; 2–128/,
    ],
    [
      "20 tags",
      { tags: tagsOf(20) },
      "tags",
      /^20 tags; at most 19 are allowed \(a policy holds 20 and the provider keeps one, pulumi:client-token\)$/,
    ],
    [
      "the provider's tag key",
      { tags: { "pulumi:client-token": "x" } },
      "tags.pulumi:client-token",
      /kept for the provider/,
    ],
    [
      "tag key acs:x",
      { tags: { "acs:x": "v" } },
      "tags.acs:x",
      /^a tag key must not start with "acs:" or "aliyun"$/,
    ],
    [
      "tag key aliyun-x",
      { tags: { "aliyun-x": "v" } },
      "tags.aliyun-x",
      /must not start with "acs:" or "aliyun"/,
    ],
    [
      "empty tag key",
      { tags: { "": "v" } },
      'tags[""]',
      /^an empty tag key is not allowed; tag keys are 1–128/,
    ],
    [
      "tag key of 129",
      { tags: { [text(129)]: "v" } },
      `tags.${text(129)}`,
      /129 characters .* 1–128 characters/,
    ],
    [
      "tag key with http://",
      { tags: { "see-http://x": "v" } },
      "tags.see-http://x",
      /must not contain "http:\/\/"/,
    ],
    ["tag value acs:y", { tags: { team: "acs:y" } }, "tags.team", /^a tag value must not start with "acs:"$/],
    [
      "tag value of 129",
      { tags: { team: text(129) } },
      "tags.team",
      /129 characters .* tag values are 0–128/,
    ],
    [
      "tag value with https://",
      { tags: { team: "https://x" } },
      "tags.team",
      /must not contain "http:\/\/" or/,
    ],
    ["tag value a number", { tags: { team: 5 } }, "tags.team", /^a tag value must be a string/],
    [
      "targetCopyRegions without enableCrossRegionCopy",
      { targetCopyRegions: ["cn-shanghai"] },
      "targetCopyRegions",
      /^only allowed with enableCrossRegionCopy: true$/,
    ],
    [
      "enableCrossRegionCopy without targetCopyRegions",
      { enableCrossRegionCopy: true },
      "targetCopyRegions",
      /^required when enableCrossRegionCopy is true; exactly one destination region/,
    ],
    [
      "targetCopyRegions equal to regionId",
      { enableCrossRegionCopy: true, targetCopyRegions: ["cn-hangzhou"] },
      "targetCopyRegions[0]",
      /"cn-hangzhou" is the policy's own region; the destination must be another region/,
    ],
    [
      "two targetCopyRegions",
      { enableCrossRegionCopy: true, targetCopyRegions: ["cn-shanghai", "cn-beijing"] },
      "targetCopyRegions",
      /^2 entries are not allowed; exactly one destination region/,
    ],
    [
      "a malformed target region",
      { enableCrossRegionCopy: true, targetCopyRegions: ["Shanghai"] },
      "targetCopyRegions[0]",
      /^"Shanghai" is not allowed; a region id such as cn-hangzhou/,
    ],
    [
      "kmsKeyId without encrypted",
      { copyEncryptionConfiguration: { kmsKeyId: "key-1" } },
      "copyEncryptionConfiguration.kmsKeyId",
      /^a kmsKeyId needs encrypted: true$/,
    ],
    [
      "kmsKeyId with encrypted: false",
      { copyEncryptionConfiguration: { encrypted: false, kmsKeyId: "key-1" } },
      "copyEncryptionConfiguration.kmsKeyId",
      /needs encrypted: true/,
    ],
    [
      "an unknown encryption field",
      { copyEncryptionConfiguration: { encrypted: true, keyId: "key-1" } },
      "copyEncryptionConfiguration.keyId",
      /takes encrypted and kmsKeyId/,
    ],
    [
      "adoptPolicyId without deleteAdoptedPolicyOnDestroy",
      { adoptPolicyId: "sp-abc" },
      "deleteAdoptedPolicyOnDestroy",
      /^required with adoptPolicyId; true deletes the adopted policy on destroy, false leaves it in place$/,
    ],
    [
      "deleteAdoptedPolicyOnDestroy without adoptPolicyId",
      { deleteAdoptedPolicyOnDestroy: false },
      "deleteAdoptedPolicyOnDestroy",
      /^only allowed with adoptPolicyId$/,
    ],
    ["a malformed adoptPolicyId", { adoptPolicyId: "p-1" }, "adoptPolicyId", /^"p-1" is not allowed; .* sp-/],
    ["a malformed regionId", { regionId: "Hangzhou" }, "regionId", /^"Hangzhou" is not allowed; a region id/],
    ["a malformed resourceGroupId", { resourceGroupId: "abc" }, "resourceGroupId", /^"abc" .* rg-/],
    [
      "a boolean as text",
      { enableCrossRegionCopy: "yes" },
      "enableCrossRegionCopy",
      /^"yes" .* true or false$/,
    ],
    ["a misspelt input", { timepoints: [1] }, "timepoints", /^unknown input; did you mean timePoints\?$/],
    [
      "an unrelated input",
      { colour: "red" },
      "colour",
      /^unknown input; the inputs are regionId, .*timePoints/,
    ],
  ])("%s", (_, change, property, reason) => {
    const failures = failuresOf(checkPolicy({ ...policy, ...change }));
    expect(failures).toEqual([{ property, reason: expect.stringMatching(reason) }]);
  });

  test("every problem is reported at once", () => {
    const failures = failuresOf(checkPolicy({ timePoints: [24, 1], repeatWeekdays: [0], retentionDays: 0 }));
    expect(failures.map((failure) => failure.property)).toEqual([
      "timePoints[0]",
      "repeatWeekdays[0]",
      "retentionDays",
    ]);
  });
});

describe("AutoSnapshotPolicy inputs within the documented ranges", () => {
  test.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    ["timePoints 0", { timePoints: [0] }, { timePoints: [0] }],
    ["timePoints 23", { timePoints: [23] }, { timePoints: [23] }],
    ["timePoints as text", { timePoints: ["13"] }, { timePoints: [13] }],
    ["24 timePoints", { timePoints: hours(24).reverse() }, { timePoints: hours(24) }],
    ["repeatWeekdays 1 and 7", { repeatWeekdays: [7, 1] }, { repeatWeekdays: [1, 7] }],
    ["retentionDays -1", { retentionDays: -1 }, { retentionDays: -1 }],
    ["retentionDays 1", { retentionDays: 1 }, { retentionDays: 1 }],
    ["retentionDays 65535", { retentionDays: 65535 }, { retentionDays: 65535 }],
    ["retentionDays as text", { retentionDays: "30" }, { retentionDays: 30 }],
    ["copied retention -1", { copiedSnapshotsRetentionDays: -1 }, { copiedSnapshotsRetentionDays: -1 }],
    ["copied retention 1", { copiedSnapshotsRetentionDays: 1 }, { copiedSnapshotsRetentionDays: 1 }],
    [
      "copied retention 65535",
      { copiedSnapshotsRetentionDays: 65535 },
      { copiedSnapshotsRetentionDays: 65535 },
    ],
    ["name of 2 characters", { autoSnapshotPolicyName: "ab" }, { autoSnapshotPolicyName: "ab" }],
    ["name of 128 characters", { autoSnapshotPolicyName: text(128) }, { autoSnapshotPolicyName: text(128) }],
    ["name in Chinese", { autoSnapshotPolicyName: "快照策略-1" }, { autoSnapshotPolicyName: "快照策略-1" }],
    [
      "name with : _ -",
      { autoSnapshotPolicyName: "Daily:backup_2-x" },
      { autoSnapshotPolicyName: "Daily:backup_2-x" },
    ],
    ["19 tags", { tags: tagsOf(19) }, { tags: tagsOf(19) }],
    ["tag key of 128", { tags: { [text(128)]: "v" } }, { tags: { [text(128)]: "v" } }],
    ["empty tag value", { tags: { team: "" } }, { tags: { team: "" } }],
    ["tag value of 128", { tags: { team: text(128) } }, { tags: { team: text(128) } }],
    ["us-west-1", { regionId: "us-west-1" }, { regionId: "us-west-1" }],
    ["ap-southeast-1", { regionId: "ap-southeast-1" }, { regionId: "ap-southeast-1" }],
    ["a resource group", { resourceGroupId: "rg-aek2kkmhmhs" }, { resourceGroupId: "rg-aek2kkmhmhs" }],
    [
      "cross-region copy",
      { enableCrossRegionCopy: true, targetCopyRegions: ["cn-shanghai"] },
      { enableCrossRegionCopy: true, targetCopyRegions: ["cn-shanghai"] },
    ],
    [
      "encrypted copies with a key",
      { copyEncryptionConfiguration: { encrypted: true, kmsKeyId: "key-1" } },
      { copyEncryptionConfiguration: { encrypted: true, kmsKeyId: "key-1" } },
    ],
    [
      "encrypted defaults to false",
      { copyEncryptionConfiguration: {} },
      { copyEncryptionConfiguration: { encrypted: false } },
    ],
    [
      "adopting and deleting on destroy",
      { adoptPolicyId: "sp-abc", deleteAdoptedPolicyOnDestroy: true },
      { adoptPolicyId: "sp-abc", deleteAdoptedPolicyOnDestroy: true },
    ],
    [
      "adopting and keeping on destroy",
      { adoptPolicyId: "sp-abc", deleteAdoptedPolicyOnDestroy: false },
      { adoptPolicyId: "sp-abc", deleteAdoptedPolicyOnDestroy: false },
    ],
    [
      "allowSnapshotLimitOverflow",
      { allowSnapshotLimitOverflow: true },
      { allowSnapshotLimitOverflow: true },
    ],
  ])("%s", (_, change, expected) => {
    expect(acceptedPolicy({ ...policy, ...change })).toMatchObject(expected);
  });

  test("defaults are filled and nothing undefined is added", () => {
    expect(acceptedPolicy(policy)).toStrictEqual({
      regionId: "cn-hangzhou",
      timePoints: [2],
      repeatWeekdays: [1],
      retentionDays: 7,
      enableCrossRegionCopy: false,
      allowSnapshotLimitOverflow: false,
    });
  });

  test.each([
    ["numbers", [13, 2], [1, 3]],
    ["text", ["13", "2"], ["1", "3"]],
    ["reordered", [2, 13], [3, 1]],
    ["duplicated", [13, 2, 13, "2"], [1, 3, "3", 1]],
  ])("the same schedule as %s normalises to the same inputs", (_, timePoints, repeatWeekdays) => {
    expect(acceptedPolicy({ ...policy, timePoints, repeatWeekdays })).toMatchObject({
      timePoints: [2, 13],
      repeatWeekdays: [1, 3],
    });
  });

  test("engine keys, undefined and null are ignored; carried keys pass through unchecked", () => {
    const news = { ...policy, __provider: "serialized", autoSnapshotPolicyName: undefined, tags: null };
    expect(acceptedPolicy(news)).not.toHaveProperty("__provider");
    expect(acceptedPolicy(news)).not.toHaveProperty("tags");
    const carried = validateInputs(
      autoSnapshotPolicyInputsSchema,
      { ...policy, clientToken: "t-1" },
      {
        carriedKeys: ["clientToken"],
      },
    );
    expect(carried).toMatchObject({ ok: true, inputs: { clientToken: "t-1", timePoints: [2] } });
  });
});

describe("unknown values at preview never fail and are kept as they are", () => {
  test.each<[string, Record<string, unknown>]>([
    ["regionId", { regionId: UNKNOWN }],
    ["autoSnapshotPolicyName", { autoSnapshotPolicyName: UNKNOWN }],
    ["timePoints", { timePoints: UNKNOWN }],
    ["repeatWeekdays", { repeatWeekdays: UNKNOWN }],
    ["retentionDays", { retentionDays: UNKNOWN }],
    ["enableCrossRegionCopy", { enableCrossRegionCopy: UNKNOWN, targetCopyRegions: ["cn-shanghai"] }],
    ["targetCopyRegions", { enableCrossRegionCopy: true, targetCopyRegions: UNKNOWN }],
    ["a target region", { enableCrossRegionCopy: true, targetCopyRegions: [UNKNOWN] }],
    ["copiedSnapshotsRetentionDays", { copiedSnapshotsRetentionDays: UNKNOWN }],
    ["copyEncryptionConfiguration", { copyEncryptionConfiguration: UNKNOWN }],
    ["encrypted", { copyEncryptionConfiguration: { encrypted: UNKNOWN, kmsKeyId: "key-1" } }],
    ["kmsKeyId", { copyEncryptionConfiguration: { kmsKeyId: UNKNOWN } }],
    ["tags", { tags: UNKNOWN }],
    ["a tag value", { tags: { team: UNKNOWN } }],
    ["resourceGroupId", { resourceGroupId: UNKNOWN }],
    ["adoptPolicyId", { adoptPolicyId: UNKNOWN, deleteAdoptedPolicyOnDestroy: true }],
    ["deleteAdoptedPolicyOnDestroy", { adoptPolicyId: "sp-abc", deleteAdoptedPolicyOnDestroy: UNKNOWN }],
    ["allowSnapshotLimitOverflow", { allowSnapshotLimitOverflow: UNKNOWN }],
  ])("AutoSnapshotPolicy %s", (_, change) => {
    const inputs = acceptedPolicy({ ...policy, ...change });
    expect(inputs).toMatchObject(change);
    expect(containsUnknown(inputs)).toBe(true);
  });

  test("a list with an unknown element keeps its order and duplicates", () => {
    const timePoints = [13, UNKNOWN, "2", 13];
    expect(acceptedPolicy({ ...policy, timePoints })).toMatchObject({ timePoints: [13, UNKNOWN, 2, 13] });
  });

  test("known elements beside an unknown one are still checked", () => {
    expect(failuresOf(checkPolicy({ ...policy, timePoints: [UNKNOWN, 24] }))).toEqual([
      { property: "timePoints[1]", reason: expect.stringMatching(/^24 is not allowed/) },
    ]);
  });

  test.each<[string, Record<string, unknown>]>([
    ["regionId", { regionId: UNKNOWN }],
    ["autoSnapshotPolicyId", { autoSnapshotPolicyId: UNKNOWN }],
    ["diskIds", { diskIds: UNKNOWN }],
    ["a disk id", { diskIds: ["d-b", UNKNOWN, "d-a", UNKNOWN] }],
    ["batchSize", { batchSize: UNKNOWN }],
    ["takeOverDisks", { takeOverDisks: UNKNOWN }],
    ["handedOffDiskIds", { handedOffDiskIds: UNKNOWN }],
    ["a handed-off disk id", { handedOffDiskIds: ["d-b", UNKNOWN, "d-a", UNKNOWN] }],
  ])("PolicyAttachment %s", (_, change) => {
    expect(acceptedAttachment({ ...attachment, ...change })).toMatchObject(change);
  });
});

describe("PolicyAttachment inputs", () => {
  test.each<[string, Record<string, unknown>, string, RegExp]>([
    [
      "no diskIds",
      { diskIds: [] },
      "diskIds",
      /^an empty list is not allowed; one or more disk ids such as d-/,
    ],
    ["diskIds missing", { diskIds: undefined }, "diskIds", /^required; a list of one or more disk ids/],
    [
      "a duplicate disk",
      { diskIds: ["d-a1", "d-b2", "d-a1"] },
      "diskIds[2]",
      /^"d-a1" is already listed at index 0; list each disk once$/,
    ],
    [
      "a bad disk prefix",
      { diskIds: ["d-a1", "i-b2"] },
      "diskIds[1]",
      /^"i-b2" is not allowed; a disk id such as d-/,
    ],
    [
      "a bad policy id",
      { autoSnapshotPolicyId: "p-1" },
      "autoSnapshotPolicyId",
      /^"p-1" is not allowed; .* sp-/,
    ],
    ["batchSize 0", { batchSize: 0 }, "batchSize", /^0 is not allowed; whole numbers 1–100/],
    ["batchSize 101", { batchSize: 101 }, "batchSize", /^101 is not allowed; whole numbers 1–100/],
    [
      "takeOverDisks as text",
      { takeOverDisks: "true" },
      "takeOverDisks",
      /^"true" is not allowed; true or false$/,
    ],
    ["a misspelt input", { diskId: ["d-a1"] }, "diskId", /^unknown input; did you mean diskIds\?$/],
    [
      "handedOffDiskIds not a list",
      { handedOffDiskIds: "d-a1" },
      "handedOffDiskIds",
      /^"d-a1" is not allowed; a list of disk ids such as d-/,
    ],
    [
      "a bad handed-off disk prefix",
      { handedOffDiskIds: ["d-a1", "i-b2"] },
      "handedOffDiskIds[1]",
      /^"i-b2" is not allowed; a disk id such as d-/,
    ],
  ])("%s", (_, change, property, reason) => {
    expect(failuresOf(checkAttachment({ ...attachment, ...change }))).toEqual([
      { property, reason: expect.stringMatching(reason) },
    ]);
  });

  test.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    ["one disk", { diskIds: ["d-a1"] }, { diskIds: ["d-a1"] }],
    ["many disks, sorted", { diskIds: ["d-c3", "d-a1", "d-b2"] }, { diskIds: ["d-a1", "d-b2", "d-c3"] }],
    ["batchSize 1", { batchSize: 1 }, { batchSize: 1 }],
    ["batchSize 100", { batchSize: 100 }, { batchSize: 100 }],
    ["batchSize as text", { batchSize: "50" }, { batchSize: 50 }],
    ["takeOverDisks", { takeOverDisks: true }, { takeOverDisks: true }],
    ["no handed-off disks", { handedOffDiskIds: [] }, { handedOffDiskIds: [] }],
    [
      "handed-off disks, sorted and de-duplicated",
      { handedOffDiskIds: ["d-c3", "d-a1", "d-c3"] },
      { handedOffDiskIds: ["d-a1", "d-c3"] },
    ],
  ])("%s", (_, change, expected) => {
    expect(acceptedAttachment({ ...attachment, ...change })).toMatchObject(expected);
  });

  test("defaults", () => {
    expect(acceptedAttachment(attachment)).toStrictEqual({
      ...attachment,
      batchSize: 100,
      takeOverDisks: false,
      handedOffDiskIds: [],
    });
  });
});

describe("default region", () => {
  test.each<[string, Record<string, unknown>, string | undefined, unknown]>([
    [
      "given region wins",
      { regionId: "cn-beijing" },
      "cn-hangzhou",
      { ok: true, news: { regionId: "cn-beijing" } },
    ],
    ["configured region fills in", {}, "cn-hangzhou", { ok: true, news: { regionId: "cn-hangzhou" } }],
    [
      "an empty region is unset",
      { regionId: "" },
      "cn-hangzhou",
      { ok: true, news: { regionId: "cn-hangzhou" } },
    ],
    ["unknown region is kept", { regionId: UNKNOWN }, undefined, { ok: true, news: { regionId: UNKNOWN } }],
    ["neither", { timePoints: [1] }, undefined, { ok: false, failures: [REGION_REQUIRED] }],
  ])("%s", (_, news, defaultRegion, expected) => {
    expect(applyDefaultRegion(news, defaultRegion)).toEqual(expected);
  });

  test("the failure says how to set a region", () => {
    expect(REGION_REQUIRED).toEqual({
      property: "regionId",
      reason: "required; set regionId or configure alicloud:region / ALIBABA_CLOUD_REGION_ID",
    });
  });
});

test.each<[PropertyKey[], string]>([
  [["timePoints", 2], "timePoints[2]"],
  [["tags", "acs:x"], "tags.acs:x"],
  [["tags", ""], 'tags[""]'],
  [["tags", "a.b"], 'tags["a.b"]'],
  [["copyEncryptionConfiguration", "kmsKeyId"], "copyEncryptionConfiguration.kmsKeyId"],
])("property path %j is shown as %s", (path, shown) => {
  expect(formatPropertyPath(path)).toBe(shown);
});

test("failures format one per line", () => {
  expect(
    formatFailures([
      { property: "retentionDays", reason: "0 is not allowed" },
      { property: "tags", reason: "21 tags" },
    ]),
  ).toBe("retentionDays: 0 is not allowed\ntags: 21 tags");
});
