/** Required as `alicloud-snapshot-policy/dist/provider/config` by the provider text that 0.1.0 stored in state. */
export { setStackConfig } from "../config";
