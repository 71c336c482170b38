import * as fs from "node:fs";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import type { Stack } from "@pulumi/pulumi/automation";
import { repoRoot } from "../../scripts/repo-root";
import { backupPlan } from "../../examples/backup-plan/program";
import { disksLeftBare, policiesOfDisks, replayWrites } from "../support/associations";
import { ACCOUNT_KINDS, automationConfig, describePolicies, policyOfDisk } from "../support/local-ecs";
import { useLocalStack } from "../support/use-local-stack";

// examples/backup-plan deployed with the real Pulumi CLI (Automation API, inline program, local file
// backend) against the local ECS endpoint, in both kinds of account, then edited the way a reviewed
// pull request would edit it.

const HANGZHOU_DISKS = ["d-bp1backup0001", "d-bp1backup0002", "d-bp1backup0003"];
const SHANGHAI_DISKS = ["d-uf6backup0001", "d-uf6backup0002"];
const MOVED_DISK = "d-bp1backup0002";

interface PlanFile {
  policies: Record<string, { timePoints: number[]; disks: string[] }>;
}

// A project's first `up` starts the CLI and its plugins: on a loaded 2-core machine that alone can take a minute.
jest.setTimeout(180_000);

describe.each(ACCOUNT_KINDS)("an account of %i policies per disk", (policiesPerDisk) => {
  const local = useLocalStack({
    name: "backup-plan-cli",
    emulator: {
      policiesPerDisk,
      disks: [
        ...HANGZHOU_DISKS.map((diskId) => ({ diskId, regionId: "cn-hangzhou" })),
        ...SHANGHAI_DISKS.map((diskId) => ({ diskId, regionId: "cn-shanghai" })),
      ],
    },
  });
  let planFile: string;
  let stack: Stack;
  const quiet = { onOutput: () => undefined };

  async function diskPolicies(): Promise<Record<string, string>> {
    const regions = [
      ...HANGZHOU_DISKS.map((diskId) => ["cn-hangzhou", diskId]),
      ...SHANGHAI_DISKS.map((diskId) => ["cn-shanghai", diskId]),
    ];
    return Object.fromEntries(
      await Promise.all(
        regions.map(async ([regionId, diskId]) => [diskId, await policyOfDisk(local.ecs, regionId, diskId)]),
      ),
    );
  }

  function editPlan(edit: (plan: PlanFile) => void): void {
    const plan = parse(fs.readFileSync(planFile, "utf8")) as PlanFile;
    edit(plan);
    fs.writeFileSync(planFile, stringify(plan));
  }

  type Write = [action: string, policyId: string, status: number, diskIds: string[]];

  /**
   * Runs `up` with every Apply answered late, so that a Cancel running alongside it would land first,
   * and returns the Apply and Cancel requests it made.
   */
  async function upWithSlowApplies(expectedChanges: Record<string, number>): Promise<Write[]> {
    local.emulator.addFault({ action: "ApplyAutoSnapshotPolicy", delayMs: 1000 });
    const firstRequest = local.emulator.requests.length;
    const before = await policiesOfDisks(local.ecs, "cn-hangzhou", HANGZHOU_DISKS);
    try {
      expect((await stack.up(quiet)).summary.resourceChanges).toEqual(expectedChanges);
    } finally {
      local.emulator.clearFaults();
    }
    expect(disksLeftBare(replayWrites(local.emulator, firstRequest, before))).toEqual([]);
    return local.emulator.requests
      .slice(firstRequest)
      .filter(({ action }) => action === "ApplyAutoSnapshotPolicy" || action === "CancelAutoSnapshotPolicy")
      .map(({ action, params, status }) => [
        action,
        params.autoSnapshotPolicyId,
        status,
        JSON.parse(params.diskIds),
      ]);
  }

  function writesNaming(writes: Write[], diskId: string): [string, string, number][] {
    return writes
      .filter(([, , , diskIds]) => diskIds.includes(diskId))
      .map(([action, policyId, status]) => [action, policyId, status]);
  }

  async function policyIds(): Promise<Record<string, string>> {
    return (await stack.outputs()).policyIds.value as Record<string, string>;
  }

  beforeAll(async () => {
    planFile = path.join(local.stateRoot, "backup.yaml");
    fs.copyFileSync(path.join(repoRoot(), "examples", "backup-plan", "backup.yaml"), planFile);
    stack = await local.newStack("snapshot-backup-plan", async () => backupPlan(), {
      config: { ...automationConfig(local.emulator, "cn-hangzhou"), "backupPlan:file": { value: planFile } },
    });
  }, 120_000);

  describe("examples/backup-plan under the real CLI", () => {
    test("up creates four policies in two regions and one association resource per region", async () => {
      const result = await stack.up(quiet);
      // The stack, the BackupPlan component, 4 policies, 2 BackupPlanDisks.
      expect(result.summary.resourceChanges).toEqual({ create: 8 });
      const ids = await policyIds();
      expect(await diskPolicies()).toEqual({
        "d-bp1backup0001": ids["daily-hangzhou"],
        "d-bp1backup0002": ids["daily-hangzhou"],
        "d-bp1backup0003": ids["weekly-hangzhou"],
        "d-uf6backup0001": ids["daily-shanghai"],
        "d-uf6backup0002": ids["weekly-shanghai"],
      });
      expect(await describePolicies(local.ecs, "cn-hangzhou")).toHaveLength(2);
      expect(await describePolicies(local.ecs, "cn-shanghai")).toHaveLength(2);
    });

    test("reordering the plan's keys and lists previews as no change", async () => {
      editPlan((plan) => {
        plan.policies = Object.fromEntries(Object.entries(plan.policies).reverse());
        for (const policy of Object.values(plan.policies)) policy.disks.reverse();
      });
      expect((await stack.preview(quiet)).changeSummary).toEqual({ same: 8 });
    });

    test("changing one time point is one policy update", async () => {
      editPlan((plan) => (plan.policies["weekly-shanghai"].timePoints = [4]));
      expect((await stack.preview(quiet)).changeSummary).toEqual({ same: 7, update: 1 });
      expect((await stack.up(quiet)).summary.resourceChanges).toEqual({ same: 7, update: 1 });
      const ids = await policyIds();
      const timePoints = Object.fromEntries(
        (await describePolicies(local.ecs, "cn-shanghai")).map(({ AutoSnapshotPolicyId, TimePoints }) => [
          AutoSnapshotPolicyId,
          TimePoints,
        ]),
      );
      expect(timePoints).toEqual({ [ids["daily-shanghai"]]: '["2"]', [ids["weekly-shanghai"]]: '["4"]' });
    });

    test("moving a disk to another policy is one update that applies the new before cancelling the old", async () => {
      editPlan((plan) => {
        const daily = plan.policies["daily-hangzhou"];
        daily.disks = daily.disks.filter((diskId) => diskId !== MOVED_DISK);
        plan.policies["weekly-hangzhou"].disks.push(MOVED_DISK);
      });
      expect((await stack.preview(quiet)).changeSummary).toEqual({ same: 7, update: 1 });

      const writes = await upWithSlowApplies({ same: 7, update: 1 });
      const ids = await policyIds();
      // In an account of one the Apply replaced the old policy: nothing is left to cancel.
      expect(writesNaming(writes, MOVED_DISK)).toEqual([
        ["ApplyAutoSnapshotPolicy", ids["weekly-hangzhou"], 200],
        ...(policiesPerDisk === 10 ? [["CancelAutoSnapshotPolicy", ids["daily-hangzhou"], 200]] : []),
      ]);
      expect(await policyOfDisk(local.ecs, "cn-hangzhou", MOVED_DISK)).toBe(ids["weekly-hangzhou"]);
      expect(await policyOfDisk(local.ecs, "cn-hangzhou", "d-bp1backup0001")).toBe(ids["daily-hangzhou"]);
    });

    test("swapping two disks between policies leaves each with exactly its new policy, never none", async () => {
      const [daily, weekly] = ["d-bp1backup0001", "d-bp1backup0003"];
      editPlan((plan) => {
        plan.policies["daily-hangzhou"].disks = [weekly];
        plan.policies["weekly-hangzhou"].disks = [MOVED_DISK, daily];
      });
      expect((await stack.preview(quiet)).changeSummary).toEqual({ same: 7, update: 1 });

      await upWithSlowApplies({ same: 7, update: 1 });
      const ids = await policyIds();
      expect(await policyOfDisk(local.ecs, "cn-hangzhou", daily)).toBe(ids["weekly-hangzhou"]);
      expect(await policyOfDisk(local.ecs, "cn-hangzhou", weekly)).toBe(ids["daily-hangzhou"]);
    });

    test("a disk taken out of the plan altogether loses its policy", async () => {
      editPlan((plan) => {
        const weekly = plan.policies["weekly-hangzhou"];
        weekly.disks = weekly.disks.filter((diskId) => diskId !== MOVED_DISK);
      });
      expect((await stack.up(quiet)).summary.resourceChanges).toEqual({ same: 7, update: 1 });
      expect(await policyOfDisk(local.ecs, "cn-hangzhou", MOVED_DISK)).toBe("");
    });

    test("destroy removes every policy and leaves no disk with one", async () => {
      await stack.destroy(quiet);
      expect(await describePolicies(local.ecs, "cn-hangzhou")).toEqual([]);
      expect(await describePolicies(local.ecs, "cn-shanghai")).toEqual([]);
      expect(Object.values(await diskPolicies())).toEqual(["", "", "", "", ""]);
    });
  });
});
