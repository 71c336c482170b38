import { REGIONS } from "../regions";
import type { Action } from "./action";

export const describeRegions: Action = {
  mutates: false,
  validate() {
    return () => ({
      Regions: {
        Region: REGIONS.map(({ regionId, localName }) => ({
          RegionId: regionId,
          LocalName: localName,
          RegionEndpoint: `ecs.${regionId}.aliyuncs.com`,
          Status: "available",
        })),
      },
    });
  },
};
