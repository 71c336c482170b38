import { policyAttachmentProvider as provider } from "../../provider";
import { PartialStateError, UNKNOWN } from "../../provider/engine";
import type { EcsEmulator } from "../../emulator";
import { disksLeftBare, disksOfPolicy, policiesOfDisks, replayWrites } from "../support/associations";
import {
  ACCOUNT_KINDS,
  REGION,
  configureProvider,
  outOfBandEcs,
  type OutOfBandEcs,
} from "../support/local-ecs";
import { useLocalEcs } from "../support/use-local-ecs";

/*
 * The PolicyAttachment provider against the local ECS endpoint, through the real pop-core client, in
 * both kinds of account. Membership is read from DescribeAutoSnapshotPolicyAssociations; call counts
 * come from the endpoint's request log, so they count what went over the wire.
 */

type Props = Record<string, unknown>;

let diskSerial = 0;

/** The helpers every case uses, bound to one running endpoint. */
function attachmentKit(local: { emulator: EcsEmulator }) {
  const ecs = (): OutOfBandEcs => outOfBandEcs(local.emulator);
  const kit = {
    async createPolicy(): Promise<string> {
      const answer = await ecs()<{ AutoSnapshotPolicyId: string }>("CreateAutoSnapshotPolicy", {
        regionId: REGION,
        timePoints: '["1"]',
        repeatWeekdays: '["1"]',
        retentionDays: 7,
      });
      return answer.AutoSnapshotPolicyId;
    },
    newDisks(count: number, category = "cloud_essd"): string[] {
      const diskIds = Array.from(
        { length: count },
        () => `d-t${(diskSerial++).toString(36).padStart(6, "0")}`,
      );
      local.emulator.addDisks(diskIds.map((diskId) => ({ diskId, regionId: REGION, category })));
      return diskIds;
    },
    policiesOf: (diskIds: string[]) => policiesOfDisks(ecs(), REGION, diskIds),
    disksOf: (policyId: string) => disksOfPolicy(ecs(), REGION, policyId),
    async applyOutOfBand(diskIds: string[], policyId: string): Promise<void> {
      await ecs()("ApplyAutoSnapshotPolicy", {
        regionId: REGION,
        autoSnapshotPolicyId: policyId,
        diskIds: JSON.stringify(diskIds),
      });
    },
    /**
     * Checked inputs as a program that passes the AutoSnapshotPolicy resource makes them: with the policy's
     * association type, so create needs no look-up (tag-policy.test.ts covers the case without it).
     */
    async checked(news: Props): Promise<Props> {
      const result = await provider.check!({}, { policyAssociationType: "AssociatedWithDisk", ...news });
      expect(result.failures ?? []).toEqual([]);
      return result.inputs;
    },
    async attached(policyId: string, diskIds: string[], more: Props = {}) {
      return provider.create(
        await kit.checked({ regionId: REGION, autoSnapshotPolicyId: policyId, diskIds, ...more }),
      );
    },
    async counting<T>(operation: () => Promise<T>): Promise<{ result: T; calls: Record<string, number> }> {
      const mark = local.emulator.requests.length;
      const result = await operation();
      return { result, calls: kit.callsSince(mark) };
    },
    callsSince(mark: number): Record<string, number> {
      const calls: Record<string, number> = {};
      for (const { action } of local.emulator.requests.slice(mark)) calls[action] = (calls[action] ?? 0) + 1;
      return calls;
    },
    /** Every disk carries exactly these policies. */
    async expectCarrying(diskIds: string[], policyIds: string[]): Promise<void> {
      const carried = await kit.policiesOf(diskIds);
      expect(carried).toEqual(Object.fromEntries(diskIds.map((diskId) => [diskId, [...policyIds].sort()])));
    },
  };
  return kit;
}

async function failureOf(operation: () => Promise<unknown>): Promise<Error> {
  try {
    await operation();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the operation to fail");
}

const pages = (count: number) => Math.max(1, Math.ceil(count / 100));
const batches = (count: number, size = 100) => Math.ceil(count / size);
const only = (calls: Record<string, number>) =>
  Object.fromEntries(Object.entries(calls).filter(([, count]) => count > 0));

describe.each(ACCOUNT_KINDS)("an account of %i policies per disk", (policiesPerDisk) => {
  describe.each([1, 150, 2500])("%i disks", (count) => {
    // An endpoint of its own, so that the region holds only this block's policies.
    const local = useLocalEcs({ policiesPerDisk, requestLogLimit: 100_000 });
    const kit = attachmentKit(local);
    let policyId: string;
    let diskIds: string[];
    let id: string;
    let outs: Props;

    beforeAll(async () => {
      await configureProvider(provider, local.emulator);
      policyId = await kit.createPolicy();
      diskIds = kit.newDisks(count);
    });

    it("create: DescribeDisks and Apply per 100 disks, one read of the policy's associations (and the region's policies in an account of one)", async () => {
      const inputs = await kit.checked({ regionId: REGION, autoSnapshotPolicyId: policyId, diskIds });
      const { result, calls } = await kit.counting(() => provider.create(inputs));
      expect(calls).toEqual(
        only({
          DescribeDisks: batches(count),
          DescribeAutoSnapshotPolicyEx: policiesPerDisk === 1 ? 1 : 0,
          DescribeAutoSnapshotPolicyAssociations: 1,
          ApplyAutoSnapshotPolicy: batches(count),
        }),
      );
      expect(result.id).toMatch(new RegExp(`^${REGION}:[0-9a-f]{16}$`));
      expect(result.outs).toEqual({
        regionId: REGION,
        autoSnapshotPolicyId: policyId,
        diskIds: [...diskIds].sort(),
        missingDiskIds: [],
        formerAssociations: {},
        batchSize: 100,
        takeOverDisks: false,
        adoptAssociations: false,
        policyAssociationType: "AssociatedWithDisk",
      });
      expect(await kit.disksOf(policyId)).toEqual([...diskIds].sort());
      id = result.id;
      outs = result.outs;
    });

    it("read: one associations page per 100 disks and no drift", async () => {
      const { result, calls } = await kit.counting(() => provider.read!(id, outs));
      expect(calls).toEqual({ DescribeAutoSnapshotPolicyAssociations: pages(count) });
      const inputs = { ...outs };
      delete inputs.formerAssociations;
      delete inputs.missingDiskIds;
      expect(result).toEqual({ id, props: outs, inputs });
    });

    it("update with nothing changed makes no call", async () => {
      const inputs = await kit.checked({ regionId: REGION, autoSnapshotPolicyId: policyId, diskIds });
      expect(await provider.diff!(id, outs, inputs)).toEqual({ changes: false });
      const { result, calls } = await kit.counting(() => provider.update!(id, outs, inputs));
      expect(calls).toEqual({});
      expect(result.outs).toEqual(outs);
    });

    it("a move to another policy: Apply the new everywhere, then Cancel the old by id where it is left", async () => {
      const newPolicy = await kit.createPolicy();
      const inputs = await kit.checked({ regionId: REGION, autoSnapshotPolicyId: newPolicy, diskIds });
      expect(await provider.diff!(id, outs, inputs)).toEqual({ changes: true });
      const mark = local.emulator.requests.length;
      const { result, calls } = await kit.counting(() => provider.update!(id, outs, inputs));
      // An account of one: the Apply replaced the old policy, so the read after it finds nothing to cancel.
      expect(calls).toEqual(
        only({
          DescribeDisks: batches(count),
          DescribeAutoSnapshotPolicyEx: policiesPerDisk === 1 ? 1 : 0,
          DescribeAutoSnapshotPolicyAssociations:
            policiesPerDisk === 1 ? pages(count) + 1 + 1 : 1 + pages(count),
          ApplyAutoSnapshotPolicy: batches(count),
          CancelAutoSnapshotPolicy: policiesPerDisk === 1 ? 0 : batches(count),
        }),
      );
      const start = Object.fromEntries(diskIds.map((diskId) => [diskId, [policyId]]));
      expect(disksLeftBare(replayWrites(local.emulator, mark, start))).toEqual([]);
      expect(result.outs).toMatchObject({ autoSnapshotPolicyId: newPolicy, formerAssociations: {} });
      expect(await kit.disksOf(newPolicy)).toEqual([...diskIds].sort());
      expect(await kit.disksOf(policyId)).toEqual([]);
      policyId = newPolicy;
      outs = result.outs!;
    });

    it("delete: reads the associations, then one Cancel per 100 disks; no disk keeps the policy", async () => {
      const { calls } = await kit.counting(() => provider.delete!(id, outs));
      expect(calls).toEqual({
        DescribeAutoSnapshotPolicyAssociations: pages(count),
        CancelAutoSnapshotPolicy: batches(count),
      });
      expect(await kit.disksOf(policyId)).toEqual([]);
    });
  });

  describe("in a shared endpoint", () => {
    const local = useLocalEcs({ policiesPerDisk, requestLogLimit: 100_000 });
    const kit = attachmentKit(local);

    beforeAll(async () => {
      await configureProvider(provider, local.emulator);
    });

    it("swapping a tenth of the disks: Apply for the added, Cancel by id for the removed", async () => {
      const policyId = await kit.createPolicy();
      const diskIds = kit.newDisks(150);
      const created = await kit.attached(policyId, diskIds);
      const removed = diskIds.slice(0, 15);
      const next = [...diskIds.slice(15), ...kit.newDisks(15)];
      const inputs = await kit.checked({ regionId: REGION, autoSnapshotPolicyId: policyId, diskIds: next });
      const { result } = await kit.counting(() => provider.update!(created.id, created.outs, inputs));
      expect(result.outs!.diskIds).toEqual([...next].sort());
      expect(await kit.disksOf(policyId)).toEqual([...next].sort());
      await kit.expectCarrying(removed, []);
    });

    it("batchSize 40 sends 150 disks in 4 Apply and 4 Cancel calls", async () => {
      const policyId = await kit.createPolicy();
      const diskIds = kit.newDisks(150);
      const inputs = await kit.checked({
        regionId: REGION,
        autoSnapshotPolicyId: policyId,
        diskIds,
        batchSize: 40,
      });
      const mark = local.emulator.requests.length;
      const created = await provider.create(inputs);
      const applies = local.emulator.requests
        .slice(mark)
        .filter(({ action }) => action === "ApplyAutoSnapshotPolicy");
      expect(applies.map(({ params }) => JSON.parse(params.diskIds).length).sort()).toEqual([30, 40, 40, 40]);
      const deleted = await kit.counting(() => provider.delete!(created.id, created.outs));
      expect(deleted.calls.CancelAutoSnapshotPolicy).toBe(4);
    });

    it("a swap of two attachments' policies leaves every disk covered and none with the old policy", async () => {
      const [a, b] = [await kit.createPolicy(), await kit.createPolicy()];
      const diskIds = kit.newDisks(4);
      const created = await kit.attached(a, diskIds);
      const mark = local.emulator.requests.length;
      const updated = await provider.update!(
        created.id,
        created.outs,
        await kit.checked({ regionId: REGION, autoSnapshotPolicyId: b, diskIds }),
      );
      const start = Object.fromEntries(diskIds.map((diskId) => [diskId, [a]]));
      expect(disksLeftBare(replayWrites(local.emulator, mark, start))).toEqual([]);
      await kit.expectCarrying(diskIds, [b]);
      await provider.update!(
        created.id,
        updated.outs!,
        await kit.checked({ regionId: REGION, autoSnapshotPolicyId: a, diskIds }),
      );
      await kit.expectCarrying(diskIds, [a]);
    });

    it("a disk carrying a policy from outside: fails before any change unless the account holds ten; takeOverDisks ends it with this policy only", async () => {
      const [policyId, foreign] = [await kit.createPolicy(), await kit.createPolicy()];
      const diskIds = kit.newDisks(3);
      await kit.applyOutOfBand([diskIds[1]], foreign);
      const inputs = await kit.checked({ regionId: REGION, autoSnapshotPolicyId: policyId, diskIds });
      if (policiesPerDisk === 1) {
        const mark = local.emulator.requests.length;
        const error = await failureOf(() => provider.create(inputs));
        expect(error.message).toContain(`${diskIds[1]} (${foreign})`);
        expect(error.message).toContain("takeOverDisks");
        expect(kit.callsSince(mark).ApplyAutoSnapshotPolicy).toBeUndefined();
        await kit.expectCarrying([diskIds[1]], [foreign]);
      } else {
        const created = await provider.create(inputs);
        await kit.expectCarrying([diskIds[1]], [foreign, policyId]);
        await provider.delete!(created.id, created.outs);
        await kit.expectCarrying([diskIds[1]], [foreign]);
      }
      const taken = await kit.attached(policyId, diskIds, { takeOverDisks: true });
      await kit.expectCarrying(diskIds, [policyId]);
      await provider.delete!(taken.id, taken.outs);
    });

    it("read shows a disk whose association was cancelled outside; the next update applies it again", async () => {
      const policyId = await kit.createPolicy();
      const diskIds = kit.newDisks(3);
      const created = await kit.attached(policyId, diskIds);
      await outOfBandEcs(local.emulator)("CancelAutoSnapshotPolicy", {
        regionId: REGION,
        autoSnapshotPolicyId: policyId,
        diskIds: JSON.stringify([diskIds[1]]),
      });
      const refreshed = await provider.read!(created.id, created.outs);
      expect(refreshed.props).toMatchObject({ diskIds: [diskIds[0], diskIds[2]], missingDiskIds: [] });
      const inputs = await kit.checked({ regionId: REGION, autoSnapshotPolicyId: policyId, diskIds });
      expect(await provider.diff!(created.id, refreshed.props!, inputs)).toEqual({ changes: true });
      const updated = await provider.update!(created.id, refreshed.props!, inputs);
      expect(updated.outs!.diskIds).toEqual([...diskIds].sort());
      await kit.expectCarrying(diskIds, [policyId]);
    });

    it("disks deleted outside: read reports them until they leave diskIds; delete cancels the rest", async () => {
      const policyId = await kit.createPolicy();
      const diskIds = kit.newDisks(3);
      const created = await kit.attached(policyId, diskIds);
      local.emulator.removeDisk(diskIds[2]);
      const refreshed = await provider.read!(created.id, created.outs);
      expect(refreshed.props).toMatchObject({ diskIds: diskIds.slice(0, 2), missingDiskIds: [diskIds[2]] });
      const again = await provider.read!(created.id, refreshed.props!);
      expect(again.props).toMatchObject({ diskIds: diskIds.slice(0, 2), missingDiskIds: [diskIds[2]] });

      const listed = await kit.checked({ regionId: REGION, autoSnapshotPolicyId: policyId, diskIds });
      const refused = await failureOf(() => provider.update!(created.id, refreshed.props!, listed));
      expect(refused.message).toContain(`do not exist in cn-hangzhou: ${diskIds[2]}`);

      const unlisted = await kit.checked({
        regionId: REGION,
        autoSnapshotPolicyId: policyId,
        diskIds: diskIds.slice(0, 2),
      });
      expect(await provider.diff!(created.id, refreshed.props!, unlisted)).toEqual({ changes: true });
      const updated = await kit.counting(() => provider.update!(created.id, refreshed.props!, unlisted));
      expect(updated.calls).toEqual({});
      expect(updated.result.outs).toMatchObject({ diskIds: diskIds.slice(0, 2), missingDiskIds: [] });

      const { calls } = await kit.counting(() => provider.delete!(created.id, updated.result.outs!));
      expect(calls).toEqual({ DescribeAutoSnapshotPolicyAssociations: 1, CancelAutoSnapshotPolicy: 1 });
      await kit.expectCarrying(diskIds.slice(0, 2), []);
    });

    it("delete from a state that still lists a deleted disk cancels the others, naming no deleted disk", async () => {
      const policyId = await kit.createPolicy();
      const diskIds = kit.newDisks(3);
      const created = await kit.attached(policyId, diskIds);
      local.emulator.removeDisk(diskIds[0]);
      const { calls } = await kit.counting(() => provider.delete!(created.id, created.outs));
      expect(calls).toEqual({ DescribeAutoSnapshotPolicyAssociations: 1, CancelAutoSnapshotPolicy: 1 });
      await kit.expectCarrying(diskIds.slice(1), []);
    });

    it("create with a missing disk or a local disk fails naming them, before any Apply", async () => {
      const policyId = await kit.createPolicy();
      const [local_] = kit.newDisks(1, "local_ssd_pro");
      const diskIds = [...kit.newDisks(120), local_, "d-doesnotexist"];
      const inputs = await kit.checked({ regionId: REGION, autoSnapshotPolicyId: policyId, diskIds });
      const mark = local.emulator.requests.length;
      const error = await failureOf(() => provider.create(inputs));
      expect(error.message).toContain("do not exist in cn-hangzhou: d-doesnotexist");
      expect(error.message).toContain(`${local_} (local_ssd_pro)`);
      expect(kit.callsSince(mark).ApplyAutoSnapshotPolicy).toBeUndefined();
      expect(await kit.disksOf(policyId)).toEqual([]);
    });

    it("read reports the attachment deleted when its policy is gone", async () => {
      const policyId = await kit.createPolicy();
      const created = await kit.attached(policyId, kit.newDisks(2));
      await outOfBandEcs(local.emulator)("DeleteAutoSnapshotPolicy", {
        regionId: REGION,
        autoSnapshotPolicyId: policyId,
      });
      const { result, calls } = await kit.counting(() => provider.read!(created.id, created.outs));
      expect(result).toEqual({ id: undefined, props: {} });
      expect(calls).toEqual({ DescribeAutoSnapshotPolicyAssociations: 1 });
    });

    it("Apply and Cancel answered with a conflict or throttling are sent again", async () => {
      const policyId = await kit.createPolicy();
      const diskIds = kit.newDisks(2);
      local.emulator.addFault({
        action: "ApplyAutoSnapshotPolicy",
        times: 1,
        code: "InvalidOperation.Conflict",
        status: 409,
      });
      local.emulator.addFault({
        action: "CancelAutoSnapshotPolicy",
        times: 1,
        code: "Rejected.Throttling",
        status: 400,
      });
      local.emulator.addFault({
        action: "CancelAutoSnapshotPolicy",
        times: 1,
        code: "OperationConflict",
        status: 409,
      });
      try {
        const created = await kit.counting(() => kit.attached(policyId, diskIds));
        expect(created.calls.ApplyAutoSnapshotPolicy).toBe(2);
        const deleted = await kit.counting(() => provider.delete!(created.result.id, created.result.outs));
        expect(deleted.calls.CancelAutoSnapshotPolicy).toBe(3);
        await kit.expectCarrying(diskIds, []);
      } finally {
        local.emulator.clearFaults();
      }
    });
  });

  describe("ownership: each association has one owner (issue 11, case 1)", () => {
    const local = useLocalEcs({ policiesPerDisk });
    const kit = attachmentKit(local);

    beforeAll(async () => {
      await configureProvider(provider, local.emulator);
    });

    it("a second attachment of the same policy on a shared disk fails before any change, naming the disk and aliases", async () => {
      const policyId = await kit.createPolicy();
      const [shared, other] = kit.newDisks(2);
      const first = await kit.attached(policyId, [shared]);
      const inputs = await kit.checked({
        regionId: REGION,
        autoSnapshotPolicyId: policyId,
        diskIds: [shared, other],
      });
      const mark = local.emulator.requests.length;
      const error = await failureOf(() => provider.create(inputs));
      expect(error.message).toContain(`${policyId} on ${shared}`);
      expect(error.message).toContain("aliases");
      expect(error.message).toContain("adoptAssociations");
      expect(kit.callsSince(mark).ApplyAutoSnapshotPolicy).toBeUndefined();
      // The rename case: the old one's delete then still cancels only what it owns, and the disk is
      // left exactly as the remaining state says.
      await provider.delete!(first.id, first.outs);
      await kit.expectCarrying([shared, other], []);
    });

    it("adoptAssociations: true takes the existing association as its own", async () => {
      const policyId = await kit.createPolicy();
      const diskIds = kit.newDisks(2);
      await kit.applyOutOfBand([diskIds[0]], policyId);
      const adopted = await kit.counting(() => kit.attached(policyId, diskIds, { adoptAssociations: true }));
      expect(adopted.calls.ApplyAutoSnapshotPolicy).toBe(1);
      expect(adopted.result.outs.diskIds).toEqual([...diskIds].sort());
      await provider.delete!(adopted.result.id, adopted.result.outs);
      await kit.expectCarrying(diskIds, []);
    });
  });

  describe("a move failing at the second batch (issue 11, cases 3 and 7)", () => {
    const local = useLocalEcs({ policiesPerDisk });
    const kit = attachmentKit(local);

    beforeAll(async () => {
      await configureProvider(provider, local.emulator);
    });

    /** An attachment of 150 disks moved from `from` to `to` in batches of 50, the second Apply failing. */
    async function failedMove() {
      const [from, to] = [await kit.createPolicy(), await kit.createPolicy()];
      const diskIds = kit.newDisks(150);
      const created = await kit.attached(from, diskIds, { batchSize: 50 });
      const inputs = await kit.checked({
        regionId: REGION,
        autoSnapshotPolicyId: to,
        diskIds,
        batchSize: 50,
      });
      local.emulator.addFault({ action: "ApplyAutoSnapshotPolicy", times: 1, delayMs: 0 });
      local.emulator.addFault({
        action: "ApplyAutoSnapshotPolicy",
        times: 1,
        code: "Forbidden.RAM",
        status: 403,
      });
      let error: Error;
      try {
        error = await failureOf(() => provider.update!(created.id, created.outs, inputs));
      } finally {
        local.emulator.clearFaults();
      }
      expect(error).toBeInstanceOf(PartialStateError);
      const partial = error as PartialStateError;
      return { from, to, diskIds, created, partial, recorded: partial.properties };
    }

    /** The associations state records, against what the endpoint holds. */
    async function expectTruthful(recorded: Props, from: string, to: string) {
      const owned: Record<string, string[]> = {
        ...(recorded.formerAssociations as Record<string, string[]>),
        [String(recorded.autoSnapshotPolicyId)]: recorded.diskIds as string[],
      };
      const held = { [from]: await kit.disksOf(from), [to]: await kit.disksOf(to) };
      for (const policyId of [from, to]) expect(owned[policyId] ?? []).toEqual(held[policyId]);
    }

    it("state records exactly the associations that hold; the same program then converges", async () => {
      const { from, to, diskIds, partial, recorded } = await failedMove();
      expect(partial.message).toContain("Forbidden.RAM");
      await expectTruthful(recorded, from, to);
      const inputs = await kit.checked({
        regionId: REGION,
        autoSnapshotPolicyId: to,
        diskIds,
        batchSize: 50,
      });
      expect(await provider.diff!(partial.id, recorded, inputs)).toEqual({ changes: true });
      const done = await provider.update!(partial.id, recorded, inputs);
      expect(done.outs).toMatchObject({ autoSnapshotPolicyId: to, formerAssociations: {} });
      expect(await kit.disksOf(to)).toEqual([...diskIds].sort());
      expect(await kit.disksOf(from)).toEqual([]);
    });

    it("reverting the program converges to the old policy on every disk, none ever bare, and deleting the new policy then leaves every disk covered", async () => {
      const { from, to, diskIds, partial, recorded } = await failedMove();
      const inputs = await kit.checked({
        regionId: REGION,
        autoSnapshotPolicyId: from,
        diskIds,
        batchSize: 50,
      });
      expect(await provider.diff!(partial.id, recorded, inputs)).toEqual({ changes: true });
      const before = await kit.policiesOf(diskIds);
      const mark = local.emulator.requests.length;
      const reverted = await provider.update!(partial.id, recorded, inputs);
      expect(disksLeftBare(replayWrites(local.emulator, mark, before))).toEqual([]);
      expect(reverted.outs).toMatchObject({ autoSnapshotPolicyId: from, formerAssociations: {} });
      await outOfBandEcs(local.emulator)("DeleteAutoSnapshotPolicy", {
        regionId: REGION,
        autoSnapshotPolicyId: to,
      });
      await kit.expectCarrying(diskIds, [from]);
    });

    it("a disk moved, then taken out before the move finished, carries neither policy after the next up", async () => {
      const { from, to, diskIds, partial, recorded } = await failedMove();
      // A disk of the failed batch (old policy only) and one of a batch that landed (in an account of ten,
      // both policies).
      const sorted = [...diskIds].sort();
      const dropped = [sorted[60], sorted[10]];
      const kept = diskIds.filter((diskId) => !dropped.includes(diskId));
      const inputs = await kit.checked({
        regionId: REGION,
        autoSnapshotPolicyId: to,
        diskIds: kept,
        batchSize: 50,
      });
      expect(await provider.diff!(partial.id, recorded, inputs)).toEqual({ changes: true });
      await provider.update!(partial.id, recorded, inputs);
      await kit.expectCarrying(dropped, []);
      await kit.expectCarrying(kept, [to]);
      expect(await kit.disksOf(from)).toEqual([]);
    });
  });
});

describe("check", () => {
  const local = useLocalEcs();

  beforeAll(async () => {
    await configureProvider(provider, local.emulator);
  });

  it("passes an unknown policy id through and makes no call", async () => {
    const mark = local.emulator.requests.length;
    const result = await provider.check!({}, { autoSnapshotPolicyId: UNKNOWN, diskIds: ["d-b", "d-a"] });
    expect(local.emulator.requests.length).toBe(mark);
    expect(result.failures).toEqual([]);
    expect(result.inputs).toEqual({
      regionId: REGION,
      autoSnapshotPolicyId: UNKNOWN,
      diskIds: ["d-a", "d-b"],
      batchSize: 100,
      takeOverDisks: false,
      adoptAssociations: false,
    });
  });

  it("the deprecated handedOffDiskIds is accepted, and changing it alone is no change", async () => {
    const olds = { regionId: REGION, autoSnapshotPolicyId: "sp-a", diskIds: ["d-a"] };
    const result = await provider.check!({}, { ...olds, handedOffDiskIds: ["d-b"] });
    expect(result.failures).toEqual([]);
    expect(await provider.diff!("id", olds, result.inputs)).toEqual({ changes: false });
  });

  it("a wrong policiesPerDisk fails, naming the key and the allowed values", async () => {
    const config = (value: string) => ({
      get: (key: string) => (key === "alicloud-snapshot-policy:policiesPerDisk" ? value : undefined),
      require: () => "",
    });
    try {
      await provider.configure!({ config: config("5") });
      const result = await provider.check!(
        {},
        { regionId: REGION, autoSnapshotPolicyId: "sp-a", diskIds: ["d-a"] },
      );
      expect(result.failures).toEqual([
        {
          property: "alicloud-snapshot-policy:policiesPerDisk",
          reason:
            '"5" is not allowed; 1 (one policy per disk: Apply replaces a disk\'s policy) or 10 (up to ten: Apply adds one)',
        },
      ]);
    } finally {
      await configureProvider(provider, local.emulator);
    }
  });

  it("a new region replaces; an unknown policy id is a change", async () => {
    const olds = { regionId: REGION, autoSnapshotPolicyId: "sp-a", diskIds: ["d-a"] };
    expect(await provider.diff!("id", olds, { ...olds, regionId: "cn-beijing" })).toEqual({
      changes: true,
      replaces: ["regionId"],
    });
    expect(await provider.diff!("id", olds, { ...olds, autoSnapshotPolicyId: UNKNOWN })).toEqual({
      changes: true,
    });
  });
});

describe("an account whose kind is not stated", () => {
  const local = useLocalEcs({ policiesPerDisk: 10 });
  const kit = attachmentKit(local);

  beforeAll(async () => {
    await configureProvider(provider, local.emulator, REGION, false);
  });

  it("a foreign policy fails the create as in an account of one, until a disk seen with two policies proves ten", async () => {
    const [policyId, foreign, third] = [
      await kit.createPolicy(),
      await kit.createPolicy(),
      await kit.createPolicy(),
    ];
    const diskIds = kit.newDisks(2);
    await kit.applyOutOfBand([diskIds[0]], foreign);
    const inputs = await kit.checked({ regionId: REGION, autoSnapshotPolicyId: policyId, diskIds });
    const error = await failureOf(() => provider.create(inputs));
    expect(error.message).toContain(`${diskIds[0]} (${foreign})`);
    expect(error.message).toContain("policiesPerDisk");

    const [elsewhere] = kit.newDisks(1);
    await kit.applyOutOfBand([elsewhere], foreign);
    await kit.applyOutOfBand([elsewhere], third);
    await provider.create(inputs);
    await kit.expectCarrying([diskIds[0]], [foreign, policyId]);
  });
});
