import * as fs from "node:fs";
import * as path from "node:path";
import type { PulumiFn, Stack } from "@pulumi/pulumi/automation";
import { AutoSnapshotPolicy, PolicyAttachment } from "alicloud-snapshot-policy";
import { quickstart } from "../../examples/quickstart/program";
import { crossRegion } from "../../examples/cross-region/program";
import { multiRegion } from "../../examples/multi-region/program";
import {
  ACCOUNT_KINDS,
  REGION,
  automationConfig,
  describePolicies,
  policyOfDisk,
  type AutomationConfig,
} from "../support/local-ecs";
import { useLocalStack } from "../support/use-local-stack";

// The real Pulumi CLI (Automation API, inline programs) on a local file backend, against the local
// ECS endpoint, in both kinds of account. Requires the CLI: `npm test` runs scripts/ensure-pulumi.sh first.

const DISKS = ["d-cli00000001", "d-cli00000002"];

// A project's first `up` starts the CLI and its plugins: on a loaded 2-core machine that alone can take a minute.
jest.setTimeout(180_000);

describe.each(ACCOUNT_KINDS)("an account of %i policies per disk", (policiesPerDisk) => {
  const local = useLocalStack({
    name: "cli-test",
    emulator: {
      policiesPerDisk,
      disks: [
        ...DISKS.map((diskId) => ({ diskId, regionId: REGION })),
        { diskId: "d-example0001", regionId: REGION },
        { diskId: "d-example0002", regionId: "cn-shanghai" },
      ],
    },
  });

  const policies = () => describePolicies(local.ecs, REGION);
  const diskPolicies = () => Promise.all(DISKS.map((diskId) => policyOfDisk(local.ecs, REGION, diskId)));

  describe("a stack's life under the real CLI", () => {
    let timePoints = [2, 14];
    let stack: Stack;
    const quiet = { onOutput: () => undefined };

    beforeAll(async () => {
      stack = await local.newStack("cli-lifecycle", async () => {
        const policy = new AutoSnapshotPolicy("nightly", {
          autoSnapshotPolicyName: "cli-nightly",
          timePoints,
          repeatWeekdays: [1, 2, 3, 4, 5],
          retentionDays: 14,
          tags: { team: "platform" },
        });
        const attachment = new PolicyAttachment("nightly-disks", {
          autoSnapshotPolicyId: policy.id,
          diskIds: DISKS,
        });
        return { policyId: policy.id, disks: attachment.diskIds };
      });
    });

    test("up creates the policy and attaches the disks", async () => {
      const result = await stack.up(quiet);
      expect(result.summary.resourceChanges).toEqual({ create: 3 });
      const policyId = result.outputs.policyId.value as string;
      expect(await policies()).toEqual([expect.objectContaining({ AutoSnapshotPolicyId: policyId })]);
      expect(await diskPolicies()).toEqual([policyId, policyId]);
    });

    test("a second up of the same program changes nothing", async () => {
      const result = await stack.up(quiet);
      expect(result.summary.resourceChanges).toEqual({ same: 3 });
    });

    test("editing one time point is a one-resource update", async () => {
      timePoints = [2, 15];
      const preview = await stack.preview(quiet);
      expect(preview.changeSummary).toEqual({ same: 2, update: 1 });
      const result = await stack.up(quiet);
      expect(result.summary.resourceChanges).toEqual({ same: 2, update: 1 });
      expect((await policies())[0].TimePoints).toBe('["2","15"]');
    });

    test("refresh sees a change made outside Pulumi, and the next up corrects it", async () => {
      const [policy] = await policies();
      await local.ecs("ModifyAutoSnapshotPolicyEx", {
        regionId: REGION,
        autoSnapshotPolicyId: policy.AutoSnapshotPolicyId,
        timePoints: '["5"]',
      });
      const refresh = await stack.refresh(quiet);
      expect(refresh.summary.resourceChanges).toMatchObject({ update: 1 });
      const result = await stack.up(quiet);
      expect(result.summary.resourceChanges).toMatchObject({ update: 1 });
      expect((await policies())[0].TimePoints).toBe('["2","15"]');
    });

    test("the stack's state holds no credential", async () => {
      // The state file as the backend keeps it (exportStack() would decrypt secrets with --show-secrets).
      const stacksDir = path.join(
        local.stateRoot,
        "cli-lifecycle",
        "backend",
        ".pulumi",
        "stacks",
        "cli-lifecycle",
      );
      const state = fs.readFileSync(path.join(stacksDir, "test.json"), "utf8");
      expect(state).toContain("AutoSnapshotPolicy");
      expect(state).toContain("ciphertext");
      expect(state).not.toContain(local.emulator.accessKeySecret);
      expect(state).not.toContain(local.emulator.accessKeyId);
    });

    test("destroy leaves the endpoint empty", async () => {
      await stack.destroy(quiet);
      expect(await policies()).toEqual([]);
      expect(await diskPolicies()).toEqual(["", ""]);
    });
  });

  describe("the examples deploy and destroy on the local endpoint", () => {
    const examples: { name: string; program: () => Promise<unknown>; config: AutomationConfig }[] = [
      {
        name: "quickstart",
        program: async () => quickstart(),
        config: { "quickstart:diskIds": { value: JSON.stringify(["d-example0001"]) } },
      },
      {
        name: "cross-region",
        program: async () => crossRegion(),
        config: {
          "crossRegion:diskIds": { value: JSON.stringify(["d-example0001"]) },
          "crossRegion:targetRegion": { value: "cn-beijing" },
        },
      },
      {
        name: "multi-region",
        program: async () => multiRegion(),
        config: {
          "multiRegion:regions": {
            value: JSON.stringify([
              { regionId: REGION, diskIds: ["d-example0001"] },
              { regionId: "cn-shanghai", diskIds: ["d-example0002"] },
            ]),
          },
        },
      },
    ];

    test.each(examples)("$name", async ({ name, program, config }) => {
      const stack = await local.newStack(`example-${name}`, program as PulumiFn, {
        config: { ...automationConfig(local.emulator), ...config },
      });
      const up = await stack.up({ onOutput: () => undefined });
      expect(up.summary.result).toBe("succeeded");
      expect((await stack.up({ onOutput: () => undefined })).summary.resourceChanges).not.toHaveProperty(
        "update",
      );
      await stack.destroy({ onOutput: () => undefined });
      expect(await policies()).toEqual([]);
    });
  });
});
