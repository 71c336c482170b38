import { backupPlan } from "./program";

const outputs = backupPlan();

export const policyIds = outputs.policyIds;
