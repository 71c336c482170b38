import * as pulumi from "@pulumi/pulumi";
import { backupPlanDisksProvider } from "../serialized-providers";

export interface BackupPlanDisksArgs {
  /** Region of the policies and the disks; defaults to alicloud:region. Changing it replaces the resource. */
  regionId?: pulumi.Input<string>;
  /** The plan's policies in this region, each with the disks that follow it; a disk may be in several (tiers). */
  policies: pulumi.Input<
    pulumi.Input<{
      key: pulumi.Input<string>;
      autoSnapshotPolicyId: pulumi.Input<string>;
      diskIds: pulumi.Input<pulumi.Input<string>[]>;
    }>[]
  >;
  /** Disks per Apply / Cancel call, 1–100; default 100. */
  batchSize?: pulumi.Input<number>;
  /** Cancel policies from outside the plan on the plan's disks; default false. */
  takeOverDisks?: pulumi.Input<boolean>;
  /** Take associations of the plan's policies that already exist as this resource's own; default false. */
  adoptAssociations?: pulumi.Input<boolean>;
}

/** Every (policy, disk) association of a backup plan in one region; BackupPlan makes one per region. */
export class BackupPlanDisks extends pulumi.dynamic.Resource {
  declare readonly regionId: pulumi.Output<string>;
  /** The associations this resource owns: disk ids by policy id. */
  declare readonly associations: pulumi.Output<Record<string, string[]>>;
  /** Disks named by the plan that no longer exist (found at refresh), sorted. */
  declare readonly missingDiskIds: pulumi.Output<string[]>;

  constructor(name: string, args: BackupPlanDisksArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      backupPlanDisksProvider,
      name,
      { ...args, associations: undefined, missingDiskIds: undefined },
      opts,
      "alicloud-snapshot-policy",
      "BackupPlanDisks",
    );
  }
}
