import { popCoreCaller } from "../support/ecs-clients";
import { REGION } from "../support/local-ecs";
import { useLocalEcs } from "../support/use-local-ecs";

// The console's HTTP routes beside the ECS API on the same port.

const withConsole = useLocalEcs({ console: true });
const withoutConsole = useLocalEcs();

const post = (url: string, body: string, headers: Record<string, string>) =>
  fetch(`${url}/__console/faults`, { method: "POST", body, headers });

test("off by default: / is the ECS API there, answering a missing Action", async () => {
  const answer = await fetch(`${withoutConsole.emulator.url}/`);
  expect(answer.status).toBe(400);
  expect(await answer.json()).toMatchObject({ Code: "MissingParameter" });
  expect((await fetch(`${withoutConsole.emulator.url}/__console/state`)).status).not.toBe(200);
});

test("on: the page and its files, with a policy that allows no inline script", async () => {
  const { url } = withConsole.emulator;
  const page = await fetch(`${url}/`);
  expect(page.status).toBe(200);
  expect(page.headers.get("content-type")).toContain("text/html");
  expect(page.headers.get("content-security-policy")).toContain("script-src 'self'");
  expect(await page.text()).toContain('<script src="/__console/console.js"');
  expect((await fetch(`${url}/__console/console.js`)).headers.get("content-type")).toContain("javascript");
  expect((await fetch(`${url}/__console/nothing`)).status).toBe(404);
});

test("on: ECS calls on the same port still work and are logged; console requests are not", async () => {
  const { emulator } = withConsole;
  const before = emulator.requests.length;
  await fetch(`${emulator.url}/__console/state`);
  const answers = [
    await popCoreCaller(emulator, "GET")("DescribeRegions"),
    await popCoreCaller(emulator)("DescribeAutoSnapshotPolicyEx", { RegionId: REGION }),
    await withConsole.callers.ecs20140526("DescribeDisks", { RegionId: REGION }),
  ];
  expect(answers.map(({ status }) => status)).toEqual([200, 200, 200]);
  expect(emulator.requests.slice(before).map(({ action, status }) => `${action} ${status}`)).toEqual([
    "DescribeRegions 200",
    "DescribeAutoSnapshotPolicyEx 200",
    "DescribeDisks 200",
  ]);
});

test("fault rules change only through JSON from the page's own origin, and bad ones change nothing", async () => {
  const { emulator } = withConsole;
  const rule = JSON.stringify({ action: "DescribeRegions", code: "Throttling" });
  const host = new URL(emulator.url).host;
  const refused = [
    await post(emulator.url, rule, { "content-type": "text/plain" }),
    await post(emulator.url, rule, { "content-type": "application/json", origin: "http://evil.example" }),
  ];
  expect(refused.map(({ status }) => status)).toEqual([403, 403]);
  expect(await refused[1].json()).toEqual({
    message: "origin http://evil.example may not change this endpoint",
  });

  const bad = await post(emulator.url, JSON.stringify({ rate: 3 }), { "content-type": "application/json" });
  expect(bad.status).toBe(400);
  expect(((await bad.json()) as { message: string }).message).toContain("rate");
  const state = async () =>
    ((await (await fetch(`${emulator.url}/__console/state`)).json()) as { faults: unknown[] }).faults;
  expect(await state()).toEqual([]);

  const added = await post(emulator.url, rule, {
    "content-type": "application/json",
    origin: `http://${host}`,
  });
  expect(added.status).toBe(200);
  expect(await state()).toEqual([{ action: "DescribeRegions", code: "Throttling", timesLeft: null }]);
  expect((await popCoreCaller(emulator)("DescribeRegions")).body).toMatchObject({ Code: "Throttling" });

  const cleared = await fetch(`${emulator.url}/__console/faults`, {
    method: "DELETE",
    headers: { "content-type": "application/json" },
  });
  expect(cleared.status).toBe(200);
  expect(await state()).toEqual([]);
});
