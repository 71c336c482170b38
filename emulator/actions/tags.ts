import { EcsError } from "../errors";
import type { Params } from "../params";
import type { PolicyRecord } from "../store";
import * as validate from "../validation";
import { type Action, type ActionContext, hasTags } from "./action";

const RESOURCE_TYPE = "snapshotpolicy";
const LIST_PAGE_SIZE = 50;

function resourceType(params: Params): void {
  if (params.required("ResourceType").toLowerCase() !== RESOURCE_TYPE)
    throw EcsError.resourceTypeNotSupported();
}

function resourceIds(params: Params, required: boolean): string[] {
  const ids = params.numbered("ResourceId");
  if (required && ids.length === 0) throw EcsError.missingParameter("ResourceId.1");
  return ids;
}

/** The policies with these ids in this region; all must exist. */
function policies(context: ActionContext, ids: string[], regionId: string): PolicyRecord[] {
  return ids.map((id) => {
    const policy = context.state.policies[id];
    if (!policy || policy.regionId !== regionId) throw EcsError.resourceNotFound();
    return policy;
  });
}

export const tagResources: Action = {
  mutates: true,
  validate(params) {
    const regionId = validate.regionId(params, "RegionId");
    resourceType(params);
    const ids = resourceIds(params, true);
    const tags = validate.tags(params);
    if (Object.keys(tags).length === 0) throw EcsError.missingParameter("Tag.1.Key");

    return (context) => {
      const targets = policies(context, ids, regionId);
      for (const policy of targets) {
        const merged = { ...policy.tags, ...tags };
        if (Object.keys(merged).length > validate.MAX_TAGS_PER_RESOURCE) throw EcsError.tagCountExceeded();
      }
      for (const policy of targets) Object.assign(policy.tags, tags);
      return {};
    };
  },
};

export const untagResources: Action = {
  mutates: true,
  validate(params) {
    const regionId = validate.regionId(params, "RegionId");
    resourceType(params);
    const ids = resourceIds(params, true);
    const keys = params.numbered("TagKey");
    const all = params.boolean("All") ?? false;

    return (context) => {
      for (const policy of policies(context, ids, regionId)) {
        for (const key of all ? Object.keys(policy.tags) : keys) delete policy.tags[key];
      }
      return {};
    };
  },
};

export const listTagResources: Action = {
  mutates: false,
  validate(params) {
    const regionId = validate.regionId(params, "RegionId");
    resourceType(params);
    const ids = new Set(resourceIds(params, false));
    const filters = params.tags();
    const nextToken = params.get("NextToken") || "0";
    const start = Number(nextToken);
    if (!Number.isInteger(start) || start < 0) throw EcsError.invalidParameter("NextToken");

    return (context) => {
      const rows = Object.values(context.state.policies)
        .filter(
          (policy) =>
            policy.regionId === regionId &&
            (ids.size === 0 || ids.has(policy.id)) &&
            hasTags(policy, filters),
        )
        .flatMap((policy) =>
          Object.entries(policy.tags).map(([TagKey, TagValue]) => ({
            ResourceId: policy.id,
            ResourceType: RESOURCE_TYPE,
            TagKey,
            TagValue,
          })),
        );
      const end = start + LIST_PAGE_SIZE;
      return {
        NextToken: end < rows.length ? String(end) : "",
        TagResources: { TagResource: rows.slice(start, end) },
      };
    };
  },
};
