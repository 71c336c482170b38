import type { Action } from "./action";
import {
  applyAutoSnapshotPolicy,
  cancelAutoSnapshotPolicy,
  describeAutoSnapshotPolicyAssociations,
  describeDisks,
} from "./disks";
import {
  createAutoSnapshotPolicy,
  deleteAutoSnapshotPolicy,
  describeAutoSnapshotPolicyEx,
  modifyAutoSnapshotPolicyEx,
} from "./policies";
import { describeRegions } from "./regions";
import { listTagResources, tagResources, untagResources } from "./tags";

export type { Action, ActionContext, PoliciesPerDisk, Switches } from "./action";

/** Every action the local endpoint serves, by its ECS name. */
export const ACTIONS: ReadonlyMap<string, Action> = new Map([
  ["CreateAutoSnapshotPolicy", createAutoSnapshotPolicy],
  ["ModifyAutoSnapshotPolicyEx", modifyAutoSnapshotPolicyEx],
  ["DeleteAutoSnapshotPolicy", deleteAutoSnapshotPolicy],
  ["DescribeAutoSnapshotPolicyEx", describeAutoSnapshotPolicyEx],
  ["ApplyAutoSnapshotPolicy", applyAutoSnapshotPolicy],
  ["CancelAutoSnapshotPolicy", cancelAutoSnapshotPolicy],
  ["DescribeAutoSnapshotPolicyAssociations", describeAutoSnapshotPolicyAssociations],
  ["DescribeDisks", describeDisks],
  ["TagResources", tagResources],
  ["UntagResources", untagResources],
  ["ListTagResources", listTagResources],
  ["DescribeRegions", describeRegions],
]);
