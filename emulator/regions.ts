/** The regions the local endpoint knows, with the code real resource ids carry (`sp-bp1…` in Hangzhou). */
export const REGIONS: readonly { regionId: string; localName: string; idCode: string }[] = [
  { regionId: "cn-qingdao", localName: "华北1（青岛）", idCode: "m5e" },
  { regionId: "cn-beijing", localName: "华北2（北京）", idCode: "2ze" },
  { regionId: "cn-zhangjiakou", localName: "华北3（张家口）", idCode: "8vb" },
  { regionId: "cn-huhehaote", localName: "华北5（呼和浩特）", idCode: "hp3" },
  { regionId: "cn-wulanchabu", localName: "华北6（乌兰察布）", idCode: "0jl" },
  { regionId: "cn-hangzhou", localName: "华东1（杭州）", idCode: "bp1" },
  { regionId: "cn-shanghai", localName: "华东2（上海）", idCode: "uf6" },
  { regionId: "cn-nanjing", localName: "华东5（南京-本地地域）", idCode: "gc7" },
  { regionId: "cn-shenzhen", localName: "华南1（深圳）", idCode: "wz9" },
  { regionId: "cn-heyuan", localName: "华南2（河源）", idCode: "f8z" },
  { regionId: "cn-guangzhou", localName: "华南3（广州）", idCode: "7xv" },
  { regionId: "cn-chengdu", localName: "西南1（成都）", idCode: "2vc" },
  { regionId: "cn-hongkong", localName: "中国香港", idCode: "j6c" },
  { regionId: "ap-northeast-1", localName: "日本（东京）", idCode: "6we" },
  { regionId: "ap-northeast-2", localName: "韩国（首尔）", idCode: "mj7" },
  { regionId: "ap-southeast-1", localName: "新加坡", idCode: "t4n" },
  { regionId: "ap-southeast-3", localName: "马来西亚（吉隆坡）", idCode: "8ps" },
  { regionId: "ap-southeast-5", localName: "印度尼西亚（雅加达）", idCode: "k1a" },
  { regionId: "ap-southeast-6", localName: "菲律宾（马尼拉）", idCode: "5tg" },
  { regionId: "ap-southeast-7", localName: "泰国（曼谷）", idCode: "0jo" },
  { regionId: "ap-south-1", localName: "印度（孟买）", idCode: "a2d" },
  { regionId: "us-east-1", localName: "美国（弗吉尼亚）", idCode: "0xi" },
  { regionId: "us-west-1", localName: "美国（硅谷）", idCode: "rj9" },
  { regionId: "eu-west-1", localName: "英国（伦敦）", idCode: "d7o" },
  { regionId: "eu-central-1", localName: "德国（法兰克福）", idCode: "gw8" },
  { regionId: "me-east-1", localName: "阿联酋（迪拜）", idCode: "eb3" },
  { regionId: "me-central-1", localName: "沙特（利雅得）", idCode: "l4b" },
];

const BY_ID = new Map(REGIONS.map((region) => [region.regionId, region]));

export function isKnownRegion(regionId: string): boolean {
  return BY_ID.has(regionId);
}

export function regionIdCode(regionId: string): string {
  return BY_ID.get(regionId)?.idCode ?? "xx0";
}

/**
 * The regions where a policy can be associated with instance tags, from the SDK's
 * CreateAutoSnapshotPolicy doc comment (the regions of that list that this endpoint knows).
 */
const INSTANCE_TAG_REGIONS = new Set([
  "ap-southeast-3",
  "ap-southeast-6",
  "eu-west-1",
  "me-central-1",
  "me-east-1",
  "cn-huhehaote",
  "cn-chengdu",
  "ap-southeast-7",
  "cn-guangzhou",
  "cn-heyuan",
  "cn-hongkong",
  "eu-central-1",
  "us-east-1",
  "cn-hangzhou",
  "cn-qingdao",
  "cn-beijing",
  "cn-shanghai",
  "ap-southeast-1",
  "ap-northeast-1",
  "ap-northeast-2",
  "cn-shenzhen",
  "cn-wulanchabu",
  "cn-zhangjiakou",
]);

export function supportsInstanceTagAssociation(regionId: string): boolean {
  return INSTANCE_TAG_REGIONS.has(regionId);
}
