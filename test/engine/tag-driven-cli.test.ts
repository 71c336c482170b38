import * as fs from "node:fs";
import * as path from "node:path";
import type { Stack } from "@pulumi/pulumi/automation";
import type { EcsEmulator } from "../../emulator";
import { AutoSnapshotPolicy, PolicyAttachment } from "../../provider";
import { localStack } from "../../scripts/local-pulumi";
import { repoRoot } from "../../scripts/repo-root";
import {
  INSTANCES,
  policyState,
  startLocalEcs,
  tagDrivenStack,
  tagInstanceOutOfBand,
} from "../../examples/tag-driven/on-ecs-local";
import { automationConfig, describePolicies, outOfBandEcs } from "../support/local-ecs";

// examples/tag-driven under the real Pulumi CLI (Automation API, inline program, local file backend)
// against the local ECS endpoint: an instance tagged outside Pulumi joins the policy, and refresh shows it.
// Each test runs several CLI operations; on a busy machine one takes up to half a minute.
const CLI_TEST_TIMEOUT = 240_000;

const [web, db, batch] = INSTANCES;
const GOLD_DISKS = [...web.disks, ...db.disks].sort();

let emulator: EcsEmulator;
let stateRoot: string;
let stack: Stack;
const quiet = { onOutput: () => undefined };

beforeAll(async () => {
  emulator = await startLocalEcs();
  const scratch = path.join(repoRoot(), ".pulumi-local");
  fs.mkdirSync(scratch, { recursive: true });
  stateRoot = fs.mkdtempSync(path.join(scratch, "tag-driven-cli-"));
  stack = await tagDrivenStack(emulator, stateRoot);
}, 120_000);

afterAll(async () => {
  await emulator?.close();
  if (stateRoot) fs.rmSync(stateRoot, { recursive: true, force: true });
});

describe("examples/tag-driven under the real CLI", () => {
  test(
    "up creates one tag-associated policy covering the disks of the instances tagged backup=gold",
    async () => {
      const result = await stack.up(quiet);
      expect(result.summary.resourceChanges).toEqual({ create: 2 });
      expect(result.outputs.targetTags.value).toEqual({ backup: "gold" });
      expect(result.outputs.matchedDiskIds.value).toEqual(GOLD_DISKS);
      expect(result.outputs.coveredDiskCount.value).toBe(3);
      expect(await describePolicies(outOfBandEcs(emulator), "cn-hangzhou")).toHaveLength(1);
    },
    CLI_TEST_TIMEOUT,
  );

  test(
    "an instance tagged outside Pulumi is covered after pulumi refresh, with no change to deploy",
    async () => {
      await tagInstanceOutOfBand(emulator, batch.instanceId, { backup: "gold" });
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
      expect(await describePolicies(outOfBandEcs(emulator), "cn-hangzhou")).toEqual([]);
    },
    CLI_TEST_TIMEOUT,
  );
});

describe("a PolicyAttachment given a tag-associated AutoSnapshotPolicy", () => {
  test(
    "fails at preview, before the policy exists, naming autoSnapshotPolicyId",
    async () => {
      const guarded = await localStack({
        projectName: "snapshot-tag-guard",
        stackName: "test",
        stateDir: stateRoot,
        config: automationConfig(emulator, "cn-hangzhou"),
        program: async () => {
          const policy = new AutoSnapshotPolicy("gold", {
            timePoints: [2],
            repeatWeekdays: [1],
            retentionDays: 7,
            associationType: "AssociatedWithInstanceTag",
            targetTags: { backup: "gold" },
          });
          new PolicyAttachment("gold-disks", { autoSnapshotPolicyId: policy, diskIds: [...web.disks] });
        },
      });
      const before = emulator.requests.length;
      let output = "";
      await expect(guarded.preview({ onOutput: (line) => (output += line) })).rejects.toThrow();
      expect(output).toContain(
        "property autoSnapshotPolicyId value output<string>{} has a problem: the policy is associated with instance tags (associationType AssociatedWithInstanceTag)",
      );
      expect(emulator.requests.slice(before)).toEqual([]);
    },
    CLI_TEST_TIMEOUT,
  );
});
