import * as pulumi from "@pulumi/pulumi";
import { autoSnapshotPolicyProvider } from "../serialized-providers";

/** Encryption of the snapshot copies made in the target region. */
export interface CopyEncryptionConfigurationArgs {
  /** Whether the copies are encrypted; default false. Required to be true when kmsKeyId is set. */
  encrypted?: pulumi.Input<boolean>;
  /** KMS key id in the target region; unset = the service key of the target region. */
  kmsKeyId?: pulumi.Input<string>;
}

export interface AutoSnapshotPolicyArgs {
  /** Region of the policy, e.g. "cn-hangzhou"; defaults to alicloud:region. Changing it replaces the policy. */
  regionId?: pulumi.Input<string>;
  /** 2–128 characters; starts with a letter (Latin or Chinese); letters, digits, ":", "_", "-". */
  autoSnapshotPolicyName?: pulumi.Input<string>;
  /** 1–24 whole hours 0–23, hour of day in UTC+8; order and duplicates do not matter. */
  timePoints: pulumi.Input<pulumi.Input<number | string>[]>;
  /** 1–7 days of the week, 1 (Monday) – 7 (Sunday); order and duplicates do not matter. */
  repeatWeekdays: pulumi.Input<pulumi.Input<number | string>[]>;
  /** Days each automatic snapshot is kept: -1 (forever) or 1–65535. Required, as in @pulumi/alicloud. */
  retentionDays: pulumi.Input<number>;
  /** Copy each automatic snapshot to targetCopyRegions; default false. */
  enableCrossRegionCopy?: pulumi.Input<boolean>;
  /** Exactly one region other than regionId; only with enableCrossRegionCopy. */
  targetCopyRegions?: pulumi.Input<pulumi.Input<string>[]>;
  /** Days each copy is kept in the target region: -1 (forever) or 1–65535. */
  copiedSnapshotsRetentionDays?: pulumi.Input<number>;
  /** Encryption of the copies in the target region. */
  copyEncryptionConfiguration?: pulumi.Input<CopyEncryptionConfigurationArgs>;
  /** At most 19 tags (one of the 20 a policy holds is kept for the provider); keys 1–128, values 0–128 characters. */
  tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Resource group, "rg-…"; changing it replaces the policy. */
  resourceGroupId?: pulumi.Input<string>;
  /** Id of an existing policy ("sp-…") to adopt and bring to this declared state instead of creating one. */
  adoptPolicyId?: pulumi.Input<string>;
  /** With adoptPolicyId, required: whether destroying this resource deletes the adopted policy. */
  deleteAdoptedPolicyOnDestroy?: pulumi.Input<boolean>;
  /** Accept a schedule that keeps more than the 1,000 automatic snapshots a disk holds; default false. */
  allowSnapshotLimitOverflow?: pulumi.Input<boolean>;
}

/** An ECS automatic snapshot policy. Its id is the policy id ("sp-…"). */
export class AutoSnapshotPolicy extends pulumi.dynamic.Resource {
  /** The policy id, "sp-…" (same as `id`). */
  declare readonly autoSnapshotPolicyId: pulumi.Output<string>;
  /** Region of the policy. */
  declare readonly regionId: pulumi.Output<string>;
  /** Name as the service reports it ("" when unnamed). */
  declare readonly autoSnapshotPolicyName: pulumi.Output<string>;
  /** Hours of day (UTC+8), sorted. */
  declare readonly timePoints: pulumi.Output<number[]>;
  /** Days of the week (1 = Monday), sorted. */
  declare readonly repeatWeekdays: pulumi.Output<number[]>;
  /** Days each snapshot is kept; -1 = forever. */
  declare readonly retentionDays: pulumi.Output<number>;
  /** Whether snapshots are copied to targetCopyRegions. */
  declare readonly enableCrossRegionCopy: pulumi.Output<boolean>;
  /** Target region of the copies (empty when copying is off). */
  declare readonly targetCopyRegions: pulumi.Output<string[]>;
  /** Days each copy is kept; -1 = forever. */
  declare readonly copiedSnapshotsRetentionDays: pulumi.Output<number>;
  /** Encryption of the copies. */
  declare readonly copyEncryptionConfiguration: pulumi.Output<{ encrypted: boolean; kmsKeyId?: string }>;
  /** The policy's tags, without the provider's own client-token tag. */
  declare readonly tags: pulumi.Output<Record<string, string>>;
  /** Resource group of the policy ("" when none was reported). */
  declare readonly resourceGroupId: pulumi.Output<string>;
  /** Service status, e.g. "Normal". */
  declare readonly status: pulumi.Output<string>;
  /** When the policy was created (ISO 8601, UTC). */
  declare readonly creationTime: pulumi.Output<string>;
  /** Most automatic snapshots one disk holds under this schedule; -1 when retention is forever (unbounded). */
  declare readonly snapshotsPerDisk: pulumi.Output<number>;
  /** The schedule in plain words, hours in UTC+8. */
  declare readonly schedule: pulumi.Output<string>;
  /** True when the policy was adopted through adoptPolicyId rather than created. */
  declare readonly adopted: pulumi.Output<boolean>;

  constructor(name: string, args: AutoSnapshotPolicyArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      autoSnapshotPolicyProvider,
      name,
      {
        ...args,
        autoSnapshotPolicyId: undefined,
        status: undefined,
        creationTime: undefined,
        snapshotsPerDisk: undefined,
        schedule: undefined,
        adopted: undefined,
      },
      opts,
      "alicloud-snapshot-policy",
      "AutoSnapshotPolicy",
    );
  }
}
