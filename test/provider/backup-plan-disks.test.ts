import { backupPlanDisksProvider as provider } from "../../provider";
import type { EcsEmulator } from "../../emulator";
import { disksLeftBare, disksOfPolicy, policiesOfDisks, replayWrites } from "../support/associations";
import { ACCOUNT_KINDS, REGION, configureProvider, outOfBandEcs } from "../support/local-ecs";
import { useLocalEcs } from "../support/use-local-ecs";

/*
 * BackupPlanDisks, the one resource per region that owns a plan's associations, against the local ECS
 * endpoint through pop-core, in both kinds of account. "Never without a policy" is shown by replaying
 * the endpoint's request log in order.
 */

type Props = Record<string, unknown>;
type PlanPolicies = { key: string; autoSnapshotPolicyId: string; diskIds: string[] }[];

let serial = 0;

function planKit(local: { emulator: EcsEmulator }) {
  const ecs = () => outOfBandEcs(local.emulator);
  return {
    async createPolicies(count: number): Promise<string[]> {
      const ids: string[] = [];
      for (let index = 0; index < count; index++) {
        const answer = await ecs()<{ AutoSnapshotPolicyId: string }>("CreateAutoSnapshotPolicy", {
          regionId: REGION,
          timePoints: '["1"]',
          repeatWeekdays: '["1"]',
          retentionDays: 7,
        });
        ids.push(answer.AutoSnapshotPolicyId);
      }
      return ids;
    },
    newDisks(count: number): string[] {
      const diskIds = Array.from({ length: count }, () => `d-p${(serial++).toString(36).padStart(6, "0")}`);
      local.emulator.addDisks(diskIds.map((diskId) => ({ diskId, regionId: REGION })));
      return diskIds;
    },
    async checked(policies: PlanPolicies): Promise<Props> {
      const result = await provider.check!({}, { regionId: REGION, policies });
      expect(result.failures ?? []).toEqual([]);
      return result.inputs;
    },
    policiesOf: (diskIds: string[]) => policiesOfDisks(ecs(), REGION, diskIds),
    disksOf: (policyId: string) => disksOfPolicy(ecs(), REGION, policyId),
  };
}

const sorted = (ids: string[]) => [...ids].sort();

describe.each(ACCOUNT_KINDS)("an account of %i policies per disk", (policiesPerDisk) => {
  const local = useLocalEcs({ policiesPerDisk, requestLogLimit: 100_000 });
  const kit = planKit(local);

  beforeAll(async () => {
    await configureProvider(provider, local.emulator);
  });

  it("a plan edit moving 50 of 100 disks to another policy: every disk always covered, none keeps the old policy", async () => {
    const [daily, weekly] = await kit.createPolicies(2);
    const disks = kit.newDisks(100);
    const created = await provider.create(
      await kit.checked([
        { key: "daily", autoSnapshotPolicyId: daily, diskIds: disks },
        { key: "weekly", autoSnapshotPolicyId: weekly, diskIds: kit.newDisks(1) },
      ]),
    );
    const [moved, stay] = [disks.slice(0, 50), disks.slice(50)];
    const inputs = await kit.checked([
      { key: "daily", autoSnapshotPolicyId: daily, diskIds: stay },
      {
        key: "weekly",
        autoSnapshotPolicyId: weekly,
        diskIds: [...(created.outs.associations[weekly] as string[]), ...moved],
      },
    ]);
    expect(await provider.diff!(created.id, created.outs, inputs)).toEqual({ changes: true });
    const before = await kit.policiesOf(disks);
    const mark = local.emulator.requests.length;
    const updated = await provider.update!(created.id, created.outs, inputs);
    expect(disksLeftBare(replayWrites(local.emulator, mark, before))).toEqual([]);
    // Every Apply is sent before any Cancel; in an account of one the Applies leave nothing to cancel.
    const writes = local.emulator.requests
      .slice(mark)
      .map(({ action }) => action)
      .filter((action) => /^(Apply|Cancel)/.test(action));
    expect(writes).toEqual([
      "ApplyAutoSnapshotPolicy",
      ...(policiesPerDisk === 10 ? ["CancelAutoSnapshotPolicy"] : []),
    ]);
    expect(await kit.disksOf(daily)).toEqual(sorted(stay));
    expect(await kit.disksOf(weekly)).toEqual(
      sorted([...(created.outs.associations[weekly] as string[]), ...moved]),
    );
    expect(updated.outs!.associations).toEqual({
      [daily]: sorted(stay),
      [weekly]: sorted([...(created.outs.associations[weekly] as string[]), ...moved]),
    });
    await provider.delete!(created.id, updated.outs);
    expect(await kit.disksOf(daily)).toEqual([]);
    expect(await kit.disksOf(weekly)).toEqual([]);
  });

  it("a swap of disks between two policies leaves each disk with exactly its new policy, never none", async () => {
    const [a, b] = await kit.createPolicies(2);
    const [x, y] = [kit.newDisks(3), kit.newDisks(3)];
    const created = await provider.create(
      await kit.checked([
        { key: "a", autoSnapshotPolicyId: a, diskIds: x },
        { key: "b", autoSnapshotPolicyId: b, diskIds: y },
      ]),
    );
    const inputs = await kit.checked([
      { key: "a", autoSnapshotPolicyId: a, diskIds: y },
      { key: "b", autoSnapshotPolicyId: b, diskIds: x },
    ]);
    const before = await kit.policiesOf([...x, ...y]);
    const mark = local.emulator.requests.length;
    await provider.update!(created.id, created.outs, inputs);
    expect(disksLeftBare(replayWrites(local.emulator, mark, before))).toEqual([]);
    expect(await kit.policiesOf([...x, ...y])).toEqual({
      ...Object.fromEntries(x.map((diskId) => [diskId, [b]])),
      ...Object.fromEntries(y.map((diskId) => [diskId, [a]])),
    });
  });

  it("a disk taken out of the plan loses the plan's policies; the others keep theirs", async () => {
    const [a] = await kit.createPolicies(1);
    const disks = kit.newDisks(3);
    const created = await provider.create(
      await kit.checked([{ key: "a", autoSnapshotPolicyId: a, diskIds: disks }]),
    );
    await provider.update!(
      created.id,
      created.outs,
      await kit.checked([{ key: "a", autoSnapshotPolicyId: a, diskIds: disks.slice(1) }]),
    );
    expect(await kit.policiesOf(disks)).toEqual({ [disks[0]]: [], [disks[1]]: [a], [disks[2]]: [a] });
  });

  const tiers = async () => {
    const [hourly, daily, weekly] = await kit.createPolicies(3);
    const disks = kit.newDisks(5);
    const policies = [
      { key: "hourly", autoSnapshotPolicyId: hourly, diskIds: disks },
      { key: "daily", autoSnapshotPolicyId: daily, diskIds: disks },
      { key: "weekly", autoSnapshotPolicyId: weekly, diskIds: disks },
    ];
    return { ids: [hourly, daily, weekly], disks, policies };
  };

  if (policiesPerDisk === 10) {
    it("three tiers on the same disks: every disk carries all three", async () => {
      const { ids, disks, policies } = await tiers();
      const created = await provider.create(await kit.checked(policies));
      expect(await kit.policiesOf(disks)).toEqual(
        Object.fromEntries(disks.map((diskId) => [diskId, sorted(ids)])),
      );
      // Dropping a tier cancels only that policy.
      const updated = await provider.update!(
        created.id,
        created.outs,
        await kit.checked(policies.slice(0, 2)),
      );
      expect(await kit.policiesOf(disks)).toEqual(
        Object.fromEntries(disks.map((diskId) => [diskId, sorted(ids.slice(0, 2))])),
      );
      await provider.delete!(created.id, updated.outs);
      expect(await kit.policiesOf(disks)).toEqual(Object.fromEntries(disks.map((diskId) => [diskId, []])));
    });
  } else {
    it("three tiers on the same disks fail at preview, saying why, with no call", async () => {
      const { policies } = await tiers();
      const mark = local.emulator.requests.length;
      const result = await provider.check!({}, { regionId: REGION, policies });
      expect(local.emulator.requests.length).toBe(mark);
      expect(result.failures).toHaveLength(5);
      expect(result.failures![0].reason).toContain(
        "is named by the policies hourly, daily, weekly, but this account holds one policy per disk",
      );
    });
  }
});

describe("an account of one policy per disk, its kind not stated", () => {
  const local = useLocalEcs({ policiesPerDisk: 1 });
  const kit = planKit(local);

  beforeAll(async () => {
    await configureProvider(provider, local.emulator, REGION, false);
  });

  it("three tiers pass the preview, then fail at the first calls (reads) with a message that says why, changing nothing", async () => {
    const [hourly, daily, weekly] = await kit.createPolicies(3);
    const disks = kit.newDisks(2);
    const policies = [
      { key: "hourly", autoSnapshotPolicyId: hourly, diskIds: disks },
      { key: "daily", autoSnapshotPolicyId: daily, diskIds: disks },
      { key: "weekly", autoSnapshotPolicyId: weekly, diskIds: disks },
    ];
    const inputs = await kit.checked(policies);
    const mark = local.emulator.requests.length;
    await expect(provider.create(inputs)).rejects.toThrow(
      /these disks are named by several policies: .*hourly \(sp-.*the account's kind is not known and no disk was seen carrying two policies.*policiesPerDisk to 10/,
    );
    const writes = local.emulator.requests.slice(mark).filter(({ action }) => /^(Apply|Cancel)/.test(action));
    expect(writes).toEqual([]);
    expect(await kit.policiesOf(disks)).toEqual({ [disks[0]]: [], [disks[1]]: [] });
  });
});
