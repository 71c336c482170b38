import * as $Ecs from "@alicloud/ecs20140526";
import { type Caller, diskList, json, policyList, type WireParams } from "../support/ecs-clients";
import { CLIENT_NAMES, useLocalEcs } from "../support/use-local-ecs";

/*
 * Instances, their tags, and policies associated with instance tags: a tag-associated policy covers
 * exactly the disks of the instances whose tags match, at every moment.
 */

const REGION = "cn-hangzhou";
const OTHER_REGION = "cn-shanghai";
const MISMATCH = {
  Code: "OperationDenied.AssociationTypeMismatch",
  Message:
    "The automatic snapshot policy is associated with instance tags: disks join and leave it through the tags of their instances.",
};
/** Tag keys that are names of built-in JavaScript properties (issue 11 #4). */
const BUILT_IN_NAMES = ["constructor", "toString", "__proto__", "hasOwnProperty"];

const numbered = (prefix: string, pairs: [string, string][]): WireParams =>
  Object.fromEntries(
    pairs.flatMap(([key, value], index) => [
      [`${prefix}.${index + 1}.Key`, key],
      [`${prefix}.${index + 1}.Value`, value],
    ]),
  );

describe.each([1, 10] as const)("an account with %i polic(ies) per disk", (policiesPerDisk) => {
  const local = useLocalEcs({ policiesPerDisk });

  describe.each(CLIENT_NAMES)("through %s", (client) => {
    let call: Caller;
    let serial = 0;
    const unique = (name: string) => `${name}-${client}-${policiesPerDisk}-${++serial}`;
    /** A fresh instance with its own disks, in REGION unless told. */
    const newInstance = (tags: Record<string, string>, diskCount = 1, regionId = REGION) => {
      const instanceId = `i-${unique("vm")}`;
      const disks = Array.from({ length: diskCount }, (_, index) => `d-${instanceId.slice(2)}-${index}`);
      local.emulator.addInstances([{ instanceId, regionId, tags }]);
      local.emulator.addDisks(disks.map((diskId) => ({ diskId, regionId, instanceId })));
      return { instanceId, disks };
    };
    const createTagPolicy = async (targetTags: [string, string][], regionId = REGION) => {
      const answer = await call("CreateAutoSnapshotPolicy", {
        regionId,
        timePoints: json([2]),
        repeatWeekdays: json([3]),
        retentionDays: 7,
        AssociationType: "AssociatedWithInstanceTag",
        ...numbered("TargetTags", targetTags),
      });
      expect(answer.status).toBe(200);
      return answer.body.AutoSnapshotPolicyId as string;
    };
    const describePolicy = async (policyId: string, regionId = REGION) =>
      policyList(
        await call("DescribeAutoSnapshotPolicyEx", { RegionId: regionId, AutoSnapshotPolicyId: policyId }),
      )[0];
    const disksOf = async (policyId: string, regionId = REGION) => {
      const answer = await call("DescribeAutoSnapshotPolicyAssociations", {
        RegionId: regionId,
        AutoSnapshotPolicyId: policyId,
        MaxResults: 100,
      });
      const body = answer.body as {
        AutoSnapshotPolicyAssociations: { AutoSnapshotPolicyAssociation: { DiskId: string }[] };
      };
      return body.AutoSnapshotPolicyAssociations.AutoSnapshotPolicyAssociation.map((pair) => pair.DiskId);
    };
    const policiesOf = async (diskId: string) => {
      const answer = await call("DescribeAutoSnapshotPolicyAssociations", {
        RegionId: REGION,
        DiskId: diskId,
      });
      const body = answer.body as {
        AutoSnapshotPolicyAssociations: { AutoSnapshotPolicyAssociation: { AutoSnapshotPolicyId: string }[] };
      };
      return body.AutoSnapshotPolicyAssociations.AutoSnapshotPolicyAssociation.map(
        (pair) => pair.AutoSnapshotPolicyId,
      );
    };
    const tagInstance = (instanceId: string, tags: [string, string][]) =>
      call("TagResources", {
        RegionId: REGION,
        ResourceType: "instance",
        "ResourceId.1": instanceId,
        ...numbered("Tag", tags),
      });
    const untagInstance = (instanceId: string, keys: string[]) =>
      call("UntagResources", {
        RegionId: REGION,
        ResourceType: "instance",
        "ResourceId.1": instanceId,
        ...Object.fromEntries(keys.map((key, index) => [`TagKey.${index + 1}`, key])),
      });

    beforeAll(() => {
      call = local.callers[client];
    });

    test("a tag-associated policy covers the disks of matching instances of its region, and says how it is associated", async () => {
      const tier = unique("tier");
      const gold = newInstance({ backup: tier }, 2);
      newInstance({ backup: `${tier}-not` });
      newInstance({});
      newInstance({ backup: tier }, 1, OTHER_REGION);
      const policyId = await createTagPolicy([["backup", tier]]);

      expect(await describePolicy(policyId)).toMatchObject({
        AssociationType: "AssociatedWithInstanceTag",
        TargetTags: { TargetTag: [{ TagKey: "backup", TagValue: tier }] },
        DiskNums: 2,
      });
      expect(await disksOf(policyId)).toEqual(gold.disks);
      expect(await policiesOf(gold.disks[0])).toEqual([policyId]);
      const listed = diskList(
        await call("DescribeDisks", { RegionId: REGION, AutoSnapshotPolicyId: policyId }),
      );
      expect(listed.map((disk) => [disk.DiskId, disk.InstanceId, disk.AutoSnapshotPolicyId])).toEqual(
        gold.disks.map((diskId) => [diskId, gold.instanceId, policyId]),
      );
    });

    test("instances tagged and untagged while the policy exists join and leave it at once", async () => {
      const tier = unique("tier");
      const first = newInstance({ backup: tier });
      const later = newInstance({ owner: "ops" }, 2);
      const policyId = await createTagPolicy([["backup", tier]]);
      expect(await disksOf(policyId)).toEqual(first.disks);

      expect((await tagInstance(later.instanceId, [["backup", tier]])).status).toBe(200);
      expect(await disksOf(policyId)).toEqual([...first.disks, ...later.disks]);
      expect((await describePolicy(policyId)).DiskNums).toBe(3);
      const tags = await call("ListTagResources", {
        RegionId: REGION,
        ResourceType: "instance",
        "ResourceId.1": later.instanceId,
      });
      expect(tags.body.TagResources).toEqual({
        TagResource: [
          { ResourceId: later.instanceId, ResourceType: "instance", TagKey: "owner", TagValue: "ops" },
          { ResourceId: later.instanceId, ResourceType: "instance", TagKey: "backup", TagValue: tier },
        ],
      });

      expect((await untagInstance(first.instanceId, ["backup"])).status).toBe(200);
      expect(await disksOf(policyId)).toEqual(later.disks);
      expect((await tagInstance(later.instanceId, [["backup", `${tier}-changed`]])).status).toBe(200);
      expect(await disksOf(policyId)).toEqual([]);
      expect((await describePolicy(policyId)).DiskNums).toBe(0);
    });

    test("an empty target value matches any value, and an instance must carry every target tag", async () => {
      const key = unique("key");
      const a = newInstance({ [key]: "a", env: "prod" });
      const b = newInstance({ [key]: "b" });
      newInstance({ env: "prod" });
      const anyValue = await createTagPolicy([[key, ""]]);
      const both = await createTagPolicy([
        [key, ""],
        ["env", "prod"],
      ]);
      expect(await disksOf(anyValue)).toEqual([...a.disks, ...b.disks]);
      expect(await disksOf(both)).toEqual(a.disks);
      expect((await describePolicy(anyValue)).TargetTags).toEqual({
        TargetTag: [{ TagKey: key, TagValue: "" }],
      });
    });

    test("ModifyEx replaces the target tags and cannot change the association type", async () => {
      const tier = unique("tier");
      const gold = newInstance({ backup: `${tier}-gold` });
      const silver = newInstance({ backup: `${tier}-silver` });
      const policyId = await createTagPolicy([["backup", `${tier}-gold`]]);
      const modified = await call("ModifyAutoSnapshotPolicyEx", {
        regionId: REGION,
        autoSnapshotPolicyId: policyId,
        AssociationType: "AssociatedWithDisk",
        ...numbered("TargetTags", [["backup", `${tier}-silver`]]),
      });
      expect(modified.status).toBe(200);
      expect(await describePolicy(policyId)).toMatchObject({
        AssociationType: "AssociatedWithInstanceTag",
        TargetTags: { TargetTag: [{ TagKey: "backup", TagValue: `${tier}-silver` }] },
      });
      expect(await disksOf(policyId)).toEqual(silver.disks);
      expect(await policiesOf(gold.disks[0])).toEqual([]);
      // A ModifyEx without TargetTags keeps them.
      await call("ModifyAutoSnapshotPolicyEx", {
        regionId: REGION,
        autoSnapshotPolicyId: policyId,
        retentionDays: 9,
      });
      expect(await disksOf(policyId)).toEqual(silver.disks);
    });

    test("Apply and Cancel refuse a tag-associated policy and change nothing", async () => {
      const tier = unique("tier");
      const tagged = newInstance({ backup: tier });
      const loose = newInstance({});
      const policyId = await createTagPolicy([["backup", tier]]);
      for (const [action, diskIds] of [
        ["ApplyAutoSnapshotPolicy", loose.disks],
        ["CancelAutoSnapshotPolicy", tagged.disks],
      ] as const) {
        const answer = await call(action, {
          regionId: REGION,
          autoSnapshotPolicyId: policyId,
          diskIds: json(diskIds),
        });
        expect(answer).toMatchObject({ status: 403, body: MISMATCH });
      }
      expect(await disksOf(policyId)).toEqual(tagged.disks);
      // Cancel without a policy id leaves the tag-associated policy: it takes disk-associated ones only.
      expect(
        (await call("CancelAutoSnapshotPolicy", { regionId: REGION, diskIds: json(tagged.disks) })).status,
      ).toBe(200);
      expect(await policiesOf(tagged.disks[0])).toEqual([policyId]);
    });

    test("a disk carries its disk-associated policies first, then the tag-matched ones; deleting a tag policy frees its disks", async () => {
      const tier = unique("tier");
      const vm = newInstance({ backup: tier });
      const [disk] = vm.disks;
      const tagPolicy = await createTagPolicy([["backup", tier]]);
      const created = await call("CreateAutoSnapshotPolicy", {
        regionId: REGION,
        timePoints: json([4]),
        repeatWeekdays: json([5]),
        retentionDays: 3,
      });
      const diskPolicy = created.body.AutoSnapshotPolicyId as string;
      await call("ApplyAutoSnapshotPolicy", {
        regionId: REGION,
        autoSnapshotPolicyId: diskPolicy,
        diskIds: json([disk]),
      });
      expect(await policiesOf(disk)).toEqual([diskPolicy, tagPolicy]);
      const [described] = diskList(await call("DescribeDisks", { RegionId: REGION, DiskIds: json([disk]) }));
      expect(described.AutoSnapshotPolicyId).toBe(diskPolicy);

      await call("DeleteAutoSnapshotPolicy", { regionId: REGION, autoSnapshotPolicyId: tagPolicy });
      expect(await policiesOf(disk)).toEqual([diskPolicy]);
    });

    if (policiesPerDisk === 10) {
      test("tag-matched policies count toward the 10 a disk may carry", async () => {
        const tier = unique("tier");
        const [disk] = newInstance({ backup: tier }).disks;
        await createTagPolicy([["backup", tier]]);
        const policies: string[] = [];
        for (let index = 0; index < 10; index += 1) {
          const created = await call("CreateAutoSnapshotPolicy", {
            regionId: REGION,
            timePoints: json([1]),
            repeatWeekdays: json([1]),
            retentionDays: 1,
          });
          policies.push(created.body.AutoSnapshotPolicyId as string);
        }
        for (const policyId of policies.slice(0, 9)) {
          const applied = await call("ApplyAutoSnapshotPolicy", {
            regionId: REGION,
            autoSnapshotPolicyId: policyId,
            diskIds: json([disk]),
          });
          expect(applied.status).toBe(200);
        }
        const tenth = await call("ApplyAutoSnapshotPolicy", {
          regionId: REGION,
          autoSnapshotPolicyId: policies[9],
          diskIds: json([disk]),
        });
        expect(tenth).toMatchObject({
          status: 403,
          body: { Code: "OperationDenied.TooManyAutoSnapshotPolicies" },
        });
        expect(await policiesOf(disk)).toHaveLength(10);
      });
    }

    test("tag keys named like built-in JavaScript properties are ordinary keys of policies and instances", async () => {
      const pairs = BUILT_IN_NAMES.map((key): [string, string] => [key, `v-${key}`]);
      const changed = unique("changed");
      const created = await call("CreateAutoSnapshotPolicy", {
        regionId: REGION,
        timePoints: json([1]),
        repeatWeekdays: json([1]),
        retentionDays: 1,
        ...numbered("Tag", pairs),
      });
      expect(created.status).toBe(200);
      const policyId = created.body.AutoSnapshotPolicyId as string;
      const policyTags = async () =>
        ((await describePolicy(policyId)).Tags as { Tag: { TagKey: string; TagValue: string }[] }).Tag.map(
          ({ TagKey, TagValue }) => [TagKey, TagValue],
        );
      expect(await policyTags()).toEqual(pairs);

      await call("TagResources", {
        RegionId: REGION,
        ResourceType: "snapshotpolicy",
        "ResourceId.1": policyId,
        ...numbered("Tag", [
          ["__proto__", changed],
          ["valueOf", "added"],
        ]),
      });
      await call("UntagResources", {
        RegionId: REGION,
        ResourceType: "snapshotpolicy",
        "ResourceId.1": policyId,
        "TagKey.1": "constructor",
      });
      expect(await policyTags()).toEqual([
        ["toString", "v-toString"],
        ["__proto__", changed],
        ["hasOwnProperty", "v-hasOwnProperty"],
        ["valueOf", "added"],
      ]);
      const filtered = await call("DescribeAutoSnapshotPolicyEx", {
        RegionId: REGION,
        ...numbered("Tag", [["__proto__", changed]]),
      });
      expect(policyList(filtered).map((policy) => policy.AutoSnapshotPolicyId)).toEqual([policyId]);

      const vm = newInstance({});
      expect((await tagInstance(vm.instanceId, pairs)).status).toBe(200);
      const listed = await call("ListTagResources", {
        RegionId: REGION,
        ResourceType: "instance",
        "ResourceId.1": vm.instanceId,
      });
      const rows = (listed.body.TagResources as { TagResource: { TagKey: string; TagValue: string }[] })
        .TagResource;
      expect(rows.map(({ TagKey, TagValue }) => [TagKey, TagValue])).toEqual(pairs);
      const tagPolicy = await createTagPolicy([["__proto__", "v-__proto__"]]);
      expect(await disksOf(tagPolicy)).toEqual(vm.disks);
      await untagInstance(vm.instanceId, ["__proto__"]);
      expect(await disksOf(tagPolicy)).toEqual([]);
    });
  });

  test("the typed @alicloud/ecs20140526 methods send and read AssociationType, TargetTags and associations", async () => {
    const client = local.ecs;
    const instanceId = `i-typed-${policiesPerDisk}`;
    local.emulator.addInstances([{ instanceId, regionId: REGION }]);
    local.emulator.addDisks([{ diskId: `d-typed-${policiesPerDisk}`, regionId: REGION, instanceId }]);
    const created = await client.createAutoSnapshotPolicy(
      new $Ecs.CreateAutoSnapshotPolicyRequest({
        regionId: REGION,
        timePoints: json([2]),
        repeatWeekdays: json([7]),
        retentionDays: 7,
        associationType: "AssociatedWithInstanceTag",
        targetTags: [
          new $Ecs.CreateAutoSnapshotPolicyRequestTargetTags({ key: "backup", value: "typed" }),
          new $Ecs.CreateAutoSnapshotPolicyRequestTargetTags({ key: "team" }),
        ],
      }),
    );
    const policyId = created.body?.autoSnapshotPolicyId as string;
    await client.tagResources(
      new $Ecs.TagResourcesRequest({
        regionId: REGION,
        resourceType: "instance",
        resourceId: [instanceId],
        tag: [
          new $Ecs.TagResourcesRequestTag({ key: "backup", value: "typed" }),
          new $Ecs.TagResourcesRequestTag({ key: "team", value: "storage" }),
        ],
      }),
    );
    const described = await client.describeAutoSnapshotPolicyEx(
      new $Ecs.DescribeAutoSnapshotPolicyExRequest({ regionId: REGION, autoSnapshotPolicyId: policyId }),
    );
    const policy = described.body?.autoSnapshotPolicies?.autoSnapshotPolicy?.[0];
    expect(policy?.associationType).toBe("AssociatedWithInstanceTag");
    expect(policy?.targetTags?.targetTag?.map((tag) => [tag.tagKey, tag.tagValue])).toEqual([
      ["backup", "typed"],
      ["team", ""],
    ]);
    expect(policy?.diskNums).toBe(1);

    await client.modifyAutoSnapshotPolicyEx(
      new $Ecs.ModifyAutoSnapshotPolicyExRequest({
        regionId: REGION,
        autoSnapshotPolicyId: policyId,
        targetTags: [new $Ecs.ModifyAutoSnapshotPolicyExRequestTargetTags({ key: "team", value: "storage" })],
      }),
    );
    const associations = await client.describeAutoSnapshotPolicyAssociations(
      new $Ecs.DescribeAutoSnapshotPolicyAssociationsRequest({
        regionId: REGION,
        autoSnapshotPolicyId: policyId,
      }),
    );
    expect(
      associations.body?.autoSnapshotPolicyAssociations?.autoSnapshotPolicyAssociation?.map((pair) => [
        pair.autoSnapshotPolicyId,
        pair.diskId,
      ]),
    ).toEqual([[policyId, `d-typed-${policiesPerDisk}`]]);
    expect(associations.body?.nextToken).toBe("");
  });
});
