import * as pulumi from "@pulumi/pulumi";
import { policyAttachmentProvider } from "../serialized-providers";

export interface PolicyAttachmentArgs {
  /** Region of the policy and the disks, e.g. "cn-hangzhou"; defaults to alicloud:region. Changing it replaces the attachment. */
  regionId?: pulumi.Input<string>;
  /** The policy to apply, "sp-…"; usually another resource's output. */
  autoSnapshotPolicyId: pulumi.Input<string>;
  /** 1 or more disk ids, "d-…", no duplicates; order does not matter. */
  diskIds: pulumi.Input<pulumi.Input<string>[]>;
  /** Disks per ApplyAutoSnapshotPolicy / CancelAutoSnapshotPolicy call, 1–100; default 100. */
  batchSize?: pulumi.Input<number>;
  /** Take disks that already carry another policy (a disk holds one); default false: such disks fail the create. */
  takeOverDisks?: pulumi.Input<boolean>;
  /** Disks removed from diskIds that another attachment takes over: not cancelled, so they never have no policy; set by BackupPlan. */
  handedOffDiskIds?: pulumi.Input<pulumi.Input<string>[]>;
}

/** Applies one automatic snapshot policy to a set of disks in one region. */
export class PolicyAttachment extends pulumi.dynamic.Resource {
  /** Region of the policy and the disks. */
  declare readonly regionId: pulumi.Output<string>;
  /** The applied policy. */
  declare readonly autoSnapshotPolicyId: pulumi.Output<string>;
  /** Disks that carry the policy, sorted. */
  declare readonly diskIds: pulumi.Output<string[]>;
  /** Disks named in diskIds that no longer exist (found at refresh), sorted. */
  declare readonly missingDiskIds: pulumi.Output<string[]>;

  constructor(name: string, args: PolicyAttachmentArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      policyAttachmentProvider,
      name,
      { ...args, missingDiskIds: undefined },
      opts,
      "alicloud-snapshot-policy",
      "PolicyAttachment",
    );
  }
}
