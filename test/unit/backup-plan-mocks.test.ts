import * as pulumi from "@pulumi/pulumi";
import { backupPlanDisksProvider } from "../../provider";
import { BackupPlan } from "../../provider/backup-plan/resource";
import type { BackupPlanDocument } from "../../provider/backup-plan/schema";

// The mocked engine runs the program and the real closure serialization of the dynamic providers,
// but calls no provider: what it shows is exactly what the program registers.

interface Registration {
  type: string;
  name: string;
  parent: string;
  dependsOn: string[];
  inputs: Record<string, unknown>;
}

const POLICY = "pulumi-nodejs:dynamic/alicloud-snapshot-policy:AutoSnapshotPolicy";
const PLAN_DISKS = "pulumi-nodejs:dynamic/alicloud-snapshot-policy:BackupPlanDisks";
const COMPONENT = "alicloud-snapshot-policy:index:BackupPlan";
const KEY_INPUTS = [
  "regionId",
  "timePoints",
  "repeatWeekdays",
  "policies",
  "takeOverDisks",
  "adoptAssociations",
];

const nameOf = (urn: string) => (urn ? urn.split("::").pop()! : "");

/** What the last run of register() registered, also when the program failed. */
let registrations: Registration[] = [];

async function register(plan: BackupPlanDocument): Promise<Registration[]> {
  registrations = [];
  await pulumi.runtime.setMocks(
    {
      newResource: ({ name, inputs }) => ({ id: `sp-${name.replace(/-/g, "")}`, state: inputs }),
      call: () => ({}),
    },
    "backup-plan",
    "test",
  );
  const monitor = pulumi.runtime.getMonitor() as unknown as {
    registerResource(request: RegisterRequest, callback: unknown): unknown;
  };
  const registerResource = monitor.registerResource.bind(monitor);
  monitor.registerResource = (request, callback) => {
    const inputs = request.getObject()?.toJavaScript() ?? {};
    registrations.push({
      type: request.getType(),
      name: request.getName(),
      parent: nameOf(request.getParent()),
      dependsOn: request.getDependenciesList().map(nameOf).sort(),
      inputs: Object.fromEntries(KEY_INPUTS.filter((key) => key in inputs).map((key) => [key, inputs[key]])),
    });
    return registerResource(request, callback);
  };

  const backupPlan = new BackupPlan("prod", { plan });
  const children = [...Object.values(backupPlan.policies), ...Object.values(backupPlan.disks)];
  await new Promise((resolve) =>
    pulumi.all([backupPlan.urn, ...children.map((child) => child.id)]).apply(resolve),
  );
  // The order of registration follows the resolution of outputs, not the program; compare by name.
  return registrations.sort((a, b) => (a.name < b.name ? -1 : 1));
}

interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getDependenciesList(): string[];
  getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
}

const basePlan = (): BackupPlanDocument => ({
  policies: {
    daily: {
      regionId: "cn-hangzhou",
      timePoints: [2],
      repeatWeekdays: [1, 2, 3, 4, 5, 6, 7],
      retentionDays: 7,
      disks: ["d-hz01", "d-hz02"],
    },
    weekly: {
      regionId: "cn-hangzhou",
      timePoints: [3],
      repeatWeekdays: [7],
      retentionDays: 28,
      disks: ["d-hz03"],
    },
    "daily-sh": {
      regionId: "cn-shanghai",
      timePoints: [2],
      repeatWeekdays: [1, 2, 3, 4, 5],
      retentionDays: 7,
      disks: ["d-sh01"],
    },
  },
});

const names = (registrations: Registration[]) => new Set(registrations.map(({ name }) => name));
const byName = (registrations: Registration[]) =>
  Object.fromEntries(registrations.map((registration) => [registration.name, registration]));
const minus = (a: Set<string>, b: Set<string>) => [...a].filter((name) => !b.has(name)).sort();

/**
 * Association resources registered under both plans whose provider diff sees a change; the registered
 * inputs stand in for the old outputs, whose associations they declare.
 */
const changedDisks = async (before: Registration[], after: Registration[]) => {
  const old = byName(before);
  const changed: string[] = [];
  for (const { type, name, inputs } of after) {
    if (type !== PLAN_DISKS || !(name in old)) continue;
    const oldInputs = old[name].inputs as { policies: { autoSnapshotPolicyId: string; diskIds: string[] }[] };
    const associations = Object.fromEntries(
      oldInputs.policies.map(({ autoSnapshotPolicyId, diskIds }) => [autoSnapshotPolicyId, diskIds]),
    );
    if ((await backupPlanDisksProvider.diff!("id", { ...oldInputs, associations }, inputs)).changes)
      changed.push(name);
  }
  return changed;
};

describe("BackupPlan under a mocked engine", () => {
  let base: Registration[];

  beforeAll(async () => {
    base = await register(basePlan());
  });

  test("registers a component, one policy per key and one association resource per region", () => {
    expect(base.map(({ type, name, parent, dependsOn }) => ({ type, name, parent, dependsOn }))).toEqual([
      { type: COMPONENT, name: "prod", parent: "", dependsOn: [] },
      { type: POLICY, name: "prod-daily", parent: "prod", dependsOn: [] },
      { type: POLICY, name: "prod-daily-sh", parent: "prod", dependsOn: [] },
      {
        type: PLAN_DISKS,
        name: "prod-disks-cn-hangzhou",
        parent: "prod",
        dependsOn: ["prod-daily", "prod-weekly"],
      },
      { type: PLAN_DISKS, name: "prod-disks-cn-shanghai", parent: "prod", dependsOn: ["prod-daily-sh"] },
      { type: POLICY, name: "prod-weekly", parent: "prod", dependsOn: [] },
    ]);
    const registered = byName(base);
    expect(registered["prod-daily"].inputs).toEqual({
      regionId: "cn-hangzhou",
      timePoints: [2],
      repeatWeekdays: [1, 2, 3, 4, 5, 6, 7],
    });
    expect(registered["prod-disks-cn-hangzhou"].inputs).toEqual({
      regionId: "cn-hangzhou",
      policies: [
        { key: "daily", autoSnapshotPolicyId: "sp-proddaily", diskIds: ["d-hz01", "d-hz02"] },
        { key: "weekly", autoSnapshotPolicyId: "sp-prodweekly", diskIds: ["d-hz03"] },
      ],
      takeOverDisks: false,
      adoptAssociations: false,
    });
    // Inputs stay proportional to the plan: no disk list of other policies is repeated anywhere.
    expect(registered["prod-disks-cn-shanghai"].inputs.policies).toEqual([
      { key: "daily-sh", autoSnapshotPolicyId: "sp-proddailysh", diskIds: ["d-sh01"] },
    ]);
  });

  test("a region whose policies list no disks gets no association resource", async () => {
    const plan = basePlan();
    delete plan.policies["daily-sh"].disks;
    const edited = await register(plan);
    expect(minus(names(base), names(edited))).toEqual(["prod-disks-cn-shanghai"]);
  });

  test("reordering keys and lists registers exactly the same resources", async () => {
    const reordered: BackupPlanDocument = {
      policies: {
        weekly: { ...basePlan().policies.weekly },
        "daily-sh": { ...basePlan().policies["daily-sh"], repeatWeekdays: [5, 4, 3, 2, 1, 1] },
        daily: { ...basePlan().policies.daily, disks: ["d-hz02", "d-hz01"] },
      },
    };
    expect(await register(reordered)).toEqual(base);
  });

  test("changing one time point changes the inputs of that policy only", async () => {
    const plan = basePlan();
    plan.policies.daily.timePoints = [2, 14];
    const edited = await register(plan);
    expect(names(edited)).toEqual(names(base));
    const changed = edited.filter(
      (registration) => JSON.stringify(registration) !== JSON.stringify(byName(base)[registration.name]),
    );
    expect(changed.map(({ name, inputs }) => [name, inputs.timePoints])).toEqual([["prod-daily", [2, 14]]]);
  });

  test.each([
    ["moving a disk", { daily: ["d-hz01"], weekly: ["d-hz02", "d-hz03"] }],
    ["swapping two disks", { daily: ["d-hz01", "d-hz03"], weekly: ["d-hz02"] }],
    ["adding a tier on a disk", { daily: ["d-hz01", "d-hz02"], weekly: ["d-hz02", "d-hz03"] }],
  ])("%s between policies is one update of the region's association resource", async (_name, disks) => {
    const plan = basePlan();
    plan.policies.daily.disks = disks.daily;
    plan.policies.weekly.disks = disks.weekly;
    const edited = await register(plan);
    expect(names(edited)).toEqual(names(base));
    expect(await changedDisks(base, edited)).toEqual(["prod-disks-cn-hangzhou"]);
    const unchanged = edited.filter(({ name }) => name !== "prod-disks-cn-hangzhou");
    expect(unchanged).toEqual(base.filter(({ name }) => name !== "prod-disks-cn-hangzhou"));
  });

  test("adding a policy in a region adds the policy and changes only that region's associations", async () => {
    const plan = basePlan();
    plan.policies.monthly = {
      regionId: "cn-shanghai",
      timePoints: [4],
      repeatWeekdays: [1],
      retentionDays: 7,
      disks: ["d-sh02"],
    };
    const edited = await register(plan);
    expect(minus(names(edited), names(base))).toEqual(["prod-monthly"]);
    expect(await changedDisks(base, edited)).toEqual(["prod-disks-cn-shanghai"]);
  });

  test("an invalid plan registers nothing", async () => {
    const plan = basePlan();
    plan.policies["daily-sh"].disks = ["d-hz01"];
    await expect(register(plan)).rejects.toThrow(
      'BackupPlan prod: policies.daily-sh.disks[0]: "d-hz01" is listed by policies of different regions (daily, daily-sh); a disk is in one region',
    );
    expect(registrations).toEqual([]);
  });
});
