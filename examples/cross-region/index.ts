import { crossRegion } from "./program";

const outputs = crossRegion();

export const policyId = outputs.policyId;
export const attachedDisks = outputs.attachedDisks;
export const schedule = outputs.schedule;
