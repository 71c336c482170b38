import * as $Ecs from "@alicloud/ecs20140526";
import { autoSnapshotPolicyProvider as provider, policyAttachmentProvider } from "../../provider";
import { UNKNOWN } from "../../provider/engine";
import { INSTANCE_TAG_REGIONS } from "../../provider/policy/association";
import { REGIONS, supportsInstanceTagAssociation } from "../../emulator/regions";
import {
  ACCOUNT_KINDS,
  configureProvider,
  describePolicies,
  outOfBandEcs,
  type OutOfBandEcs,
  REGION,
} from "../support/local-ecs";
import { useLocalEcs } from "../support/use-local-ecs";

/*
 * Tag-associated policies (associationType, targetTags) through the AutoSnapshotPolicy provider,
 * which talks to the local ECS endpoint with pop-core; the typed ACS3 client (@alicloud/ecs20140526)
 * reads and writes the same policies from outside, so both clients agree on the wire names. In both
 * kinds of account.
 */

type Props = Record<string, unknown>;

const PROVIDER = "serialized-provider";
const UNSUPPORTED_REGION = "us-west-1";

describe.each(ACCOUNT_KINDS)("in an account of %i policies per disk", (policiesPerDisk) => {
  const local = useLocalEcs({ policiesPerDisk });
  let ecs: OutOfBandEcs;
  let serial = 0;

  beforeAll(async () => {
    await configureProvider(provider, local.emulator);
    await configureProvider(policyAttachmentProvider, local.emulator);
    ecs = outOfBandEcs(local.emulator);
  });

  const schedule: Props = { timePoints: [2], repeatWeekdays: [1, 4], retentionDays: 7 };
  const tagPolicy = (targetTags: Props, more: Props = {}): Props => ({
    ...schedule,
    associationType: "AssociatedWithInstanceTag",
    targetTags,
    ...more,
  });

  /** A new instance with `diskCount` disks in REGION; ids are unique across the suite. */
  function newInstance(tags: Record<string, string>, diskCount = 1): { instanceId: string; disks: string[] } {
    const instanceId = `i-tagtest${++serial}`;
    const disks = Array.from({ length: diskCount }, (_, index) => `d-tagtest${serial}x${index}`);
    local.emulator.addInstances([{ instanceId, regionId: REGION, tags }]);
    local.emulator.addDisks(disks.map((diskId) => ({ diskId, regionId: REGION, instanceId })));
    return { instanceId, disks };
  }

  /** A tag value no other test uses, so that each test matches only its own instances. */
  const uniqueValue = (name: string) => `${name}-${++serial}`;

  async function checked(news: Props, olds: Props = {}): Promise<Props> {
    const result = await provider.check!(olds, news);
    expect(result.failures ?? []).toEqual([]);
    return { ...result.inputs, __provider: PROVIDER };
  }

  async function failuresOf(news: Props): Promise<{ property: string; reason: string }[]> {
    const before = local.emulator.requests.length;
    const result = await provider.check!({}, news);
    expect(local.emulator.requests.length).toBe(before);
    return result.failures ?? [];
  }

  async function up(news: Props): Promise<{ id: string; inputs: Props; outputs: Props }> {
    const inputs = await checked(news);
    const { id, outs } = await provider.create(inputs);
    return { id, inputs, outputs: { ...outs, __provider: PROVIDER } };
  }

  async function refreshed(id: string, outputs: Props): Promise<Props> {
    const result = await provider.read!(id, outputs);
    expect(result.id).toBe(id);
    return result.props as Props;
  }

  async function callsDuring<T>(
    work: () => Promise<T>,
  ): Promise<{ result: T; calls: { action: string; params: Record<string, string> }[] }> {
    const before = local.emulator.requests.length;
    const result = await work();
    return { result, calls: local.emulator.requests.slice(before) };
  }

  async function tagInstance(instanceId: string, tags: Record<string, string>): Promise<void> {
    const numbered = Object.entries(tags).flatMap(([key, value], index) => [
      [`Tag.${index + 1}.Key`, key],
      [`Tag.${index + 1}.Value`, value],
    ]);
    await ecs("TagResources", {
      RegionId: REGION,
      ResourceType: "instance",
      "ResourceId.1": instanceId,
      ...Object.fromEntries(numbered),
    });
  }

  async function untagInstance(instanceId: string, keys: string[]): Promise<void> {
    await ecs("UntagResources", {
      RegionId: REGION,
      ResourceType: "instance",
      "ResourceId.1": instanceId,
      ...Object.fromEntries(keys.map((key, index) => [`TagKey.${index + 1}`, key])),
    });
  }

  describe("check: the rules for associationType and targetTags, at preview and without a call", () => {
    test("the default is AssociatedWithDisk, and targetTags are not allowed with it", async () => {
      expect((await provider.check!({}, schedule)).inputs).toMatchObject({
        associationType: "AssociatedWithDisk",
      });
      expect(await failuresOf({ ...schedule, targetTags: { env: "prod" } })).toEqual([
        {
          property: "targetTags",
          reason: expect.stringMatching(/^only allowed with associationType: AssociatedWithInstanceTag/),
        },
      ]);
    });

    test("AssociatedWithInstanceTag needs targetTags: 1 to 5 of them", async () => {
      expect(await failuresOf({ ...schedule, associationType: "AssociatedWithInstanceTag" })).toEqual([
        {
          property: "targetTags",
          reason: expect.stringMatching(/^required with associationType AssociatedWithInstanceTag; 1–5 tags/),
        },
      ]);
      expect(await failuresOf(tagPolicy({}))).toEqual([
        { property: "targetTags", reason: expect.stringMatching(/^an empty map is not allowed; 1–5 tags/) },
      ]);
      const six = Object.fromEntries(Array.from({ length: 6 }, (_, index) => [`k${index}`, "v"]));
      expect(await failuresOf(tagPolicy(six))).toEqual([
        { property: "targetTags", reason: expect.stringMatching(/^6 tags are not allowed; 1–5 tags/) },
      ]);
      const five = Object.fromEntries(Array.from({ length: 5 }, (_, index) => [`k${index}`, ""]));
      expect(await failuresOf(tagPolicy(five))).toEqual([]);
    });

    test("each bad target tag is named by its key", async () => {
      expect(
        await failuresOf(
          tagPolicy({ "acs:owner": "a", env: "https://x", aliyunTeam: "", ok: "x".repeat(129) }),
        ),
      ).toEqual([
        {
          property: "targetTags",
          reason: 'targetTags.acs:owner: a tag key must not start with "acs:" or "aliyun"',
        },
        {
          property: "targetTags",
          reason: 'targetTags.env: a target tag value must not contain "http://" or "https://"',
        },
        {
          property: "targetTags",
          reason: 'targetTags.aliyunTeam: a tag key must not start with "acs:" or "aliyun"',
        },
        {
          property: "targetTags",
          reason:
            "targetTags.ok: a target tag value of 129 characters is not allowed; target tag values are 0–128 characters ('' = any value)",
        },
      ]);
    });

    test("an unknown association type is refused, naming both", async () => {
      expect(await failuresOf({ ...schedule, associationType: "AssociatedWithTag" })).toEqual([
        {
          property: "associationType",
          reason: '"AssociatedWithTag" is not allowed; AssociatedWithDisk or AssociatedWithInstanceTag',
        },
      ]);
    });

    test("a region without instance-tag association fails on regionId, listing the regions that have it", async () => {
      const failures = await failuresOf(tagPolicy({ env: "prod" }, { regionId: UNSUPPORTED_REGION }));
      expect(failures).toEqual([
        {
          property: "regionId",
          reason: expect.stringMatching(
            /^"us-west-1" does not support associationType AssociatedWithInstanceTag; the regions that do: ap-southeast-3, .*cn-hangzhou, /,
          ),
        },
      ]);
      expect(failures[0].reason).toContain(INSTANCE_TAG_REGIONS.join(", "));
      // The configured region counts too.
      await configureProvider(provider, local.emulator, UNSUPPORTED_REGION);
      try {
        expect(await failuresOf(tagPolicy({ env: "prod" }))).toEqual([
          { property: "regionId", reason: expect.stringContaining('"us-west-1" does not support') },
        ]);
      } finally {
        await configureProvider(provider, local.emulator);
      }
    });

    test.each(REGIONS.map(({ regionId }) => regionId))(
      "%s: the provider's rule and the local endpoint's agree",
      async (regionId) => {
        const failures = await failuresOf(tagPolicy({ env: "prod" }, { regionId }));
        expect(failures.length === 0).toBe(supportsInstanceTagAssociation(regionId));
      },
    );

    test("values from other resources pass at preview", async () => {
      expect(await failuresOf(tagPolicy({ env: UNKNOWN }, { regionId: UNKNOWN }))).toEqual([]);
      expect(await failuresOf({ ...schedule, associationType: UNKNOWN, targetTags: UNKNOWN })).toEqual([]);
    });
  });

  describe("a tag-associated policy", () => {
    test("is created with the SDK's wire names and covers the disks of matching instances only", async () => {
      const env = uniqueValue("prod");
      const both = newInstance({ env, backup: "gold" }, 2);
      const anyBackup = newInstance({ env, backup: "" });
      newInstance({ env }); // no backup tag
      newInstance({ env: "other", backup: "gold" });

      const { result, calls } = await callsDuring(() => up(tagPolicy({ env, backup: "" })));
      const create = calls.find((call) => call.action === "CreateAutoSnapshotPolicy")!;
      expect(create.params).toMatchObject({
        AssociationType: "AssociatedWithInstanceTag",
        "TargetTags.1.Key": "env",
        "TargetTags.1.Value": env,
        "TargetTags.2.Key": "backup",
      });
      expect(create.params).not.toHaveProperty("TargetTags.2.Value");
      expect(calls.map((call) => call.action)).toEqual([
        "DescribeAutoSnapshotPolicyEx", // by client token: a policy an earlier, failed run created
        "CreateAutoSnapshotPolicy",
        "DescribeAutoSnapshotPolicyEx",
        "DescribeAutoSnapshotPolicyAssociations",
      ]);
      expect(result.outputs).toMatchObject({
        associationType: "AssociatedWithInstanceTag",
        targetTags: { env, backup: "" },
        matchedDiskIds: [...both.disks, ...anyBackup.disks].sort(),
        coveredDiskCount: 3,
      });
    });

    test("refresh follows instances tagged and untagged while the policy exists", async () => {
      const team = uniqueValue("team");
      const first = newInstance({ team });
      const { id, outputs } = await up(tagPolicy({ team }));
      expect(outputs.matchedDiskIds).toEqual(first.disks);

      const later = newInstance({});
      await tagInstance(later.instanceId, { team });
      const afterTagging = await refreshed(id, outputs);
      expect(afterTagging).toMatchObject({
        matchedDiskIds: [...first.disks, ...later.disks].sort(),
        coveredDiskCount: 2,
      });

      await untagInstance(first.instanceId, ["team"]);
      await tagInstance(later.instanceId, { team: "someone-else" });
      expect(await refreshed(id, afterTagging)).toMatchObject({ matchedDiskIds: [], coveredDiskCount: 0 });
    });

    test("a change to targetTags is one ModifyAutoSnapshotPolicyEx, in place", async () => {
      const app = uniqueValue("app");
      const web = newInstance({ app, role: "web" });
      const db = newInstance({ app, role: "db" });
      const { id, inputs, outputs } = await up(tagPolicy({ app, role: "web" }));
      expect(outputs.matchedDiskIds).toEqual(web.disks);

      const news = await checked(tagPolicy({ app, role: "db" }), inputs);
      expect(await provider.diff!(id, outputs, news)).toMatchObject({ changes: true, replaces: [] });
      const { result, calls } = await callsDuring(() => provider.update!(id, outputs, news));
      expect(calls.map((call) => call.action)).toEqual([
        "ModifyAutoSnapshotPolicyEx",
        "DescribeAutoSnapshotPolicyEx",
        "DescribeAutoSnapshotPolicyAssociations",
      ]);
      expect(calls[0].params).toMatchObject({ "TargetTags.1.Key": "app", "TargetTags.2.Value": "db" });
      expect(result.outs).toMatchObject({ targetTags: { app, role: "db" }, matchedDiskIds: db.disks });

      const unchanged = await checked(tagPolicy({ role: "db", app }), news);
      expect(await provider.diff!(id, { ...result.outs, __provider: PROVIDER }, unchanged)).toMatchObject({
        changes: false,
      });
    });

    test("changing associationType replaces the policy (ModifyAutoSnapshotPolicyEx cannot change it)", async () => {
      const { id, inputs, outputs } = await up({ ...schedule });
      const news = await checked(tagPolicy({ env: "prod" }), inputs);
      expect(await provider.diff!(id, outputs, news)).toMatchObject({
        changes: true,
        replaces: ["associationType"],
      });
      expect(news.clientToken).not.toBe(inputs.clientToken);
      // State written before associationType existed holds none: that is a disk-associated policy.
      const oldState = Object.fromEntries(
        Object.entries(outputs).filter(([key]) => key !== "associationType"),
      );
      expect(await provider.diff!(id, oldState, await checked(schedule, inputs))).toMatchObject({
        changes: false,
        replaces: [],
      });
    });

    test("a disk-associated policy reads no associations: coveredDiskCount is -1", async () => {
      const { id, outputs } = await up({ ...schedule });
      const { result, calls } = await callsDuring(() => refreshed(id, outputs));
      expect(calls.map((call) => call.action)).toEqual(["DescribeAutoSnapshotPolicyEx"]);
      expect(result).toMatchObject({
        associationType: "AssociatedWithDisk",
        targetTags: {},
        matchedDiskIds: [],
        coveredDiskCount: -1,
      });
    });

    test("the service's refusal in a region without support reaches the user, nothing created", async () => {
      // check() would stop this at preview; create() with unchecked inputs shows the service agrees.
      const before = Object.keys(await describeAll(UNSUPPORTED_REGION)).length;
      const inputs = {
        ...(await checked(schedule, {})),
        regionId: UNSUPPORTED_REGION,
        associationType: "AssociatedWithInstanceTag",
        targetTags: { env: "prod" },
      };
      await expect(provider.create(inputs)).rejects.toThrow(
        /CreateAutoSnapshotPolicy failed: 403 OperationDenied\.AssociationTypeNotSupportedInRegion/,
      );
      expect(Object.keys(await describeAll(UNSUPPORTED_REGION))).toHaveLength(before);
    });
  });

  async function describeAll(regionId: string): Promise<Record<string, unknown>> {
    const answer = await ecs<{
      AutoSnapshotPolicies: { AutoSnapshotPolicy: { AutoSnapshotPolicyId: string }[] };
    }>("DescribeAutoSnapshotPolicyEx", { RegionId: regionId, PageSize: 100 });
    return Object.fromEntries(
      answer.AutoSnapshotPolicies.AutoSnapshotPolicy.map((p) => [p.AutoSnapshotPolicyId, p]),
    );
  }

  describe("the typed ACS3 client and the provider see the same tag-associated policy", () => {
    test("a policy the provider creates reads back through @alicloud/ecs20140526", async () => {
      const env = uniqueValue("acs3");
      const instance = newInstance({ env, tier: "silver" }, 2);
      const { id } = await up(tagPolicy({ env, tier: "" }));

      const described = await local.ecs.describeAutoSnapshotPolicyEx(
        new $Ecs.DescribeAutoSnapshotPolicyExRequest({ regionId: REGION, autoSnapshotPolicyId: id }),
      );
      const policy = described.body!.autoSnapshotPolicies!.autoSnapshotPolicy![0];
      expect(policy.associationType).toBe("AssociatedWithInstanceTag");
      expect(policy.targetTags!.targetTag!.map(({ tagKey, tagValue }) => [tagKey, tagValue])).toEqual([
        ["env", env],
        ["tier", ""],
      ]);
      const associations = await local.ecs.describeAutoSnapshotPolicyAssociations(
        new $Ecs.DescribeAutoSnapshotPolicyAssociationsRequest({
          regionId: REGION,
          autoSnapshotPolicyId: id,
        }),
      );
      expect(
        associations.body!.autoSnapshotPolicyAssociations!.autoSnapshotPolicyAssociation!.map(
          (a) => a.diskId,
        ),
      ).toEqual(instance.disks);
    });

    test("a policy the ACS3 client creates and modifies is adopted with its target tags", async () => {
      const env = uniqueValue("adopt");
      const instance = newInstance({ env, zone: "b" });
      const created = await local.ecs.createAutoSnapshotPolicy(
        new $Ecs.CreateAutoSnapshotPolicyRequest({
          regionId: REGION,
          timePoints: '["2"]',
          repeatWeekdays: '["1","4"]',
          retentionDays: 7,
          associationType: "AssociatedWithInstanceTag",
          targetTags: [new $Ecs.CreateAutoSnapshotPolicyRequestTargetTags({ key: "env", value: env })],
        }),
      );
      const id = created.body!.autoSnapshotPolicyId!;
      await local.ecs.modifyAutoSnapshotPolicyEx(
        new $Ecs.ModifyAutoSnapshotPolicyExRequest({
          regionId: REGION,
          autoSnapshotPolicyId: id,
          targetTags: [
            new $Ecs.ModifyAutoSnapshotPolicyExRequestTargetTags({ key: "env", value: env }),
            new $Ecs.ModifyAutoSnapshotPolicyExRequestTargetTags({ key: "zone", value: "" }),
          ],
        }),
      );

      const adopting = tagPolicy(
        { env, zone: "" },
        { adoptPolicyId: id, deleteAdoptedPolicyOnDestroy: true },
      );
      const { calls, result } = await callsDuring(() => up(adopting));
      expect(calls.map((call) => call.action)).not.toContain("ModifyAutoSnapshotPolicyEx");
      expect(result.outputs).toMatchObject({
        adopted: true,
        targetTags: { env, zone: "" },
        matchedDiskIds: instance.disks,
      });

      const asDisk = { ...schedule, adoptPolicyId: id, deleteAdoptedPolicyOnDestroy: true };
      await expect(provider.create(await checked(asDisk))).rejects.toThrow(
        `associationType: the policy to adopt (${id}) is AssociatedWithInstanceTag, not AssociatedWithDisk`,
      );
    });
  });

  describe("a PolicyAttachment naming a tag-associated policy", () => {
    const problem =
      "is associated with instance tags (associationType AssociatedWithInstanceTag): it covers the disks of the " +
      "instances that carry its targetTags and cannot be applied to disks; remove this PolicyAttachment and tag the instances instead";

    async function attachmentInputs(news: Props): Promise<Props> {
      const result = await policyAttachmentProvider.check!({}, news);
      expect(result.failures ?? []).toEqual([]);
      return { ...result.inputs, __provider: PROVIDER };
    }

    /** The policies in REGION now. */
    const policiesInRegion = async () =>
      (await describePolicies(ecs, REGION)).map((policy) => policy.AutoSnapshotPolicyId);

    /** Each call's action, with the policy id it asks about (if any). */
    const named = (calls: { action: string; params: Record<string, string> }[]) =>
      calls.map(({ action, params }) =>
        params.AutoSnapshotPolicyId ? `${action} ${params.AutoSnapshotPolicyId}` : action,
      );

    /**
     * What an attachment reads before its first write to give disks `policyId`, side by side (so sorted
     * here): the policy, the disks, and the policy's associations. In an account of one policy per disk
     * an Apply would take off any policy the disks carry, so instead of the policy's associations it
     * reads every association in the region: its policies (one page), then each one's (one page each,
     * all under 100 disks).
     */
    function preflightReads(policyId: string, inRegion: string[]): string[] {
      const associationsOf = (id: string) => `DescribeAutoSnapshotPolicyAssociations ${id}`;
      const associations =
        policiesPerDisk === 1
          ? ["DescribeAutoSnapshotPolicyEx", ...inRegion.map(associationsOf)]
          : [associationsOf(policyId)];
      return [`DescribeAutoSnapshotPolicyEx ${policyId}`, "DescribeDisks", ...associations].sort();
    }

    test("fails at preview when the policy's association type is known, with no call", async () => {
      const before = local.emulator.requests.length;
      const result = await policyAttachmentProvider.check!(
        {},
        {
          autoSnapshotPolicyId: "sp-tagged",
          diskIds: ["d-a"],
          policyAssociationType: "AssociatedWithInstanceTag",
        },
      );
      expect(result.failures).toEqual([
        { property: "autoSnapshotPolicyId", reason: `policy sp-tagged ${problem}` },
      ]);
      const unknownId = await policyAttachmentProvider.check!(
        {},
        {
          autoSnapshotPolicyId: UNKNOWN,
          diskIds: ["d-a"],
          policyAssociationType: "AssociatedWithInstanceTag",
        },
      );
      expect(unknownId.failures).toEqual([
        { property: "autoSnapshotPolicyId", reason: `the policy ${problem}` },
      ]);
      expect(local.emulator.requests.length).toBe(before);
    });

    test("otherwise create reads the policy and fails before any Apply", async () => {
      const { id: policyId } = await up(tagPolicy({ env: uniqueValue("guard") }));
      const { disks } = newInstance({});
      const inputs = await attachmentInputs({ autoSnapshotPolicyId: policyId, diskIds: disks });
      const inRegion = await policiesInRegion();
      const { result, calls } = await callsDuring(() =>
        policyAttachmentProvider.create(inputs).then(
          () => undefined,
          (error: Error) => error,
        ),
      );
      expect(result?.message).toBe(`cannot apply ${policyId}: policy ${policyId} ${problem}`);
      // The policy is read beside the other reads, which have all been answered when create fails.
      expect(named(calls).sort()).toEqual(preflightReads(policyId, inRegion));
    });

    test("a disk-associated policy named by id alone is read once, then applied", async () => {
      const { id: policyId } = await up({ ...schedule });
      const { disks } = newInstance({});
      const inputs = await attachmentInputs({ autoSnapshotPolicyId: policyId, diskIds: disks });
      const inRegion = await policiesInRegion();
      const { calls } = await callsDuring(() => policyAttachmentProvider.create(inputs));
      expect(named(calls).slice(0, -1).sort()).toEqual(preflightReads(policyId, inRegion));
      expect(calls.at(-1)?.action).toBe("ApplyAutoSnapshotPolicy");
    });

    test("an update that moves the disks to a tag-associated policy fails before any Cancel or Apply", async () => {
      const { id: diskPolicy } = await up({ ...schedule });
      const { id: tagPolicyId } = await up(tagPolicy({ env: uniqueValue("move") }));
      const { disks } = newInstance({});
      const olds = await attachmentInputs({ autoSnapshotPolicyId: diskPolicy, diskIds: disks });
      const { id, outs } = await policyAttachmentProvider.create(olds);
      const news = await attachmentInputs({ autoSnapshotPolicyId: tagPolicyId, diskIds: disks });
      const inRegion = await policiesInRegion();
      const { result, calls } = await callsDuring(() =>
        policyAttachmentProvider.update!(id, { ...outs, __provider: PROVIDER }, news).then(
          () => undefined,
          (error: Error) => error,
        ),
      );
      expect(result?.message).toBe(`cannot apply ${tagPolicyId}: policy ${tagPolicyId} ${problem}`);
      expect(named(calls).sort()).toEqual(preflightReads(tagPolicyId, inRegion));
    });
  });
});
