import type * as pulumi from "@pulumi/pulumi";
import { autoSnapshotPolicyProvider as provider } from "../../provider";
import { UNKNOWN } from "../../provider/engine";
import { CLIENT_TOKEN_TAG } from "../../provider/policy/schema";
import {
  ACCOUNT_KINDS,
  REGION,
  configureProvider,
  outOfBandEcs,
  type OutOfBandEcs,
  type ServicePolicy,
} from "../support/local-ecs";
import { useLocalEcs } from "../support/use-local-ecs";

/*
 * The AutoSnapshotPolicy provider against the local ECS endpoint, through the real pop-core client, in
 * both kinds of account: the policy's own calls are the same in each. Call counts come from the
 * endpoint's request log, so they count what went over the wire.
 */

type Props = Record<string, unknown>;

const PROVIDER = "serialized-provider";

describe.each(ACCOUNT_KINDS)("in an account of %i policies per disk", (policiesPerDisk) => {
  const local = useLocalEcs({ policiesPerDisk });
  let ecs: OutOfBandEcs;

  beforeAll(async () => {
    await configureProvider(provider, local.emulator);
    ecs = outOfBandEcs(local.emulator);
  });

  async function servicePolicy(id: string, regionId = REGION): Promise<ServicePolicy | undefined> {
    const answer = await ecs<{ AutoSnapshotPolicies: { AutoSnapshotPolicy: ServicePolicy[] } }>(
      "DescribeAutoSnapshotPolicyEx",
      { RegionId: regionId, AutoSnapshotPolicyId: id },
    );
    return answer.AutoSnapshotPolicies.AutoSnapshotPolicy[0];
  }

  /** What the engine does: check against the old inputs, then create with the checked inputs. */
  async function checked(news: Props, olds: Props = {}): Promise<Props> {
    const result = await provider.check!(olds, news);
    expect(result.failures ?? []).toEqual([]);
    return { ...result.inputs, __provider: PROVIDER };
  }

  async function up(news: Props): Promise<{ id: string; inputs: Props; outputs: Props }> {
    const inputs = await checked(news);
    const { id, outs } = await provider.create(inputs);
    return { id, inputs, outputs: { ...outs, __provider: PROVIDER } };
  }

  /** Requests made to the endpoint while `work` runs, by action. */
  async function callsDuring(work: () => Promise<unknown>): Promise<string[]> {
    const before = local.emulator.requests.length;
    await work();
    return local.emulator.requests.slice(before).map((request) => request.action);
  }

  const base: Props = { timePoints: [1], repeatWeekdays: [1, 3], retentionDays: 7 };

  const allInputs: Props = {
    regionId: REGION,
    autoSnapshotPolicyName: "Nightly-backup",
    timePoints: [13, 1, "1"],
    repeatWeekdays: ["5", 1],
    retentionDays: 30,
    enableCrossRegionCopy: true,
    targetCopyRegions: ["cn-shanghai"],
    copiedSnapshotsRetentionDays: 14,
    copyEncryptionConfiguration: { encrypted: true, kmsKeyId: "0e478b7a-4262-4802-b8cb-00d3fb40826X" },
    tags: { team: "storage", env: "" },
    resourceGroupId: "rg-aek2kkmhmhs",
    allowSnapshotLimitOverflow: false,
  };

  describe("check", () => {
    test("adds a client token, keeps the old one, and makes no API call", async () => {
      const calls = await callsDuring(async () => {
        const first = await provider.check!({}, base);
        expect(first.inputs.clientToken).toMatch(/^[0-9a-f-]{36}$/);
        const second = await provider.check!(first.inputs, { ...base, retentionDays: 8 });
        expect(second.inputs.clientToken).toBe(first.inputs.clientToken);
      });
      expect(calls).toEqual([]);
    });

    test("a replacement gets a token of its own", async () => {
      const first = await provider.check!({}, base);
      const moved = await provider.check!(first.inputs, { ...base, regionId: "cn-beijing" });
      expect(moved.inputs.clientToken).not.toBe(first.inputs.clientToken);
    });

    test("20 tags fail: one of the 20 a policy holds is kept for the provider", async () => {
      const tags = Object.fromEntries(Array.from({ length: 20 }, (_, index) => [`key${index}`, "v"]));
      const result = await provider.check!({}, { ...base, tags });
      expect(result.failures).toEqual([
        {
          property: "tags",
          reason: expect.stringMatching(/^20 tags; at most 19 are allowed .*the provider keeps one/),
        },
      ]);
      const nineteen = Object.fromEntries(Object.entries(tags).slice(0, 19));
      expect((await provider.check!({}, { ...base, tags: nineteen })).failures).toEqual([]);
    });

    test("the token tag key is reserved", async () => {
      const result = await provider.check!({}, { ...base, tags: { [CLIENT_TOKEN_TAG]: "mine" } });
      expect(result.failures).toEqual([
        {
          property: "tags",
          reason: expect.stringMatching(`^tags.${CLIENT_TOKEN_TAG}: this tag key is kept`),
        },
      ]);
    });

    // The engine looks a failure's property up among the inputs by top-level name only.
    test("a failure inside a list names the top-level input, with the path in the reason", async () => {
      const result = await provider.check!({}, { ...base, timePoints: [2, 25] });
      expect(result.failures).toEqual([
        { property: "timePoints", reason: "timePoints[1]: 25 is not allowed; whole hours 0–23 (UTC+8)" },
      ]);
    });

    test("retentionDays is required, as in @pulumi/alicloud", async () => {
      const result = await provider.check!({}, { timePoints: [1], repeatWeekdays: [1, 3] });
      expect(result.failures).toEqual([
        { property: "retentionDays", reason: "retentionDays is required: -1 (keep forever) or 1–65535 days" },
      ]);
    });

    test("the snapshot limit fails only when the schedule is known", async () => {
      const overflow = {
        timePoints: Array.from({ length: 24 }, (_, hour) => hour),
        repeatWeekdays: [1, 2, 3, 4, 5, 6, 7],
      };
      const known = await provider.check!({}, { ...overflow, retentionDays: 60 });
      expect(known.failures?.map((failure) => failure.property)).toEqual(["retentionDays"]);
      const unknown = await provider.check!({}, { ...overflow, retentionDays: UNKNOWN, tags: UNKNOWN });
      expect(unknown.failures).toEqual([]);
    });
  });

  describe("create", () => {
    test("creates with every input; outputs are what the service holds", async () => {
      const { id, outputs } = await up(allInputs);
      expect(id).toMatch(/^sp-/);
      const { __provider, clientToken, ...declaredOutputs } = outputs;
      expect(__provider).toBe(PROVIDER);
      expect(declaredOutputs).toEqual({
        autoSnapshotPolicyId: id,
        regionId: REGION,
        autoSnapshotPolicyName: "Nightly-backup",
        timePoints: [1, 13],
        repeatWeekdays: [1, 5],
        retentionDays: 30,
        enableCrossRegionCopy: true,
        targetCopyRegions: ["cn-shanghai"],
        copiedSnapshotsRetentionDays: 14,
        copyEncryptionConfiguration: { encrypted: true, kmsKeyId: "0e478b7a-4262-4802-b8cb-00d3fb40826X" },
        tags: { team: "storage", env: "" },
        resourceGroupId: "rg-aek2kkmhmhs",
        status: "Normal",
        creationTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
        snapshotsPerDisk: 18,
        schedule: expect.stringContaining("kept 30 days"),
        associationType: "AssociatedWithDisk",
        targetTags: {},
        matchedDiskIds: [],
        coveredDiskCount: -1,
        allowSnapshotLimitOverflow: false,
        adopted: false,
      });
      const held = await servicePolicy(id);
      expect(held?.Tags.Tag).toContainEqual({ TagKey: CLIENT_TOKEN_TAG, TagValue: clientToken });
    });

    test("a second up of the unchanged program is a no-op", async () => {
      const { id, inputs, outputs } = await up(allInputs);
      const calls = await callsDuring(async () => {
        const again = await checked(allInputs, inputs);
        expect(await provider.diff!(id, outputs, again)).toEqual({
          changes: false,
          replaces: [],
          deleteBeforeReplace: false,
        });
      });
      expect(calls).toEqual([]);
    });

    test.each<[string, Props]>([
      ["reordered", { timePoints: [13, 1], repeatWeekdays: [5, 1] }],
      ["duplicated", { timePoints: [1, 13, 13, 1], repeatWeekdays: [1, 5, 5] }],
      ["string-form", { timePoints: ["1", "13"], repeatWeekdays: ["1", "5"], retentionDays: "30" }],
    ])("diff: %s inputs are no change", async (_, form) => {
      const declared = { ...base, timePoints: [1, 13], repeatWeekdays: [1, 5], retentionDays: 30 };
      const { id, inputs, outputs } = await up(declared);
      const again = await checked({ ...declared, ...form }, inputs);
      expect((await provider.diff!(id, outputs, again)).changes).toBe(false);
    });
  });

  describe("update", () => {
    test.each<[string, Props, Props]>([
      [
        "autoSnapshotPolicyName",
        { autoSnapshotPolicyName: "Renamed" },
        { autoSnapshotPolicyName: "Renamed" },
      ],
      ["timePoints", { timePoints: [2, 4] }, { timePoints: [2, 4] }],
      ["repeatWeekdays", { repeatWeekdays: [7] }, { repeatWeekdays: [7] }],
      [
        "retentionDays",
        { retentionDays: -1, allowSnapshotLimitOverflow: true },
        { retentionDays: -1, snapshotsPerDisk: -1, allowSnapshotLimitOverflow: true },
      ],
      [
        "enableCrossRegionCopy (on)",
        { enableCrossRegionCopy: true, targetCopyRegions: ["cn-shanghai"] },
        { enableCrossRegionCopy: true, targetCopyRegions: ["cn-shanghai"] },
      ],
      [
        "copiedSnapshotsRetentionDays",
        { enableCrossRegionCopy: true, targetCopyRegions: ["cn-shanghai"], copiedSnapshotsRetentionDays: 3 },
        { copiedSnapshotsRetentionDays: 3 },
      ],
      [
        "copyEncryptionConfiguration",
        {
          enableCrossRegionCopy: true,
          targetCopyRegions: ["cn-shanghai"],
          copyEncryptionConfiguration: { encrypted: true },
        },
        { copyEncryptionConfiguration: { encrypted: true } },
      ],
    ])("%s is modified in place with one ModifyAutoSnapshotPolicyEx", async (_, change, expected) => {
      const { id, inputs, outputs } = await up(base);
      const news = await checked({ ...base, ...change }, inputs);
      expect(await provider.diff!(id, outputs, news)).toMatchObject({ changes: true, replaces: [] });
      let outs: Props = {};
      const calls = await callsDuring(async () => ({ outs } = await provider.update!(id, outputs, news)));
      expect(calls).toEqual(["ModifyAutoSnapshotPolicyEx", "DescribeAutoSnapshotPolicyEx"]);
      expect(outs).toMatchObject(expected);
      expect((await provider.diff!(id, { ...outs, __provider: PROVIDER }, news)).changes).toBe(false);
    });

    test("turning cross-region copy off sends EnableCrossRegionCopy=false", async () => {
      const copying = { ...base, enableCrossRegionCopy: true, targetCopyRegions: ["cn-shanghai"] };
      const { id, inputs, outputs } = await up(copying);
      const news = await checked(base, inputs);
      const before = local.emulator.requests.length;
      const { outs } = await provider.update!(id, outputs, news);
      const modify = local.emulator.requests
        .slice(before)
        .find((r) => r.action === "ModifyAutoSnapshotPolicyEx");
      expect(modify?.params.EnableCrossRegionCopy).toBe("false");
      expect(outs).toMatchObject({ enableCrossRegionCopy: false, targetCopyRegions: [] });
    });

    test("an unchanged update makes no call", async () => {
      const { id, inputs, outputs } = await up(allInputs);
      const news = await checked(allInputs, inputs);
      let outs: Props = {};
      expect(await callsDuring(async () => ({ outs } = await provider.update!(id, outputs, news)))).toEqual(
        [],
      );
      expect(outs).toMatchObject({ autoSnapshotPolicyId: id, tags: allInputs.tags });
    });

    test("tags are added, changed and removed without ModifyAutoSnapshotPolicyEx; the token tag stays", async () => {
      const { id, inputs, outputs } = await up({ ...base, tags: { keep: "1", change: "old", drop: "x" } });
      const news = await checked({ ...base, tags: { keep: "1", change: "new", add: "" } }, inputs);
      let outs: Props = {};
      const before = local.emulator.requests.length;
      await provider.update!(id, outputs, news).then((result) => (outs = result.outs));
      const requests = local.emulator.requests.slice(before);
      expect(requests.map((r) => r.action)).toEqual([
        "TagResources",
        "UntagResources",
        "DescribeAutoSnapshotPolicyEx",
      ]);
      expect(requests[0].params).toMatchObject({
        ResourceType: "snapshotpolicy",
        RegionId: REGION,
        "ResourceId.1": id,
        "Tag.1.Key": "change",
        "Tag.1.Value": "new",
        "Tag.2.Key": "add",
      });
      expect(requests[1].params).toMatchObject({ "ResourceId.1": id, "TagKey.1": "drop" });
      expect(outs.tags).toEqual({ keep: "1", change: "new", add: "" });
      const held = await servicePolicy(id);
      expect(held?.Tags.Tag.map((tag) => tag.TagKey)).toContain(CLIENT_TOKEN_TAG);

      const untagged = await checked(base, news);
      await provider.update!(id, { ...outs, __provider: PROVIDER }, untagged).then(
        (result) => (outs = result.outs),
      );
      expect(outs.tags).toEqual({});
      expect((await servicePolicy(id))?.Tags.Tag).toEqual([
        { TagKey: CLIENT_TOKEN_TAG, TagValue: inputs.clientToken },
      ]);
    });

    test("tag keys named like built-in properties are added, changed and removed like any other", async () => {
      const serviceTags = async (id: string) =>
        Object.fromEntries(
          ((await servicePolicy(id))?.Tags.Tag ?? [])
            .filter((tag) => tag.TagKey !== CLIENT_TOKEN_TAG)
            .map((tag) => [tag.TagKey, tag.TagValue]),
        );
      const { id, inputs, outputs } = await up({ ...base, tags: { constructor: "a", toString: "b" } });
      expect(outputs.tags).toEqual({ constructor: "a", toString: "b" });
      expect(await serviceTags(id)).toEqual({ constructor: "a", toString: "b" });

      const news = await checked({ ...base, tags: { constructor: "changed", hasOwnProperty: "c" } }, inputs);
      expect((await provider.diff!(id, outputs, news)).changes).toBe(true);
      const { outs } = await provider.update!(id, outputs, news);
      expect(outs.tags).toEqual({ constructor: "changed", hasOwnProperty: "c" });
      expect(await serviceTags(id)).toEqual({ constructor: "changed", hasOwnProperty: "c" });

      const unchanged = await checked(
        { ...base, tags: { constructor: "changed", hasOwnProperty: "c" } },
        news,
      );
      expect((await provider.diff!(id, { ...outs, __provider: PROVIDER }, unchanged)).changes).toBe(false);
      const emptied = await checked(base, news);
      expect((await provider.diff!(id, { ...outs, __provider: PROVIDER }, emptied)).changes).toBe(true);
      await provider.update!(id, { ...outs, __provider: PROVIDER }, emptied);
      expect(await serviceTags(id)).toEqual({});
    });

    test("a tag named __proto__ fails check() instead of being dropped", async () => {
      const result = await provider.check!(
        {},
        { ...base, tags: JSON.parse('{"__proto__": "x", "team": "a"}') },
      );
      expect(result.failures).toEqual([
        { property: "tags", reason: expect.stringMatching(/^tags\.__proto__: .*__proto__/) },
      ]);
    });

    test.each<[string, Props]>([
      ["regionId", { regionId: "cn-beijing" }],
      ["resourceGroupId", { resourceGroupId: "rg-other" }],
    ])("a new %s replaces the policy", async (key, change) => {
      const { id, inputs, outputs } = await up({ ...base, resourceGroupId: "rg-first" });
      const news = await checked({ ...base, resourceGroupId: "rg-first", ...change }, inputs);
      expect(await provider.diff!(id, outputs, news)).toEqual({
        changes: true,
        replaces: [key],
        deleteBeforeReplace: false,
      });
      const replacement = await provider.create(news);
      expect(replacement.id).not.toBe(id);
      expect(await servicePolicy(id)).toBeDefined();
    });
  });

  describe("read (refresh)", () => {
    test("a policy changed outside Pulumi shows the drift, and the next update corrects it", async () => {
      const { id, inputs, outputs } = await up({ ...base, autoSnapshotPolicyName: "Declared" });
      await ecs("ModifyAutoSnapshotPolicyEx", {
        regionId: REGION,
        autoSnapshotPolicyId: id,
        autoSnapshotPolicyName: "Drifted",
        retentionDays: 9,
      });
      const refreshed = await provider.read!(id, outputs);
      expect(refreshed.id).toBe(id);
      expect(refreshed.props).toMatchObject({
        autoSnapshotPolicyName: "Drifted",
        retentionDays: 9,
        clientToken: inputs.clientToken,
        allowSnapshotLimitOverflow: false,
      });
      const refreshedOutputs = { ...refreshed.props, __provider: PROVIDER };
      const news = await checked({ ...base, autoSnapshotPolicyName: "Declared" }, inputs);
      expect((await provider.diff!(id, refreshedOutputs, news)).changes).toBe(true);
      const { outs } = await provider.update!(id, refreshedOutputs, news);
      expect(outs).toMatchObject({ autoSnapshotPolicyName: "Declared", retentionDays: 7 });
      expect(await servicePolicy(id)).toMatchObject({ AutoSnapshotPolicyName: "Declared", RetentionDays: 7 });
    });

    // After a refresh the engine diffs the stored inputs against the declared ones, to mark properties.
    test("read returns the live policy as inputs: equal to check's when nothing drifted", async () => {
      const declared = { ...base, autoSnapshotPolicyName: "Steady", tags: { team: "storage" } };
      const { id, inputs, outputs } = await up(declared);
      const refreshed = await provider.read!(id, outputs);
      const { __provider, ...checkedInputs } = inputs;
      expect(__provider).toBe(PROVIDER);
      expect(refreshed.inputs).toEqual(checkedInputs);
    });

    test("read returns the drifted properties, and only those, changed in its inputs", async () => {
      const declared = { ...base, autoSnapshotPolicyName: "Steady", tags: { team: "storage" } };
      const { id, inputs, outputs } = await up(declared);
      await ecs("ModifyAutoSnapshotPolicyEx", {
        regionId: REGION,
        autoSnapshotPolicyId: id,
        timePoints: '["5"]',
        retentionDays: 9,
      });
      const refreshed = await provider.read!(id, outputs);
      const changed = Object.keys(refreshed.inputs).filter(
        (key) => JSON.stringify(refreshed.inputs[key]) !== JSON.stringify(inputs[key]),
      );
      // schedule and snapshotsPerDisk (carried for preview) follow the drifted schedule.
      expect(changed.sort()).toEqual(["retentionDays", "schedule", "snapshotsPerDisk", "timePoints"]);
      expect(refreshed.inputs).toMatchObject({ timePoints: [5], retentionDays: 9 });
    });

    test("a policy deleted outside Pulumi is gone from state", async () => {
      const { id, outputs } = await up(base);
      await ecs("DeleteAutoSnapshotPolicy", { regionId: REGION, autoSnapshotPolicyId: id });
      expect(await provider.read!(id, outputs)).toEqual({ id: undefined, props: {} });
    });
  });

  describe("delete", () => {
    test("deletes the policy; a second delete is a no-op success", async () => {
      const { id, outputs } = await up(base);
      await provider.delete!(id, outputs);
      expect(await servicePolicy(id)).toBeUndefined();
      await expect(provider.delete!(id, outputs)).resolves.toBeUndefined();
    });
  });

  describe("adoption", () => {
    async function existingPolicy(): Promise<string> {
      const answer = await ecs<{ AutoSnapshotPolicyId: string }>("CreateAutoSnapshotPolicy", {
        regionId: REGION,
        autoSnapshotPolicyName: "Handmade",
        timePoints: '["5"]',
        repeatWeekdays: '["2"]',
        retentionDays: 3,
        "Tag.1.Key": "owner",
        "Tag.1.Value": "ops",
      });
      return answer.AutoSnapshotPolicyId;
    }

    test.each([true, false])(
      "adopts without creating, brings the policy to the declared state; deleteAdoptedPolicyOnDestroy: %s",
      async (deleteAdoptedPolicyOnDestroy) => {
        const adoptPolicyId = await existingPolicy();
        const declared = { ...base, tags: { team: "storage" }, adoptPolicyId, deleteAdoptedPolicyOnDestroy };
        let created: pulumi.dynamic.CreateResult = { id: "" };
        const calls = await callsDuring(
          async () => (created = await provider.create(await checked(declared))),
        );
        expect(calls).not.toContain("CreateAutoSnapshotPolicy");
        expect(created.id).toBe(adoptPolicyId);
        expect(created.outs).toMatchObject({
          adopted: true,
          adoptPolicyId,
          deleteAdoptedPolicyOnDestroy,
          autoSnapshotPolicyName: "Handmade",
          timePoints: [1],
          repeatWeekdays: [1, 3],
          retentionDays: 7,
          tags: { team: "storage" },
        });

        const deleteCalls = await callsDuring(() => provider.delete!(adoptPolicyId, created.outs));
        expect(deleteCalls).toEqual(deleteAdoptedPolicyOnDestroy ? ["DeleteAutoSnapshotPolicy"] : []);
        expect((await servicePolicy(adoptPolicyId)) === undefined).toBe(deleteAdoptedPolicyOnDestroy);
      },
    );

    test("adopting the resource's own policy with deleteAdoptedPolicyOnDestroy: false, then destroying, keeps it", async () => {
      const { id, inputs, outputs } = await up(base);
      const adopting = await checked(
        { ...base, adoptPolicyId: id, deleteAdoptedPolicyOnDestroy: false },
        inputs,
      );
      expect(await provider.diff!(id, outputs, adopting)).toMatchObject({ changes: true, replaces: [] });
      const { outs } = await provider.update!(id, outputs, adopting);
      expect(outs).toMatchObject({ adopted: true, deleteAdoptedPolicyOnDestroy: false });
      const calls = await callsDuring(() => provider.delete!(id, { ...outs, __provider: PROVIDER }));
      expect(calls).toEqual([]);
      expect(await servicePolicy(id)).toBeDefined();
    });

    test("removing adoptPolicyId keeps the policy, in place and adopted; the flag stays settable and decides destroy", async () => {
      const adoptPolicyId = await existingPolicy();
      const adopting = await checked({ ...base, adoptPolicyId, deleteAdoptedPolicyOnDestroy: false });
      const created = await provider.create(adopting);
      const outputs = { ...created.outs, __provider: PROVIDER };

      const kept = await checked(base, adopting);
      expect(await provider.diff!(adoptPolicyId, outputs, kept)).toMatchObject({
        changes: true,
        replaces: [],
      });
      const { outs } = await provider.update!(adoptPolicyId, outputs, kept);
      expect(outs).toMatchObject({ adopted: true });
      expect(outs).not.toHaveProperty("adoptPolicyId");
      expect(
        await callsDuring(() => provider.delete!(adoptPolicyId, { ...outs, __provider: PROVIDER })),
      ).toEqual([]);

      const deleting = await checked({ ...base, deleteAdoptedPolicyOnDestroy: true }, kept);
      const updated = await provider.update!(adoptPolicyId, { ...outs, __provider: PROVIDER }, deleting);
      expect(updated.outs).toMatchObject({ adopted: true, deleteAdoptedPolicyOnDestroy: true });
      await provider.delete!(adoptPolicyId, { ...updated.outs, __provider: PROVIDER });
      expect(await servicePolicy(adoptPolicyId)).toBeUndefined();
    });

    test("a missing policy fails with a message naming adoptPolicyId", async () => {
      const inputs = await checked({
        ...base,
        adoptPolicyId: "sp-bp1doesnotexist",
        deleteAdoptedPolicyOnDestroy: false,
      });
      await expect(provider.create(inputs)).rejects.toThrow(
        /^adoptPolicyId: policy sp-bp1doesnotexist does not exist/,
      );
    });

    test("a different resource group fails the adoption", async () => {
      const adoptPolicyId = await existingPolicy();
      const inputs = await checked({
        ...base,
        resourceGroupId: "rg-elsewhere",
        adoptPolicyId,
        deleteAdoptedPolicyOnDestroy: false,
      });
      await expect(provider.create(inputs)).rejects.toThrow(/^resourceGroupId: .*rg-elsewhere/);
    });
  });
});
