import {
  changedPolicyFields,
  createPolicyParams,
  declaredServicePolicy,
  diffPolicy,
  modifyPolicyParams,
  policyInputsOf,
  policyOutputs,
  tagChanges,
  withProviderOptions,
  type PolicyInputs,
} from "../../provider/policy/model";
import type { ServicePolicy } from "../../provider/ecs/api";
import { toWireParams } from "../../provider/ecs/wire";
import { UNKNOWN } from "../../provider/engine";
import { CLIENT_TOKEN_TAG } from "../../provider/policy/schema";

const ID = "sp-bp12m37ccmxvbmi5";

const servicePolicy: ServicePolicy = {
  AutoSnapshotPolicyId: ID,
  RegionId: "cn-hangzhou",
  AutoSnapshotPolicyName: "",
  TimePoints: '["1","13"]',
  RepeatWeekdays: '["1","3","5"]',
  RetentionDays: 30,
  EnableCrossRegionCopy: false,
  TargetCopyRegions: "[]",
  CopiedSnapshotsRetentionDays: -1,
  CopyEncryptionConfiguration: { Encrypted: false, KMSKeyId: "" },
  Tags: {
    Tag: [
      { TagKey: "team", TagValue: "storage" },
      { TagKey: CLIENT_TOKEN_TAG, TagValue: "token-1" },
    ],
  },
  ResourceGroupId: "rg-default",
  Status: "Normal",
  CreationTime: "2026-11-23T10:00:00Z",
  DiskNums: 2,
};

const outputs = policyOutputs(servicePolicy, { clientToken: "token-1", adopted: false });

/** Checked inputs as check() leaves them for `servicePolicy`, with only what the user set. */
const inputs: Record<string, unknown> = {
  regionId: "cn-hangzhou",
  timePoints: [1, 13],
  repeatWeekdays: [1, 3, 5],
  retentionDays: 30,
  enableCrossRegionCopy: false,
  allowSnapshotLimitOverflow: false,
  tags: { team: "storage" },
  clientToken: "token-1",
};

describe("policyOutputs", () => {
  test("flattens the service's policy: lists parsed and sorted, token tag hidden, insights added", () => {
    expect(outputs).toEqual({
      autoSnapshotPolicyId: ID,
      regionId: "cn-hangzhou",
      autoSnapshotPolicyName: "",
      timePoints: [1, 13],
      repeatWeekdays: [1, 3, 5],
      retentionDays: 30,
      enableCrossRegionCopy: false,
      targetCopyRegions: [],
      copiedSnapshotsRetentionDays: -1,
      copyEncryptionConfiguration: { encrypted: false },
      tags: { team: "storage" },
      resourceGroupId: "rg-default",
      status: "Normal",
      creationTime: "2026-11-23T10:00:00Z",
      snapshotsPerDisk: 26,
      schedule: expect.stringContaining("01:00 and 13:00"),
      associationType: "AssociatedWithDisk",
      targetTags: {},
      matchedDiskIds: [],
      coveredDiskCount: -1,
      clientToken: "token-1",
      adopted: false,
    });
  });

  test("reports -1 snapshots per disk when retention is forever, and keeps the provider options", () => {
    const forever = policyOutputs(
      { ...servicePolicy, RetentionDays: "-1" },
      {
        adoptPolicyId: ID,
        deleteAdoptedPolicyOnDestroy: false,
        allowSnapshotLimitOverflow: true,
        adopted: true,
      },
    );
    expect(forever).toMatchObject({
      snapshotsPerDisk: -1,
      adoptPolicyId: ID,
      deleteAdoptedPolicyOnDestroy: false,
      allowSnapshotLimitOverflow: true,
      adopted: true,
    });
  });

  test("shows the copy target and key only while copying is on", () => {
    const copying = policyOutputs(
      {
        ...servicePolicy,
        EnableCrossRegionCopy: true,
        TargetCopyRegions: '["cn-shanghai"]',
        CopyEncryptionConfiguration: { Encrypted: true, KMSKeyId: "key-1" },
      },
      { adopted: false },
    );
    expect(copying.targetCopyRegions).toEqual(["cn-shanghai"]);
    expect(copying.copyEncryptionConfiguration).toEqual({ encrypted: true, kmsKeyId: "key-1" });
  });

  test("is protobuf-safe: no undefined anywhere", () => {
    const sparse = policyOutputs({ AutoSnapshotPolicyId: ID }, { adopted: false });
    const hasUndefined = (value: unknown): boolean =>
      value === undefined ||
      (value !== null && typeof value === "object" && Object.values(value).some(hasUndefined));
    expect(hasUndefined(sparse)).toBe(false);
    expect(sparse).toMatchObject({ autoSnapshotPolicyName: "", retentionDays: -1, schedule: "" });
  });

  test("declaredServicePolicy gives the declared outputs when the service cannot be read", () => {
    const declared = policyOutputs(declaredServicePolicy(ID, inputs as PolicyInputs), { adopted: false });
    expect(changedPolicyFields(declared, inputs)).toEqual([]);
    expect(declared.tags).toEqual({ team: "storage" });
  });
});

describe("policyInputsOf", () => {
  const outputs = policyOutputs(servicePolicy, {
    clientToken: "token-1",
    allowSnapshotLimitOverflow: false,
    adopted: false,
  });

  test("gives the inputs in check()'s form, with the provider options", () => {
    expect(policyInputsOf(outputs)).toStrictEqual({
      regionId: "cn-hangzhou",
      timePoints: [1, 13],
      repeatWeekdays: [1, 3, 5],
      retentionDays: 30,
      enableCrossRegionCopy: false,
      tags: { team: "storage" },
      resourceGroupId: "rg-default",
      associationType: "AssociatedWithDisk",
      schedule:
        "Snapshots at 01:00 and 13:00 (UTC+8) on Monday, Wednesday and Friday; kept 30 days; up to 26 snapshots per disk (limit 1,000).",
      snapshotsPerDisk: 26,
      clientToken: "token-1",
      allowSnapshotLimitOverflow: false,
    });
  });

  test.each([
    ["an empty name", { autoSnapshotPolicyName: "" }, "autoSnapshotPolicyName"],
    ["no tags", { tags: {} }, "tags"],
    ["no resource group", { resourceGroupId: "" }, "resourceGroupId"],
    [
      "copy settings while copying is off",
      { copiedSnapshotsRetentionDays: 7 },
      "copiedSnapshotsRetentionDays",
    ],
  ])("leaves out %s (the service's unset value)", (_name, change, key) => {
    expect(policyInputsOf({ ...outputs, ...change })).not.toHaveProperty(key);
  });

  test("includes the copy settings while copying is on", () => {
    const copying = {
      ...outputs,
      enableCrossRegionCopy: true,
      targetCopyRegions: ["cn-shanghai"],
      copiedSnapshotsRetentionDays: 7,
      copyEncryptionConfiguration: { encrypted: true, kmsKeyId: "key-1" },
    };
    expect(policyInputsOf(copying)).toMatchObject({
      enableCrossRegionCopy: true,
      targetCopyRegions: ["cn-shanghai"],
      copiedSnapshotsRetentionDays: 7,
      copyEncryptionConfiguration: { encrypted: true, kmsKeyId: "key-1" },
    });
  });
});

describe("diffPolicy", () => {
  test("an unchanged program is no change", () => {
    expect(diffPolicy(ID, outputs, inputs)).toEqual({
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
    });
  });

  test.each<[string, Record<string, unknown>]>([
    ["reordered and duplicated lists", { timePoints: [13, 1, 13], repeatWeekdays: [5, 1, 3, 3] }],
    ["numbers as strings", { timePoints: ["13", "1"], retentionDays: "30" }],
    ["unset name against the service's empty name", { autoSnapshotPolicyName: undefined }],
    ["unset resource group against the service's default", { resourceGroupId: undefined }],
    ["unset copy retention while copying is off", { copiedSnapshotsRetentionDays: undefined }],
  ])("no change for %s", (_, override) => {
    expect(diffPolicy(ID, outputs, { ...inputs, ...override }).changes).toBe(false);
  });

  test("unset tags against no tags is no change", () => {
    const untagged = policyOutputs({ ...servicePolicy, Tags: { Tag: [] } }, { adopted: false });
    expect(diffPolicy(ID, untagged, { ...inputs, tags: undefined }).changes).toBe(false);
  });

  test.each<[string, Record<string, unknown>]>([
    ["autoSnapshotPolicyName", { autoSnapshotPolicyName: "Nightly" }],
    ["timePoints", { timePoints: [2] }],
    ["repeatWeekdays", { repeatWeekdays: [7] }],
    ["retentionDays", { retentionDays: 7 }],
    [
      "enableCrossRegionCopy",
      { enableCrossRegionCopy: true, targetCopyRegions: ["cn-shanghai"], copiedSnapshotsRetentionDays: 3 },
    ],
    ["tags (changed)", { tags: { team: "compute" } }],
    ["tags (removed)", { tags: undefined }],
    ["allowSnapshotLimitOverflow", { allowSnapshotLimitOverflow: true }],
    ["an unknown list", { timePoints: UNKNOWN }],
    ["an unknown tag value", { tags: { team: UNKNOWN } }],
  ])("%s is updated in place", (_, override) => {
    expect(diffPolicy(ID, outputs, { ...inputs, ...override })).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
  });

  test.each<[string, Record<string, unknown>]>([
    ["regionId", { regionId: "cn-beijing" }],
    ["regionId", { regionId: UNKNOWN }],
    ["resourceGroupId", { resourceGroupId: "rg-other" }],
    ["resourceGroupId", { resourceGroupId: UNKNOWN }],
  ])("%s replaces the policy (%j)", (key, override) => {
    expect(diffPolicy(ID, outputs, { ...inputs, ...override })).toEqual({
      changes: true,
      replaces: [key],
      deleteBeforeReplace: false,
    });
  });

  test("copy settings count while copying is on", () => {
    const copyingOutputs = policyOutputs(
      { ...servicePolicy, EnableCrossRegionCopy: true, TargetCopyRegions: '["cn-shanghai"]' },
      { adopted: false },
    );
    const copyingInputs = { ...inputs, enableCrossRegionCopy: true, targetCopyRegions: ["cn-shanghai"] };
    expect(changedPolicyFields(copyingOutputs, copyingInputs)).toEqual([]);
    expect(
      changedPolicyFields(copyingOutputs, { ...copyingInputs, targetCopyRegions: ["cn-beijing"] }),
    ).toEqual(["targetCopyRegions"]);
    expect(
      changedPolicyFields(copyingOutputs, {
        ...copyingInputs,
        copyEncryptionConfiguration: { encrypted: true },
      }),
    ).toEqual(["copyEncryptionConfiguration"]);
  });

  test("adopting another policy replaces; the adopted policy's own id does not", () => {
    const adopted = { ...outputs, adoptPolicyId: ID, deleteAdoptedPolicyOnDestroy: false, adopted: true };
    const adoptInputs = { ...inputs, adoptPolicyId: ID, deleteAdoptedPolicyOnDestroy: false };
    expect(diffPolicy(ID, adopted, adoptInputs).changes).toBe(false);
    expect(diffPolicy(ID, adopted, { ...adoptInputs, deleteAdoptedPolicyOnDestroy: true })).toMatchObject({
      changes: true,
      replaces: [],
    });
    expect(diffPolicy(ID, adopted, { ...adoptInputs, adoptPolicyId: "sp-other" }).replaces).toEqual([
      "adoptPolicyId",
    ]);
  });
});

describe("tagChanges", () => {
  test("sets added and changed tags, removes the others, never touches the token tag", () => {
    expect(
      tagChanges(
        { keep: "1", change: "old", drop: "x", [CLIENT_TOKEN_TAG]: "t" },
        { keep: "1", change: "new", add: "" },
      ),
    ).toEqual({ set: { change: "new", add: "" }, remove: ["drop"] });
  });

  test("keys named like built-in properties are ordinary keys", () => {
    expect(tagChanges({}, { constructor: "a", toString: "b" })).toEqual({
      set: { constructor: "a", toString: "b" },
      remove: [],
    });
    expect(
      tagChanges({ constructor: "a", toString: "b", hasOwnProperty: "c" }, { constructor: "z" }),
    ).toEqual({
      set: { constructor: "z" },
      remove: ["toString", "hasOwnProperty"],
    });
    expect(tagChanges({ constructor: "a" }, { constructor: "a" })).toEqual({ set: {}, remove: [] });
  });

  test("a service tag named __proto__ is read as a tag, not as the object's prototype", () => {
    const outputs = policyOutputs(
      {
        ...servicePolicy,
        Tags: {
          Tag: [
            { TagKey: "__proto__", TagValue: "p" },
            { TagKey: "constructor", TagValue: "c" },
          ],
        },
      },
      { adopted: false },
    );
    expect(Object.entries(outputs.tags)).toEqual([
      ["__proto__", "p"],
      ["constructor", "c"],
    ]);
  });
});

describe("request parameters", () => {
  const declared = {
    ...inputs,
    autoSnapshotPolicyName: "Nightly",
    enableCrossRegionCopy: true,
    targetCopyRegions: ["cn-shanghai"],
    copiedSnapshotsRetentionDays: 3,
    copyEncryptionConfiguration: { encrypted: true, kmsKeyId: "key-1" },
    resourceGroupId: "rg-team",
  } as PolicyInputs;

  test("create sends every input, lowerCamel and PascalCase, with the client token as a tag", () => {
    expect(toWireParams(createPolicyParams(declared, "token-1"))).toEqual({
      regionId: "cn-hangzhou",
      autoSnapshotPolicyName: "Nightly",
      timePoints: '["1","13"]',
      repeatWeekdays: '["1","3","5"]',
      retentionDays: "30",
      EnableCrossRegionCopy: "true",
      TargetCopyRegions: '["cn-shanghai"]',
      CopiedSnapshotsRetentionDays: "3",
      "CopyEncryptionConfiguration.Encrypted": "true",
      "CopyEncryptionConfiguration.KMSKeyId": "key-1",
      "Tag.1.Key": "team",
      "Tag.1.Value": "storage",
      "Tag.2.Key": CLIENT_TOKEN_TAG,
      "Tag.2.Value": "token-1",
      ResourceGroupId: "rg-team",
    });
  });

  test("modify sends the full policy, and turning copying off sends EnableCrossRegionCopy=false", () => {
    const off = toWireParams(modifyPolicyParams(ID, inputs as PolicyInputs));
    expect(off).toEqual({
      regionId: "cn-hangzhou",
      autoSnapshotPolicyId: ID,
      timePoints: '["1","13"]',
      repeatWeekdays: '["1","3","5"]',
      retentionDays: "30",
      EnableCrossRegionCopy: "false",
    });
    expect(toWireParams(modifyPolicyParams(ID, declared))).toMatchObject({
      EnableCrossRegionCopy: "true",
      TargetCopyRegions: '["cn-shanghai"]',
    });
  });
});

test("withProviderOptions replaces the options and drops the serialized provider", () => {
  const old = { ...outputs, __provider: "serialized", allowSnapshotLimitOverflow: true };
  const updated = withProviderOptions(old, { clientToken: "token-1", adopted: false });
  expect(updated).not.toHaveProperty("__provider");
  expect(updated).not.toHaveProperty("allowSnapshotLimitOverflow");
  expect(updated).toMatchObject({ clientToken: "token-1", tags: { team: "storage" } });
});
