import * as pulumi from "@pulumi/pulumi";
import { BackupPlanError, parseBackupPlan } from "../../provider/backup-plan/load";
import { BackupPlan } from "../../provider/backup-plan/resource";

/*
 * Backup plans with tag-associated policies: targetTags instead of disks.
 */

const schedule = { regionId: "cn-hangzhou", timePoints: [2], repeatWeekdays: [1], retentionDays: 7 };

describe("a plan policy with targetTags", () => {
  test("is associated with instance tags and has no disks", () => {
    const spec = parseBackupPlan(
      { policies: { gold: { ...schedule, targetTags: { backup: "gold" } } } },
      "plan",
    );
    expect(spec.policies.gold).toMatchObject({
      associationType: "AssociatedWithInstanceTag",
      targetTags: { backup: "gold" },
    });
    expect(spec.policies.gold).not.toHaveProperty("disks");
  });

  test.each([
    [
      "disks and targetTags together",
      { ...schedule, targetTags: { backup: "gold" }, disks: ["d-1"] },
      "policies.gold.disks",
      /^not allowed with targetTags: a tag-associated policy covers the disks of the instances carrying its targetTags/,
    ],
    [
      "targetTags with associationType AssociatedWithDisk",
      { ...schedule, associationType: "AssociatedWithDisk", targetTags: { backup: "gold" } },
      "policies.gold.targetTags",
      /^only allowed with associationType: AssociatedWithInstanceTag/,
    ],
    [
      "a region without instance-tag association",
      { ...schedule, regionId: "ap-south-1", targetTags: { backup: "gold" } },
      "policies.gold.regionId",
      /^"ap-south-1" does not support associationType AssociatedWithInstanceTag; the regions that do: /,
    ],
    [
      "six target tags",
      { ...schedule, targetTags: { a: "", b: "", c: "", d: "", e: "", f: "" } },
      "policies.gold.targetTags",
      /^6 tags are not allowed; 1–5 tags/,
    ],
  ])("%s is refused, naming the field", (_, policy, property, reason) => {
    let error: unknown;
    try {
      parseBackupPlan({ policies: { gold: policy } }, "plan.yaml");
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(BackupPlanError);
    expect((error as BackupPlanError).failures).toEqual([
      { property, reason: expect.stringMatching(reason) },
    ]);
  });
});

describe("BackupPlan with a tag-associated policy under a mocked engine", () => {
  const MATCHED = ["d-tagged1", "d-tagged2"];
  let registered: { type: string; name: string; inputs: Record<string, unknown> }[];
  let plan: BackupPlan;

  beforeAll(async () => {
    registered = [];
    await pulumi.runtime.setMocks(
      {
        newResource: ({ type, name, inputs }) => {
          registered.push({ type, name, inputs });
          const coverage = inputs.associationType === "AssociatedWithInstanceTag" ? MATCHED : [];
          return { id: `sp-${name.replace(/-/g, "")}`, state: { ...inputs, matchedDiskIds: coverage } };
        },
        call: () => ({}),
      },
      "tag-plan",
      "test",
    );
    plan = new BackupPlan("prod", {
      plan: {
        policies: {
          daily: { ...schedule, disks: ["d-listed"] },
          gold: { ...schedule, targetTags: { backup: "gold", env: "" } },
        },
      },
    });
    const ids = [...Object.values(plan.policies), ...Object.values(plan.disks)].map((child) => child.id);
    await new Promise((resolve) =>
      pulumi.all([plan.matchedDiskIds as pulumi.Output<unknown>, ...ids]).apply(resolve),
    );
  });

  test("creates the tag-associated policy with no attachment", () => {
    expect(registered.map(({ name }) => name).sort()).toEqual([
      "prod",
      "prod-daily",
      "prod-disks-cn-hangzhou",
      "prod-gold",
    ]);
    expect(Object.keys(plan.disks)).toEqual(["cn-hangzhou"]);
    const gold = registered.find(({ name }) => name === "prod-gold")!;
    expect(gold.inputs).toMatchObject({
      associationType: "AssociatedWithInstanceTag",
      targetTags: { backup: "gold", env: "" },
    });
  });

  test("the plan's disks resource owns the disk-associated policy's disks only", () => {
    const disks = registered.find(({ name }) => name === "prod-disks-cn-hangzhou")!;
    expect(disks.inputs.policies).toEqual([
      { key: "daily", autoSnapshotPolicyId: "sp-proddaily", diskIds: ["d-listed"] },
    ]);
  });

  test("matchedDiskIds reports the disks each tag policy covers, by policy key", async () => {
    const matched = await new Promise((resolve) => plan.matchedDiskIds.apply(resolve));
    expect(matched).toEqual({ gold: MATCHED });
  });
});
