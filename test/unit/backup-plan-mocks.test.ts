import * as pulumi from "@pulumi/pulumi";
import { diffAttachment } from "../../provider/attachment/model";
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
const ATTACHMENT = "pulumi-nodejs:dynamic/alicloud-snapshot-policy:PolicyAttachment";
const COMPONENT = "alicloud-snapshot-policy:index:BackupPlan";
const KEY_INPUTS = [
  "regionId",
  "timePoints",
  "repeatWeekdays",
  "autoSnapshotPolicyId",
  "diskIds",
  "takeOverDisks",
  "handedOffDiskIds",
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
  const children = [...Object.values(backupPlan.policies), ...Object.values(backupPlan.attachments)];
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
 * Attachments registered under both plans whose provider diff sees a change; the registered inputs
 * stand in for the old outputs, which hold the same values.
 */
const changedAttachments = (before: Registration[], after: Registration[]) => {
  const old = byName(before);
  return after
    .filter(({ type, name }) => type === ATTACHMENT && name in old)
    .filter(({ name, inputs }) => diffAttachment(old[name].inputs, inputs).changes)
    .map(({ name }) => name);
};

describe("BackupPlan under a mocked engine", () => {
  let base: Registration[];

  beforeAll(async () => {
    base = await register(basePlan());
  });

  test("registers a component, one policy per key and one attachment per policy, named after the plan's keys", () => {
    expect(base.map(({ type, name, parent, dependsOn }) => ({ type, name, parent, dependsOn }))).toEqual([
      { type: COMPONENT, name: "prod", parent: "", dependsOn: [] },
      { type: POLICY, name: "prod-daily", parent: "prod", dependsOn: [] },
      { type: ATTACHMENT, name: "prod-daily-disks", parent: "prod", dependsOn: ["prod-daily"] },
      { type: POLICY, name: "prod-daily-sh", parent: "prod", dependsOn: [] },
      { type: ATTACHMENT, name: "prod-daily-sh-disks", parent: "prod", dependsOn: ["prod-daily-sh"] },
      { type: POLICY, name: "prod-weekly", parent: "prod", dependsOn: [] },
      { type: ATTACHMENT, name: "prod-weekly-disks", parent: "prod", dependsOn: ["prod-weekly"] },
    ]);
    const registered = byName(base);
    expect(registered["prod-daily"].inputs).toEqual({
      regionId: "cn-hangzhou",
      timePoints: [2],
      repeatWeekdays: [1, 2, 3, 4, 5, 6, 7],
    });
    expect(registered["prod-daily-disks"].inputs).toEqual({
      regionId: "cn-hangzhou",
      autoSnapshotPolicyId: "sp-proddaily",
      diskIds: ["d-hz01", "d-hz02"],
      takeOverDisks: true,
      handedOffDiskIds: ["d-hz03", "d-sh01"],
    });
    expect(registered["prod-daily-sh-disks"].inputs).toEqual({
      regionId: "cn-shanghai",
      autoSnapshotPolicyId: "sp-proddailysh",
      diskIds: ["d-sh01"],
      takeOverDisks: true,
      handedOffDiskIds: ["d-hz01", "d-hz02", "d-hz03"],
    });
  });

  test("a policy that lists no disks gets no attachment", async () => {
    const plan = basePlan();
    delete plan.policies.weekly.disks;
    const edited = await register(plan);
    expect(minus(names(base), names(edited))).toEqual(["prod-weekly-disks"]);
    expect(byName(edited)["prod-daily-disks"].inputs.handedOffDiskIds).toEqual(["d-sh01"]);
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

  test("moving a disk changes the disk lists of its two attachments only, and each hands it to the other", async () => {
    const plan = basePlan();
    plan.policies.daily.disks = ["d-hz01"];
    plan.policies.weekly.disks = ["d-hz02", "d-hz03"];
    const edited = await register(plan);
    expect(names(edited)).toEqual(names(base));
    expect(changedAttachments(base, edited)).toEqual(["prod-daily-disks", "prod-weekly-disks"]);
    expect(byName(edited)["prod-daily-disks"].inputs).toMatchObject({
      diskIds: ["d-hz01"],
      handedOffDiskIds: ["d-hz02", "d-hz03", "d-sh01"],
    });
    expect(byName(edited)["prod-weekly-disks"].inputs).toMatchObject({
      diskIds: ["d-hz02", "d-hz03"],
      handedOffDiskIds: ["d-hz01", "d-sh01"],
    });
    const unchanged = edited.filter(({ name }) => !["prod-daily-disks", "prod-weekly-disks"].includes(name));
    expect(unchanged).toEqual(
      base.filter(({ name }) => !["prod-daily-disks", "prod-weekly-disks"].includes(name)),
    );
  });

  test("swapping two disks between policies is the same two updates", async () => {
    const plan = basePlan();
    plan.policies.daily.disks = ["d-hz01", "d-hz03"];
    plan.policies.weekly.disks = ["d-hz02"];
    const edited = await register(plan);
    expect(names(edited)).toEqual(names(base));
    expect(changedAttachments(base, edited)).toEqual(["prod-daily-disks", "prod-weekly-disks"]);
    expect(byName(edited)["prod-daily-disks"].inputs.handedOffDiskIds).toEqual(["d-hz02", "d-sh01"]);
    expect(byName(edited)["prod-weekly-disks"].inputs.handedOffDiskIds).toEqual([
      "d-hz01",
      "d-hz03",
      "d-sh01",
    ]);
  });

  test("adding a policy adds its policy and attachment; the others change only in what diffs as no change", async () => {
    const plan = basePlan();
    plan.policies.monthly = {
      regionId: "cn-shanghai",
      timePoints: [4],
      repeatWeekdays: [1],
      retentionDays: 7,
      disks: ["d-sh02"],
    };
    const edited = await register(plan);
    expect(minus(names(edited), names(base))).toEqual(["prod-monthly", "prod-monthly-disks"]);
    expect(minus(names(base), names(edited))).toEqual([]);
    expect(changedAttachments(base, edited)).toEqual([]);
    expect(byName(edited)["prod-daily-disks"].inputs.handedOffDiskIds).toEqual([
      "d-hz03",
      "d-sh01",
      "d-sh02",
    ]);
    const withoutHandOffs = (registrations: Registration[]) =>
      registrations
        .filter(({ name }) => !name.startsWith("prod-monthly"))
        .map(({ inputs: { handedOffDiskIds: _, ...inputs }, ...registration }) => ({
          ...registration,
          inputs,
        }));
    expect(withoutHandOffs(edited)).toEqual(withoutHandOffs(base));
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
