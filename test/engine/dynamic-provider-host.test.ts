import { startEcsEmulator, type EcsEmulator } from "../../emulator";
import { autoSnapshotPolicyProvider, policyAttachmentProvider } from "../../provider";
import { UNKNOWN } from "../../provider/engine";
import { ProviderHost } from "../support/provider-host";
import { REGION, stackConfig, PROVIDER_ACCOUNT } from "../support/local-ecs";

// The engine's call sequence, through Pulumi's own dynamic-provider host process (which loads the
// built provider from dist/ by package name, as it does under `pulumi up`).

const DISKS = ["d-host000001", "d-host000002", "d-host000003"];

let emulator: EcsEmulator;
let policyHost: ProviderHost;
let attachmentHost: ProviderHost;

beforeAll(async () => {
  emulator = await startEcsEmulator({
    ...PROVIDER_ACCOUNT,
    disks: DISKS.map((diskId) => ({ diskId, regionId: REGION })),
  });
  [policyHost, attachmentHost] = await Promise.all([
    ProviderHost.start(autoSnapshotPolicyProvider, "AutoSnapshotPolicy"),
    ProviderHost.start(policyAttachmentProvider, "PolicyAttachment"),
  ]);
  const config = stackConfig(emulator);
  await Promise.all([policyHost.configure(config), attachmentHost.configure(config)]);
});

afterAll(async () => {
  await Promise.all([policyHost?.close(), attachmentHost?.close()]);
  await emulator?.close();
});

const actions = () => emulator.requests.map((r) => r.action);

test("check at preview accepts unknown values and calls nothing", async () => {
  const before = emulator.requests.length;
  const policy = await policyHost.check(
    "p",
    {},
    { timePoints: [UNKNOWN, "2"], repeatWeekdays: UNKNOWN, retentionDays: 7 },
  );
  expect(policy.failures).toEqual([]);
  const attachment = await attachmentHost.check("a", {}, { autoSnapshotPolicyId: UNKNOWN, diskIds: DISKS });
  expect(attachment.failures).toEqual([]);
  expect(emulator.requests.length).toBe(before);
});

test("check names the input and what is allowed", async () => {
  const { failures } = await policyHost.check(
    "p",
    {},
    { timePoints: [1, 24], repeatWeekdays: [8], retentionDays: 0 },
  );
  const properties = failures.map((f) => f.property).sort();
  expect(properties).toEqual(["repeatWeekdays", "retentionDays", "timePoints"]);
  expect(failures.find((f) => f.property === "timePoints")!.reason).toMatch(/^timePoints\[1\]: 24 .*0.23/);
});

test("configure, check, diff, create, read, update, delete: a policy and its attachment", async () => {
  const declared = {
    autoSnapshotPolicyName: "host-daily",
    timePoints: ["13", 1, 1],
    repeatWeekdays: [1, 3],
    retentionDays: 7,
  };
  const checked = await policyHost.check("p", {}, declared);
  expect(checked.failures).toEqual([]);
  expect(checked.inputs.timePoints).toEqual([1, 13]);
  expect(checked.inputs.regionId).toBe(REGION);

  const created = await policyHost.create("p", checked.inputs);
  expect(created.id).toMatch(/^sp-/);
  expect(created.outputs).toMatchObject({
    autoSnapshotPolicyId: created.id,
    timePoints: [1, 13],
    status: "Normal",
  });

  const recheck = await policyHost.check("p", checked.inputs, declared);
  expect(await policyHost.diff("p", created.id, created.outputs, recheck.inputs)).toMatchObject({
    changes: "none",
  });

  const attachmentChecked = await attachmentHost.check(
    "a",
    {},
    { autoSnapshotPolicyId: created.id, diskIds: DISKS },
  );
  expect(attachmentChecked.failures).toEqual([]);
  const attached = await attachmentHost.create("a", attachmentChecked.inputs);
  expect(attached.outputs.diskIds).toEqual(DISKS);

  const edited = await policyHost.check("p", checked.inputs, { ...declared, timePoints: [1, 14] });
  const diff = await policyHost.diff("p", created.id, created.outputs, edited.inputs);
  expect(diff).toEqual({ changes: "some", replaces: [] });
  const updated = await policyHost.update("p", created.id, created.outputs, edited.inputs);
  expect(updated.timePoints).toEqual([1, 14]);
  expect(actions()).toContain("ModifyAutoSnapshotPolicyEx");

  const moved = await policyHost.check("p", checked.inputs, { ...declared, regionId: "cn-shanghai" });
  expect((await policyHost.diff("p", created.id, updated, moved.inputs)).replaces).toContain("regionId");

  const refreshed = await policyHost.read("p", created.id, updated);
  expect(refreshed.id).toBe(created.id);
  expect(refreshed.outputs).toMatchObject({ timePoints: [1, 14] });

  await attachmentHost.delete("a", attached.id, attached.outputs);
  await policyHost.delete("p", created.id, refreshed.outputs);
  const remaining = await policyHost.read("p", created.id, refreshed.outputs);
  expect(remaining.id).toBe("");
});

test("a provider error reaches the engine with the API code and RequestId", async () => {
  const checked = await policyHost.check("q", {}, { timePoints: [3], repeatWeekdays: [1], retentionDays: 3 });
  emulator.addFault({
    action: "CreateAutoSnapshotPolicy",
    times: 1,
    status: 403,
    code: "InvalidAccountStatus.NotEnoughBalance",
  });
  await expect(policyHost.create("q", checked.inputs)).rejects.toThrow(
    /CreateAutoSnapshotPolicy failed: 403 InvalidAccountStatus.NotEnoughBalance: .*RequestId/,
  );
  emulator.clearFaults();
});
