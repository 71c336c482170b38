import * as vega from "vega";
import * as vegaLite from "vega-lite";
import type { TopLevelSpec } from "vega-lite";
import { AUTO_SNAPSHOTS_PER_DISK_LIMIT, snapshotsInWindow } from "../../policy/schedule";
import { planFigures, scheduleOf, type ReportPlan } from "./figures";

/*
 * The picture of a plan: for each set of disks that carry the same tiers, the restore points each tier
 * keeps day by day over the next weeks after the plan is applied to disks with no snapshots yet, stacked
 * so that the top is what the disk holds, against the per-disk cap. Drawn by vega-lite and vega in Node.
 */

/** Without a chosen span, the picture runs until the longest finite retention is full, within these weeks. */
const FEWEST_WEEKS = 4;
const MOST_WEEKS = 60;
/** Mark names (suffixed with the panel's index), which vega writes as classes on the SVG groups. */
export const TIER_MARK = "tier_restore_points";
export const CAP_MARK = "snapshot_cap";
const PANELS_DRAWN = 12;
const CAP_COLOUR = "#222222";
const SYMLOG_TICKS = [0, 10, 100, 1000, 10000, 100000];

export interface PicturePanel {
  /** The disks (or tag targets) the panel stands for. */
  targets: string[];
  tiers: string[];
}

export interface RestorePointSample {
  panel: string;
  tier: string;
  day: number;
  restorePoints: number;
}

export interface PictureData {
  panels: PicturePanel[];
  samples: RestorePointSample[];
  tiers: string[];
}

/** Restore points per tier per day, for each distinct tier set of the plan's disks. */
/** Weeks until every tier with a finite retention holds its full count, within 4 to 60 weeks. */
export function weeksToSteadyState(plan: ReportPlan): number {
  const finite = Object.values(plan.policies)
    .map((policy) => policy.retentionDays)
    .filter((days) => days !== -1);
  const weeks = Math.ceil(Math.max(0, ...finite) / 7) + 1;
  return Math.min(MOST_WEEKS, Math.max(FEWEST_WEEKS, weeks));
}

export function pictureData(plan: ReportPlan, weeks = weeksToSteadyState(plan)): PictureData {
  const panelsByTiers = new Map<string, PicturePanel>();
  for (const target of planFigures(plan).targets) {
    const key = target.tiers.join("\n");
    const panel = panelsByTiers.get(key) ?? { targets: [], tiers: target.tiers };
    panel.targets.push(target.target);
    panelsByTiers.set(key, panel);
  }
  const panels = [...panelsByTiers.values()].slice(0, PANELS_DRAWN);
  const samples: RestorePointSample[] = [];
  for (const panel of panels) {
    for (const tier of panel.tiers) {
      const schedule = scheduleOf(plan.policies[tier]);
      for (let day = 0; day <= weeks * 7; day++) {
        const window = schedule.retentionDays === -1 ? day : Math.min(day, schedule.retentionDays);
        samples.push({
          panel: panelTitle(panel),
          tier,
          day,
          restorePoints: snapshotsInWindow(schedule, window),
        });
      }
    }
  }
  const tiers = [...new Set(panels.flatMap((panel) => panel.tiers))].sort();
  return { panels, samples, tiers };
}

export function panelTitle(panel: PicturePanel): string {
  const [first, ...rest] = panel.targets;
  return rest.length === 0 ? first : `${first} and ${rest.length.toLocaleString("en-US")} more`;
}

export function pictureSpec(
  plan: ReportPlan,
  weeks = weeksToSteadyState(plan),
  title = "Restore points kept",
): TopLevelSpec {
  const { panels, samples, tiers } = pictureData(plan, weeks);
  const cap = AUTO_SNAPSHOTS_PER_DISK_LIMIT;
  const capText = cap.toLocaleString("en-US");
  const highest = Math.max(
    cap,
    ...panels.map((panel) => {
      const title = panelTitle(panel);
      const totals = new Map<number, number>();
      for (const sample of samples) {
        if (sample.panel === title)
          totals.set(sample.day, (totals.get(sample.day) ?? 0) + sample.restorePoints);
      }
      return Math.max(0, ...totals.values());
    }),
  );
  const color = {
    field: "tier",
    type: "nominal" as const,
    title: "tier",
    scale: { domain: tiers, scheme: "category10" },
  };
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    title: {
      text: title,
      subtitle: `per disk, over the ${weeks} weeks after the plan applies; the dashed line is the ${capText}-snapshot cap`,
    },
    config: { font: "DejaVu Sans, Arial, sans-serif", background: "white" },
    resolve: { scale: { color: "shared" } },
    vconcat: panels.map((panel, index) => ({
      title: { text: panelTitle(panel), anchor: "start" as const, fontSize: 12 },
      width: 560,
      height: 160,
      data: { values: samples.filter((sample) => sample.panel === panelTitle(panel)) },
      layer: [
        {
          name: `${TIER_MARK}_${index}`,
          mark: { type: "area" as const, line: true, opacity: 0.75 },
          encoding: {
            x: {
              field: "day",
              type: "quantitative" as const,
              title: "days after apply",
              scale: { domain: [0, weeks * 7] },
            },
            y: {
              field: "restorePoints",
              type: "quantitative" as const,
              stack: "zero" as const,
              title: "restore points (log scale)",
              // Symmetric log: a tier of 7 snapshots and the 1,000 cap are both readable on one axis.
              scale: { type: "symlog", domain: [0, Math.ceil(highest * 1.5)], nice: false },
              axis: {
                values: SYMLOG_TICKS.filter((tick) => tick <= highest * 1.5),
                labelExpr: "format(datum.value, ',')",
                labelOverlap: false,
              },
            },
            color,
            order: { field: "tier" },
            description: { field: "tier" },
          },
        },
        {
          // Its own one-row data, so that each panel draws one line rather than one per sample.
          data: { values: [{ cap }] },
          layer: [
            {
              name: `${CAP_MARK}_${index}`,
              mark: { type: "rule" as const, color: CAP_COLOUR, strokeWidth: 2, strokeDash: [6, 3] },
              encoding: {
                y: { field: "cap", type: "quantitative" as const },
                description: { value: `cap of ${capText} snapshots a disk` },
              },
            },
            {
              mark: { type: "text" as const, align: "right" as const, dy: -6, color: CAP_COLOUR, x: "width" },
              encoding: {
                y: { field: "cap", type: "quantitative" as const },
                text: { value: `cap ${capText}` },
              },
            },
          ],
        },
      ],
    })),
  } as TopLevelSpec;
}

/** The picture as an SVG document, rendered in Node without a browser or a canvas. */
export async function planPictureSvg(
  plan: ReportPlan,
  weeks = weeksToSteadyState(plan),
  title?: string,
): Promise<string> {
  // Tiers are stacked on a symlog axis so that a tier of a few snapshots shows beside one of hundreds;
  // vega-lite warns about stacking on a non-linear scale for every panel, which is the point here.
  const { spec } = vegaLite.compile(pictureSpec(plan, weeks, title), { logger: vega.logger(vega.Error) });
  const view = new vega.View(vega.parse(spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
