import type { EngineEvent } from "@pulumi/pulumi/automation";
import { AutoSnapshotPolicy } from "alicloud-snapshot-policy";
import { ACCOUNT_KINDS } from "../support/local-ecs";
import { useLocalStack } from "../support/use-local-stack";

/*
 * What a reviewer sees in `pulumi preview` of a backup change, under the real CLI (Automation API, a
 * local file backend, ecs-local): the schedule in words and the snapshots per disk of a policy that
 * does not exist yet, and their change in `preview --diff`, all before `up`.
 */

const TYPE = "pulumi-nodejs:dynamic/alicloud-snapshot-policy:AutoSnapshotPolicy";
interface Previewed {
  stdout: string;
  steps: { op: string; inputs?: Record<string, unknown>; oldOutputs?: Record<string, unknown> }[];
}

describe.each(ACCOUNT_KINDS)("an account of %i policies per disk", (policiesPerDisk) => {
  let retentionDays = 60;
  const local = useLocalStack({
    name: "schedule-preview",
    emulator: { policiesPerDisk },
    program: async () => {
      const policy = new AutoSnapshotPolicy("nightly", {
        timePoints: [2],
        repeatWeekdays: [1, 2, 3, 4, 5, 6, 7],
        retentionDays,
      });
      return { schedule: policy.schedule, snapshotsPerDisk: policy.snapshotsPerDisk };
    },
  });

  async function preview(): Promise<Previewed> {
    const events: EngineEvent[] = [];
    const result = await local.stack.preview({ diff: true, onEvent: (event) => events.push(event) });
    const steps = events
      .map((event) => event.resourcePreEvent?.metadata)
      .filter((metadata) => metadata !== undefined && metadata.type === TYPE)
      .map((metadata) => ({
        op: metadata!.op,
        inputs: metadata!.new?.inputs,
        oldOutputs: metadata!.old?.outputs,
      }));
    return { stdout: result.stdout, steps };
  }

  test("a preview of a new policy shows its schedule in words and its snapshots per disk", async () => {
    const { stdout, steps } = await preview();
    expect(steps).toEqual([expect.objectContaining({ op: "create" })]);
    expect(steps[0].inputs).toMatchObject({
      schedule:
        "Snapshots at 02:00 (UTC+8) every day; kept 60 days; up to 60 snapshots per disk (limit 1,000).",
      snapshotsPerDisk: 60,
    });
    expect(stdout).toMatch(/^\s+snapshotsPerDisk\s*: 60$/m);
    expect(stdout).toMatch(/^\s+schedule\s*: "Snapshots at 02:00 \(UTC\+8\) every day; kept 60 days;/m);
    // The program's outputs are known at preview too.
    expect(stdout.slice(stdout.indexOf("--outputs:--"))).toMatch(/snapshotsPerDisk: 60/);
    // Nothing was created by the preview.
    expect(
      local.emulator.requests.filter((request) => request.action === "CreateAutoSnapshotPolicy"),
    ).toEqual([]);
  });

  test("preview --diff of a changed retention shows snapshotsPerDisk: 60 => 28 and the new schedule", async () => {
    const up = await local.stack.up({ onOutput: () => undefined });
    expect(up.outputs.snapshotsPerDisk.value).toBe(60);

    retentionDays = 28;
    const { stdout, steps } = await preview();
    expect(steps).toEqual([expect.objectContaining({ op: "update" })]);
    expect(steps[0].oldOutputs).toMatchObject({ snapshotsPerDisk: 60 });
    expect(steps[0].inputs).toMatchObject({
      snapshotsPerDisk: 28,
      schedule:
        "Snapshots at 02:00 (UTC+8) every day; kept 28 days; up to 28 snapshots per disk (limit 1,000).",
    });
    expect(stdout).toMatch(/~\s+snapshotsPerDisk\s*:\s*60\s*=>\s*28/);
    expect(stdout).toMatch(/~\s+retentionDays\s*:\s*60\s*=>\s*28/);
    expect(stdout).toMatch(
      /~\s+schedule\s*:\s*"Snapshots at 02:00 \(UTC\+8\) every day; kept 60 days; .*"\s*=>\s*"Snapshots at 02:00 \(UTC\+8\) every day; kept 28 days;/s,
    );
    expect(
      local.emulator.requests.filter((request) => request.action === "ModifyAutoSnapshotPolicyEx"),
    ).toEqual([]);
  });
});

test("a policy whose schedule is not known at preview shows no figure rather than a wrong one", async () => {
  // A schedule that comes from another resource is unknown at preview; checked on the provider directly.
  const { policyProvider } = await import("../../provider/policy/provider");
  const { UNKNOWN } = await import("../../provider/engine");
  const checked = await policyProvider.check(
    {},
    { regionId: "cn-hangzhou", timePoints: UNKNOWN, repeatWeekdays: [1], retentionDays: 7 },
  );
  expect(checked.failures ?? []).toEqual([]);
  expect(checked.inputs).not.toHaveProperty("schedule");
  expect(checked.inputs).not.toHaveProperty("snapshotsPerDisk");
});
