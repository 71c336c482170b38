import { attachmentProvider } from "../runtime";

/** Required as `alicloud-snapshot-policy/dist/provider/attachment-provider` by the provider text that 0.1.0 stored in state. */
export const { check, diff, create, read, update } = attachmentProvider;
export const remove = attachmentProvider.delete;
