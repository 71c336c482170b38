import * as pulumi from "@pulumi/pulumi";
import { AutoSnapshotPolicy, PolicyAttachment } from "alicloud-snapshot-policy";

interface RegionDisks {
  regionId: string;
  diskIds: string[];
}

/**
 * The same nightly schedule in every region listed in `multiRegion:regions`
 * (`[{ "regionId": "cn-hangzhou", "diskIds": ["d-…"] }, …]`): one policy and one attachment per region.
 */
export function multiRegion() {
  const regions = new pulumi.Config("multiRegion").requireObject<RegionDisks[]>("regions");

  const deployed = regions.map(({ regionId, diskIds }) => {
    const policy = new AutoSnapshotPolicy(`nightly-${regionId}`, {
      regionId,
      autoSnapshotPolicyName: `nightly-${regionId}`,
      timePoints: [3],
      repeatWeekdays: [1, 2, 3, 4, 5, 6, 7],
      retentionDays: 30,
    });
    const attachment = new PolicyAttachment(`nightly-${regionId}-disks`, {
      regionId,
      autoSnapshotPolicyId: policy.id,
      diskIds,
    });
    return { regionId, policyId: policy.id, attachedDisks: attachment.diskIds };
  });

  return { policies: deployed };
}
