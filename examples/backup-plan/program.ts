import * as pulumi from "@pulumi/pulumi";
import { BackupPlan } from "alicloud-snapshot-policy";

/**
 * The policies and disk associations described by the plan file in the stack config `backupPlan:file`
 * (default `backup.yaml`). A relative path is resolved against the working directory, which is this
 * directory when the Pulumi CLI runs the project here; an inline program can set an absolute path.
 */
export function backupPlan() {
  const file = new pulumi.Config("backupPlan").get("file") ?? "backup.yaml";
  const plan = new BackupPlan("backup", { file });
  return { policyIds: plan.policyIds };
}
