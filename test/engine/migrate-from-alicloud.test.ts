import * as path from "node:path";
import type { Stack } from "@pulumi/pulumi/automation";
import { migrateOnLocalEcs, type StepResult } from "../../examples/migrate-from-alicloud/local-run";
import { ACCOUNT_KINDS, REGION, describePolicies, policyOfDisk } from "../support/local-ecs";
import { useLocalStack } from "../support/use-local-stack";

// examples/migrate-from-alicloud under the real CLI on ecs-local: a policy and its disks move from
// stand-ins of @pulumi/alicloud's resources to this package (retainOnDelete, then adoptPolicyId), and
// the endpoint's request log shows that no disk is left without the policy at any point.

const DISKS = ["d-migrate000001", "d-migrate000002"];

/** The requests that can take a policy off a disk: a Cancel, a Delete, or an Apply of another policy. */
function strippingRequests(step: StepResult, policyId: string) {
  return step.requests.filter(
    ({ action, params }) =>
      action === "CancelAutoSnapshotPolicy" ||
      action === "DeleteAutoSnapshotPolicy" ||
      (action === "ApplyAutoSnapshotPolicy" && params.autoSnapshotPolicyId !== policyId),
  );
}

describe.each(ACCOUNT_KINDS)("an account of %i policies per disk", (policiesPerDisk) => {
  const local = useLocalStack({
    name: "migrate",
    emulator: { policiesPerDisk, disks: DISKS.map((diskId) => ({ diskId, regionId: REGION })) },
  });

  const policyIds = async () =>
    (await describePolicies(local.ecs, REGION)).map((policy) => policy.AutoSnapshotPolicyId);
  const diskPolicies = () => Promise.all(DISKS.map((diskId) => policyOfDisk(local.ecs, REGION, diskId)));

  describe("retainOnDelete, then adoptPolicyId", () => {
    let stack: Stack;
    let steps: StepResult[];
    let policyId: string;

    beforeAll(async () => {
      ({ stack, steps } = await migrateOnLocalEcs({
        emulator: local.emulator,
        regionId: REGION,
        diskIds: DISKS,
        stateDir: path.join(local.stateRoot, "retained"),
      }));
      policyId = steps[0].policyId;
    });

    test("the bridged step creates one policy and applies it to each disk", () => {
      expect(steps.map(({ step }) => step)).toEqual(["bridged", "retained", "adopted"]);
      expect(steps[0].changes).toEqual({ create: 1 + 1 + DISKS.length });
      const applies = steps[0].requests.filter(({ action }) => action === "ApplyAutoSnapshotPolicy");
      expect(applies.map(({ params }) => [params.autoSnapshotPolicyId, JSON.parse(params.diskIds)])).toEqual(
        expect.arrayContaining(DISKS.map((diskId) => [policyId, [diskId]])),
      );
    });

    test("the disks never lose the policy: no Cancel, no Delete, no other policy applied after it", () => {
      for (const step of steps) expect(strippingRequests(step, policyId)).toEqual([]);
    });

    test("retaining and adopting write nothing: the program declares the policy as it is", () => {
      const writes = (step: StepResult) =>
        step.requests.filter(({ action }) => !action.startsWith("Describe") && !action.startsWith("List"));
      expect(writes(steps[1])).toEqual([]);
      expect(writes(steps[2])).toEqual([]);
    });

    test("the adopted step takes over the same policy and drops the old resources from the state", () => {
      expect(steps[2].policyId).toBe(policyId);
      expect(steps[2].changes).toMatchObject({ create: 2, delete: 1 + DISKS.length });
    });

    test("exactly one policy remains, on every disk, and the state holds only this package's resources", async () => {
      expect(await policyIds()).toEqual([policyId]);
      expect(await diskPolicies()).toEqual(DISKS.map(() => policyId));
      const { deployment } = await stack.exportStack();
      const resources = (
        deployment.resources as { type: string; id?: string; outputs?: Record<string, unknown> }[]
      ).filter(({ type }) => !type.startsWith("pulumi:"));
      expect(resources.map(({ type }) => type).sort()).toEqual([
        "pulumi-nodejs:dynamic/alicloud-snapshot-policy:AutoSnapshotPolicy",
        "pulumi-nodejs:dynamic/alicloud-snapshot-policy:PolicyAttachment",
      ]);
      const policy = resources.find(({ type }) => type.endsWith(":AutoSnapshotPolicy"));
      expect(policy).toMatchObject({ id: policyId, outputs: { adopted: true } });
    });

    test("this package now owns it: destroy deletes the policy, and the disks lose it only then", async () => {
      await stack.destroy({ onOutput: () => undefined });
      expect(await policyIds()).toEqual([]);
      expect(await diskPolicies()).toEqual(DISKS.map(() => ""));
    });
  });

  describe("without the retainOnDelete step", () => {
    test("the stand-ins' deletes strip the disks and delete the adopted policy: the gap the docs warn of", async () => {
      const { steps } = await migrateOnLocalEcs({
        emulator: local.emulator,
        regionId: REGION,
        diskIds: DISKS,
        stateDir: path.join(local.stateRoot, "not-retained"),
        steps: ["bridged", "adopted"],
      });
      const policyId = steps[0].policyId;
      expect(
        strippingRequests(steps[1], policyId)
          .map(({ action }) => action)
          .sort(),
      ).toEqual([...DISKS.map(() => "CancelAutoSnapshotPolicy"), "DeleteAutoSnapshotPolicy"]);
      expect(await policyIds()).toEqual([]);
      expect(await diskPolicies()).toEqual(DISKS.map(() => ""));
    });
  });
});
