import { quickstart } from "./program";

const outputs = quickstart();

export const policyId = outputs.policyId;
export const attachedDisks = outputs.attachedDisks;
export const schedule = outputs.schedule;
