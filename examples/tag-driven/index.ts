import { tagDriven } from "./program";

const outputs = tagDriven();

export const policyId = outputs.policyId;
export const targetTags = outputs.targetTags;
export const matchedDiskIds = outputs.matchedDiskIds;
export const coveredDiskCount = outputs.coveredDiskCount;
