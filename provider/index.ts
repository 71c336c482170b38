export { AutoSnapshotPolicy } from "./policy/resource";
export type { AutoSnapshotPolicyArgs, CopyEncryptionConfigurationArgs } from "./policy/resource";
export { PolicyAttachment } from "./attachment/resource";
export type { PolicyAttachmentArgs } from "./attachment/resource";
export { autoSnapshotPolicyProvider, policyAttachmentProvider } from "./serialized-providers";
export { BackupPlan } from "./backup-plan/resource";
export type { BackupPlanArgs } from "./backup-plan/resource";
export { BackupPlanError, loadBackupPlan, parseBackupPlan } from "./backup-plan/load";
export type { BackupPlanDocument, BackupPlanSpec, PlanPolicyDocument } from "./backup-plan/schema";
