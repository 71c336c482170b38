import type { FaultRule } from "./faults";
import type { RequestRecord } from "./server";
import { type EcsState, type PolicyRecord, policiesOfDisk } from "./model";

/*
 * What the console shows, as plain data: built from the state, the request log and the fault rules,
 * and checked on the way in (fault rules added from the page). No HTML here: the page escapes by
 * building text nodes.
 */

export interface TagView {
  key: string;
  value: string;
}

export interface PolicyView {
  id: string;
  name: string;
  type: string;
  /** The schedule in words (the provider's `schedule` sentence). */
  schedule: string;
  retention: string;
  associationType: string;
  targetTags: TagView[];
  tags: TagView[];
  diskCount: number;
}

export interface DiskView {
  diskId: string;
  category: string;
  status: "In_use" | "Available";
  instanceId?: string;
  policies: { id: string; name: string; byTag: boolean }[];
}

export interface InstanceView {
  instanceId: string;
  tags: TagView[];
  diskIds: string[];
}

export interface RegionView {
  regionId: string;
  policies: PolicyView[];
  disks: DiskView[];
  instances: InstanceView[];
}

export interface RequestView {
  time: string;
  action: string;
  status: number;
  code?: string;
  dropped?: boolean;
  /** Name and value pairs in the order they came, without the signature (see RequestRecord). */
  params: [string, string][];
}

export interface RequestLogView {
  /** Requests kept in the log. */
  total: number;
  /** Kept requests that pass the filter. */
  matching: number;
  /** The newest matching requests first, at most REQUESTS_SHOWN. */
  shown: RequestView[];
  /** Actions present in the log, for the filter. */
  actions: string[];
  /** Every action ecs-local serves, for the fault form. */
  knownActions: string[];
}

export interface FaultView extends FaultRule {
  /** How many more requests the rule applies to; null for no limit. */
  timesLeft: number | null;
}

export interface ConsoleSnapshot {
  regions: RegionView[];
  requests: RequestLogView;
  faults: FaultView[];
}

export interface RequestFilter {
  action?: string;
  errorsOnly: boolean;
}

export const REQUESTS_SHOWN = 200;

export type DescribeSchedule = (policy: PolicyRecord) => string;

const tagViews = (tags: Record<string, string>): TagView[] =>
  Object.entries(tags).map(([key, value]) => ({ key, value }));

export function regionViews(state: EcsState, describeSchedule: DescribeSchedule): RegionView[] {
  const regions = new Map<string, RegionView>();
  const region = (regionId: string): RegionView => {
    let view = regions.get(regionId);
    if (!view) {
      view = { regionId, policies: [], disks: [], instances: [] };
      regions.set(regionId, view);
    }
    return view;
  };
  const diskCounts = new Map<string, number>();
  const instanceDisks = new Map<string, string[]>();
  for (const disk of Object.values(state.disks)) {
    const policies = policiesOfDisk(state, disk).map((id) => {
      diskCounts.set(id, (diskCounts.get(id) ?? 0) + 1);
      return { id, name: state.policies[id]?.name ?? "", byTag: !disk.policyIds.includes(id) };
    });
    if (disk.instanceId !== undefined) {
      instanceDisks.set(disk.instanceId, [...(instanceDisks.get(disk.instanceId) ?? []), disk.diskId]);
    }
    region(disk.regionId).disks.push({
      diskId: disk.diskId,
      category: disk.category,
      status: disk.attached ? "In_use" : "Available",
      ...(disk.instanceId === undefined ? {} : { instanceId: disk.instanceId }),
      policies,
    });
  }
  for (const instance of Object.values(state.instances)) {
    region(instance.regionId).instances.push({
      instanceId: instance.instanceId,
      tags: tagViews(instance.tags),
      diskIds: instanceDisks.get(instance.instanceId) ?? [],
    });
  }
  for (const policy of Object.values(state.policies)) {
    region(policy.regionId).policies.push({
      id: policy.id,
      name: policy.name,
      type: policy.type,
      schedule: describeSchedule(policy),
      retention: policy.retentionDays === -1 ? "forever" : `${policy.retentionDays} days`,
      associationType: policy.associationType,
      targetTags: policy.targetTags.map(({ key, value }) => ({ key, value })),
      tags: tagViews(policy.tags),
      diskCount: diskCounts.get(policy.id) ?? 0,
    });
  }
  return [...regions.values()].sort((a, b) => a.regionId.localeCompare(b.regionId));
}

export function requestLogView(
  requests: readonly RequestRecord[],
  filter: RequestFilter,
  knownActions: string[],
): RequestLogView {
  const matches = (request: RequestRecord): boolean =>
    (filter.action === undefined || request.action === filter.action) &&
    (!filter.errorsOnly || request.status !== 200 || request.dropped === true);
  const shown: RequestView[] = [];
  let matching = 0;
  for (let index = requests.length - 1; index >= 0; index -= 1) {
    const request = requests[index];
    if (!matches(request)) continue;
    matching += 1;
    if (shown.length < REQUESTS_SHOWN) {
      shown.push({
        time: request.time,
        action: request.action,
        status: request.status,
        ...(request.code === undefined ? {} : { code: request.code }),
        ...(request.dropped ? { dropped: true } : {}),
        params: Object.entries(request.params).filter(([name]) => !SECRET_PARAMETERS.has(name)),
      });
    }
  }
  const actions = [...new Set(requests.map((request) => request.action).filter(Boolean))].sort();
  return { total: requests.length, matching, shown, actions, knownActions };
}

/** Never shown, even if a log holds them: the log already drops them, this is the second lock. */
const SECRET_PARAMETERS = new Set(["Signature", "SecurityToken", "AccessKeySecret"]);

const FAULT_FIELDS: Record<keyof FaultRule, "string" | "number" | "boolean"> = {
  action: "string",
  times: "number",
  rate: "number",
  code: "string",
  status: "number",
  delayMs: "number",
  dropResponse: "boolean",
};

/**
 * A fault rule from the page's JSON: an object of known fields with the right types (the ranges are
 * FaultSet's to check). Throws an error that names the field.
 */
export function parseFaultRule(body: unknown): FaultRule {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new Error("A fault rule is a JSON object");
  }
  const rule: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(body)) {
    const type = Object.hasOwn(FAULT_FIELDS, name) ? FAULT_FIELDS[name as keyof FaultRule] : undefined;
    if (type === undefined) {
      throw new Error(`${name}: not a fault rule field; allowed: ${Object.keys(FAULT_FIELDS).join(", ")}`);
    }
    if (typeof value !== type || (type === "number" && !Number.isFinite(value))) {
      throw new Error(`${name}: must be a ${type}, got ${JSON.stringify(value)}`);
    }
    rule[name] = value;
  }
  return rule as FaultRule;
}
