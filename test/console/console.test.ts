import * as fs from "node:fs";
import * as path from "node:path";
import type { UpResult } from "@pulumi/pulumi/automation";
import type { BrowserContext, Page } from "playwright-core";
import { quickstart } from "../../examples/quickstart/program";
import { localStack } from "../../scripts/local-pulumi";
import { repoRoot } from "../../scripts/repo-root";
import { REGION, automationConfig, outOfBandEcs, type OutOfBandEcs } from "../support/local-ecs";
import { launchChromium } from "../support/chromium";
import { useLocalEcs } from "../support/use-local-ecs";

/*
 * The console as a person uses it: ecs-local serves it, the quick start runs against ecs-local with the
 * real Pulumi CLI, and headless Chromium (Debian's `chromium`, driven by playwright-core) opens the
 * page. The screenshot is kept at artifacts/console.png.
 */

const SCREENSHOT = path.join(repoRoot(), "artifacts", "console.png");
const DISKS = ["d-quickstart0001", "d-quickstart0002", "d-quickstart0003"];
const INSTANCE = "i-quickstart01";
const HOSTILE_TAG = "<img src=x onerror=alert(1)>";

const local = useLocalEcs({
  console: true,
  instances: [{ instanceId: INSTANCE, regionId: REGION, tags: { env: "prod", owner: HOSTILE_TAG } }],
  disks: DISKS.map((diskId, index) => ({
    diskId,
    regionId: REGION,
    ...(index === 0 ? { instanceId: INSTANCE } : {}),
  })),
});
let ecs: OutOfBandEcs;
let stateDir: string;
let upResult: UpResult;
let browser: BrowserContext;
let page: Page;
const dialogs: string[] = [];

beforeAll(async () => {
  const { emulator } = local;
  ecs = outOfBandEcs(emulator);
  const scratch = path.join(repoRoot(), ".pulumi-local");
  fs.mkdirSync(scratch, { recursive: true });
  stateDir = fs.mkdtempSync(path.join(scratch, "console-test-"));
  const stack = await localStack({
    projectName: "console-quickstart",
    stackName: "test",
    program: async () => quickstart(),
    stateDir,
    config: { ...automationConfig(emulator), "quickstart:diskIds": { value: JSON.stringify(DISKS) } },
  });
  upResult = await stack.up({ onOutput: () => undefined });

  // A fresh profile for every run (Playwright passes it to Chromium as --user-data-dir).
  browser = await launchChromium(fs.mkdtempSync(path.join(stateDir, "chromium-")), {
    width: 1400,
    height: 1000,
  });
  page = browser.pages()[0] ?? (await browser.newPage());
  page.on("dialog", (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await page.goto(`${emulator.url}/`);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  if (stateDir) fs.rmSync(stateDir, { recursive: true, force: true });
}, 120_000);

const policyId = (): string => upResult.outputs.policyId.value as string;
const policiesTable = () => page.getByRole("table", { name: `Policies in ${REGION}` });
const disksTable = () => page.getByRole("table", { name: `Disks in ${REGION}` });
const requestRows = () => page.getByRole("table", { name: "Request log" }).locator("tbody tr");
const faultRows = () => page.getByRole("table", { name: "Fault rules" }).locator("tbody tr");

/** Waits until `read` returns something `accept` takes (the page refreshes itself about every second). */
async function eventually<T>(read: () => Promise<T>, accept: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await read();
    if (accept(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

test("the policy is listed with its schedule in words, retention, association and tags", async () => {
  const row = policiesTable().locator("tr", { hasText: policyId() });
  await row.waitFor();
  const cells = await row.locator("td").allInnerTexts();
  expect(cells[1]).toBe("daily-backup");
  // The same sentence the stack's `schedule` output holds.
  expect(cells[2]).toBe(upResult.outputs.schedule.value);
  expect(cells[2]).toContain("Snapshots at 02:00 (UTC+8) every day; kept 7 days");
  expect(cells[3]).toBe("7 days");
  expect(cells[4]).toContain("AssociatedWithDisk");
  expect(cells[5]).toContain("team = platform");
  expect(cells[5]).toContain("managedBy = pulumi");
  expect(cells[6]).toBe(String(DISKS.length));
});

test("every disk of the stack shows the policy it carries", async () => {
  for (const diskId of DISKS) {
    const row = disksTable().locator("tr", { hasText: diskId });
    expect(await row.locator("td").nth(4).innerText()).toContain(`${policyId()} (daily-backup)`);
  }
});

test("the request log shows the stack's Create, Apply and Describe calls, newest first, filterable by action", async () => {
  const actions = await requestRows().locator("td:nth-child(2)").allInnerTexts();
  expect(actions).toEqual(
    expect.arrayContaining([
      "CreateAutoSnapshotPolicy",
      "ApplyAutoSnapshotPolicy",
      "DescribeAutoSnapshotPolicyEx",
    ]),
  );
  // Newest first: the Create came before the Apply that names its id.
  expect(actions.lastIndexOf("CreateAutoSnapshotPolicy")).toBeGreaterThan(
    actions.indexOf("ApplyAutoSnapshotPolicy"),
  );

  await page.getByRole("combobox", { name: /^Show/ }).selectOption("ApplyAutoSnapshotPolicy");
  const filtered = await eventually(
    () => requestRows().locator("td:nth-child(2)").allInnerTexts(),
    (list) => list.every((action) => action === "ApplyAutoSnapshotPolicy"),
  );
  expect(new Set(filtered)).toEqual(new Set(["ApplyAutoSnapshotPolicy"]));
  const parameters = await requestRows().first().locator("td").nth(4).innerText();
  expect(parameters).toContain(`autoSnapshotPolicyId=${policyId()}`);
  expect(parameters).toContain("d-quickstart0001");
  await page.getByRole("combobox", { name: /^Show/ }).selectOption("");
});

test("a fault added on the page answers the next call with an error, which the log shows; clearing removes it", async () => {
  const form = page.locator("#fault-form");
  await form.getByLabel("Action").fill("DescribeDisks");
  await form.getByLabel("Error code").fill("Throttling");
  await form.getByLabel("Times").fill("1");
  await form.getByRole("button", { name: "Add fault" }).click();
  const rule = await eventually(
    () => faultRows().first().innerText(),
    (text) => text.includes("DescribeDisks"),
  );
  expect(rule).toContain("Throttling");
  expect(rule).toContain("1 more time");

  await expect(ecs("DescribeDisks", { RegionId: REGION })).rejects.toMatchObject({ code: "Throttling" });

  await page.getByLabel("errors only").check();
  const cells = (column: number) => requestRows().locator(`td:nth-child(${column})`).allInnerTexts();
  const codes = await eventually(
    () => cells(4),
    (list) => list.includes("Throttling") && list.every(Boolean),
  );
  expect(codes[0]).toBe("Throttling");
  expect((await cells(2))[0]).toBe("DescribeDisks");
  expect((await cells(3))[0]).toBe("400");
  expect((await cells(3)).every((status) => status !== "200")).toBe(true);
  await page.getByLabel("errors only").uncheck();

  // Used up, the rule is gone; a lasting one is removed by "Clear all faults".
  await form.getByLabel("Action").fill("DescribeRegions");
  await form.getByLabel("Error code").fill("ServiceUnavailable");
  await form.getByLabel("Status").fill("503");
  await form.getByRole("button", { name: "Add fault" }).click();
  await eventually(
    () => faultRows().allInnerTexts(),
    (rows) => rows.length === 1 && rows[0].includes("DescribeRegions"),
  );
  await page.getByRole("button", { name: "Clear all faults" }).click();
  expect(
    await eventually(
      () => faultRows().allInnerTexts(),
      (rows) => rows.join("").includes("No fault rules."),
    ),
  ).toEqual(["No fault rules."]);
  await expect(ecs("DescribeRegions", {})).resolves.toHaveProperty("Regions");
});

test("a bad fault rule is refused with a message that names the field, and changes nothing", async () => {
  const form = page.locator("#fault-form");
  await form.getByLabel("Rate").fill("2");
  await form.getByRole("button", { name: "Add fault" }).click();
  expect(await eventually(() => page.locator("#fault-error").innerText(), Boolean)).toContain("rate");
  expect(await faultRows().allInnerTexts()).toEqual(["No fault rules."]);
  await form.getByLabel("Rate").fill("");
});

test("a policy tied to instance tags shows its target tags, and the disks of matching instances show it", async () => {
  const { AutoSnapshotPolicyId: byTag } = await ecs<{ AutoSnapshotPolicyId: string }>(
    "CreateAutoSnapshotPolicy",
    {
      regionId: REGION,
      autoSnapshotPolicyName: "prod-hourly",
      timePoints: JSON.stringify(Array.from({ length: 24 }, (_, hour) => String(hour))),
      repeatWeekdays: '["1","2","3","4","5"]',
      retentionDays: 2,
      AssociationType: "AssociatedWithInstanceTag",
      "TargetTags.1.Key": "env",
      "TargetTags.1.Value": "prod",
    },
  );
  const row = policiesTable().locator("tr", { hasText: byTag });
  await row.waitFor();
  const cells = await row.locator("td").allInnerTexts();
  expect(cells[2]).toContain(
    "Snapshots every hour (UTC+8) on Monday, Tuesday, Wednesday, Thursday and Friday",
  );
  expect(cells[4]).toContain("AssociatedWithInstanceTag");
  expect(cells[4]).toContain("env = prod");
  expect(cells[6]).toBe("1");

  const instanceDisk = await disksTable().locator("tr", { hasText: DISKS[0] }).locator("td").allInnerTexts();
  expect(instanceDisk[3]).toBe(INSTANCE);
  expect(instanceDisk[4]).toContain(`${policyId()} (daily-backup)`);
  expect(instanceDisk[4]).toContain(`${byTag} (prod-hourly) by tag`);
  const otherDisk = await disksTable().locator("tr", { hasText: DISKS[1] }).locator("td").nth(4).innerText();
  expect(otherDisk).not.toContain(byTag);

  const instance = await page
    .getByRole("table", { name: `Instances in ${REGION}` })
    .locator("tr", { hasText: INSTANCE })
    .locator("td")
    .allInnerTexts();
  expect(instance[2]).toBe(DISKS[0]);
});

test("a tag value that looks like HTML renders as text and runs nothing", async () => {
  const instanceTags = await page
    .getByRole("table", { name: `Instances in ${REGION}` })
    .locator(".tag")
    .allInnerTexts();
  expect(instanceTags).toEqual(["env = prod", `owner = ${HOSTILE_TAG}`]);

  await ecs("TagResources", {
    RegionId: REGION,
    ResourceType: "snapshotpolicy",
    "ResourceId.1": policyId(),
    "Tag.1.Key": "note",
    "Tag.1.Value": HOSTILE_TAG,
  });
  const tags = await eventually(
    () => policiesTable().locator(".tag").allInnerTexts(),
    (texts) => texts.includes(`note = ${HOSTILE_TAG}`),
  );
  expect(tags).toContain(`note = ${HOSTILE_TAG}`);
  expect(await page.locator("main img").count()).toBe(0);
  // The tagging call's parameters are shown as text too.
  expect(await requestRows().first().innerText()).toContain(`Tag.1.Value=${HOSTILE_TAG}`);
  expect(dialogs).toEqual([]);
});

test("the page never shows the secret key, and it updates itself while calls come in", async () => {
  const before = await requestRows().count();
  await ecs("DescribeAutoSnapshotPolicyEx", { RegionId: REGION, AutoSnapshotPolicyId: policyId() });
  const after = await eventually(
    () => requestRows().first().innerText(),
    (text) => text.includes(`AutoSnapshotPolicyId=${policyId()}`),
  );
  expect(after).toContain("DescribeAutoSnapshotPolicyEx");
  expect(await requestRows().count()).toBeGreaterThanOrEqual(before);

  const text = await page.locator("body").innerText();
  expect(text).not.toContain(local.emulator.accessKeySecret);
  expect(text).not.toContain("Signature=");
  expect(text).toContain(local.emulator.accessKeyId);
});

test("a rule with a rate is listed with it, and the page is kept as a screenshot", async () => {
  const form = page.locator("#fault-form");
  await form.getByLabel("Action").fill("DescribeDisks");
  await form.getByLabel("Error code").fill("Throttling");
  await form.getByLabel("Rate").fill("0.2");
  await form.getByRole("button", { name: "Add fault" }).click();
  const rules = await eventually(
    () => faultRows().allInnerTexts(),
    (rows) => rows.some((text) => text.includes("rate 0.2")),
  );
  expect(rules).toEqual([expect.stringContaining("DescribeDisks")]);
  expect(await page.locator("#fault-error").innerText()).toBe("");

  fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
  await page.screenshot({ path: SCREENSHOT, fullPage: true });
  expect(fs.statSync(SCREENSHOT).size).toBeGreaterThan(10_000);
});
