import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startEcsEmulator, type EcsEmulator } from "../../emulator";
import { FileStore } from "../../emulator/store";
import { type Caller, diskList, json, policyList, popCoreCaller } from "../support/ecs-clients";

const REGION = "cn-hangzhou";
const POLICY = { timePoints: json([3]), repeatWeekdays: json([6, 7]), retentionDays: 14 };

let stateDir: string;
let statePath: string;
const running: EcsEmulator[] = [];

async function start(options: Parameters<typeof startEcsEmulator>[0] = {}): Promise<EcsEmulator> {
  const emulator = await startEcsEmulator({ statePath, ...options });
  running.push(emulator);
  return emulator;
}

beforeEach(() => {
  stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "ecs-local-"));
  statePath = path.join(stateDir, "nested", "state.json");
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((emulator) => emulator.close()));
  fs.rmSync(stateDir, { recursive: true, force: true });
});

const credentials = [{ accessKeyId: "LTAI-persist", accessKeySecret: "persist-secret" }];

test("a restarted emulator with the same statePath serves the same policies, attachments and tags", async () => {
  const first = await start({
    credentials,
    disks: [
      { diskId: "d-keep1", regionId: REGION },
      { diskId: "d-keep2", regionId: REGION, category: "cloud_auto", attached: false },
    ],
  });
  let call = popCoreCaller(first);
  const created = await call("CreateAutoSnapshotPolicy", {
    regionId: REGION,
    autoSnapshotPolicyName: "Survivor",
    ...POLICY,
    "Tag.1.Key": "env",
    "Tag.1.Value": "prod",
  });
  const policyId = created.body.AutoSnapshotPolicyId as string;
  // Durable before the answer: the state file, or the journal beside it, already holds the policy.
  expect(new FileStore(statePath).load().policies[policyId]).toBeDefined();
  await call("ApplyAutoSnapshotPolicy", {
    regionId: REGION,
    autoSnapshotPolicyId: policyId,
    diskIds: json(["d-keep1"]),
  });
  const systemPolicy = first.addSystemPolicy(REGION);
  const describe = async () => ({
    policies: policyList(await call("DescribeAutoSnapshotPolicyEx", { RegionId: REGION })),
    disks: diskList(await call("DescribeDisks", { RegionId: REGION })),
  });
  const before = await describe();
  expect(before.policies.map((policy) => policy.AutoSnapshotPolicyId)).toEqual([policyId, systemPolicy]);
  await first.close();

  const second = await start({ credentials });
  call = popCoreCaller(second);
  expect(await describe()).toEqual(before);
  expect(before.disks).toEqual([
    expect.objectContaining({ DiskId: "d-keep1", AutoSnapshotPolicyId: policyId, Status: "In_use" }),
    expect.objectContaining({
      DiskId: "d-keep2",
      Category: "cloud_auto",
      AutoSnapshotPolicyId: "",
      Status: "Available",
    }),
  ]);
  expect(before.policies[0]).toMatchObject({
    DiskNums: 1,
    Tags: { Tag: [{ TagKey: "env", TagValue: "prod" }] },
  });
  expect(fs.readdirSync(path.dirname(statePath))).toEqual(["state.json"]);
});

test("seeding a disk again on restart keeps its policy", async () => {
  const disks = [{ diskId: "d-seeded", regionId: REGION }];
  const first = await start({ credentials, disks });
  const call = popCoreCaller(first);
  const policyId = (await call("CreateAutoSnapshotPolicy", { regionId: REGION, ...POLICY })).body
    .AutoSnapshotPolicyId as string;
  await call("ApplyAutoSnapshotPolicy", {
    regionId: REGION,
    autoSnapshotPolicyId: policyId,
    diskIds: json(["d-seeded"]),
  });
  await first.close();
  const second = await start({ credentials, disks });
  const [disk] = diskList(await popCoreCaller(second)("DescribeDisks", { RegionId: REGION }));
  expect(disk).toMatchObject({ DiskId: "d-seeded", AutoSnapshotPolicyId: policyId });
});

test("8 concurrent clients × 500 writes: every write is served and persisted", async () => {
  const CLIENTS = 8;
  const WRITES = 500;
  const POLICIES_PER_CLIENT = 25;
  const regions = ["cn-hangzhou", "cn-shanghai", "cn-beijing", "cn-shenzhen"];
  const emulator = await start({ credentials });
  const regionOf = (client: number) => regions[client % regions.length];

  // Each client creates its policies, then spreads 500 TagResources over them: policy p gets 20 tags
  // (`w0`…`w19`), each from its own write, so a lost write shows up as a missing or stale tag.
  const runClient = async (client: number): Promise<string[]> => {
    const call: Caller = popCoreCaller(emulator);
    const regionId = regionOf(client);
    const policyIds: string[] = [];
    for (let index = 0; index < POLICIES_PER_CLIENT; index += 1) {
      const answer = await call("CreateAutoSnapshotPolicy", { regionId, ...POLICY });
      expect(answer.status).toBe(200);
      policyIds.push(answer.body.AutoSnapshotPolicyId as string);
    }
    for (let write = 0; write < WRITES; write += 1) {
      const answer = await call("TagResources", {
        RegionId: regionId,
        ResourceType: "snapshotpolicy",
        "ResourceId.1": policyIds[write % POLICIES_PER_CLIENT],
        "Tag.1.Key": `w${Math.floor(write / POLICIES_PER_CLIENT)}`,
        "Tag.1.Value": `${client}:${write}`,
      });
      expect(answer.status).toBe(200);
    }
    return policyIds;
  };
  const policyIdsByClient = await Promise.all(
    Array.from({ length: CLIENTS }, (_, client) => runClient(client)),
  );
  await emulator.close();

  const restarted = await start({ credentials });
  const call = popCoreCaller(restarted);
  let tagsSeen = 0;
  for (const [client, policyIds] of policyIdsByClient.entries()) {
    for (const [slot, policyId] of policyIds.entries()) {
      const [policy] = policyList(
        await call("DescribeAutoSnapshotPolicyEx", {
          RegionId: regionOf(client),
          AutoSnapshotPolicyId: policyId,
        }),
      );
      const expected = Array.from({ length: WRITES / POLICIES_PER_CLIENT }, (_, round) => ({
        TagKey: `w${round}`,
        TagValue: `${client}:${round * POLICIES_PER_CLIENT + slot}`,
      }));
      expect(policy.Tags).toEqual({ Tag: expected });
      tagsSeen += expected.length;
    }
  }
  expect(tagsSeen).toBe(CLIENTS * WRITES);
}, 60_000);

describe("generated credentials", () => {
  test("are kept in the state file, so a restart accepts the same key pair", async () => {
    const first = await start();
    expect(first.accessKeyId).toMatch(/^LTAI-local-/);
    const keys = { accessKeyId: first.accessKeyId, accessKeySecret: first.accessKeySecret };
    await first.close();
    expect((fs.statSync(statePath).mode & 0o777).toString(8)).toBe("600");

    const second = await start();
    expect({ accessKeyId: second.accessKeyId, accessKeySecret: second.accessKeySecret }).toEqual(keys);
    expect((await popCoreCaller(second, "POST", keys)("DescribeRegions", {})).status).toBe(200);
  });

  test("given credentials win over the stored ones and are not written to the file", async () => {
    const first = await start();
    const generated = first.accessKeyId;
    await first.close();
    const second = await start({ credentials });
    expect(second.accessKeyId).toBe("LTAI-persist");
    expect(
      (
        await popCoreCaller(second, "POST", { accessKeyId: generated, accessKeySecret: "x" })(
          "DescribeRegions",
          {},
        )
      ).body.Code,
    ).toBe("InvalidAccessKeyId.NotFound");
    await second.close();
    expect(fs.readFileSync(statePath, "utf8")).not.toContain("persist-secret");
    const journal = `${statePath}.journal`;
    if (fs.existsSync(journal)) expect(fs.readFileSync(journal, "utf8")).not.toContain("persist-secret");
  });

  test("without statePath every start generates a new pair", async () => {
    const [a, b] = [await startEcsEmulator(), await startEcsEmulator()];
    running.push(a, b);
    expect(a.accessKeyId).not.toBe(b.accessKeyId);
  });
});

test("instances, their tags, tag-associated policies and several policies per disk survive a restart", async () => {
  const first = await start({
    credentials,
    instances: [
      {
        instanceId: "i-keep",
        regionId: REGION,
        tags: Object.fromEntries([
          ["backup", "gold"],
          ["__proto__", "kept"],
        ]),
      },
    ],
    disks: [{ diskId: "d-vm", regionId: REGION, instanceId: "i-keep" }],
  });
  const call = popCoreCaller(first);
  const create = async (extra: Record<string, string>) =>
    (await call("CreateAutoSnapshotPolicy", { regionId: REGION, ...POLICY, ...extra })).body
      .AutoSnapshotPolicyId as string;
  const [p1, p2] = [await create({}), await create({ "Tag.1.Key": "constructor", "Tag.1.Value": "c" })];
  const byTag = await create({
    AssociationType: "AssociatedWithInstanceTag",
    "TargetTags.1.Key": "backup",
    "TargetTags.1.Value": "gold",
  });
  for (const policyId of [p1, p2]) {
    await call("ApplyAutoSnapshotPolicy", {
      regionId: REGION,
      autoSnapshotPolicyId: policyId,
      diskIds: json(["d-vm"]),
    });
  }
  const describe = async (caller: Caller) => ({
    associations: (
      await caller("DescribeAutoSnapshotPolicyAssociations", { RegionId: REGION, DiskId: "d-vm" })
    ).body.AutoSnapshotPolicyAssociations,
    policies: policyList(await caller("DescribeAutoSnapshotPolicyEx", { RegionId: REGION })),
    instanceTags: (
      await caller("ListTagResources", {
        RegionId: REGION,
        ResourceType: "instance",
        "ResourceId.1": "i-keep",
      })
    ).body.TagResources,
  });
  const before = await describe(call);
  expect(before.associations).toEqual({
    AutoSnapshotPolicyAssociation: [p1, p2, byTag].map((AutoSnapshotPolicyId) => ({
      AutoSnapshotPolicyId,
      DiskId: "d-vm",
    })),
  });
  expect(before.instanceTags).toEqual({
    TagResource: [
      { ResourceId: "i-keep", ResourceType: "instance", TagKey: "backup", TagValue: "gold" },
      { ResourceId: "i-keep", ResourceType: "instance", TagKey: "__proto__", TagValue: "kept" },
    ],
  });
  await first.close();

  const second = await start({ credentials });
  expect(await describe(popCoreCaller(second))).toEqual(before);
});

test("a state file written before several policies per disk (one policyId a disk) is read as one association", async () => {
  fs.mkdirSync(path.dirname(statePath), { recursive: true });
  const policy = {
    id: "sp-bp1legacy000000000000",
    regionId: REGION,
    name: "Legacy",
    timePoints: ["1"],
    repeatWeekdays: ["1"],
    retentionDays: 7,
    enableCrossRegionCopy: false,
    targetCopyRegions: [],
    copiedSnapshotsRetentionDays: -1,
    encrypted: false,
    kmsKeyId: "",
    resourceGroupId: "",
    type: "Custom",
    creationTime: "2026-01-01T00:00:00Z",
    tags: {},
  };
  fs.writeFileSync(
    statePath,
    JSON.stringify({
      policies: { [policy.id]: policy },
      disks: {
        "d-old": {
          diskId: "d-old",
          regionId: REGION,
          category: "cloud_essd",
          attached: true,
          policyId: policy.id,
        },
        "d-bare": { diskId: "d-bare", regionId: REGION, category: "cloud_essd", attached: true },
      },
    }),
  );
  const emulator = await start({ credentials });
  const call = popCoreCaller(emulator);
  const pairs = await call("DescribeAutoSnapshotPolicyAssociations", {
    RegionId: REGION,
    AutoSnapshotPolicyId: policy.id,
  });
  expect(pairs.body.AutoSnapshotPolicyAssociations).toEqual({
    AutoSnapshotPolicyAssociation: [{ AutoSnapshotPolicyId: policy.id, DiskId: "d-old" }],
  });
  expect(policyList(await call("DescribeAutoSnapshotPolicyEx", { RegionId: REGION }))[0]).toMatchObject({
    AssociationType: "AssociatedWithDisk",
    DiskNums: 1,
  });
});
