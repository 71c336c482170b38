export { AutoSnapshotPolicy } from "./policy";
export type { AutoSnapshotPolicyArgs, CopyEncryptionConfigurationArgs } from "./policy";
export { PolicyAttachment } from "./attachment";
export type { PolicyAttachmentArgs } from "./attachment";
export { autoSnapshotPolicyProvider, policyAttachmentProvider } from "./providers";
