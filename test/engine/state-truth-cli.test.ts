import type { Stack } from "@pulumi/pulumi/automation";
import type { FaultRule } from "../../emulator";
import { AutoSnapshotPolicy } from "alicloud-snapshot-policy";
import { CLIENT_TOKEN_TAG } from "../../provider/policy/schema";
import { ACCOUNT_KINDS, describePolicies } from "../support/local-ecs";
import { useLocalStack } from "../support/use-local-stack";

// State that never lies (issue 11), under the real Pulumi CLI (Automation API, inline programs, local
// file backend) against the local ECS endpoint. Needs `npm run build` (the engine's provider host
// loads dist/) and the CLI: `npm test` does both.

const quiet = { onOutput: () => undefined };

interface Declared {
  timePoints: number[];
  retentionDays: number;
  tags: Record<string, string>;
}

describe.each(ACCOUNT_KINDS)("an account of %i policies per disk", (policiesPerDisk) => {
  const local = useLocalStack({ name: "state-truth", emulator: { policiesPerDisk } });

  afterEach(() => local.emulator.clearFaults());

  /** A stack with one AutoSnapshotPolicy in `regionId`, declared by `declared()` at each run. */
  async function policyStack(
    name: string,
    regionId: string,
    declared: () => Declared,
    env?: Record<string, string>,
  ) {
    return local.newStack(
      name,
      async () => {
        const policy = new AutoSnapshotPolicy("nightly", { ...declared(), repeatWeekdays: [1, 3] });
        return { policyId: policy.id };
      },
      { region: regionId, env },
    );
  }

  /** Adds `rule` once the lookup by client token that precedes CreateAutoSnapshotPolicy has been answered. */
  async function afterTheLookupBeforeCreate(before: number, rule: FaultRule): Promise<void> {
    while (
      !local.emulator.requests
        .slice(before)
        .some((request) => request.action === "DescribeAutoSnapshotPolicyEx")
    ) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    local.emulator.addFault(rule);
  }

  async function policiesInState(stack: Stack): Promise<unknown[]> {
    const state = await stack.exportStack();
    return (state.deployment.resources ?? []).filter((resource: { type: string }) =>
      resource.type.endsWith("AutoSnapshotPolicy"),
    );
  }

  const declaredBase: Declared = { timePoints: [1], retentionDays: 7, tags: { team: "storage" } };

  describe("no second policy after a lost create answer", () => {
    test("answer dropped and every lookup failing: up fails without resending; the next up takes the one policy; destroy leaves none", async () => {
      const regionId = "cn-qingdao";
      const stack = await policyStack("lost-create", regionId, () => declaredBase);
      const before = local.emulator.requests.length;
      local.emulator.addFault({
        action: "CreateAutoSnapshotPolicy",
        times: 1,
        delayMs: 1000,
        dropResponse: true,
      });
      const firstUp = stack.up(quiet).then(
        () => undefined,
        (error: Error) => error,
      );
      await afterTheLookupBeforeCreate(before, {
        action: "DescribeAutoSnapshotPolicyEx",
        code: "ServiceUnavailable",
        status: 503,
      });
      const failure = await firstUp;
      local.emulator.clearFaults();
      expect(failure?.message).toMatch(
        /CreateAutoSnapshotPolicy got no answer.*was not sent again.*Run pulumi up again/s,
      );
      expect(await policiesInState(stack)).toEqual([]);
      const [landed] = await describePolicies(local.ecs, regionId);
      expect(await describePolicies(local.ecs, regionId)).toHaveLength(1);

      const secondUp = await stack.up(quiet);
      expect(secondUp.summary.resourceChanges).toMatchObject({ create: 1 });
      expect(secondUp.outputs.policyId.value).toBe(landed.AutoSnapshotPolicyId);
      const creates = local.emulator.requests
        .slice(before)
        .filter((r) => r.action === "CreateAutoSnapshotPolicy");
      expect(creates).toHaveLength(1);
      expect(await describePolicies(local.ecs, regionId)).toHaveLength(1);

      await stack.destroy(quiet);
      expect(await describePolicies(local.ecs, regionId)).toEqual([]);
    });

    test("3 s of 503s on the lookup after a dropped answer: one policy, a second up changes nothing, destroy leaves none", async () => {
      const regionId = "cn-zhangjiakou";
      const stack = await policyStack("lost-create-3s", regionId, () => declaredBase);
      const before = local.emulator.requests.length;
      local.emulator.addFault({
        action: "CreateAutoSnapshotPolicy",
        times: 1,
        delayMs: 1000,
        dropResponse: true,
      });
      const firstUp = stack.up(quiet);
      await afterTheLookupBeforeCreate(before, {
        action: "DescribeAutoSnapshotPolicyEx",
        code: "ServiceUnavailable",
        status: 503,
      });
      const stop503s = setTimeout(() => local.emulator.clearFaults(), 3000);
      const up = await firstUp.finally(() => clearTimeout(stop503s));
      expect(await describePolicies(local.ecs, regionId)).toEqual([
        expect.objectContaining({ AutoSnapshotPolicyId: up.outputs.policyId.value }),
      ]);
      expect((await stack.up(quiet)).summary.resourceChanges).toEqual({ same: 2 });
      await stack.destroy(quiet);
      expect(await describePolicies(local.ecs, regionId)).toEqual([]);
    });

    test("a create answered later than the client timeout: exactly one policy, carrying the token", async () => {
      const regionId = "cn-huhehaote";
      const stack = await policyStack("slow-create", regionId, () => declaredBase, {
        ALIBABA_CLOUD_ECS_TIMEOUT_MS: "1500",
      });
      local.emulator.addFault({ action: "CreateAutoSnapshotPolicy", times: 1, delayMs: 3500 });
      const up = await stack.up(quiet);
      const policies = await describePolicies(local.ecs, regionId);
      expect(policies.map((policy) => policy.AutoSnapshotPolicyId)).toEqual([up.outputs.policyId.value]);
      expect(policies[0].Tags.Tag.map((tag) => tag.TagKey)).toContain(CLIENT_TOKEN_TAG);
      await stack.destroy(quiet);
      expect(await describePolicies(local.ecs, regionId)).toEqual([]);
    });
  });

  describe("ModifyAutoSnapshotPolicyEx landed, then TagResources failed", () => {
    test("state records the new schedule; the reverted program shows a diff and converges", async () => {
      const regionId = "cn-wulanchabu";
      let declared = declaredBase;
      const stack = await policyStack("partial-update", regionId, () => declared);
      await stack.up(quiet);

      declared = { timePoints: [5, 6], retentionDays: 9, tags: { team: "compute" } };
      local.emulator.addFault({ action: "TagResources", code: "InvalidTagCount", status: 400 });
      await expect(stack.up(quiet)).rejects.toThrow(/TagResources failed/);
      local.emulator.clearFaults();
      const [recorded] = (await policiesInState(stack)) as { outputs: Record<string, unknown> }[];
      expect(recorded.outputs).toMatchObject({
        timePoints: [5, 6],
        retentionDays: 9,
        tags: { team: "storage" },
      });

      declared = declaredBase;
      const preview = await stack.preview(quiet);
      expect(preview.changeSummary).toMatchObject({ update: 1 });
      expect((await stack.up(quiet)).summary.resourceChanges).toMatchObject({ update: 1 });
      const [live] = await describePolicies(local.ecs, regionId);
      expect(live).toMatchObject({ TimePoints: '["1"]', RetentionDays: 7 });
      expect((await stack.up(quiet)).summary.resourceChanges).toEqual({ same: 2 });
      await stack.destroy(quiet);
    }, 300_000);
  });
});
