import type { ReportPlan } from "../../provider/backup-plan/report/figures";

/*
 * A daily / weekly / monthly tier set on the same disks (the shape issue 10 allows in accounts with
 * several policies per disk), and the same plan after a review-worthy edit. ECS schedules by weekday,
 * so the "monthly" tier is a weekly snapshot kept for a year.
 */

const EVERY_DAY = [1, 2, 3, 4, 5, 6, 7];

export const TIERED_PLAN: ReportPlan = {
  policies: {
    daily: {
      regionId: "cn-hangzhou",
      timePoints: [2],
      repeatWeekdays: EVERY_DAY,
      retentionDays: 7,
      disks: ["d-bp1app0001", "d-bp1app0002", "d-bp1db00001"],
    },
    weekly: {
      regionId: "cn-hangzhou",
      timePoints: [3],
      repeatWeekdays: [7],
      retentionDays: 35,
      disks: ["d-bp1app0001", "d-bp1app0002", "d-bp1db00001"],
    },
    monthly: {
      regionId: "cn-hangzhou",
      timePoints: [4],
      repeatWeekdays: [6],
      retentionDays: 365,
      disks: ["d-bp1db00001"],
    },
  },
};

/** Daily becomes 4 times a day kept 180 days, and an hourly tier joins the database disk: over the cap. */
export const CHANGED_TIERED_PLAN: ReportPlan = {
  policies: {
    ...TIERED_PLAN.policies,
    daily: { ...TIERED_PLAN.policies.daily, timePoints: [0, 6, 12, 18], retentionDays: 180 },
    hourly: {
      regionId: "cn-hangzhou",
      timePoints: Array.from({ length: 24 }, (_, hour) => hour),
      repeatWeekdays: EVERY_DAY,
      retentionDays: 14,
      disks: ["d-bp1db00001"],
    },
  },
};
