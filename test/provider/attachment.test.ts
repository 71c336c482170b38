import { policyAttachmentProvider as provider } from "../../provider";
import { PartialStateError } from "../../provider/engine";
import { UNKNOWN } from "../../provider/engine";
import { startEcsEmulator, type EcsEmulator } from "../../emulator";
import {
  REGION,
  configureProvider,
  outOfBandEcs,
  type OutOfBandEcs,
  PROVIDER_ACCOUNT,
} from "../support/local-ecs";

/*
 * The PolicyAttachment provider against the local ECS endpoint, through the real pop-core client.
 * Call counts come from the endpoint's request log, so they count what went over the wire.
 */

type Props = Record<string, unknown>;

let emulator: EcsEmulator;
let ecs: OutOfBandEcs;
let diskSerial = 0;

beforeAll(async () => {
  emulator = await startEcsEmulator(PROVIDER_ACCOUNT);
  await configureProvider(provider, emulator);
  ecs = outOfBandEcs(emulator);
});

afterAll(async () => {
  await emulator?.close();
});

async function createPolicy(): Promise<string> {
  const answer = await ecs<{ AutoSnapshotPolicyId: string }>("CreateAutoSnapshotPolicy", {
    regionId: REGION,
    timePoints: '["1"]',
    repeatWeekdays: '["1"]',
    retentionDays: 7,
  });
  return answer.AutoSnapshotPolicyId;
}

function newDisks(count: number, category = "cloud_essd"): string[] {
  const diskIds = Array.from({ length: count }, () => `d-t${(diskSerial++).toString(36).padStart(6, "0")}`);
  emulator.addDisks(diskIds.map((diskId) => ({ diskId, regionId: REGION, category })));
  return diskIds;
}

/** The policy each disk carries now ("" for none; undefined for a disk that does not exist). */
async function policiesOf(diskIds: string[]): Promise<Record<string, string | undefined>> {
  const policies: Record<string, string | undefined> = Object.fromEntries(
    diskIds.map((id) => [id, undefined]),
  );
  for (let start = 0; start < diskIds.length; start += 100) {
    const page = await ecs<{ Disks: { Disk: { DiskId: string; AutoSnapshotPolicyId: string }[] } }>(
      "DescribeDisks",
      { RegionId: REGION, DiskIds: JSON.stringify(diskIds.slice(start, start + 100)), PageSize: 100 },
    );
    for (const disk of page.Disks.Disk) policies[disk.DiskId] = disk.AutoSnapshotPolicyId;
  }
  return policies;
}

/** Creates an attachment of `diskIds` to `policyId`, checked first as the engine does. */
async function attached(policyId: string, diskIds: string[]) {
  return provider.create(await checked({ regionId: REGION, autoSnapshotPolicyId: policyId, diskIds }));
}

/** Moves `diskId` to `policyId` behind the provider's back. */
async function moveOutOfBand(diskId: string, policyId: string): Promise<void> {
  await ecs("ApplyAutoSnapshotPolicy", {
    regionId: REGION,
    autoSnapshotPolicyId: policyId,
    diskIds: JSON.stringify([diskId]),
  });
}

async function expectPolicy(diskIds: string[], policyId: string): Promise<void> {
  const policies = await policiesOf(diskIds);
  expect(Object.values(policies).filter((policy) => policy !== policyId)).toEqual([]);
}

/** Counts the requests `operation` makes, by action. */
async function counting<T>(
  operation: () => Promise<T>,
): Promise<{ result: T; calls: Record<string, number> }> {
  const mark = emulator.requests.length;
  const result = await operation();
  return { result, calls: callsSince(mark) };
}

function callsSince(mark: number): Record<string, number> {
  const calls: Record<string, number> = {};
  for (const { action } of emulator.requests.slice(mark)) calls[action] = (calls[action] ?? 0) + 1;
  return calls;
}

async function checked(news: Props): Promise<Props> {
  const result = await provider.check!({}, news);
  expect(result.failures ?? []).toEqual([]);
  return result.inputs;
}

async function failureOf(operation: () => Promise<unknown>): Promise<Error> {
  try {
    await operation();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the operation to fail");
}

const batches = (count: number, size = 100) => Math.ceil(count / size);

describe.each([1, 150, 2500])("%i disks", (count) => {
  let policyId: string;
  let diskIds: string[];
  let id: string;
  let outs: Props;

  beforeAll(async () => {
    policyId = await createPolicy();
    diskIds = newDisks(count);
  });

  it("create: one DescribeDisks and one Apply per 100 disks", async () => {
    const inputs = await checked({ regionId: REGION, autoSnapshotPolicyId: policyId, diskIds });
    const { result, calls } = await counting(() => provider.create(inputs));
    expect(calls).toEqual({ DescribeDisks: batches(count), ApplyAutoSnapshotPolicy: batches(count) });
    expect(result.id).toMatch(new RegExp(`^${REGION}:[0-9a-f]{16}$`));
    expect(result.outs).toEqual({
      regionId: REGION,
      autoSnapshotPolicyId: policyId,
      diskIds: [...diskIds].sort(),
      missingDiskIds: [],
      batchSize: 100,
      takeOverDisks: false,
      handedOffDiskIds: [],
    });
    await expectPolicy(diskIds, policyId);
    id = result.id;
    outs = result.outs;
  });

  it("read: one DescribeDisks per 100 disks and no drift", async () => {
    const { result, calls } = await counting(() => provider.read!(id, outs));
    expect(calls).toEqual({ DescribeDisks: batches(count) });
    expect(result).toEqual({ id, props: outs });
  });

  it("update with nothing changed makes no call", async () => {
    const inputs = await checked({ regionId: REGION, autoSnapshotPolicyId: policyId, diskIds });
    expect(await provider.diff!(id, outs, inputs)).toEqual({ changes: false });
    const { result, calls } = await counting(() => provider.update!(id, outs, inputs));
    expect(calls).toEqual({});
    expect(result.outs).toEqual(outs);
  });

  it("update: swaps a tenth of the disks with Cancel for the removed and Apply for the added", async () => {
    const swapped = Math.ceil(count / 10);
    const removed = diskIds.slice(0, swapped);
    const added = newDisks(swapped);
    const next = [...diskIds.slice(swapped), ...added];
    const inputs = await checked({ regionId: REGION, autoSnapshotPolicyId: policyId, diskIds: next });
    expect(await provider.diff!(id, outs, inputs)).toEqual({ changes: true });
    const { result, calls } = await counting(() => provider.update!(id, outs, inputs));
    expect(calls).toEqual({
      DescribeDisks: batches(swapped),
      CancelAutoSnapshotPolicy: batches(swapped),
      ApplyAutoSnapshotPolicy: batches(swapped),
    });
    expect(result.outs!.diskIds).toEqual([...next].sort());
    await expectPolicy(next, policyId);
    await expectPolicy(removed, "");
    diskIds = next;
    outs = result.outs!;
  });

  it("delete: one Cancel per 100 disks, and the disks carry no policy", async () => {
    const { calls } = await counting(() => provider.delete!(id, outs));
    expect(calls).toEqual({ CancelAutoSnapshotPolicy: batches(count) });
    await expectPolicy(diskIds, "");
  });
});

describe("check", () => {
  it("passes an unknown policy id through and makes no call", async () => {
    const { result, calls } = await counting(() =>
      provider.check!({}, { autoSnapshotPolicyId: UNKNOWN, diskIds: ["d-b", "d-a"] }),
    );
    expect(calls).toEqual({});
    expect(result.failures).toEqual([]);
    expect(result.inputs).toEqual({
      regionId: REGION,
      autoSnapshotPolicyId: UNKNOWN,
      diskIds: ["d-a", "d-b"],
      batchSize: 100,
      takeOverDisks: false,
      handedOffDiskIds: [],
    });
  });

  it("the diff of an unknown policy id is a change", async () => {
    const olds = { regionId: REGION, autoSnapshotPolicyId: "sp-a", diskIds: ["d-a"] };
    expect(await provider.diff!("id", olds, { ...olds, autoSnapshotPolicyId: UNKNOWN })).toEqual({
      changes: true,
    });
  });
});

describe("batchSize", () => {
  it("sends 150 disks in 4 Apply and 4 Cancel calls of at most 40", async () => {
    const policyId = await createPolicy();
    const diskIds = newDisks(150);
    const inputs = await checked({
      regionId: REGION,
      autoSnapshotPolicyId: policyId,
      diskIds,
      batchSize: 40,
    });
    const created = await counting(() => provider.create(inputs));
    expect(created.calls).toEqual({ DescribeDisks: 2, ApplyAutoSnapshotPolicy: 4 });
    const applies = emulator.requests
      .filter((request) => request.action === "ApplyAutoSnapshotPolicy")
      .slice(-4);
    expect(applies.map((request) => JSON.parse(request.params.diskIds).length)).toEqual([40, 40, 40, 30]);
    const deleted = await counting(() => provider.delete!(created.result.id, created.result.outs));
    expect(deleted.calls).toEqual({ CancelAutoSnapshotPolicy: 4 });
  });
});

describe("policy change", () => {
  it("moves all 150 disks to the new policy with no Cancel, so no disk is ever without one", async () => {
    const [oldPolicy, newPolicy] = [await createPolicy(), await createPolicy()];
    const diskIds = newDisks(150);
    const created = await attached(oldPolicy, diskIds);
    const inputs = await checked({ regionId: REGION, autoSnapshotPolicyId: newPolicy, diskIds });
    expect(await provider.diff!(created.id, created.outs, inputs)).toEqual({ changes: true });
    const { result, calls } = await counting(() => provider.update!(created.id, created.outs, inputs));
    expect(calls).toEqual({ DescribeDisks: 2, ApplyAutoSnapshotPolicy: 2 });
    expect(result.outs!.autoSnapshotPolicyId).toBe(newPolicy);
    await expectPolicy(diskIds, newPolicy);
  });

  it("a new region replaces the attachment", async () => {
    const olds = { regionId: REGION, autoSnapshotPolicyId: "sp-a", diskIds: ["d-a"] };
    expect(await provider.diff!("id", olds, { ...olds, regionId: "cn-beijing" })).toEqual({
      changes: true,
      replaces: ["regionId"],
    });
  });
});

describe("disks moved to another policy outside Pulumi", () => {
  it("read shows the drift, delete leaves them on the other policy, the next update takes them back only with takeOverDisks", async () => {
    const [policyId, otherPolicy] = [await createPolicy(), await createPolicy()];
    const diskIds = newDisks(3);
    const created = await attached(policyId, diskIds);
    await moveOutOfBand(diskIds[1], otherPolicy);

    const refreshed = await provider.read!(created.id, created.outs);
    expect(refreshed.props).toMatchObject({ diskIds: [diskIds[0], diskIds[2]], missingDiskIds: [] });

    const inputs = await checked({ regionId: REGION, autoSnapshotPolicyId: policyId, diskIds });
    expect(await provider.diff!(created.id, refreshed.props!, inputs)).toEqual({ changes: true });
    const refused = await failureOf(() => provider.update!(created.id, refreshed.props!, inputs));
    expect(refused.message).toContain(`${diskIds[1]} (${otherPolicy})`);

    const { calls } = await counting(() => provider.delete!(created.id, refreshed.props!));
    expect(calls).toEqual({ CancelAutoSnapshotPolicy: 1 });
    expect(await policiesOf(diskIds)).toEqual({
      [diskIds[0]]: "",
      [diskIds[1]]: otherPolicy,
      [diskIds[2]]: "",
    });
  });

  it("delete without a refresh still leaves a moved disk alone", async () => {
    const [policyId, otherPolicy] = [await createPolicy(), await createPolicy()];
    const diskIds = newDisks(2);
    const created = await attached(policyId, diskIds);
    await moveOutOfBand(diskIds[0], otherPolicy);
    await provider.delete!(created.id, created.outs);
    expect(await policiesOf(diskIds)).toEqual({ [diskIds[0]]: otherPolicy, [diskIds[1]]: "" });
  });
});

describe("disks deleted outside Pulumi", () => {
  it("read reports them in missingDiskIds until they are taken out of diskIds; delete succeeds", async () => {
    const policyId = await createPolicy();
    const diskIds = newDisks(3);
    const created = await attached(policyId, diskIds);
    emulator.removeDisk(diskIds[2]);
    const refreshed = await provider.read!(created.id, created.outs);
    expect(refreshed.props).toMatchObject({ diskIds: diskIds.slice(0, 2), missingDiskIds: [diskIds[2]] });

    const again = await provider.read!(created.id, refreshed.props!);
    expect(again.props).toMatchObject({ diskIds: diskIds.slice(0, 2), missingDiskIds: [diskIds[2]] });

    const listed = await checked({ regionId: REGION, autoSnapshotPolicyId: policyId, diskIds });
    const refused = await failureOf(() => provider.update!(created.id, refreshed.props!, listed));
    expect(refused.message).toContain(`do not exist in cn-hangzhou: ${diskIds[2]}; remove them from diskIds`);

    const unlisted = await checked({
      regionId: REGION,
      autoSnapshotPolicyId: policyId,
      diskIds: diskIds.slice(0, 2),
    });
    expect(await provider.diff!(created.id, refreshed.props!, unlisted)).toEqual({ changes: true });
    const updated = await counting(() => provider.update!(created.id, refreshed.props!, unlisted));
    expect(updated.calls).toEqual({});
    expect(updated.result.outs).toMatchObject({ diskIds: diskIds.slice(0, 2), missingDiskIds: [] });

    const { calls } = await counting(() => provider.delete!(created.id, updated.result.outs!));
    expect(calls).toEqual({ CancelAutoSnapshotPolicy: 1 });
    await expectPolicy(diskIds.slice(0, 2), "");
  });

  it("delete from a state that still lists a deleted disk cancels the others", async () => {
    const policyId = await createPolicy();
    const diskIds = newDisks(3);
    const created = await attached(policyId, diskIds);
    emulator.removeDisk(diskIds[0]);
    const { calls } = await counting(() => provider.delete!(created.id, created.outs));
    expect(calls).toEqual({ CancelAutoSnapshotPolicy: 2, DescribeDisks: 1 });
    await expectPolicy(diskIds.slice(1), "");
  });

  it("create with a disk that does not exist fails naming it, before any Apply", async () => {
    const policyId = await createPolicy();
    const diskIds = [...newDisks(120), "d-doesnotexist"];
    const inputs = await checked({ regionId: REGION, autoSnapshotPolicyId: policyId, diskIds });
    const mark = emulator.requests.length;
    const error = await failureOf(() => provider.create(inputs));
    expect(error.message).toContain("do not exist in cn-hangzhou: d-doesnotexist");
    expect(callsSince(mark)).toEqual({ DescribeDisks: 2 });
    await expectPolicy(diskIds.slice(0, 120), "");
  });

  it("a disk that vanishes between the check and the Apply leaves the applied batches in state", async () => {
    const policyId = await createPolicy();
    const diskIds = newDisks(150);
    const inputs = await checked({
      regionId: REGION,
      autoSnapshotPolicyId: policyId,
      diskIds,
      batchSize: 50,
    });
    // The first Apply runs; the second answers as if one of its disks had just been deleted.
    emulator.addFault({ action: "ApplyAutoSnapshotPolicy", times: 1, delayMs: 0 });
    emulator.addFault({
      action: "ApplyAutoSnapshotPolicy",
      times: 1,
      code: "InvalidDiskId.NotFound",
      status: 404,
    });
    try {
      const mark = emulator.requests.length;
      const error = await failureOf(() => provider.create(inputs));
      expect(error).toBeInstanceOf(PartialStateError);
      const partial = error as PartialStateError;
      expect(partial.message).toContain("applied to 50 of 150 disks");
      expect(partial.properties.diskIds).toEqual([...diskIds].sort().slice(0, 50));
      expect(partial.id).toMatch(/^cn-hangzhou:/);
      expect(callsSince(mark)).toEqual({ DescribeDisks: 3, ApplyAutoSnapshotPolicy: 2 });

      // The next `up` diffs the recorded state against the inputs and attaches the rest.
      const recorded = partial.properties;
      expect(await provider.diff!(partial.id, recorded, inputs)).toEqual({ changes: true });
      const resumed = await counting(() => provider.update!(partial.id, recorded, inputs));
      expect(resumed.calls).toEqual({ DescribeDisks: 1, ApplyAutoSnapshotPolicy: 2 });
      await expectPolicy(diskIds, policyId);
    } finally {
      emulator.clearFaults();
    }
  });
});

describe("read when the policy is gone", () => {
  it("reports the attachment as deleted", async () => {
    const policyId = await createPolicy();
    const diskIds = newDisks(2);
    const created = await attached(policyId, diskIds);
    await ecs("DeleteAutoSnapshotPolicy", { regionId: REGION, autoSnapshotPolicyId: policyId });
    const { result, calls } = await counting(() => provider.read!(created.id, created.outs));
    expect(result).toEqual({ id: undefined, props: {} });
    expect(calls).toEqual({ DescribeDisks: 1, DescribeAutoSnapshotPolicyEx: 1 });
  });
});

describe("takeOverDisks", () => {
  it("false: create fails naming the disks and their current policy, with no Apply", async () => {
    const [policyId, otherPolicy] = [await createPolicy(), await createPolicy()];
    const diskIds = newDisks(3);
    await moveOutOfBand(diskIds[1], otherPolicy);
    const inputs = await checked({ regionId: REGION, autoSnapshotPolicyId: policyId, diskIds });
    const mark = emulator.requests.length;
    const error = await failureOf(() => provider.create(inputs));
    expect(error.message).toContain(`already carry another automatic snapshot policy`);
    expect(error.message).toContain(`${diskIds[1]} (${otherPolicy})`);
    expect(callsSince(mark)).toEqual({ DescribeDisks: 1 });
    expect(await policiesOf(diskIds)).toEqual({
      [diskIds[0]]: "",
      [diskIds[1]]: otherPolicy,
      [diskIds[2]]: "",
    });
  });

  it("true: create moves them to this policy", async () => {
    const [policyId, otherPolicy] = [await createPolicy(), await createPolicy()];
    const diskIds = newDisks(3);
    await moveOutOfBand(diskIds[1], otherPolicy);
    const inputs = await checked({
      regionId: REGION,
      autoSnapshotPolicyId: policyId,
      diskIds,
      takeOverDisks: true,
    });
    const created = await provider.create(inputs);
    expect(created.outs.takeOverDisks).toBe(true);
    await expectPolicy(diskIds, policyId);
  });
});

describe("handedOffDiskIds", () => {
  it("an update cancels a plain removed disk but not a handed-off one, which the other side's Apply then moves", async () => {
    const [losingPolicy, gainingPolicy] = [await createPolicy(), await createPolicy()];
    const [handedOff, dropped, kept, gainingDisk] = newDisks(4);
    const losing = await attached(losingPolicy, [handedOff, dropped, kept]);
    const gaining = await attached(gainingPolicy, [gainingDisk]);

    // The losing side runs first: the worse of the two orders the engine may choose.
    const losingInputs = await checked({
      regionId: REGION,
      autoSnapshotPolicyId: losingPolicy,
      diskIds: [kept],
      handedOffDiskIds: [handedOff, gainingDisk],
    });
    expect(await provider.diff!(losing.id, losing.outs, losingInputs)).toEqual({ changes: true });
    const mark = emulator.requests.length;
    const updated = await provider.update!(losing.id, losing.outs, losingInputs);
    const writes = emulator.requests
      .slice(mark)
      .filter(({ action }) => action !== "DescribeDisks")
      .map(({ action, params }) => [action, params.autoSnapshotPolicyId, JSON.parse(params.diskIds)]);
    expect(writes).toEqual([["CancelAutoSnapshotPolicy", losingPolicy, [dropped]]]);
    expect(updated.outs).toMatchObject({ diskIds: [kept], handedOffDiskIds: [handedOff, gainingDisk] });
    expect(await policiesOf([handedOff, dropped, kept])).toEqual({
      [handedOff]: losingPolicy,
      [dropped]: "",
      [kept]: losingPolicy,
    });

    const gainingInputs = await checked({
      regionId: REGION,
      autoSnapshotPolicyId: gainingPolicy,
      diskIds: [gainingDisk, handedOff],
      takeOverDisks: true,
      handedOffDiskIds: [kept],
    });
    const moved = await counting(() => provider.update!(gaining.id, gaining.outs, gainingInputs));
    expect(moved.calls).toEqual({ DescribeDisks: 1, ApplyAutoSnapshotPolicy: 1 });
    expect(await policiesOf([handedOff, kept])).toEqual({ [handedOff]: gainingPolicy, [kept]: losingPolicy });
  });

  it("a change of handedOffDiskIds alone diffs as no change and makes no call", async () => {
    const policyId = await createPolicy();
    const diskIds = newDisks(2);
    const created = await attached(policyId, diskIds);
    const inputs = await checked({
      regionId: REGION,
      autoSnapshotPolicyId: policyId,
      diskIds,
      handedOffDiskIds: ["d-elsewhere"],
    });
    expect(await provider.diff!(created.id, created.outs, inputs)).toEqual({ changes: false });
    const { result, calls } = await counting(() => provider.update!(created.id, created.outs, inputs));
    expect(calls).toEqual({});
    expect(result.outs).toEqual({ ...created.outs, handedOffDiskIds: ["d-elsewhere"] });
  });
});

describe("disk categories", () => {
  it("create with a local disk fails naming it and its category, with no Apply", async () => {
    const policyId = await createPolicy();
    const [local] = newDisks(1, "local_ssd_pro");
    const diskIds = [...newDisks(2), local];
    const inputs = await checked({ regionId: REGION, autoSnapshotPolicyId: policyId, diskIds });
    const mark = emulator.requests.length;
    const error = await failureOf(() => provider.create(inputs));
    expect(error.message).toContain(`${local} (local_ssd_pro)`);
    expect(callsSince(mark)).toEqual({ DescribeDisks: 1 });
  });
});
