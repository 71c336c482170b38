import * as pulumi from "@pulumi/pulumi";
import { AutoSnapshotPolicy, PolicyAttachment } from "alicloud-snapshot-policy";

/**
 * Snapshots twice a day on weekdays, copied to a second region and encrypted there with a KMS key.
 * Config: `crossRegion:diskIds` (disks in the policy's region), `crossRegion:targetRegion`,
 * `crossRegion:kmsKeyId` (a key in the target region; unset = the target region's service key).
 */
export function crossRegion() {
  const config = new pulumi.Config("crossRegion");
  const kmsKeyId = config.get("kmsKeyId");

  const policy = new AutoSnapshotPolicy("weekday-dr", {
    autoSnapshotPolicyName: "weekday-dr",
    timePoints: [1, 13],
    repeatWeekdays: [1, 2, 3, 4, 5],
    retentionDays: 14,
    enableCrossRegionCopy: true,
    targetCopyRegions: [config.require("targetRegion")],
    copiedSnapshotsRetentionDays: 30,
    copyEncryptionConfiguration: kmsKeyId ? { encrypted: true, kmsKeyId } : { encrypted: true },
    tags: { purpose: "disaster-recovery" },
  });

  const attachment = new PolicyAttachment("weekday-dr-disks", {
    autoSnapshotPolicyId: policy.id,
    diskIds: config.requireObject<string[]>("diskIds"),
  });

  return { policyId: policy.id, attachedDisks: attachment.diskIds, schedule: policy.schedule };
}
