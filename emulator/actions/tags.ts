import { EcsError } from "../errors";
import { type EcsState, type TagMap } from "../model";
import type { Params } from "../params";
import * as validate from "../validation";
import { type Action, hasTags } from "./action";

const LIST_PAGE_SIZE = 50;

/** A resource that carries tags, whatever its type. */
interface Tagged {
  id: string;
  regionId: string;
  tags: TagMap;
}

/** The resource types the endpoint tags, by their `ResourceType` name (matched case-insensitively). */
const RESOURCE_TYPES: Record<string, (state: EcsState) => Tagged[]> = {
  snapshotpolicy: (state) => Object.values(state.policies),
  instance: (state) =>
    Object.values(state.instances).map((instance) => ({
      id: instance.instanceId,
      regionId: instance.regionId,
      tags: instance.tags,
    })),
};

function resourceType(params: Params): string {
  const type = params.required("ResourceType").toLowerCase();
  if (!Object.hasOwn(RESOURCE_TYPES, type)) throw EcsError.resourceTypeNotSupported();
  return type;
}

function resourceIds(params: Params, required: boolean): string[] {
  const ids = params.numbered("ResourceId");
  if (required && ids.length === 0) throw EcsError.missingParameter("ResourceId.1");
  return ids;
}

function resourcesInRegion(state: EcsState, type: string, regionId: string): Tagged[] {
  return RESOURCE_TYPES[type](state).filter((resource) => resource.regionId === regionId);
}

/** The resources with these ids in this region; all must exist. */
function resources(state: EcsState, type: string, ids: string[], regionId: string): Tagged[] {
  const byId = new Map(resourcesInRegion(state, type, regionId).map((resource) => [resource.id, resource]));
  return ids.map((id) => {
    const resource = byId.get(id);
    if (!resource) throw EcsError.resourceNotFound();
    return resource;
  });
}

export const tagResources: Action = {
  mutates: true,
  validate(params) {
    const regionId = validate.regionId(params, "RegionId");
    const type = resourceType(params);
    const ids = resourceIds(params, true);
    const tags = validate.tags(params);
    if (Object.keys(tags).length === 0) throw EcsError.missingParameter("Tag.1.Key");

    return (context) => {
      const targets = resources(context.state, type, ids, regionId);
      for (const target of targets) {
        const keys = new Set([...Object.keys(target.tags), ...Object.keys(tags)]);
        if (keys.size > validate.MAX_TAGS_PER_RESOURCE) throw EcsError.tagCountExceeded();
      }
      for (const target of targets) Object.assign(target.tags, tags);
      return {};
    };
  },
};

export const untagResources: Action = {
  mutates: true,
  validate(params) {
    const regionId = validate.regionId(params, "RegionId");
    const type = resourceType(params);
    const ids = resourceIds(params, true);
    const keys = params.numbered("TagKey");
    const all = params.boolean("All") ?? false;

    return (context) => {
      for (const target of resources(context.state, type, ids, regionId)) {
        for (const key of all ? Object.keys(target.tags) : keys) delete target.tags[key];
      }
      return {};
    };
  },
};

export const listTagResources: Action = {
  mutates: false,
  validate(params) {
    const regionId = validate.regionId(params, "RegionId");
    const type = resourceType(params);
    const ids = new Set(resourceIds(params, false));
    const filters = params.tags();
    const nextToken = params.get("NextToken") || "0";
    const start = Number(nextToken);
    if (!Number.isInteger(start) || start < 0) throw EcsError.invalidParameter("NextToken");

    return (context) => {
      const rows = resourcesInRegion(context.state, type, regionId)
        .filter((resource) => (ids.size === 0 || ids.has(resource.id)) && hasTags(resource, filters))
        .flatMap((resource) =>
          Object.entries(resource.tags).map(([TagKey, TagValue]) => ({
            ResourceId: resource.id,
            ResourceType: type,
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
