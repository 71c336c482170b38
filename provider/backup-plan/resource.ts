import * as pulumi from "@pulumi/pulumi";
import { difference } from "../attachment/model";
import { PolicyAttachment } from "../attachment/resource";
import { AutoSnapshotPolicy } from "../policy/resource";
import { loadBackupPlan, parseBackupPlan } from "./load";
import type { BackupPlanDocument, BackupPlanSpec } from "./schema";

export type BackupPlanArgs =
  | {
      /** The plan as data; validated exactly like a file. */
      plan: BackupPlanDocument | BackupPlanSpec;
    }
  | {
      /** Path of a YAML or JSON plan file, relative to the working directory. */
      file: string;
    };

/**
 * Creates the policies and attachments a plan describes: for policy key `k`, the AutoSnapshotPolicy
 * `${name}-${k}` and, when it lists disks, the PolicyAttachment `${name}-${k}-disks` with all of them
 * (Apply in batches of 100).
 *
 * Moving a disk between policies must never leave it without a policy. A move is one update on each
 * side, which the engine runs in either order: the gaining attachment Applies its policy (which
 * replaces the old one in one call), and the losing attachment drops the disk without a Cancel, because
 * each attachment's handedOffDiskIds lists the disks the plan gives to its other policies. So in either
 * order, and for swaps too, the disk goes from the old policy straight to the new one. A disk removed
 * from the plan altogether is in no handedOffDiskIds, so it is cancelled.
 *
 * A plan claims its disks (takeOverDisks): a listed disk that carries a policy from outside the plan is
 * moved to the plan's policy; this also lets the gaining side Apply before the losing side has run.
 */
export class BackupPlan extends pulumi.ComponentResource {
  /** The plan as validated and normalised. */
  readonly spec: BackupPlanSpec;
  /** The policies, by policy key. */
  readonly policies: Record<string, AutoSnapshotPolicy>;
  /** The attachments, by policy key; a policy that lists no disks has none. */
  readonly attachments: Record<string, PolicyAttachment>;
  /** Policy ids ("sp-…") by policy key. */
  readonly policyIds: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: BackupPlanArgs, opts?: pulumi.ComponentResourceOptions) {
    // Validated before anything is registered, so that an invalid plan changes nothing.
    const spec =
      "file" in args ? loadBackupPlan(args.file) : parseBackupPlan(args.plan, `BackupPlan ${name}`);
    super("alicloud-snapshot-policy:index:BackupPlan", name, {}, opts);
    this.spec = spec;
    this.policies = {};
    this.attachments = {};
    const plannedDisks = Object.values(spec.policies).flatMap(({ disks }) => disks ?? []);
    for (const [key, { disks, ...policyInputs }] of Object.entries(spec.policies)) {
      const policy = new AutoSnapshotPolicy(`${name}-${key}`, policyInputs, { parent: this });
      this.policies[key] = policy;
      if (disks === undefined) continue;
      this.attachments[key] = new PolicyAttachment(
        `${name}-${key}-disks`,
        {
          regionId: policyInputs.regionId,
          autoSnapshotPolicyId: policy.id,
          diskIds: disks,
          takeOverDisks: true,
          // A disk is listed by one policy only, so these are the disks of the plan's other policies.
          handedOffDiskIds: difference(plannedDisks, disks),
        },
        { parent: this },
      );
    }
    this.policyIds = pulumi.all(
      Object.fromEntries(Object.entries(this.policies).map(([key, policy]) => [key, policy.id])),
    );
    this.registerOutputs({ policyIds: this.policyIds });
  }
}
