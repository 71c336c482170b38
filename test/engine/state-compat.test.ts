import * as fs from "node:fs";
import * as path from "node:path";
import type { Stack } from "@pulumi/pulumi/automation";
import { repoRoot } from "../../scripts/repo-root";
import { type ExportedState, resourcesOf } from "../support/exported-state";
import { POLICIES_PER_DISK_ENVIRONMENT } from "../../provider/ecs/account";
import { ACCOUNT_KINDS, REGION, describePolicies, policyOfDisk } from "../support/local-ecs";
import { useLocalStack } from "../support/use-local-stack";

/*
 * A stack made by an earlier release keeps that release's provider text in its state, and the engine
 * runs that text for refresh and destroy. test/fixtures/state-v0.1.0.json is a real export of a stack
 * made by 0.1.0 under the CLI (an AutoSnapshotPolicy and a PolicyAttachment on two disks); its
 * provider texts require alicloud-snapshot-policy/dist/provider/{policy-provider,attachment-provider,config}.
 * Here it is imported into a fresh stack against an endpoint seeded to match, then refreshed and
 * destroyed under the real CLI with no program: only the stored provider text can do that work.
 */

const FIXTURE = path.join(repoRoot(), "test/fixtures/state-v0.1.0.json");
const LEGACY_POLICY_PATH = "alicloud-snapshot-policy/dist/provider/policy-provider";
const LEGACY_ATTACHMENT_PATH = "alicloud-snapshot-policy/dist/provider/attachment-provider";
const LEGACY_CONFIG_PATH = "alicloud-snapshot-policy/dist/provider/config";

const fixtureText = fs.readFileSync(FIXTURE, "utf8");
const fixture: ExportedState = JSON.parse(fixtureText);
const resourceOf = (state: ExportedState, kind: string) => resourcesOf(state.deployment.resources, kind)[0];
const oldPolicy = resourceOf(fixture, "AutoSnapshotPolicy");
const oldAttachment = resourceOf(fixture, "PolicyAttachment");
const diskIds = oldAttachment.outputs!.diskIds as string[];

const quiet = { onOutput: () => undefined };

test("the fixture holds 0.1.0's provider texts, which require the earlier paths", () => {
  expect(oldPolicy.inputs!.__provider).toContain(LEGACY_POLICY_PATH);
  expect(oldPolicy.inputs!.__provider).toContain(LEGACY_CONFIG_PATH);
  expect(oldAttachment.inputs!.__provider).toContain(LEGACY_ATTACHMENT_PATH);
  expect(fixtureText).not.toContain("alicloud-snapshot-policy/runtime");
});

describe.each(ACCOUNT_KINDS)("an account of %i policies per disk", (policiesPerDisk) => {
  const local = useLocalStack({
    name: "compat",
    emulator: { policiesPerDisk, disks: diskIds.map((diskId) => ({ diskId, regionId: REGION })) },
  });
  let stack: Stack;
  let policyId: string;

  beforeAll(async () => {
    const { emulator, ecs } = local;

    // The cloud as the fixture's stack left it: the policy (with the provider's client-token tag) on both disks.
    const declared = oldPolicy.outputs!;
    const tags = {
      ...(declared.tags as Record<string, string>),
      "pulumi:client-token": String(declared.clientToken),
    };
    const tagParams = Object.entries(tags).flatMap(([key, value], index) => [
      [`Tag.${index + 1}.Key`, key],
      [`Tag.${index + 1}.Value`, value],
    ]);
    const created = await ecs<{ AutoSnapshotPolicyId: string }>("CreateAutoSnapshotPolicy", {
      regionId: REGION,
      autoSnapshotPolicyName: String(declared.autoSnapshotPolicyName),
      timePoints: JSON.stringify((declared.timePoints as number[]).map(String)),
      repeatWeekdays: JSON.stringify((declared.repeatWeekdays as number[]).map(String)),
      retentionDays: Number(declared.retentionDays),
      ...Object.fromEntries(tagParams),
    });
    policyId = created.AutoSnapshotPolicyId;
    await ecs("ApplyAutoSnapshotPolicy", {
      regionId: REGION,
      autoSnapshotPolicyId: policyId,
      diskIds: JSON.stringify(diskIds),
    });

    stack = await local.newStack(
      "compat",
      async () => {
        throw new Error("refresh and destroy must not run the program");
      },
      {
        stackName: "v010",
        // As when the fixture was made: credentials and endpoint from the environment, so that no stack
        // config is needed (refresh and destroy configure the provider with the config stored in state);
        // the account kind too, which 0.1.0 did not know of.
        config: {},
        env: {
          ALIBABA_CLOUD_ACCESS_KEY_ID: emulator.accessKeyId,
          ALIBABA_CLOUD_ACCESS_KEY_SECRET: emulator.accessKeySecret,
          ALIBABA_CLOUD_REGION_ID: REGION,
          ALIBABA_CLOUD_ECS_ENDPOINT: emulator.url,
          [POLICIES_PER_DISK_ENVIRONMENT]: String(policiesPerDisk),
        },
      },
    );
    // The fixture's policy id is the one its endpoint gave; the seeded endpoint gave another.
    const state = JSON.parse(fixtureText.split(oldPolicy.id!).join(policyId));
    await stack.importStack(state);
  });

  test("refresh reads the policy and the attachment through the provider text in state", async () => {
    const before = local.emulator.requests.length;
    const refresh = await stack.refresh(quiet);
    expect(refresh.summary.result).toBe("succeeded");
    const reads = local.emulator.requests.slice(before).map((request) => request.action);
    // Membership now comes from the associations call, never from DescribeDisks' single policy field.
    expect(reads).toEqual(
      expect.arrayContaining(["DescribeAutoSnapshotPolicyEx", "DescribeAutoSnapshotPolicyAssociations"]),
    );
    expect(reads).not.toContain("DescribeDisks");

    const state = (await stack.exportStack()) as unknown as ExportedState;
    const policy = resourceOf(state, "AutoSnapshotPolicy");
    const attachment = resourceOf(state, "PolicyAttachment");
    // Still 0.1.0's text: the engine keeps the stored provider.
    expect(policy.outputs!.__provider).toContain(LEGACY_POLICY_PATH);
    expect(policy.outputs).toMatchObject({
      autoSnapshotPolicyId: policyId,
      timePoints: oldPolicy.outputs!.timePoints,
      retentionDays: oldPolicy.outputs!.retentionDays,
      tags: oldPolicy.outputs!.tags,
    });
    expect(attachment.outputs).toMatchObject({ autoSnapshotPolicyId: policyId, diskIds, missingDiskIds: [] });
  });

  test("destroy deletes the policy and cancels it on the disks through the provider text in state", async () => {
    const before = local.emulator.requests.length;
    const destroy = await stack.destroy(quiet);
    expect(destroy.summary.result).toBe("succeeded");
    const actions = local.emulator.requests.slice(before).map((request) => request.action);
    expect(actions).toEqual(expect.arrayContaining(["CancelAutoSnapshotPolicy", "DeleteAutoSnapshotPolicy"]));
    expect(await describePolicies(local.ecs, REGION)).toEqual([]);
    expect(await Promise.all(diskIds.map((diskId) => policyOfDisk(local.ecs, REGION, diskId)))).toEqual([
      "",
      "",
    ]);
  });
});
