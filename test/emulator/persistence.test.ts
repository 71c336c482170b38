import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startEcsEmulator, type EcsEmulator } from "../../emulator";
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
  // Durable before the answer: the file already holds the policy.
  expect(JSON.parse(fs.readFileSync(statePath, "utf8")).policies[policyId]).toBeDefined();
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
