import * as crypto from "node:crypto";
import { EcsError } from "../errors";
import type { Params } from "../params";
import type { EcsState, PolicyRecord, TagMap } from "../model";

/** Account and region states a test can switch on (not persisted). */
export interface Switches {
  notEnoughBalance: boolean;
  snapshotServiceUnavailable: boolean;
  unsupportedRegions: Set<string>;
}

/** How many automatic snapshot policies a disk may carry: 1 (Apply replaces) or 10 (Apply adds). */
export type PoliciesPerDisk = 1 | 10;

export interface ActionContext {
  state: EcsState;
  switches: Switches;
  policiesPerDisk: PoliciesPerDisk;
}

export type ActionResult = Record<string, unknown>;

/**
 * One ECS action: `validate` checks the parameters on their own and returns the operation, which
 * checks them against the state and runs. Operations are synchronous; the server persists the state
 * after an operation of an action that `mutates`.
 */
export interface Action {
  mutates: boolean;
  validate(params: Params): (context: ActionContext) => ActionResult;
}

export function checkRegionSupported(context: ActionContext, regionId: string): void {
  if (context.switches.unsupportedRegions.has(regionId)) throw EcsError.regionNotSupported();
}

export function checkAccountStatus(context: ActionContext): void {
  if (context.switches.notEnoughBalance) throw EcsError.notEnoughBalance();
  if (context.switches.snapshotServiceUnavailable) throw EcsError.snapshotServiceUnavailable();
}

/** The policy with this id in this region; a policy of another region is reported as not existing. */
export function policyInRegion(context: ActionContext, policyId: string, regionId: string): PolicyRecord {
  const policy = context.state.policies[policyId];
  if (!policy || policy.regionId !== regionId) throw EcsError.policyNotFound();
  return policy;
}

/** Whether the resource carries every filter tag (a filter without a value matches any value). */
export function hasTags(
  resource: { tags: TagMap },
  filters: readonly { key: string; value?: string }[],
): boolean {
  return filters.every(
    ({ key, value }) =>
      Object.hasOwn(resource.tags, key) && (value === undefined || resource.tags[key] === value),
  );
}

const ID_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";

export function randomIdSuffix(length: number): string {
  const bytes = crypto.randomBytes(length);
  return Array.from(bytes, (byte) => ID_ALPHABET[byte % ID_ALPHABET.length]).join("");
}

export function slicePage<T>(items: readonly T[], pageNumber: number, pageSize: number): T[] {
  return items.slice((pageNumber - 1) * pageSize, pageNumber * pageSize);
}
