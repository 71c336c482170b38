import * as pulumi from "@pulumi/pulumi";
import { AutoSnapshotPolicy } from "../policy/resource";
import { BackupPlanDisks } from "./disks-resource";
import { loadBackupPlan, parseBackupPlan } from "./load";
import type { BackupPlanDocument, BackupPlanSpec } from "./schema";

/** How a plan treats disks and associations it finds; both default to false. */
export interface BackupPlanOptions {
  /** Cancel policies from outside the plan on the plan's disks, so each ends with the plan's policies only. */
  takeOverDisks?: boolean;
  /**
   * Take associations of the plan's policies that already exist as the plan's own (the upgrade from
   * 0.1's per-policy attachments: see CHANGELOG.md).
   */
  adoptAssociations?: boolean;
}

export type BackupPlanArgs = BackupPlanOptions &
  (
    | {
        /** The plan as data; validated exactly like a file. */
        plan: BackupPlanDocument | BackupPlanSpec;
      }
    | {
        /** Path of a YAML or JSON plan file, relative to the working directory. */
        file: string;
      }
  );

/**
 * Creates the policies a plan describes, `${name}-${key}` for policy key `key`, and, for each region
 * whose policies list disks, one BackupPlanDisks `${name}-disks-${region}` that owns every (policy, disk)
 * association of the plan there.
 * A policy with targetTags instead of disks has none: the service gives it the disks of the
 * instances carrying those tags.
 *
 * One resource per region makes a disk's move between the plan's policies, a swap, or a change of tiers
 * one update, which applies every new association before it cancels any old one (by policy id, on the
 * disks that still carry it): no disk is ever without a policy, none keeps an old one, in either kind
 * of account. A disk taken out of the plan loses the plan's policies.
 */
export class BackupPlan extends pulumi.ComponentResource {
  /** The plan as validated and normalised. */
  readonly spec: BackupPlanSpec;
  /** The policies, by policy key. */
  readonly policies: Record<string, AutoSnapshotPolicy>;
  /** The association resources, by region ("" for the configured region); a region with no disks has none. */
  readonly disks: Record<string, BackupPlanDisks>;
  /** Policy ids ("sp-…") by policy key. */
  readonly policyIds: pulumi.Output<Record<string, string>>;
  /**
   * For each tag-associated policy (a policy with targetTags), the disks it covers, by policy key, as
   * the policy's state holds them: read at create, update and `pulumi refresh`.
   */
  readonly matchedDiskIds: pulumi.Output<Record<string, string[]>>;

  constructor(name: string, args: BackupPlanArgs, opts?: pulumi.ComponentResourceOptions) {
    // Validated before anything is registered, so that an invalid plan changes nothing.
    const spec =
      "file" in args ? loadBackupPlan(args.file) : parseBackupPlan(args.plan, `BackupPlan ${name}`);
    super("alicloud-snapshot-policy:index:BackupPlan", name, {}, opts);
    this.spec = spec;
    this.policies = {};
    this.disks = {};
    const byRegion = new Map<
      string,
      { key: string; autoSnapshotPolicyId: pulumi.Output<string>; diskIds: string[] }[]
    >();
    for (const [key, { disks, ...policyInputs }] of Object.entries(spec.policies)) {
      const policy = new AutoSnapshotPolicy(`${name}-${key}`, policyInputs, { parent: this });
      this.policies[key] = policy;
      if (disks === undefined) continue;
      const region = policyInputs.regionId ?? "";
      byRegion.set(region, [
        ...(byRegion.get(region) ?? []),
        { key, autoSnapshotPolicyId: policy.id, diskIds: disks },
      ]);
    }
    for (const [region, policies] of byRegion) {
      this.disks[region] = new BackupPlanDisks(
        region ? `${name}-disks-${region}` : `${name}-disks`,
        {
          regionId: region || undefined,
          policies,
          takeOverDisks: args.takeOverDisks ?? false,
          adoptAssociations: args.adoptAssociations ?? false,
        },
        { parent: this },
      );
    }
    this.policyIds = pulumi.all(
      Object.fromEntries(Object.entries(this.policies).map(([key, policy]) => [key, policy.id])),
    );
    const tagPolicies = Object.entries(this.policies).filter(
      ([key]) => spec.policies[key].targetTags !== undefined,
    );
    this.matchedDiskIds = pulumi.all(
      Object.fromEntries(tagPolicies.map(([key, policy]) => [key, policy.matchedDiskIds])),
    );
    this.registerOutputs({ policyIds: this.policyIds, matchedDiskIds: this.matchedDiskIds });
  }
}
