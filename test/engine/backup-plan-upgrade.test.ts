import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import type { LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import { startEcsEmulator, type EcsEmulator } from "../../emulator";
import { BackupPlan, type BackupPlanDocument } from "../../provider";
import { localStack } from "../../scripts/local-pulumi";
import { repoRoot } from "../../scripts/repo-root";
import { type ExportedState, resourcesOf, type StateResource } from "../support/exported-state";
import { disksLeftBare, disksOfPolicy, policiesOfDisks, replayWrites } from "../support/associations";
import {
  ACCOUNT_KINDS,
  automationConfig,
  describePolicies,
  outOfBandEcs,
  type OutOfBandEcs,
} from "../support/local-ecs";

/*
 * The documented upgrade of a stack that has a 0.1 BackupPlan (CHANGELOG.md, "Upgrading a stack that has
 * a 0.1 BackupPlan"), under the real CLI. test/fixtures/state-v0.1.0-backup-plan.json is a real export of
 * a BackupPlan deployed by 0.1.0: three policies in two regions, each with its PolicyAttachment
 * `backup-<key>-disks`. It is imported into a fresh stack against an endpoint seeded to match, and the
 * steps are followed: `pulumi state delete` each old attachment, one `up` of the same plan with
 * adoptAssociations: true, one `up` without it.
 */

const FIXTURE = path.join(repoRoot(), "test/fixtures/state-v0.1.0-backup-plan.json");
const PLAN_NAME = "backup";
const WRITES = new Set([
  "CreateAutoSnapshotPolicy",
  "ModifyAutoSnapshotPolicyEx",
  "DeleteAutoSnapshotPolicy",
  "ApplyAutoSnapshotPolicy",
  "CancelAutoSnapshotPolicy",
]);

const fixtureText = fs.readFileSync(FIXTURE, "utf8");
const fixture: ExportedState = JSON.parse(fixtureText);
const nameOf = (resource: StateResource) => resource.urn.split("::").pop()!;

/** 0.1's policies by plan key, with the disks their attachment holds. */
const oldPolicies = resourcesOf(fixture.deployment.resources, "AutoSnapshotPolicy").map((policy) => {
  const key = nameOf(policy).slice(`${PLAN_NAME}-`.length);
  const attachment = resourcesOf(fixture.deployment.resources, "PolicyAttachment").find(
    (candidate) => nameOf(candidate) === `${PLAN_NAME}-${key}-disks`,
  )!;
  return { key, policy, attachment, diskIds: attachment.outputs!.diskIds as string[] };
});
const oldAttachmentUrns = resourcesOf(fixture.deployment.resources, "PolicyAttachment").map(
  (attachment) => attachment.urn,
);
const regionOf = (key: string) => String(oldPolicies.find((old) => old.key === key)!.policy.inputs!.regionId);
const REGIONS = [...new Set(oldPolicies.map(({ key }) => regionOf(key)))].sort();
/** The resources kept through the upgrade: the stack, the BackupPlan component and its policies. */
const KEPT = 2 + oldPolicies.length;

/** The plan 0.1 deployed, from the inputs in its state: the program after the upgrade declares the same. */
const PLAN: BackupPlanDocument = {
  policies: Object.fromEntries(
    oldPolicies.map(({ key, policy, diskIds }) => {
      const { regionId, autoSnapshotPolicyName, timePoints, repeatWeekdays, retentionDays, tags } =
        policy.inputs as Record<string, never>;
      return [
        key,
        {
          regionId,
          autoSnapshotPolicyName,
          timePoints,
          repeatWeekdays,
          retentionDays,
          ...(tags ? { tags } : {}),
          disks: diskIds,
        },
      ];
    }),
  ),
};

// A project's first `up` starts the CLI and its plugins: on a loaded 2-core machine that alone can take a minute.
jest.setTimeout(180_000);

interface UpgradeScene {
  emulator: EcsEmulator;
  ecs: OutOfBandEcs;
  stack: Stack;
  /** The seeded endpoint's policy ids by plan key. */
  policyIds: Record<string, string>;
  /** Runs the CLI in the stack's workspace, as a user would at the shell. */
  pulumi(...args: string[]): Promise<string>;
  /** What the program declares beside the plan: adoptAssociations: true on the BackupPlan, or nothing. */
  program: { adoptAssociations: boolean };
  close(): Promise<void>;
}

/**
 * An endpoint that holds what 0.1 left (each policy, with its client-token tag, on its disks) and a
 * fresh stack with the fixture's state imported, its policy ids mapped to the ones this endpoint gave.
 * The program declares the same plan with the current package.
 */
async function upgradeScene(policiesPerDisk: 1 | 10, label: string): Promise<UpgradeScene> {
  const emulator = await startEcsEmulator({
    policiesPerDisk,
    disks: oldPolicies.flatMap(({ key, diskIds }) =>
      diskIds.map((diskId) => ({ diskId, regionId: regionOf(key) })),
    ),
  });
  const ecs = outOfBandEcs(emulator);
  const policyIds: Record<string, string> = {};
  let stateText = fixtureText;
  for (const { key, policy, diskIds } of oldPolicies) {
    const declared = policy.outputs!;
    const tags = {
      ...(declared.tags as Record<string, string>),
      "pulumi:client-token": String(declared.clientToken),
    };
    const tagParams = Object.entries(tags).flatMap(([tagKey, value], index) => [
      [`Tag.${index + 1}.Key`, tagKey],
      [`Tag.${index + 1}.Value`, value],
    ]);
    const created = await ecs<{ AutoSnapshotPolicyId: string }>("CreateAutoSnapshotPolicy", {
      regionId: regionOf(key),
      autoSnapshotPolicyName: String(declared.autoSnapshotPolicyName),
      timePoints: JSON.stringify((declared.timePoints as number[]).map(String)),
      repeatWeekdays: JSON.stringify((declared.repeatWeekdays as number[]).map(String)),
      retentionDays: Number(declared.retentionDays),
      ...Object.fromEntries(tagParams),
    });
    policyIds[key] = created.AutoSnapshotPolicyId;
    await ecs("ApplyAutoSnapshotPolicy", {
      regionId: regionOf(key),
      autoSnapshotPolicyId: created.AutoSnapshotPolicyId,
      diskIds: JSON.stringify(diskIds),
    });
    stateText = stateText.split(policy.id!).join(created.AutoSnapshotPolicyId);
  }

  const scratch = path.join(repoRoot(), ".pulumi-local");
  fs.mkdirSync(scratch, { recursive: true });
  const stateRoot = fs.mkdtempSync(path.join(scratch, `upgrade-${label}-`));
  const program = { adoptAssociations: false };
  // The fixture's project and stack names, so that its URNs are this stack's.
  const stack = await localStack({
    projectName: "upgrade",
    stackName: "v010",
    stateDir: stateRoot,
    config: automationConfig(emulator, REGIONS[0]),
    program: async () => {
      const plan = new BackupPlan(PLAN_NAME, {
        plan: PLAN,
        ...(program.adoptAssociations ? { adoptAssociations: true } : {}),
      });
      return { policyIds: plan.policyIds };
    },
  });
  await stack.importStack(JSON.parse(stateText));
  const workspace = stack.workspace as LocalWorkspace;
  return {
    emulator,
    ecs,
    stack,
    policyIds,
    program,
    pulumi: async (...args) => {
      const { stdout } = await promisify(execFile)(
        workspace.pulumiCommand.command,
        [...args, "--stack", stack.name, "--non-interactive"],
        { cwd: workspace.workDir, env: { ...process.env, ...workspace.envVars } },
      );
      return stdout;
    },
    close: async () => {
      await emulator.close();
      fs.rmSync(stateRoot, { recursive: true, force: true });
    },
  };
}

/** The plan's associations: disk ids by policy id, in each region. */
function planAssociations(policyIds: Record<string, string>): Record<string, Record<string, string[]>> {
  return Object.fromEntries(
    REGIONS.map((region) => [
      region,
      Object.fromEntries(
        oldPolicies
          .filter(({ key }) => regionOf(key) === region)
          .map(({ key, diskIds }) => [policyIds[key], [...diskIds].sort()]),
      ),
    ]),
  );
}

/** What the endpoint holds: the disks of each of the plan's policies, by region. */
async function endpointAssociations(scene: UpgradeScene): Promise<Record<string, Record<string, string[]>>> {
  const result: Record<string, Record<string, string[]>> = {};
  for (const { key } of oldPolicies) {
    const region = regionOf(key);
    result[region] ??= {};
    result[region][scene.policyIds[key]] = await disksOfPolicy(scene.ecs, region, scene.policyIds[key]);
  }
  return result;
}

/** The policies every disk of the plan carries, by disk. */
async function policiesOfPlanDisks(scene: UpgradeScene): Promise<Record<string, string[]>> {
  const byDisk: Record<string, string[]> = {};
  for (const region of REGIONS) {
    const disks = oldPolicies.filter(({ key }) => regionOf(key) === region).flatMap(({ diskIds }) => diskIds);
    Object.assign(byDisk, await policiesOfDisks(scene.ecs, region, disks));
  }
  return byDisk;
}

/** The write calls since `mark`, as [action, policy id, disks]. */
function writesSince(emulator: EcsEmulator, mark: number): [string, string, string[]][] {
  return emulator.requests
    .slice(mark)
    .filter(({ action, status }) => WRITES.has(action) && status === 200)
    .map(({ action, params }) => [
      action,
      params.autoSnapshotPolicyId ?? "",
      params.diskIds ? (JSON.parse(params.diskIds) as string[]) : [],
    ]);
}

async function exported(stack: Stack): Promise<StateResource[]> {
  // An empty stack's deployment has no resources list.
  return ((await stack.exportStack()) as unknown as ExportedState).deployment.resources ?? [];
}

const quiet = { onOutput: () => undefined };

describe.each(ACCOUNT_KINDS)("an account of %i policies per disk", (policiesPerDisk) => {
  describe("upgrading a 0.1 BackupPlan by the CHANGELOG's steps", () => {
    let scene: UpgradeScene;
    let before: Record<string, string[]>;

    beforeAll(async () => {
      scene = await upgradeScene(policiesPerDisk, `steps-${policiesPerDisk}`);
      before = await policiesOfPlanDisks(scene);
    }, 120_000);
    afterAll(async () => scene?.close());

    test("the imported state is 0.1's: one PolicyAttachment <plan>-<key>-disks per policy", async () => {
      const resources = await exported(scene.stack);
      expect(resourcesOf(resources, "PolicyAttachment").map(nameOf).sort()).toEqual(
        oldPolicies.map(({ key }) => `${PLAN_NAME}-${key}-disks`).sort(),
      );
      expect(await endpointAssociations(scene)).toEqual(planAssociations(scene.policyIds));
    });

    test("step 1: `pulumi state delete` of each old attachment leaves every association in the cloud", async () => {
      const listed = await scene.pulumi("stack", "--show-urns");
      const mark = scene.emulator.requests.length;
      for (const urn of oldAttachmentUrns) {
        expect(listed).toContain(urn);
        await scene.pulumi("state", "delete", urn, "--yes");
      }
      expect(scene.emulator.requests.length).toBe(mark);
      const resources = await exported(scene.stack);
      expect(resources.filter(({ type }) => type.endsWith(":PolicyAttachment"))).toEqual([]);
      expect(await policiesOfPlanDisks(scene)).toEqual(before);
    });

    test("step 2: one up with adoptAssociations: true keeps the policies and adopts every association", async () => {
      scene.program.adoptAssociations = true;
      const mark = scene.emulator.requests.length;
      const up = await scene.stack.up(quiet);
      expect(up.summary.resourceChanges).toEqual({ same: KEPT, create: REGIONS.length });
      // Nothing was written: no policy created, replaced or deleted, no association applied or cancelled.
      expect(writesSince(scene.emulator, mark)).toEqual([]);
      expect(disksLeftBare(replayWrites(scene.emulator, mark, before))).toEqual([]);
      expect(await endpointAssociations(scene)).toEqual(planAssociations(scene.policyIds));
      expect(await policiesOfPlanDisks(scene)).toEqual(before);
      expect((await scene.stack.outputs()).policyIds.value).toEqual(scene.policyIds);

      const owners = resourcesOf(await exported(scene.stack), "BackupPlanDisks");
      expect(Object.fromEntries(owners.map((owner) => [nameOf(owner), owner.outputs!.associations]))).toEqual(
        Object.fromEntries(
          Object.entries(planAssociations(scene.policyIds)).map(([region, associations]) => [
            `${PLAN_NAME}-disks-${region}`,
            associations,
          ]),
        ),
      );
    });

    test("step 3: an up without adoptAssociations changes nothing, and a preview after it shows no change", async () => {
      scene.program.adoptAssociations = false;
      const mark = scene.emulator.requests.length;
      const up = await scene.stack.up(quiet);
      expect(up.summary.resourceChanges).toEqual({ same: KEPT + REGIONS.length });
      const preview = await scene.stack.preview(quiet);
      expect(preview.changeSummary).toEqual({ same: KEPT + REGIONS.length });
      expect(writesSince(scene.emulator, mark)).toEqual([]);
      expect(await endpointAssociations(scene)).toEqual(planAssociations(scene.policyIds));
    });

    test("destroy leaves no policy and no association", async () => {
      const destroy = await scene.stack.destroy(quiet);
      expect(destroy.summary.result).toBe("succeeded");
      for (const region of REGIONS) expect(await describePolicies(scene.ecs, region)).toEqual([]);
      expect(Object.values(await policiesOfPlanDisks(scene)).flat()).toEqual([]);
      expect(await exported(scene.stack)).toEqual([]);
    });
  });

  describe("skipping step 1", () => {
    let scene: UpgradeScene;
    let before: Record<string, string[]>;

    beforeAll(async () => {
      scene = await upgradeScene(policiesPerDisk, `skip-${policiesPerDisk}`);
      before = await policiesOfPlanDisks(scene);
    }, 120_000);
    afterAll(async () => scene?.close());

    test("the old attachments' deletes, run after the new resource is created, cancel every association it owns", async () => {
      scene.program.adoptAssociations = true;
      const mark = scene.emulator.requests.length;
      const up = await scene.stack.up(quiet);
      expect(up.summary.resourceChanges).toEqual({
        same: KEPT,
        create: REGIONS.length,
        delete: oldPolicies.length,
      });
      // Each old attachment's delete cancels its policy on its disks: the plan's own associations.
      expect(writesSince(scene.emulator, mark).sort()).toEqual(
        oldPolicies
          .map(({ key, diskIds }) => ["CancelAutoSnapshotPolicy", scene.policyIds[key], diskIds])
          .sort(),
      );
      expect(disksLeftBare(replayWrites(scene.emulator, mark, before))).toEqual(Object.keys(before).sort());
      expect(Object.values(await policiesOfPlanDisks(scene)).flat()).toEqual([]);
      // While the new resources' state still claims them: state and cloud disagree until a refresh.
      const owners = resourcesOf(await exported(scene.stack), "BackupPlanDisks");
      expect(owners.map((owner) => owner.outputs!.associations)).toEqual(
        expect.arrayContaining(Object.values(planAssociations(scene.policyIds))),
      );
    });
  });
});
