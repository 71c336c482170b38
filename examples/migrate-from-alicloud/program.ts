import * as pulumi from "@pulumi/pulumi";
import { AutoSnapshotPolicy, PolicyAttachment } from "alicloud-snapshot-policy";
import { StandInAutoSnapshotPolicy, StandInAutoSnapshotPolicyAttachment } from "./stand-in";

/*
 * Moving a live policy and its disks from @pulumi/alicloud to this package without a gap, in three
 * `pulumi up` runs (see docs/migrating-from-pulumi-alicloud.md):
 *   1. bridged:  the program as it was (here the stand-ins play @pulumi/alicloud's resources);
 *   2. retained: the same resources with `retainOnDelete: true`, recorded in state by an `up`;
 *   3. adopted:  the old resources removed, this package's AutoSnapshotPolicy adopting the live policy
 *                (`adoptPolicyId`) and a PolicyAttachment listing the same disks.
 * Step 3 makes no Cancel and no Delete: the retained resources leave the state without a call, the
 * adoption modifies the policy in place, and the disks already carry it.
 */

export const STEPS = ["bridged", "retained", "adopted"] as const;
export type Step = (typeof STEPS)[number];

const SCHEDULE = { autoSnapshotPolicyName: "nightly", retentionDays: 7 };
const HOURS = [2];
const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7];

/** Steps 1 and 2: a policy and one attachment per disk, as @pulumi/alicloud users declare them. */
export function bridged(diskIds: string[], retainOnDelete: boolean) {
  const policy = new StandInAutoSnapshotPolicy(
    "nightly-alicloud",
    { ...SCHEDULE, timePoints: HOURS.map(String), repeatWeekdays: WEEKDAYS.map(String) },
    { retainOnDelete },
  );
  for (const diskId of diskIds) {
    new StandInAutoSnapshotPolicyAttachment(
      `nightly-alicloud-${diskId}`,
      { autoSnapshotPolicyId: policy.id, diskId },
      { retainOnDelete },
    );
  }
  return { policyId: policy.id };
}

/** Step 3: the same policy and disks, owned by this package. */
export function adopted(diskIds: string[], policyId: string) {
  const policy = new AutoSnapshotPolicy("nightly", {
    ...SCHEDULE,
    timePoints: HOURS,
    repeatWeekdays: WEEKDAYS,
    adoptPolicyId: policyId,
    deleteAdoptedPolicyOnDestroy: true,
  });
  // The retained bridged attachments made these associations; this resource takes them over.
  const attachment = new PolicyAttachment("nightly-disks", {
    autoSnapshotPolicyId: policy.id,
    diskIds,
    adoptAssociations: true,
  });
  return { policyId: policy.id, attachedDisks: attachment.diskIds, adopted: policy.adopted };
}

/**
 * The step named by the stack config `migrateFromAlicloud:step`, for the disks in
 * `migrateFromAlicloud:diskIds`; the adopted step takes the live policy's id from
 * `migrateFromAlicloud:policyId`.
 */
export function migrateFromAlicloud() {
  const config = new pulumi.Config("migrateFromAlicloud");
  const step = config.get("step") ?? "bridged";
  const diskIds = config.requireObject<string[]>("diskIds");
  if (!STEPS.includes(step as Step)) {
    throw new Error(`migrateFromAlicloud:step: "${step}" is not allowed; one of ${STEPS.join(", ")}`);
  }
  if (step !== "adopted") return bridged(diskIds, step === "retained");
  const policyId = config.get("policyId");
  if (!policyId) {
    throw new Error(
      "migrateFromAlicloud:policyId is required by the adopted step: the live policy's id (sp-…), " +
        "as `pulumi stack output policyId` printed it",
    );
  }
  return adopted(diskIds, policyId);
}
