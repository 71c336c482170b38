import { policyProvider } from "../runtime";

/** Required as `alicloud-snapshot-policy/dist/provider/policy-provider` by the provider text that 0.1.0 stored in state. */
export const { check, diff, create, read, update } = policyProvider;
export const remove = policyProvider.delete;
