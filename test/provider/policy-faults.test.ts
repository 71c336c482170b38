import { autoSnapshotPolicyProvider as provider } from "../../provider";
import { EcsApiError } from "../../provider/ecs/errors";
import { CLIENT_TOKEN_TAG } from "../../provider/policy/schema";
import { PartialStateError } from "../../provider/engine";
import { startEcsEmulator, type EcsEmulator } from "../../emulator";
import {
  REGION,
  configureProvider,
  describePolicies,
  outOfBandEcs,
  type OutOfBandEcs,
  PROVIDER_ACCOUNT,
} from "../support/local-ecs";

/*
 * The AutoSnapshotPolicy provider under faults of the local ECS endpoint: throttling, 5xx and
 * answers lost after the write. No operation may fail for a transient fault, and no policy may
 * be created twice or left out of state.
 */

type Props = Record<string, unknown>;

const PROVIDER = "serialized-provider";
let emulator: EcsEmulator;
let ecs: OutOfBandEcs;
let regionId = REGION;

beforeAll(async () => {
  emulator = await startEcsEmulator(PROVIDER_ACCOUNT);
  await configureProvider(provider, emulator);
  ecs = outOfBandEcs(emulator);
});

afterEach(() => emulator.clearFaults());

afterAll(async () => {
  await emulator?.close();
});

// Each test works in a region of its own, so that "exactly one policy" is easy to count.
const regions = ["cn-qingdao", "cn-zhangjiakou", "cn-huhehaote", "cn-wulanchabu", "cn-shanghai", "cn-nanjing"]
  .concat(["cn-shenzhen", "cn-heyuan", "cn-guangzhou", "cn-chengdu", "cn-hongkong", "ap-northeast-1"])
  .concat(["ap-northeast-2", "ap-southeast-1", "ap-southeast-3", "ap-southeast-5", "us-east-1", "us-west-1"]);
beforeEach(() => {
  regionId = regions.shift() as string;
});

async function checked(news: Props, olds: Props = {}): Promise<Props> {
  const result = await provider.check!(olds, { regionId, ...news });
  expect(result.failures ?? []).toEqual([]);
  return { ...result.inputs, __provider: PROVIDER };
}

async function up(news: Props): Promise<{ id: string; inputs: Props; outputs: Props }> {
  const inputs = await checked(news);
  const { id, outs } = await provider.create(inputs);
  return { id, inputs, outputs: { ...outs, __provider: PROVIDER } };
}

const base: Props = { timePoints: [1], repeatWeekdays: [1, 3], retentionDays: 7, tags: { team: "storage" } };

/** Create, update (policy field and tags), read and delete; the policy must end up deleted. */
async function lifecycle(): Promise<void> {
  const { id, inputs, outputs } = await up(base);
  expect(await describePolicies(ecs, regionId)).toHaveLength(1);
  const news = await checked(
    { ...base, autoSnapshotPolicyName: "Changed", tags: { team: "compute" } },
    inputs,
  );
  const { outs } = await provider.update!(id, outputs, news);
  expect(outs).toMatchObject({ autoSnapshotPolicyName: "Changed", tags: { team: "compute" } });
  expect((await provider.read!(id, { ...outs, __provider: PROVIDER })).id).toBe(id);
  const untagged = await checked({ ...base, autoSnapshotPolicyName: "Changed", tags: undefined }, news);
  await provider.update!(id, { ...outs, __provider: PROVIDER }, untagged);
  await provider.delete!(id, { ...outs, __provider: PROVIDER });
  expect(await describePolicies(ecs, regionId)).toEqual([]);
}

const WRITES = ["CreateAutoSnapshotPolicy", "ModifyAutoSnapshotPolicyEx", "TagResources", "UntagResources"];
const ALL_ACTIONS = [...WRITES, "DeleteAutoSnapshotPolicy", "DescribeAutoSnapshotPolicyEx"];

test("throttling twice on every action fails no operation and leaves no orphan", async () => {
  for (const action of ALL_ACTIONS) emulator.addFault({ action, times: 2, code: "Throttling", status: 400 });
  await lifecycle();
  const throttled = emulator.requests.filter((request) => request.code === "Throttling");
  expect(throttled).toHaveLength(2 * ALL_ACTIONS.length);
});

test("503 ServiceUnavailable twice on every action fails no operation and leaves no orphan", async () => {
  for (const action of ALL_ACTIONS) {
    emulator.addFault({ action, times: 2, code: "ServiceUnavailable", status: 503 });
  }
  await lifecycle();
});

test("a lost CreateAutoSnapshotPolicy answer creates exactly one policy, found by the client token", async () => {
  emulator.addFault({ action: "CreateAutoSnapshotPolicy", times: 1, dropResponse: true });
  const before = emulator.requests.length;
  const { id, inputs } = await up(base);
  const policies = await describePolicies(ecs, regionId);
  expect(policies.map((policy) => policy.AutoSnapshotPolicyId)).toEqual([id]);
  const requests = emulator.requests.slice(before);
  expect(requests.filter((request) => request.action === "CreateAutoSnapshotPolicy")).toHaveLength(1);
  expect(requests).toContainEqual(
    expect.objectContaining({
      action: "DescribeAutoSnapshotPolicyEx",
      params: expect.objectContaining({ "Tag.1.Key": CLIENT_TOKEN_TAG, "Tag.1.Value": inputs.clientToken }),
    }),
  );
});

test.each(["ModifyAutoSnapshotPolicyEx", "TagResources", "UntagResources", "DeleteAutoSnapshotPolicy"])(
  "a lost %s answer still ends in success",
  async (action) => {
    emulator.addFault({ action, times: 1, dropResponse: true });
    await lifecycle();
    expect(emulator.requests.some((request) => request.action === action)).toBe(true);
  },
);

test("an API error reaches the user typed, with its code and RequestId", async () => {
  const declared = { timePoints: '["1"]', repeatWeekdays: '["1"]', retentionDays: 7 };
  await Promise.all(
    Array.from({ length: 100 }, () => ecs("CreateAutoSnapshotPolicy", { regionId, ...declared })),
  );
  const inputs = await checked(base);
  const failure = await provider.create(inputs).then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(failure).toBeInstanceOf(EcsApiError);
  expect(failure).toMatchObject({ code: "AutoSnapshotPolicy.QuotaExceed", status: 403 });
  expect((failure as EcsApiError).message).toMatch(
    /^CreateAutoSnapshotPolicy failed: 403 AutoSnapshotPolicy\.QuotaExceed: .*\(RequestId [\w-]+\)$/,
  );
  expect(await describePolicies(ecs, regionId)).toHaveLength(100);
});

test("a policy created before the read-back fails is kept in state, not orphaned", async () => {
  emulator.addFault({
    action: "DescribeAutoSnapshotPolicyEx",
    times: 50,
    code: "ServiceUnavailable",
    status: 503,
  });
  const inputs = await checked(base);
  const failure = await provider.create(inputs).then(
    () => undefined,
    (error: unknown) => error,
  );
  emulator.clearFaults();
  expect(failure).toBeInstanceOf(PartialStateError);
  const { id, properties, message } = failure as PartialStateError;
  expect(message).toMatch(/ServiceUnavailable.*RequestId/);
  expect((await describePolicies(ecs, regionId)).map((policy) => policy.AutoSnapshotPolicyId)).toEqual([id]);
  expect(properties).toMatchObject({
    autoSnapshotPolicyId: id,
    clientToken: inputs.clientToken,
    tags: { team: "storage" },
    __provider: PROVIDER,
  });
});

test("an update that fails after a partial change keeps the policy in state and finishes next time", async () => {
  const { id, inputs, outputs } = await up(base);
  const news = await checked({ ...base, retentionDays: 9, tags: { team: "compute" } }, inputs);
  emulator.addFault({ action: "TagResources", times: 50, code: "InvalidTagCount", status: 400 });
  const failure = await provider.update!(id, outputs, news).then(
    () => undefined,
    (error: unknown) => error,
  );
  emulator.clearFaults();
  expect(failure).toBeInstanceOf(PartialStateError);
  const { properties } = failure as PartialStateError;
  expect(properties).toMatchObject({ autoSnapshotPolicyId: id, __provider: PROVIDER });
  expect((await provider.diff!(id, properties, news)).changes).toBe(true);
  const { outs } = await provider.update!(id, properties, news);
  expect(outs).toMatchObject({ retentionDays: 9, tags: { team: "compute" } });
});
