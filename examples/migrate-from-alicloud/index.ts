import { migrateFromAlicloud } from "./program";

const outputs = migrateFromAlicloud();

export const policyId = outputs.policyId;
