import { multiRegion } from "./program";

export const policies = multiRegion().policies;
