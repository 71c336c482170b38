import * as $Ecs from "@alicloud/ecs20140526";
import { startEcsEmulator, type EcsEmulator } from "../../emulator";
import { useLocalEcs } from "../support/use-local-ecs";
import {
  diskList,
  ecsCaller,
  ecsClient,
  json,
  policyList,
  popCoreCaller,
  popCoreClient,
} from "../support/ecs-clients";

const REGION = "cn-hangzhou";
const DESCRIBE = { RegionId: REGION };
const CREATE = { regionId: REGION, timePoints: json([4]), repeatWeekdays: json([2]), retentionDays: 5 };

const local = useLocalEcs({}, "test");
let emulator: EcsEmulator;
beforeEach(() => {
  emulator = local.emulator;
});

test("a throttling rule answers N times, then the action runs again", async () => {
  emulator.addFault({ action: "DescribeAutoSnapshotPolicyEx", times: 2, code: "Throttling" });
  const call = popCoreCaller(emulator);
  const statuses = [];
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const answer = await call("DescribeAutoSnapshotPolicyEx", DESCRIBE);
    statuses.push([answer.status, answer.body.Code, answer.body.Message]);
  }
  expect(statuses).toEqual([
    [400, "Throttling", "Request was denied due to request throttling."],
    [400, "Throttling", "Request was denied due to request throttling."],
    [200, undefined, undefined],
  ]);
  expect((await call("DescribeRegions")).status).toBe(200);
  expect(emulator.requests.map((request) => request.code ?? request.status)).toEqual([
    "Throttling",
    "Throttling",
    200,
    200,
  ]);
});

test("a rule without an action applies to every action until cleared", async () => {
  emulator.addFault({ status: 503 });
  const call = popCoreCaller(emulator);
  for (const action of ["DescribeRegions", "CreateAutoSnapshotPolicy"]) {
    expect(await call(action, CREATE)).toMatchObject({
      status: 503,
      body: {
        Code: "ServiceUnavailable",
        Message: "The request has failed due to a temporary failure of the server.",
      },
    });
  }
  emulator.clearFaults();
  expect((await call("DescribeRegions")).status).toBe(200);
  expect(policyList(await call("DescribeAutoSnapshotPolicyEx", DESCRIBE))).toEqual([]);
});

test("ecs20140526 sees a 5xx fault as a ServerError and a throttle as a ThrottlingError", async () => {
  emulator.addFault({ action: "DescribeRegions", times: 1, code: "ServiceUnavailable" });
  emulator.addFault({ action: "DescribeRegions", times: 1, code: "Throttling.User" });
  const client = ecsClient(emulator);
  const request = new $Ecs.DescribeRegionsRequest({});
  await expect(client.describeRegions(request)).rejects.toMatchObject({
    name: "ServerError",
    statusCode: 503,
    code: "ServiceUnavailable",
  });
  await expect(client.describeRegions(request)).rejects.toMatchObject({
    name: "ThrottlingError",
    statusCode: 400,
    code: "Throttling.User",
  });
  expect((await ecsCaller(emulator)("DescribeRegions")).status).toBe(200);
});

test("a rate applies to about that share of the requests", async () => {
  emulator.addFault({ action: "DescribeRegions", rate: 0.5, code: "Throttling" });
  const call = popCoreCaller(emulator);
  const answers = await Promise.all(Array.from({ length: 400 }, () => call("DescribeRegions")));
  const throttled = answers.filter((answer) => answer.status === 400).length;
  expect(throttled).toBeGreaterThan(120);
  expect(throttled).toBeLessThan(280);
});

test("a delay answers late but answers", async () => {
  emulator.addFault({ action: "DescribeRegions", times: 1, delayMs: 300 });
  const call = popCoreCaller(emulator);
  const started = Date.now();
  expect((await call("DescribeRegions")).status).toBe(200);
  expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  const again = Date.now();
  await call("DescribeRegions");
  expect(Date.now() - again).toBeLessThan(250);
});

test("dropResponse makes the change, then resets the connection", async () => {
  emulator.addFault({ action: "CreateAutoSnapshotPolicy", times: 1, dropResponse: true });
  const client = popCoreClient(emulator);
  await expect(
    client.request(
      "CreateAutoSnapshotPolicy",
      { ...CREATE, autoSnapshotPolicyName: "Lost-answer" },
      {
        method: "POST",
        formatParams: false,
      },
    ),
  ).rejects.toMatchObject({ code: expect.stringMatching(/ECONNRESET|socket hang up/i) });
  const policies = policyList(await popCoreCaller(emulator)("DescribeAutoSnapshotPolicyEx", DESCRIBE));
  expect(policies.map((policy) => policy.AutoSnapshotPolicyName)).toEqual(["Lost-answer"]);
  expect(emulator.requests[0]).toMatchObject({
    action: "CreateAutoSnapshotPolicy",
    status: 200,
    dropped: true,
  });
});

test("fault rules can be given at start, and bad rules are refused", async () => {
  const faulty = await startEcsEmulator({ faults: [{ action: "DescribeRegions", times: 1, status: 500 }] });
  try {
    expect(await popCoreCaller(faulty)("DescribeRegions")).toMatchObject({
      status: 500,
      body: { Code: "InternalError" },
    });
    expect(() => faulty.addFault({ rate: 2 })).toThrow(/rate/);
    expect(() => faulty.addFault({ status: 200 })).toThrow(/status/);
  } finally {
    await faulty.close();
  }
});

test("close() is safe to call twice and stops serving", async () => {
  const closing = await startEcsEmulator();
  await Promise.all([closing.close(), closing.close()]);
  await closing.close();
  await expect(fetch(`${closing.url}/`)).rejects.toThrow();
});

describe("the control route", () => {
  test("is off by default: 404", async () => {
    const response = await fetch(`${emulator.url}/__control/faults`, { method: "POST", body: "{}" });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ Code: "InvalidAction.NotFound" });
  });

  test("when on, sets faults, instances, disks, account status, unsupported regions and system policies", async () => {
    const controlled = await startEcsEmulator({ controlRoute: true });
    const control = (method: string, path: string, body?: unknown) =>
      fetch(`${controlled.url}/__control/${path}`, {
        method,
        headers: { "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    const call = popCoreCaller(controlled);
    try {
      expect(
        (await control("POST", "faults", { action: "DescribeRegions", code: "Throttling" })).status,
      ).toBe(200);
      expect((await call("DescribeRegions")).body.Code).toBe("Throttling");
      expect((await control("DELETE", "faults")).status).toBe(200);
      expect((await call("DescribeRegions")).status).toBe(200);

      const disks = [
        { diskId: "d-ctl1", regionId: REGION },
        { diskId: "d-ctl2", regionId: REGION, category: "ephemeral_ssd" },
      ];
      expect((await control("POST", "disks", disks)).status).toBe(200);
      const listed = diskList(await call("DescribeDisks", DESCRIBE));
      expect(listed.map((disk) => [disk.DiskId, disk.Category])).toEqual([
        ["d-ctl1", "cloud_essd"],
        ["d-ctl2", "ephemeral_ssd"],
      ]);
      expect((await control("DELETE", "disks/d-ctl2")).status).toBe(200);

      const instance = { instanceId: "i-ctl", regionId: REGION, tags: { backup: "gold" } };
      expect((await control("POST", "instances", instance)).status).toBe(200);
      expect(
        (await control("POST", "disks", { diskId: "d-ctl3", regionId: REGION, instanceId: "i-ctl" })).status,
      ).toBe(200);
      const orphan = await control("POST", "disks", {
        diskId: "d-ctl4",
        regionId: REGION,
        instanceId: "i-none",
      });
      expect(orphan.status).toBe(400);
      expect(await orphan.json()).toEqual({
        message: `Seed disk d-ctl4: instance i-none is not a seed instance of ${REGION}`,
      });
      const tags = await call("ListTagResources", { ...DESCRIBE, ResourceType: "instance" });
      expect(tags.body.TagResources).toEqual({
        TagResource: [{ ResourceId: "i-ctl", ResourceType: "instance", TagKey: "backup", TagValue: "gold" }],
      });
      expect(
        diskList(await call("DescribeDisks", DESCRIBE)).map((disk) => [disk.DiskId, disk.InstanceId]),
      ).toEqual([
        ["d-ctl1", ""],
        ["d-ctl3", "i-ctl"],
      ]);
      expect((await control("DELETE", "disks/d-ctl3")).status).toBe(200);
      expect(diskList(await call("DescribeDisks", DESCRIBE)).map((disk) => disk.DiskId)).toEqual(["d-ctl1"]);

      expect((await control("POST", "account", { notEnoughBalance: true })).status).toBe(200);
      expect((await call("CreateAutoSnapshotPolicy", CREATE)).body.Code).toBe(
        "InvalidAccountStatus.NotEnoughBalance",
      );
      await control("POST", "account", {});
      expect((await control("PUT", "unsupported-regions", [REGION])).status).toBe(200);
      expect((await call("CreateAutoSnapshotPolicy", CREATE)).body.Code).toBe(
        "Abs.InvalidAction.RegionNotSupport",
      );
      await control("PUT", "unsupported-regions", []);

      const system = await control("POST", "system-policies", { regionId: REGION });
      const { AutoSnapshotPolicyId } = (await system.json()) as { AutoSnapshotPolicyId: string };
      const [policy] = policyList(
        await call("DescribeAutoSnapshotPolicyEx", { ...DESCRIBE, AutoSnapshotPolicyId }),
      );
      expect(policy).toMatchObject({ Type: "System" });

      expect((await control("POST", "faults", { rate: 7 })).status).toBe(400);
      expect((await control("GET", "nothing")).status).toBe(404);
      expect(controlled.requests.every((request) => request.action !== "")).toBe(true);
    } finally {
      await controlled.close();
    }
  });
});
