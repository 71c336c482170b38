import { AutoSnapshotPolicy, PolicyAttachment } from "alicloud-snapshot-policy";
import { ACCOUNT_KINDS, REGION, describePolicies } from "../support/local-ecs";
import { useLocalStack } from "../support/use-local-stack";

/*
 * A drift-correcting preview under the real CLI, as a PR workflow runs it: refresh, then preview with
 * --diff. The policy's read() returns the live policy as inputs, so the engine's diff of stored and
 * declared inputs marks exactly what drifted.
 */

const DISKS = ["d-drift00001", "d-drift00002"];

const quiet = { onOutput: () => undefined };

describe.each(ACCOUNT_KINDS)("an account of %i policies per disk", (policiesPerDisk) => {
  const local = useLocalStack({
    name: "drift",
    emulator: { policiesPerDisk, disks: DISKS.map((diskId) => ({ diskId, regionId: REGION })) },
    program: async () => {
      const policy = new AutoSnapshotPolicy("nightly", {
        autoSnapshotPolicyName: "drift-nightly",
        timePoints: [2, 14],
        repeatWeekdays: [1, 3, 5],
        retentionDays: 14,
        tags: { team: "platform" },
      });
      new PolicyAttachment("nightly-disks", { autoSnapshotPolicyId: policy.id, diskIds: DISKS });
    },
  });

  beforeAll(() => local.stack.up(quiet), 120_000);

  /** The lines of a `preview --diff` that mark a changed property: `~ timePoints: …`. */
  function markedProperties(previewText: string): string[] {
    const marked = [...previewText.matchAll(/^\s*[~+-] (\w+)\s*:/gm)].map((match) => match[1]);
    return [...new Set(marked)].sort();
  }

  async function diffPreview(): Promise<{ text: string; changeSummary: Record<string, number> }> {
    let text = "";
    const preview = await local.stack.preview({ diff: true, onOutput: (chunk) => (text += chunk) });
    return { text, changeSummary: preview.changeSummary };
  }

  test("right after up, a refresh changes nothing (no output drifts by itself)", async () => {
    const refresh = await local.stack.refresh(quiet);
    expect(refresh.summary.resourceChanges).toEqual({ same: 3 });
  });

  test("refresh, then preview --diff with no program change, shows no change", async () => {
    await local.stack.refresh(quiet);
    const { text, changeSummary } = await diffPreview();
    expect(changeSummary).toEqual({ same: 3 });
    expect(markedProperties(text)).toEqual([]);
  });

  test("after an out-of-band edit, refresh then preview --diff marks only the drifted properties", async () => {
    const [policy] = await describePolicies(local.ecs, REGION);
    await local.ecs("ModifyAutoSnapshotPolicyEx", {
      regionId: REGION,
      autoSnapshotPolicyId: policy.AutoSnapshotPolicyId,
      timePoints: '["5"]',
      retentionDays: 9,
    });
    await local.stack.refresh(quiet);
    const { text, changeSummary } = await diffPreview();
    expect(changeSummary).toEqual({ same: 2, update: 1 });
    // schedule and snapshotsPerDisk are derived from the two (and shown at preview), so they change with them.
    expect(markedProperties(text)).toEqual(["retentionDays", "schedule", "snapshotsPerDisk", "timePoints"]);
  });

  test("up corrects the drift, and the next preview shows no change", async () => {
    const up = await local.stack.up(quiet);
    expect(up.summary.resourceChanges).toEqual({ same: 2, update: 1 });
    const [policy] = await describePolicies(local.ecs, REGION);
    expect(policy).toMatchObject({ TimePoints: '["2","14"]', RetentionDays: 14 });
    expect((await diffPreview()).changeSummary).toEqual({ same: 3 });
  });

  test("a disk taken off out of band: refresh then preview --diff marks only diskIds, and up puts it back", async () => {
    const [policy] = await describePolicies(local.ecs, REGION);
    await local.ecs("CancelAutoSnapshotPolicy", {
      regionId: REGION,
      autoSnapshotPolicyId: policy.AutoSnapshotPolicyId,
      diskIds: JSON.stringify([DISKS[1]]),
    });
    await local.stack.refresh(quiet);
    const { text, changeSummary } = await diffPreview();
    expect(changeSummary).toEqual({ same: 2, update: 1 });
    expect(markedProperties(text)).toEqual(["diskIds"]);
    const up = await local.stack.up(quiet);
    expect(up.summary.resourceChanges).toEqual({ same: 2, update: 1 });
    expect((await diffPreview()).changeSummary).toEqual({ same: 3 });
  });
});
