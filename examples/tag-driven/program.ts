import * as pulumi from "@pulumi/pulumi";
import { AutoSnapshotPolicy } from "alicloud-snapshot-policy";

/**
 * A daily policy for every disk of every instance tagged `backup=gold` (or the tags in the stack
 * config `tagDriven:targetTags`). There is no disk list to keep: an instance joins by being tagged,
 * and `pulumi refresh` brings the disks it covers into the outputs.
 */
export function tagDriven() {
  const config = new pulumi.Config("tagDriven");
  const targetTags = config.getObject<Record<string, string>>("targetTags") ?? { backup: "gold" };

  const gold = new AutoSnapshotPolicy("gold", {
    autoSnapshotPolicyName: "gold-daily",
    timePoints: [2],
    repeatWeekdays: [1, 2, 3, 4, 5, 6, 7],
    retentionDays: 14,
    associationType: "AssociatedWithInstanceTag",
    targetTags,
  });

  return {
    policyId: gold.id,
    targetTags: gold.targetTags,
    matchedDiskIds: gold.matchedDiskIds,
    coveredDiskCount: gold.coveredDiskCount,
  };
}
