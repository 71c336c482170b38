import * as pulumi from "@pulumi/pulumi";
import { AutoSnapshotPolicy, PolicyAttachment } from "alicloud-snapshot-policy";

/** One daily policy, attached to the disks listed in the stack config `quickstart:diskIds`. */
export function quickstart() {
  const config = new pulumi.Config("quickstart");
  const diskIds = config.requireObject<string[]>("diskIds");

  const daily = new AutoSnapshotPolicy("daily", {
    autoSnapshotPolicyName: "daily-backup",
    timePoints: [2],
    repeatWeekdays: [1, 2, 3, 4, 5, 6, 7],
    retentionDays: 7,
    tags: { team: "platform", managedBy: "pulumi" },
  });

  const attachment = new PolicyAttachment("daily-disks", {
    autoSnapshotPolicyId: daily.id,
    diskIds,
  });

  return {
    policyId: daily.id,
    attachedDisks: attachment.diskIds,
    schedule: daily.schedule,
  };
}
