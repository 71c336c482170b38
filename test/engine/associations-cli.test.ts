import type { Stack } from "@pulumi/pulumi/automation";
import * as pulumi from "@pulumi/pulumi";
import { AutoSnapshotPolicy, PolicyAttachment } from "alicloud-snapshot-policy";
import { disksOfPolicy, policiesOfDisks } from "../support/associations";
import { ACCOUNT_KINDS, REGION } from "../support/local-ecs";
import { useLocalStack } from "../support/use-local-stack";

// Issue 11, cases 1, 3 and 7, under the real Pulumi CLI (Automation API, local file backend), in both
// kinds of account: state never says a disk is covered when it is not, and the next `up` converges.

const quiet = { onOutput: () => undefined };
const DISKS = Array.from({ length: 150 }, (_, index) => `d-own${String(index).padStart(7, "0")}`);

// A project's first `up` starts the CLI and its plugins: on a loaded 2-core machine that alone can take a minute.
jest.setTimeout(420_000);

describe.each(ACCOUNT_KINDS)("an account of %i policies per disk", (policiesPerDisk) => {
  const local = useLocalStack({
    name: "associations-cli",
    emulator: {
      policiesPerDisk,
      requestLogLimit: 50_000,
      disks: DISKS.map((diskId) => ({ diskId, regionId: REGION })),
    },
  });

  /** A stack whose program is whatever `program()` says when `up` runs. */
  function stackOf(name: string, program: () => Record<string, unknown>): Promise<Stack> {
    return local.newStack(`associations-${name}`, async () => program());
  }

  const policyArgs = { timePoints: [1], repeatWeekdays: [1], retentionDays: 7 };

  test("case 1: an attachment renamed without an alias fails before any change, and with one it is the same resource", async () => {
    const disks = DISKS.slice(0, 2);
    let attachmentName = "nightly-disks";
    let aliases: pulumi.Alias[] = [];
    const stack = await stackOf("rename", () => {
      const policy = new AutoSnapshotPolicy("nightly", policyArgs);
      new PolicyAttachment(attachmentName, { autoSnapshotPolicyId: policy.id, diskIds: disks }, { aliases });
      return { policyId: policy.id };
    });
    const policyId = (await stack.up(quiet)).outputs.policyId.value as string;

    attachmentName = "renamed-disks";
    const mark = local.emulator.requests.length;
    await expect(stack.up(quiet)).rejects.toThrow(
      /already carry the policy through an association this resource does not own[\s\S]*aliases/,
    );
    expect(
      local.emulator.requests.slice(mark).filter(({ action }) => /^(Apply|Cancel)/.test(action)),
    ).toEqual([]);
    expect(await policiesOfDisks(local.ecs, REGION, disks)).toEqual({
      [disks[0]]: [policyId],
      [disks[1]]: [policyId],
    });

    aliases = [{ name: "nightly-disks" }];
    expect((await stack.up(quiet)).summary.resourceChanges).toEqual({ same: 3 });
    expect(await policiesOfDisks(local.ecs, REGION, disks)).toEqual({
      [disks[0]]: [policyId],
      [disks[1]]: [policyId],
    });
    // The state agrees: a refresh finds nothing to change.
    expect((await stack.refresh(quiet)).summary.resourceChanges).toEqual({ same: 3 });
    await stack.destroy(quiet);
    expect(await policiesOfDisks(local.ecs, REGION, disks)).toEqual({ [disks[0]]: [], [disks[1]]: [] });
  });

  test("cases 3 and 7: a move failing at the second batch is recorded truthfully; reverting, with a disk taken out, converges", async () => {
    const disks = DISKS.slice(2);
    let target: "old" | "new" = "old";
    let listed = disks;
    const stack = await stackOf("move", () => {
      const policies = {
        old: new AutoSnapshotPolicy("old", policyArgs),
        new: new AutoSnapshotPolicy("new", policyArgs),
      };
      const attachment = new PolicyAttachment("disks", {
        autoSnapshotPolicyId: policies[target].id,
        diskIds: listed,
        batchSize: 50,
      });
      return { old: policies.old.id, new: policies.new.id, recorded: attachment.diskIds };
    });
    const outputs = (await stack.up(quiet)).outputs;
    const [oldId, newId] = [outputs.old.value as string, outputs.new.value as string];

    target = "new";
    local.emulator.addFault({ action: "ApplyAutoSnapshotPolicy", times: 1, delayMs: 0 });
    local.emulator.addFault({
      action: "ApplyAutoSnapshotPolicy",
      times: 1,
      code: "Forbidden.RAM",
      status: 403,
    });
    try {
      await expect(stack.up(quiet)).rejects.toThrow(/Forbidden\.RAM/);
    } finally {
      local.emulator.clearFaults();
    }
    // What state records is what the endpoint holds, for both policies.
    const state = (await stack.exportStack()).deployment.resources.find((resource: { urn: string }) =>
      resource.urn.endsWith("PolicyAttachment::disks"),
    ).outputs;
    const owned: Record<string, string[]> = {
      ...state.formerAssociations,
      [state.autoSnapshotPolicyId]: state.diskIds,
    };
    expect(owned[newId] ?? []).toEqual(await disksOfPolicy(local.ecs, REGION, newId));
    expect(owned[oldId] ?? []).toEqual(await disksOfPolicy(local.ecs, REGION, oldId));
    expect((owned[newId] ?? []).length).toBeGreaterThan(0);

    // Revert, and take out a disk of a batch that moved (case 7).
    const dropped = [...disks].sort()[10];
    target = "old";
    listed = disks.filter((diskId) => diskId !== dropped);
    expect((await stack.up(quiet)).summary.resourceChanges).toMatchObject({ update: 1 });
    expect(await disksOfPolicy(local.ecs, REGION, oldId)).toEqual([...listed].sort());
    expect(await disksOfPolicy(local.ecs, REGION, newId)).toEqual([]);
    expect(await policiesOfDisks(local.ecs, REGION, [dropped])).toEqual({ [dropped]: [] });
    // Converged: the next preview has nothing to do.
    expect((await stack.preview(quiet)).changeSummary).toEqual({ same: 4 });
    await stack.destroy(quiet);
    expect(Object.values(await policiesOfDisks(local.ecs, REGION, disks)).flat()).toEqual([]);
  });
});
