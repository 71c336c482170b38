export { AutoSnapshotPolicy } from "./policy";
export type { AutoSnapshotPolicyArgs, CopyEncryptionConfigurationArgs } from "./policy";
export { PolicyAttachment } from "./attachment";
export type { PolicyAttachmentArgs } from "./attachment";
export { autoSnapshotPolicyProvider, policyAttachmentProvider } from "./providers";
export { BackupPlan, BackupPlanError, loadBackupPlan, parseBackupPlan } from "./backup-plan";
export type { BackupPlanArgs, BackupPlanDocument, BackupPlanSpec, PlanPolicyDocument } from "./backup-plan";
