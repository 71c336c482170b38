import * as path from "node:path";
import type { Stack } from "@pulumi/pulumi/automation";
import { AutoSnapshotPolicy, PolicyAttachment } from "../../provider";
import {
  INSTANCES,
  LOCAL_SEED,
  policyState,
  tagDrivenStack,
  tagInstanceOutOfBand,
} from "../../examples/tag-driven/on-ecs-local";
import { ACCOUNT_KINDS, describePolicies } from "../support/local-ecs";
import { useLocalStack } from "../support/use-local-stack";

// examples/tag-driven under the real Pulumi CLI (Automation API, inline program, local file backend)
// against the local ECS endpoint: an instance tagged outside Pulumi joins the policy, and refresh shows it.
// Each test runs several CLI operations; on a busy machine one takes up to half a minute.
const CLI_TEST_TIMEOUT = 240_000;

const [web, db, batch] = INSTANCES;
const GOLD_DISKS = [...web.disks, ...db.disks].sort();

const quiet = { onOutput: () => undefined };

describe.each(ACCOUNT_KINDS)("an account of %i policies per disk", (policiesPerDisk) => {
  const local = useLocalStack({ name: "tag-driven-cli", emulator: { ...LOCAL_SEED, policiesPerDisk } });
  let stack: Stack;

  beforeAll(async () => {
    stack = await tagDrivenStack(local.emulator, path.join(local.stateRoot, "tagDriven"));
  }, 120_000);

  describe("examples/tag-driven under the real CLI", () => {
    test(
      "up creates one tag-associated policy covering the disks of the instances tagged backup=gold",
      async () => {
        const result = await stack.up(quiet);
        expect(result.summary.resourceChanges).toEqual({ create: 2 });
        expect(result.outputs.targetTags.value).toEqual({ backup: "gold" });
        expect(result.outputs.matchedDiskIds.value).toEqual(GOLD_DISKS);
        expect(result.outputs.coveredDiskCount.value).toBe(3);
        expect(await describePolicies(local.ecs, "cn-hangzhou")).toHaveLength(1);
      },
      CLI_TEST_TIMEOUT,
    );

    test(
      "an instance tagged outside Pulumi is covered after pulumi refresh, with no change to deploy",
      async () => {
        await tagInstanceOutOfBand(local.emulator, batch.instanceId, { backup: "gold" });
        expect(await policyState(stack)).toEqual({ matchedDiskIds: GOLD_DISKS, coveredDiskCount: 3 });

        await stack.refresh(quiet);
        const covered = [...GOLD_DISKS, ...batch.disks].sort();
        expect(await policyState(stack)).toEqual({ matchedDiskIds: covered, coveredDiskCount: 4 });
        expect((await stack.preview(quiet)).changeSummary).toEqual({ same: 2 });
        const result = await stack.up(quiet);
        expect(result.summary.resourceChanges).toEqual({ same: 2 });
        expect(result.outputs.matchedDiskIds.value).toEqual(covered);
      },
      CLI_TEST_TIMEOUT,
    );

    test(
      "changing targetTags is an in-place update",
      async () => {
        await stack.setConfig("tagDriven:targetTags", { value: JSON.stringify({ role: "db" }) });
        try {
          expect((await stack.preview(quiet)).changeSummary).toEqual({ same: 1, update: 1 });
          const result = await stack.up(quiet);
          expect(result.outputs.matchedDiskIds.value).toEqual([...db.disks]);
        } finally {
          await stack.removeConfig("tagDriven:targetTags");
        }
      },
      CLI_TEST_TIMEOUT,
    );

    test(
      "destroy deletes the policy",
      async () => {
        await stack.destroy(quiet);
        expect(await describePolicies(local.ecs, "cn-hangzhou")).toEqual([]);
      },
      CLI_TEST_TIMEOUT,
    );
  });

  describe("a PolicyAttachment given a tag-associated AutoSnapshotPolicy", () => {
    test(
      "fails at preview, before the policy exists, naming autoSnapshotPolicyId",
      async () => {
        const guarded = await local.newStack("snapshot-tag-guard", async () => {
          const policy = new AutoSnapshotPolicy("gold", {
            timePoints: [2],
            repeatWeekdays: [1],
            retentionDays: 7,
            associationType: "AssociatedWithInstanceTag",
            targetTags: { backup: "gold" },
          });
          new PolicyAttachment("gold-disks", { autoSnapshotPolicyId: policy, diskIds: [...web.disks] });
        });
        const before = local.emulator.requests.length;
        let output = "";
        await expect(guarded.preview({ onOutput: (line) => (output += line) })).rejects.toThrow();
        expect(output).toContain(
          "property autoSnapshotPolicyId value output<string>{} has a problem: the policy is associated with instance tags (associationType AssociatedWithInstanceTag)",
        );
        expect(local.emulator.requests.slice(before)).toEqual([]);
      },
      CLI_TEST_TIMEOUT,
    );
  });
});
