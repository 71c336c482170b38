import * as pulumi from "@pulumi/pulumi";
import { BackupPlan, type BackupPlanDocument } from "../../provider/backup-plan";

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
const ATTACHMENT = "pulumi-nodejs:dynamic/alicloud-snapshot-policy:PolicyAttachment";
const COMPONENT = "alicloud-snapshot-policy:index:BackupPlan";
const KEY_INPUTS = [
  "regionId",
  "timePoints",
  "repeatWeekdays",
  "autoSnapshotPolicyId",
  "diskIds",
  "takeOverDisks",
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
  const children = [...Object.values(backupPlan.policies), ...Object.values(backupPlan.attachments).flat()];
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
    weekly: { regionId: "cn-hangzhou", timePoints: [3], repeatWeekdays: [7], disks: ["d-hz03"] },
    "daily-sh": {
      regionId: "cn-shanghai",
      timePoints: [2],
      repeatWeekdays: [1, 2, 3, 4, 5],
      disks: ["d-sh01"],
    },
  },
});

const names = (registrations: Registration[]) => new Set(registrations.map(({ name }) => name));
const byName = (registrations: Registration[]) =>
  Object.fromEntries(registrations.map((registration) => [registration.name, registration]));
const minus = (a: Set<string>, b: Set<string>) => [...a].filter((name) => !b.has(name)).sort();

describe("BackupPlan under a mocked engine", () => {
  let base: Registration[];

  beforeAll(async () => {
    base = await register(basePlan());
  });

  test("registers a component, one policy per key and one attachment per disk, named after the plan's keys and disks", () => {
    expect(base.map(({ type, name, parent, dependsOn }) => ({ type, name, parent, dependsOn }))).toEqual([
      { type: COMPONENT, name: "prod", parent: "", dependsOn: [] },
      { type: POLICY, name: "prod-daily", parent: "prod", dependsOn: [] },
      { type: ATTACHMENT, name: "prod-daily-d-hz01", parent: "prod", dependsOn: ["prod-daily"] },
      { type: ATTACHMENT, name: "prod-daily-d-hz02", parent: "prod", dependsOn: ["prod-daily"] },
      { type: POLICY, name: "prod-daily-sh", parent: "prod", dependsOn: [] },
      { type: ATTACHMENT, name: "prod-daily-sh-d-sh01", parent: "prod", dependsOn: ["prod-daily-sh"] },
      { type: POLICY, name: "prod-weekly", parent: "prod", dependsOn: [] },
      { type: ATTACHMENT, name: "prod-weekly-d-hz03", parent: "prod", dependsOn: ["prod-weekly"] },
    ]);
    const registered = byName(base);
    expect(registered["prod-daily"].inputs).toEqual({
      regionId: "cn-hangzhou",
      timePoints: [2],
      repeatWeekdays: [1, 2, 3, 4, 5, 6, 7],
    });
    expect(registered["prod-daily-sh-d-sh01"].inputs).toEqual({
      regionId: "cn-shanghai",
      autoSnapshotPolicyId: "sp-proddailysh",
      diskIds: ["d-sh01"],
      takeOverDisks: true,
    });
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

  test("moving a disk replaces its one attachment: one name leaves, one name arrives", async () => {
    const plan = basePlan();
    plan.policies.daily.disks = ["d-hz01"];
    plan.policies.weekly.disks = ["d-hz02", "d-hz03"];
    const edited = await register(plan);
    expect(minus(names(edited), names(base))).toEqual(["prod-weekly-d-hz02"]);
    expect(minus(names(base), names(edited))).toEqual(["prod-daily-d-hz02"]);
    expect(byName(edited)["prod-weekly-d-hz02"]).toMatchObject({
      dependsOn: ["prod-weekly"],
      inputs: { autoSnapshotPolicyId: "sp-prodweekly", diskIds: ["d-hz02"], takeOverDisks: true },
    });
    const unchanged = edited.filter(({ name }) => name !== "prod-weekly-d-hz02");
    expect(unchanged).toEqual(base.filter(({ name }) => name !== "prod-daily-d-hz02"));
  });

  test("adding a policy adds its policy and attachments and leaves the rest as they were", async () => {
    const plan = basePlan();
    plan.policies.monthly = {
      regionId: "cn-shanghai",
      timePoints: [4],
      repeatWeekdays: [1],
      disks: ["d-sh02"],
    };
    const edited = await register(plan);
    expect(minus(names(edited), names(base))).toEqual(["prod-monthly", "prod-monthly-d-sh02"]);
    expect(minus(names(base), names(edited))).toEqual([]);
    expect(edited.filter(({ name }) => !name.startsWith("prod-monthly"))).toEqual(base);
  });

  test("an invalid plan registers nothing", async () => {
    const plan = basePlan();
    plan.policies.weekly.disks = ["d-hz01"];
    await expect(register(plan)).rejects.toThrow(
      'BackupPlan prod: policies.weekly.disks[0]: "d-hz01" is also listed by policy daily; a disk follows one policy',
    );
    expect(registrations).toEqual([]);
  });
});
