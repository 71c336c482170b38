import { autoSnapshotPolicyProvider as provider } from "../../provider";
import { EcsApiError } from "../../provider/ecs/errors";
import { CLIENT_TOKEN_TAG } from "../../provider/policy/schema";
import { PartialStateError } from "../../provider/engine";
import type { EcsEmulator } from "../../emulator";
import {
  ACCOUNT_KINDS,
  REGION,
  configureProvider,
  describePolicies,
  outOfBandEcs,
  type OutOfBandEcs,
} from "../support/local-ecs";
import { useLocalEcs } from "../support/use-local-ecs";

/*
 * The AutoSnapshotPolicy provider under faults of the local ECS endpoint: throttling, 5xx and
 * answers lost after the write. No operation may fail for a transient fault, and no policy may
 * be created twice or left out of state.
 */

type Props = Record<string, unknown>;

const PROVIDER = "serialized-provider";

// Each test works in a region of its own, so that "exactly one policy" is easy to count.
const TEST_REGIONS = (
  "cn-qingdao cn-zhangjiakou cn-huhehaote cn-wulanchabu cn-shanghai cn-nanjing cn-shenzhen cn-heyuan " +
  "cn-guangzhou cn-chengdu cn-hongkong ap-northeast-1 ap-northeast-2 ap-southeast-1 ap-southeast-3 " +
  "ap-southeast-5 us-east-1 us-west-1"
).split(" ");

describe.each(ACCOUNT_KINDS)("in an account of %i policies per disk", (policiesPerDisk) => {
  const local = useLocalEcs({ policiesPerDisk });
  let emulator: EcsEmulator;
  let ecs: OutOfBandEcs;
  let regionId = REGION;
  const unusedRegions = [...TEST_REGIONS];

  beforeAll(async () => {
    ({ emulator } = local);
    await configureProvider(provider, emulator);
    ecs = outOfBandEcs(emulator);
  });

  afterEach(() => emulator.clearFaults());

  beforeEach(() => {
    regionId = unusedRegions.shift() as string;
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

  const base: Props = {
    timePoints: [1],
    repeatWeekdays: [1, 3],
    retentionDays: 7,
    tags: { team: "storage" },
  };

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
    for (const action of ALL_ACTIONS)
      emulator.addFault({ action, times: 2, code: "Throttling", status: 400 });
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
    const inputs = await checked(base);
    // The create is answered a second late; once the lookup by token before it has been answered, every
    // later DescribeAutoSnapshotPolicyEx (the read-back) fails.
    emulator.addFault({ action: "CreateAutoSnapshotPolicy", times: 1, delayMs: 1000 });
    const before = emulator.requests.length;
    const creating = provider.create(inputs).then(
      () => undefined,
      (error: unknown) => error,
    );
    while (
      !emulator.requests.slice(before).some((request) => request.action === "DescribeAutoSnapshotPolicyEx")
    ) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    emulator.addFault({
      action: "DescribeAutoSnapshotPolicyEx",
      times: 50,
      code: "ServiceUnavailable",
      status: 503,
    });
    const failure = await creating;
    emulator.clearFaults();
    expect(failure).toBeInstanceOf(PartialStateError);
    const { id, properties, message } = failure as PartialStateError;
    expect(message).toMatch(/ServiceUnavailable.*RequestId/);
    expect((await describePolicies(ecs, regionId)).map((policy) => policy.AutoSnapshotPolicyId)).toEqual([
      id,
    ]);
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

  describe("no second policy after a lost create answer, across runs and for slow answers", () => {
    // What the resource's constructor passes: the same in every run of the program.
    const seeded: Props = {
      ...base,
      clientTokenSeed: "organization|faults|test|AutoSnapshotPolicy::nightly",
    };
    const creates = (before: number) =>
      emulator.requests.slice(before).filter((request) => request.action === "CreateAutoSnapshotPolicy");

    /** Adds `rule` once the lookup by token that precedes the create has been answered. */
    async function afterTheLookupBeforeCreate(before: number, rule: Parameters<EcsEmulator["addFault"]>[0]) {
      while (
        !emulator.requests.slice(before).some((request) => request.action === "DescribeAutoSnapshotPolicyEx")
      ) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      emulator.addFault(rule);
    }

    test("check derives the same token in every run, another one for a replacement, and a random one without a seed", async () => {
      const first = await checked(seeded);
      const again = await checked(seeded);
      expect(again.clientToken).toBe(first.clientToken);
      expect(first.clientToken).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      const replaced = await checked({ ...seeded, resourceGroupId: "rg-other" }, first);
      expect(replaced.clientToken).not.toBe(first.clientToken);
      const renamed = await checked({
        ...seeded,
        clientTokenSeed: "organization|faults|test|AutoSnapshotPolicy::renamed",
      });
      expect(renamed.clientToken).not.toBe(first.clientToken);
      expect((await checked(base)).clientToken).not.toBe((await checked(base)).clientToken);
    });

    test("answer dropped and every lookup failing: the create is not sent again, and the next run takes the policy it made", async () => {
      const before = emulator.requests.length;
      const inputs = await checked(seeded);
      emulator.addFault({
        action: "CreateAutoSnapshotPolicy",
        times: 1,
        delayMs: 300,
        dropResponse: true,
      });
      const creating = provider.create(inputs).then(
        () => undefined,
        (error: unknown) => error as Error,
      );
      await afterTheLookupBeforeCreate(before, {
        action: "DescribeAutoSnapshotPolicyEx",
        code: "ServiceUnavailable",
        status: 503,
      });
      const failure = await creating;
      emulator.clearFaults();
      expect(failure).toBeInstanceOf(Error);
      expect(failure).not.toBeInstanceOf(PartialStateError);
      expect(failure?.message).toMatch(
        /^CreateAutoSnapshotPolicy got no answer .* No policy carrying pulumi:client-token=\S+ was found within 8 s; looking it up failed too \(.*ServiceUnavailable.*\), so the create was not sent again.*Run pulumi up again/,
      );
      expect(creates(before)).toHaveLength(1);
      const [landed] = await describePolicies(ecs, regionId);
      expect(landed.Tags.Tag).toContainEqual({ TagKey: CLIENT_TOKEN_TAG, TagValue: inputs.clientToken });

      // The next run: nothing in state, so check() has no old token; it derives the same one.
      const nextRun = await checked(seeded);
      expect(nextRun.clientToken).toBe(inputs.clientToken);
      const { id, outs } = await provider.create(nextRun);
      expect(id).toBe(landed.AutoSnapshotPolicyId);
      expect(creates(before)).toHaveLength(1);
      expect(outs).toMatchObject({
        clientToken: inputs.clientToken,
        timePoints: [1],
        tags: { team: "storage" },
      });
      await provider.delete!(id, { ...outs, __provider: PROVIDER });
      expect(await describePolicies(ecs, regionId)).toEqual([]);
    });

    test("3 s of 503s on the lookup after a dropped answer: the lookup outlasts them and finds the one policy", async () => {
      const before = emulator.requests.length;
      const inputs = await checked(seeded);
      emulator.addFault({
        action: "CreateAutoSnapshotPolicy",
        times: 1,
        delayMs: 300,
        dropResponse: true,
      });
      const creating = provider.create(inputs);
      await afterTheLookupBeforeCreate(before, {
        action: "DescribeAutoSnapshotPolicyEx",
        code: "ServiceUnavailable",
        status: 503,
      });
      const stop503s = setTimeout(() => emulator.clearFaults(), 3000);
      const { id } = await creating.finally(() => clearTimeout(stop503s));
      expect(creates(before)).toHaveLength(1);
      expect((await describePolicies(ecs, regionId)).map((policy) => policy.AutoSnapshotPolicyId)).toEqual([
        id,
      ]);
    });

    test("a create answered later than the client timeout is found, not sent again: one policy carrying the token", async () => {
      const timeout = process.env.ALIBABA_CLOUD_ECS_TIMEOUT_MS;
      process.env.ALIBABA_CLOUD_ECS_TIMEOUT_MS = "1000";
      try {
        const before = emulator.requests.length;
        const inputs = await checked(seeded);
        emulator.addFault({ action: "CreateAutoSnapshotPolicy", times: 1, delayMs: 2500 });
        const { id } = await provider.create(inputs);
        // The log holds answered requests: the late create found its client gone, so a create sent again
        // is the only one that could appear here.
        expect(creates(before)).toHaveLength(0);
        const policies = await describePolicies(ecs, regionId);
        expect(policies.map((policy) => policy.AutoSnapshotPolicyId)).toEqual([id]);
        expect(policies[0].Tags.Tag).toContainEqual({
          TagKey: CLIENT_TOKEN_TAG,
          TagValue: inputs.clientToken,
        });
      } finally {
        if (timeout === undefined) delete process.env.ALIBABA_CLOUD_ECS_TIMEOUT_MS;
        else process.env.ALIBABA_CLOUD_ECS_TIMEOUT_MS = timeout;
      }
    });
  });

  describe("after a partial failure, state records what is true of the policy", () => {
    const failingTags = () =>
      emulator.addFault({ action: "TagResources", code: "InvalidTagCount", status: 400 });

    async function updateFailing(id: string, outputs: Props, news: Props): Promise<PartialStateError> {
      const failure = await provider.update!(id, outputs, news).then(
        () => undefined,
        (error: unknown) => error,
      );
      emulator.clearFaults();
      expect(failure).toBeInstanceOf(PartialStateError);
      return failure as PartialStateError;
    }

    test("ModifyEx landed, TagResources failed: state has the new schedule, and reverting the program converges", async () => {
      const { id, inputs, outputs } = await up(base);
      const news = await checked(
        { ...base, timePoints: [5, 6], retentionDays: 9, tags: { team: "compute" } },
        inputs,
      );
      failingTags();
      const { properties } = await updateFailing(id, outputs, news);
      expect(properties).toMatchObject({ timePoints: [5, 6], retentionDays: 9, tags: { team: "storage" } });

      // The program is reverted: the old declaration now differs from what state (and the cloud) holds.
      const reverted = await checked(base, news);
      expect((await provider.diff!(id, properties, reverted)).changes).toBe(true);
      const { outs } = await provider.update!(id, properties, reverted);
      expect(outs).toMatchObject({ timePoints: [1], retentionDays: 7, tags: { team: "storage" } });
      const [live] = await describePolicies(ecs, regionId);
      expect(live).toMatchObject({ TimePoints: '["1"]', RetentionDays: 7 });
    });

    test("when the policy cannot be read back either, state has what the writes that succeeded changed", async () => {
      const { id, inputs, outputs } = await up(base);
      const news = await checked({ ...base, timePoints: [5], tags: { team: "compute", extra: "x" } }, inputs);
      failingTags();
      emulator.addFault({
        action: "DescribeAutoSnapshotPolicyEx",
        code: "ServiceUnavailable",
        status: 503,
      });
      const { properties } = await updateFailing(id, outputs, news);
      expect(properties).toMatchObject({ timePoints: [5], retentionDays: 7, tags: { team: "storage" } });
      expect((await provider.diff!(id, properties, await checked(base, news))).changes).toBe(true);
    });

    test("a write rejected before anything changed leaves state as it was", async () => {
      const { id, inputs, outputs } = await up(base);
      const news = await checked({ ...base, tags: { team: "compute" } }, inputs);
      failingTags();
      const failure = await provider.update!(id, outputs, news).then(
        () => undefined,
        (error: unknown) => error,
      );
      emulator.clearFaults();
      expect(failure).not.toBeInstanceOf(PartialStateError);
      expect(failure).toBeInstanceOf(EcsApiError);
    });
  });

  test("a policy an earlier run created is recorded even when it cannot be brought to the declared state", async () => {
    const seeded: Props = { ...base, clientTokenSeed: "organization|faults|test|AutoSnapshotPolicy::kept" };
    const inputs = await checked(seeded);
    const earlier = await ecs<{ AutoSnapshotPolicyId: string }>("CreateAutoSnapshotPolicy", {
      regionId,
      timePoints: '["4"]',
      repeatWeekdays: '["1"]',
      retentionDays: 3,
      "Tag.1.Key": CLIENT_TOKEN_TAG,
      "Tag.1.Value": String(inputs.clientToken),
    });
    emulator.addFault({ action: "ModifyAutoSnapshotPolicyEx", code: "InvalidParameter", status: 400 });
    const failure = await provider.create(inputs).then(
      () => undefined,
      (error: unknown) => error,
    );
    emulator.clearFaults();
    expect(failure).toBeInstanceOf(PartialStateError);
    const { id, properties } = failure as PartialStateError;
    expect(id).toBe(earlier.AutoSnapshotPolicyId);
    expect(properties).toMatchObject({ timePoints: [4], retentionDays: 3, clientToken: inputs.clientToken });
    expect((await provider.diff!(id, properties, inputs)).changes).toBe(true);
    const { outs } = await provider.update!(id, properties, inputs);
    expect(outs).toMatchObject({ timePoints: [1], retentionDays: 7 });
    expect(await describePolicies(ecs, regionId)).toHaveLength(1);
  });
});
