import * as pulumi from "@pulumi/pulumi";
import { AutoSnapshotPolicy } from "../policy/resource";
import { policyAttachmentProvider } from "../serialized-providers";

export interface PolicyAttachmentArgs {
  /** Region of the policy and the disks, e.g. "cn-hangzhou"; defaults to alicloud:region. Changing it replaces the attachment. */
  regionId?: pulumi.Input<string>;
  /**
   * The policy to apply: its id, "sp-…", or the AutoSnapshotPolicy resource itself, which also passes
   * its associationType, so that a policy associated with instance tags fails at preview.
   */
  autoSnapshotPolicyId: pulumi.Input<string> | AutoSnapshotPolicy;
  /**
   * The policy's associationType, when known (set from the resource when autoSnapshotPolicyId is one).
   * AssociatedWithInstanceTag fails at preview; unset, create reads the policy before any Apply.
   */
  policyAssociationType?: pulumi.Input<"AssociatedWithDisk" | "AssociatedWithInstanceTag">;
  /** 1 or more disk ids, "d-…", no duplicates; order does not matter. */
  diskIds: pulumi.Input<pulumi.Input<string>[]>;
  /** Disks per ApplyAutoSnapshotPolicy / CancelAutoSnapshotPolicy call, 1–100; default 100. */
  batchSize?: pulumi.Input<number>;
  /**
   * Each disk ends with this policy only: policies from outside on the listed disks are cancelled (by id)
   * after the Apply. Default false: such a disk fails before any change in an account of one policy per
   * disk (or of unknown kind), and keeps its policies in an account of ten.
   */
  takeOverDisks?: pulumi.Input<boolean>;
  /**
   * Take an association of this policy with a listed disk that already exists as this attachment's own;
   * default false: such a disk fails before any change (each association has one owner; see README).
   */
  adoptAssociations?: pulumi.Input<boolean>;
  /** @deprecated Ignored: a move no longer needs it. Still accepted so that programs written for 0.1 run. */
  handedOffDiskIds?: pulumi.Input<pulumi.Input<string>[]>;
}

/** Applies one automatic snapshot policy to a set of disks in one region. */
export class PolicyAttachment extends pulumi.dynamic.Resource {
  /** Region of the policy and the disks. */
  declare readonly regionId: pulumi.Output<string>;
  /** The applied policy. */
  declare readonly autoSnapshotPolicyId: pulumi.Output<string>;
  /** Disks on which this attachment owns the association with the policy, sorted. */
  declare readonly diskIds: pulumi.Output<string[]>;
  /** Associations of other policies it still owns after a change failed half-way (disk ids by policy id); normally {}. */
  declare readonly formerAssociations: pulumi.Output<Record<string, string[]>>;
  /** Disks named in diskIds that no longer exist (found at refresh), sorted. */
  declare readonly missingDiskIds: pulumi.Output<string[]>;

  constructor(name: string, args: PolicyAttachmentArgs, opts?: pulumi.CustomResourceOptions) {
    const policy =
      args.autoSnapshotPolicyId instanceof AutoSnapshotPolicy ? args.autoSnapshotPolicyId : undefined;
    const policyInputs = policy && {
      autoSnapshotPolicyId: policy.id,
      policyAssociationType: policy.associationType,
    };
    super(
      policyAttachmentProvider,
      name,
      { ...args, ...policyInputs, missingDiskIds: undefined, formerAssociations: undefined },
      opts,
      "alicloud-snapshot-policy",
      "PolicyAttachment",
    );
  }
}
