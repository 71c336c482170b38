/// <reference lib="dom" />
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { BrowserContext } from "playwright-core";
import type { ReportPlan } from "../../provider/backup-plan/report/figures";
import { CAP_MARK, pictureData, planPictureSvg, TIER_MARK } from "../../provider/backup-plan/report/picture";
import { launchChromium } from "../support/chromium";
import { CHANGED_TIERED_PLAN, TIERED_PLAN } from "./plan-report-fixtures";

/*
 * The plan picture as a person sees it: the SVG rendered by headless Chromium, checked for one series per
 * tier and the cap line in every panel, and kept as PNG (and SVG) under artifacts/plan-report/ for CI.
 */

const ARTIFACTS = path.join("artifacts", "plan-report");

let context: BrowserContext;
let userDataDir: string;

beforeAll(async () => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-report-chromium-"));
  context = await launchChromium(userDataDir);
}, 60_000);

afterAll(async () => {
  await context?.close();
  fs.rmSync(userDataDir, { recursive: true, force: true });
});

interface PanelSeen {
  tierSeries: { label: string; fill: string }[];
  capLines: number;
}

async function renderToPng(
  plan: ReportPlan,
  name: string,
): Promise<{ panels: PanelSeen[]; legend: string[] }> {
  const svg = await planPictureSvg(plan);
  fs.writeFileSync(path.join(ARTIFACTS, `${name}.svg`), svg);
  const page = await context.newPage();
  try {
    await page.setContent(`<!doctype html><html><body style="margin:0;background:#fff">${svg}</body></html>`);
    const seen = await page.evaluate(
      ({ tierMark, capMark }) => {
        const panels = Array.from(document.querySelectorAll("g.mark-group.role-scope")).filter((group) =>
          /^concat_\d+_group$/.test(group.getAttribute("class")?.split(" ").pop() ?? ""),
        );
        return {
          panels: panels.map((panel) => ({
            tierSeries: Array.from(panel.querySelectorAll(`g.mark-area[class*="${tierMark}_"] path`)).map(
              (series) => ({
                label: series.getAttribute("aria-label") ?? "",
                fill: series.getAttribute("fill") ?? "",
              }),
            ),
            capLines: panel.querySelectorAll(`g.mark-rule[class*="${capMark}_"] line`).length,
          })),
          legend: Array.from(document.querySelectorAll("g.role-legend-label text")).map(
            (label) => label.textContent ?? "",
          ),
        };
      },
      { tierMark: TIER_MARK, capMark: CAP_MARK },
    );
    const box = await page.locator("svg").first().boundingBox();
    expect(box?.width).toBeGreaterThan(500);
    await page
      .locator("svg")
      .first()
      .screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
    return seen;
  } finally {
    await page.close();
  }
}

test.each([
  ["tiered-plan", TIERED_PLAN],
  ["changed-tiered-plan", CHANGED_TIERED_PLAN],
])("%s: every panel draws one series per tier in its own colour, and the cap line", async (name, plan) => {
  const expected = pictureData(plan);
  const { panels, legend } = await renderToPng(plan, name);
  expect(legend).toEqual(expected.tiers);
  expect(panels).toHaveLength(expected.panels.length);
  panels.forEach((panel, index) => {
    expect(panel.tierSeries.map((series) => series.label).sort()).toEqual(expected.panels[index].tiers);
    expect(new Set(panel.tierSeries.map((series) => series.fill)).size).toBe(
      expected.panels[index].tiers.length,
    );
    expect(panel.capLines).toBe(1);
  });
  const png = fs.readFileSync(path.join(ARTIFACTS, `${name}.png`));
  expect(png.subarray(1, 4).toString()).toBe("PNG");
});
