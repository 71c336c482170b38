import { BackupPlanError, parseBackupPlan } from "../../provider/backup-plan/load";
import { tierFailures } from "../../provider/backup-plan/disks-schema";
import { UNKNOWN } from "../../provider/engine";

// Tiers: a disk named by several policies of a plan. The 1,000-snapshot cap is per disk, so it holds
// for the sum over the disk's policies; whether the account allows tiers is checked at preview.

const tier = (timePoints: number[], repeatWeekdays: number[], retentionDays: number, disks: string[]) => ({
  regionId: "cn-hangzhou",
  timePoints,
  repeatWeekdays,
  retentionDays,
  disks,
});

const everyDay = [1, 2, 3, 4, 5, 6, 7];

describe("a plan with tiers", () => {
  it("hourly, daily and weekly on the same disks load when together they keep at most 1,000 snapshots", () => {
    const plan = parseBackupPlan(
      {
        policies: {
          hourly: tier([...Array(24).keys()], everyDay, 2, ["d-a", "d-b"]), // 48
          daily: tier([1], everyDay, 30, ["d-a", "d-b"]), // 30
          weekly: tier([2], [7], 364, ["d-a"]), // 52
        },
      },
      "tiers",
    );
    expect(plan.policies.weekly.disks).toEqual(["d-a"]);
  });

  it("a disk over the cap in sum fails naming the disk and its tiers, even when each tier alone is under it", () => {
    const attempt = () =>
      parseBackupPlan(
        {
          policies: {
            hourly: tier([...Array(24).keys()], everyDay, 30, ["d-a", "d-b"]), // 720
            daily: tier([1], everyDay, 400, ["d-a"]), // 400
          },
        },
        "over.yaml",
      );
    expect(attempt).toThrow(BackupPlanError);
    expect(attempt).toThrow(
      'over.yaml: policies.hourly.disks[0]: "d-a" would hold up to 1,120 snapshots under the policies daily, hourly together',
    );
  });

  it("every tier accepting the overflow lets it load", () => {
    const accepting = { allowSnapshotLimitOverflow: true };
    expect(() =>
      parseBackupPlan(
        {
          policies: {
            hourly: { ...tier([...Array(24).keys()], everyDay, 30, ["d-a"]), ...accepting },
            daily: { ...tier([1], everyDay, 400, ["d-a"]), ...accepting },
          },
        },
        "accepted",
      ),
    ).not.toThrow();
  });

  it("more than ten policies on a disk fail", () => {
    const policies = Object.fromEntries(
      Array.from({ length: 11 }, (_, index) => [`t${index}`, tier([index], [1], 7, ["d-a"])]),
    );
    expect(() => parseBackupPlan({ policies }, "eleven")).toThrow("a disk holds at most 10");
  });
});

describe("tierFailures (check() of BackupPlanDisks)", () => {
  const policies = [
    { key: "hourly", diskIds: ["d-a", "d-b"] },
    { key: "daily", diskIds: ["d-a"] },
  ];

  it("an account of one policy per disk fails at preview, naming the disk, its tiers and why", () => {
    expect(tierFailures(policies, 1)).toEqual([
      {
        property: "policies[1].diskIds[0]",
        reason:
          '"d-a" is named by the policies hourly, daily, but this account holds one policy per disk ' +
          "(alicloud-snapshot-policy:policiesPerDisk is 1), where each Apply would replace the last; name each disk in one policy",
      },
    ]);
  });

  it("an account of ten, or of unknown kind (decided at the first read), passes", () => {
    expect(tierFailures(policies, 10)).toEqual([]);
    expect(tierFailures(policies, undefined)).toEqual([]);
  });

  it("unknown disk lists are left for later", () => {
    expect(tierFailures([{ key: "a", diskIds: UNKNOWN }, ...policies.slice(1)], 1)).toEqual([]);
  });
});
