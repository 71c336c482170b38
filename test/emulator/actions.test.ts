import * as $Ecs from "@alicloud/ecs20140526";
import type { EcsEmulator } from "../../emulator";
import {
  type Caller,
  diskList,
  json,
  policyList,
  popCoreCaller,
  type WireParams,
} from "../support/ecs-clients";
import { type ClientName, useLocalEcs } from "../support/use-local-ecs";

const REGION = "cn-hangzhou";

/** The conformance suite, run in both kinds of account. */
describe.each([1, 10] as const)("an account with %i polic(ies) per disk", (policiesPerDisk) => {
  const local = useLocalEcs({
    policiesPerDisk,
    disks: [
      { diskId: "d-pop0001", regionId: REGION },
      { diskId: "d-pop0002", regionId: REGION, attached: false },
      { diskId: "d-acs0001", regionId: REGION },
      { diskId: "d-acs0002", regionId: REGION, attached: false },
    ],
  });
  let emulator: EcsEmulator;
  beforeAll(() => {
    emulator = local.emulator;
  });

  const createParams = (overrides: WireParams = {}): WireParams => ({
    regionId: REGION,
    timePoints: json([13, 1]),
    repeatWeekdays: json([1, 5]),
    retentionDays: 30,
    ...overrides,
  });

  describe.each<[ClientName, string]>([
    ["pop-core", "d-pop"],
    ["ecs20140526", "d-acs"],
  ])("every action through %s", (client, diskPrefix) => {
    let call: Caller;
    const [disk1, disk2] = [`${diskPrefix}0001`, `${diskPrefix}0002`];
    const describePolicy = async (policyId: string) => {
      const answer = await call("DescribeAutoSnapshotPolicyEx", {
        RegionId: REGION,
        AutoSnapshotPolicyId: policyId,
      });
      expect(answer.status).toBe(200);
      return policyList(answer)[0];
    };
    const describeDisks = async (params: WireParams = {}) =>
      diskList(await call("DescribeDisks", { RegionId: REGION, DiskIds: json([disk1, disk2]), ...params }));

    beforeAll(() => {
      call = local.callers[client];
    });

    test("create, describe, modify, tag, apply, replace, cancel, delete", async () => {
      const created = await call(
        "CreateAutoSnapshotPolicy",
        createParams({
          autoSnapshotPolicyName: "Nightly-备份:1",
          EnableCrossRegionCopy: true,
          TargetCopyRegions: json(["cn-shanghai"]),
          CopiedSnapshotsRetentionDays: 7,
          "CopyEncryptionConfiguration.Encrypted": true,
          "CopyEncryptionConfiguration.KMSKeyId": "0e478b7a-4262-4802-b8cb-00d3fb40826X",
          "Tag.1.Key": "team",
          "Tag.1.Value": "storage",
          ResourceGroupId: "rg-aek2kkmhmhs1234",
        }),
      );
      expect(created.status).toBe(200);
      const policyId = created.body.AutoSnapshotPolicyId as string;
      expect(policyId).toMatch(/^sp-bp1[0-9a-z]+$/);
      expect(created.body.RequestId).toMatch(
        /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/,
      );

      expect(await describePolicy(policyId)).toEqual({
        AutoSnapshotPolicyId: policyId,
        AutoSnapshotPolicyName: "Nightly-备份:1",
        RegionId: REGION,
        TimePoints: '["1","13"]',
        RepeatWeekdays: '["1","5"]',
        RetentionDays: 30,
        EnableCrossRegionCopy: true,
        TargetCopyRegions: '["cn-shanghai"]',
        CopiedSnapshotsRetentionDays: 7,
        CopyEncryptionConfiguration: { Encrypted: true, KMSKeyId: "0e478b7a-4262-4802-b8cb-00d3fb40826X" },
        Status: "Normal",
        CreationTime: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/),
        DiskNums: 0,
        VolumeNums: 0,
        ResourceGroupId: "rg-aek2kkmhmhs1234",
        Type: "Custom",
        Tags: { Tag: [{ TagKey: "team", TagValue: "storage" }] },
        AssociationType: "AssociatedWithDisk",
        TargetTags: { TargetTag: [] },
      });

      const modified = await call("ModifyAutoSnapshotPolicyEx", {
        regionId: REGION,
        autoSnapshotPolicyId: policyId,
        timePoints: json([0, 23]),
        retentionDays: 65536,
        EnableCrossRegionCopy: false,
      });
      expect(modified).toEqual({ status: 200, body: { RequestId: expect.any(String) } });
      expect(await describePolicy(policyId)).toMatchObject({
        AutoSnapshotPolicyName: "Nightly-备份:1",
        TimePoints: '["0","23"]',
        RepeatWeekdays: '["1","5"]',
        RetentionDays: 65536,
        EnableCrossRegionCopy: false,
      });

      const tagged = await call("TagResources", {
        RegionId: REGION,
        ResourceType: "snapshotpolicy",
        "ResourceId.1": policyId,
        "Tag.1.Key": "env",
        "Tag.1.Value": "prod",
        "Tag.2.Key": "team",
        "Tag.2.Value": "backup",
      });
      expect(tagged.status).toBe(200);
      const listed = await call("ListTagResources", {
        RegionId: REGION,
        ResourceType: "snapshotpolicy",
        "ResourceId.1": policyId,
      });
      expect(listed.body.TagResources).toEqual({
        TagResource: [
          { ResourceId: policyId, ResourceType: "snapshotpolicy", TagKey: "team", TagValue: "backup" },
          { ResourceId: policyId, ResourceType: "snapshotpolicy", TagKey: "env", TagValue: "prod" },
        ],
      });
      const byTag = await call("DescribeAutoSnapshotPolicyEx", {
        RegionId: REGION,
        "Tag.1.Key": "env",
        "Tag.1.Value": "prod",
      });
      expect(policyList(byTag).map((policy) => policy.AutoSnapshotPolicyId)).toContain(policyId);
      await call("UntagResources", {
        RegionId: REGION,
        ResourceType: "snapshotpolicy",
        "ResourceId.1": policyId,
        "TagKey.1": "team",
      });
      expect((await describePolicy(policyId)).Tags).toEqual({ Tag: [{ TagKey: "env", TagValue: "prod" }] });
      await call("UntagResources", {
        RegionId: REGION,
        ResourceType: "snapshotpolicy",
        "ResourceId.1": policyId,
        All: true,
      });
      expect((await describePolicy(policyId)).Tags).toEqual({ Tag: [] });

      const applied = await call("ApplyAutoSnapshotPolicy", {
        regionId: REGION,
        autoSnapshotPolicyId: policyId,
        diskIds: json([disk1, disk2]),
      });
      expect(applied.status).toBe(200);
      expect(await describeDisks()).toEqual([
        expect.objectContaining({
          DiskId: disk1,
          RegionId: REGION,
          Category: "cloud_essd",
          Status: "In_use",
          AutoSnapshotPolicyId: policyId,
          EnableAutoSnapshot: true,
        }),
        expect.objectContaining({ DiskId: disk2, Status: "Available", AutoSnapshotPolicyId: policyId }),
      ]);
      expect((await describePolicy(policyId)).DiskNums).toBe(2);

      // Another policy on disk2: a one-policy account replaces, a ten-policy account adds.
      const other = (await call("CreateAutoSnapshotPolicy", createParams())).body
        .AutoSnapshotPolicyId as string;
      await call("ApplyAutoSnapshotPolicy", {
        regionId: REGION,
        autoSnapshotPolicyId: other,
        diskIds: json([disk2]),
      });
      expect((await describePolicy(policyId)).DiskNums).toBe(policiesPerDisk === 1 ? 1 : 2);
      expect((await describePolicy(other)).DiskNums).toBe(1);
      const ofDisk2 = await call("DescribeAutoSnapshotPolicyAssociations", {
        RegionId: REGION,
        DiskId: disk2,
      });
      expect(ofDisk2.body.AutoSnapshotPolicyAssociations).toEqual({
        AutoSnapshotPolicyAssociation: (policiesPerDisk === 1 ? [other] : [policyId, other]).map((id) => ({
          AutoSnapshotPolicyId: id,
          DiskId: disk2,
        })),
      });
      expect(
        diskList(await call("DescribeDisks", { RegionId: REGION, AutoSnapshotPolicyId: other })),
      ).toEqual([expect.objectContaining({ DiskId: disk2 })]);

      // Cancel with a policy id leaves disks that carry another policy alone.
      await call("CancelAutoSnapshotPolicy", {
        regionId: REGION,
        autoSnapshotPolicyId: policyId,
        diskIds: json([disk1, disk2]),
      });
      expect((await describeDisks()).map((disk) => disk.AutoSnapshotPolicyId)).toEqual(["", other]);

      // Cancel without one removes whatever policy the disks carry.
      await call("CancelAutoSnapshotPolicy", { regionId: REGION, diskIds: json([disk2]) });
      expect((await describeDisks()).map((disk) => disk.EnableAutoSnapshot)).toEqual([false, false]);

      // Deleting a policy detaches its disks.
      await call("ApplyAutoSnapshotPolicy", {
        regionId: REGION,
        autoSnapshotPolicyId: other,
        diskIds: json([disk1]),
      });
      expect(
        (await call("DeleteAutoSnapshotPolicy", { regionId: REGION, autoSnapshotPolicyId: other })).status,
      ).toBe(200);
      expect((await describeDisks()).map((disk) => disk.AutoSnapshotPolicyId)).toEqual(["", ""]);
      expect(
        policyList(
          await call("DescribeAutoSnapshotPolicyEx", { RegionId: REGION, AutoSnapshotPolicyId: other }),
        ),
      ).toEqual([]);
      await call("DeleteAutoSnapshotPolicy", { regionId: REGION, autoSnapshotPolicyId: policyId });
    });

    test("DescribeRegions lists the known regions", async () => {
      const answer = await call("DescribeRegions", { RegionId: REGION });
      const regions = (answer.body.Regions as { Region: { RegionId: string }[] }).Region.map(
        (r) => r.RegionId,
      );
      expect(regions).toEqual(expect.arrayContaining(["cn-hangzhou", "ap-southeast-1", "eu-central-1"]));
    });
  });

  describe("paging", () => {
    const region = "ap-southeast-1";
    const disks = Array.from({ length: 7 }, (_, index) => `d-page${index}`);
    let call: Caller;

    beforeAll(async () => {
      call = popCoreCaller(emulator);
      emulator.addDisks(disks.map((diskId) => ({ diskId, regionId: region })));
      for (let index = 0; index < 5; index += 1) {
        await call(
          "CreateAutoSnapshotPolicy",
          createParams({ regionId: region, autoSnapshotPolicyName: `Page${index}` }),
        );
      }
    });

    test("DescribeAutoSnapshotPolicyEx pages by PageNumber/PageSize and filters by name", async () => {
      const pages = await Promise.all(
        [1, 2, 3].map((PageNumber) =>
          call("DescribeAutoSnapshotPolicyEx", { RegionId: region, PageNumber, PageSize: 2 }),
        ),
      );
      expect(pages.map((page) => policyList(page).map((policy) => policy.AutoSnapshotPolicyName))).toEqual([
        ["Page0", "Page1"],
        ["Page2", "Page3"],
        ["Page4"],
      ]);
      expect(pages[2].body).toMatchObject({ TotalCount: 5, PageNumber: 3, PageSize: 2 });
      const byName = await call("DescribeAutoSnapshotPolicyEx", {
        RegionId: region,
        AutoSnapshotPolicyName: "Page3",
      });
      expect(policyList(byName).map((policy) => policy.AutoSnapshotPolicyName)).toEqual(["Page3"]);
    });

    test("DescribeDisks pages by PageNumber/PageSize and by MaxResults/NextToken", async () => {
      const second = await call("DescribeDisks", { RegionId: region, PageNumber: 2, PageSize: 3 });
      expect(diskList(second).map((disk) => disk.DiskId)).toEqual(disks.slice(3, 6));
      expect(second.body).toMatchObject({ TotalCount: 7, PageNumber: 2, PageSize: 3 });

      const seen: unknown[] = [];
      let NextToken = "";
      do {
        const page = await call("DescribeDisks", {
          RegionId: region,
          MaxResults: 3,
          ...(NextToken && { NextToken }),
        });
        seen.push(...diskList(page).map((disk) => disk.DiskId));
        NextToken = page.body.NextToken as string;
      } while (NextToken);
      expect(seen).toEqual(disks);
    });

    test("DescribeDisks with DiskIds returns only those, and takes at most 100", async () => {
      const some = await call("DescribeDisks", {
        RegionId: region,
        DiskIds: json(["d-page1", "d-page4", "d-nope"]),
      });
      expect(diskList(some).map((disk) => disk.DiskId)).toEqual(["d-page1", "d-page4"]);
      const tooMany = await call("DescribeDisks", {
        RegionId: region,
        DiskIds: json(Array.from({ length: 101 }, (_, index) => `d-x${index}`)),
      });
      expect(tooMany.status).toBe(400);
      expect(tooMany.body.Code).toBe("InvalidDiskIds.Malformed");
    });
  });

  test("pop-core signs GET requests as well as POST", async () => {
    const get = popCoreCaller(emulator, "GET");
    const created = await get(
      "CreateAutoSnapshotPolicy",
      createParams({ autoSnapshotPolicyName: "Via-GET" }),
    );
    expect(created.status).toBe(200);
    const listed = await get("DescribeAutoSnapshotPolicyEx", {
      RegionId: REGION,
      AutoSnapshotPolicyId: created.body.AutoSnapshotPolicyId as string,
    });
    expect(policyList(listed).map((policy) => policy.AutoSnapshotPolicyName)).toEqual(["Via-GET"]);
  });

  test("the typed @alicloud/ecs20140526 methods round-trip", async () => {
    const client = local.ecs;
    const created = await client.createAutoSnapshotPolicy(
      new $Ecs.CreateAutoSnapshotPolicyRequest({
        regionId: REGION,
        timePoints: json([2]),
        repeatWeekdays: json([7]),
        retentionDays: -1,
        autoSnapshotPolicyName: "Typed",
        tag: [new $Ecs.CreateAutoSnapshotPolicyRequestTag({ key: "k (1)", value: "v*!~ +" })],
      }),
    );
    const policyId = created.body?.autoSnapshotPolicyId as string;
    await client.applyAutoSnapshotPolicy(
      new $Ecs.ApplyAutoSnapshotPolicyRequest({
        regionId: REGION,
        autoSnapshotPolicyId: policyId,
        diskIds: json(["d-acs0001"]),
      }),
    );
    const described = await client.describeAutoSnapshotPolicyEx(
      new $Ecs.DescribeAutoSnapshotPolicyExRequest({ regionId: REGION, autoSnapshotPolicyId: policyId }),
    );
    const policy = described.body?.autoSnapshotPolicies?.autoSnapshotPolicy?.[0];
    expect(policy).toMatchObject({
      autoSnapshotPolicyName: "Typed",
      timePoints: '["2"]',
      retentionDays: -1,
      diskNums: 1,
    });
    expect(policy?.tags?.tag).toEqual([expect.objectContaining({ tagKey: "k (1)", tagValue: "v*!~ +" })]);
    await client.tagResources(
      new $Ecs.TagResourcesRequest({
        regionId: REGION,
        resourceType: "snapshotpolicy",
        resourceId: [policyId],
        tag: [new $Ecs.TagResourcesRequestTag({ key: "env", value: "dev" })],
      }),
    );
    const disks = await client.describeDisks(
      new $Ecs.DescribeDisksRequest({ regionId: REGION, autoSnapshotPolicyId: policyId }),
    );
    expect(disks.body?.disks?.disk?.map((disk) => disk.diskId)).toEqual(["d-acs0001"]);
    await client.cancelAutoSnapshotPolicy(
      new $Ecs.CancelAutoSnapshotPolicyRequest({ regionId: REGION, diskIds: json(["d-acs0001"]) }),
    );
    await client.deleteAutoSnapshotPolicy(
      new $Ecs.DeleteAutoSnapshotPolicyRequest({ regionId: REGION, autoSnapshotPolicyId: policyId }),
    );
    await expect(
      client.modifyAutoSnapshotPolicyEx(
        new $Ecs.ModifyAutoSnapshotPolicyExRequest({
          regionId: REGION,
          autoSnapshotPolicyId: policyId,
          retentionDays: 3,
        }),
      ),
    ).rejects.toMatchObject({ statusCode: 404, code: "ParameterInvalid" });
  });

  test("every request is logged with its action, decoded parameters and outcome, never the signature", async () => {
    const before = emulator.requests.length;
    await popCoreCaller(emulator)("CreateAutoSnapshotPolicy", createParams({ timePoints: json([24]) }));
    const logged = emulator.requests.slice(before);
    expect(logged).toEqual([
      {
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        action: "CreateAutoSnapshotPolicy",
        params: expect.objectContaining({ regionId: REGION, timePoints: '["24"]', retentionDays: "30" }),
        status: 403,
        code: "ParameterInvalid",
      },
    ]);
    expect(logged[0].params).not.toHaveProperty("Signature");
    expect(JSON.stringify(emulator.requests)).not.toContain(emulator.accessKeySecret);
  });
});
