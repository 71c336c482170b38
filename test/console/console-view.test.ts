import { parseFaultRule, regionViews, REQUESTS_SHOWN, requestLogView } from "../../emulator/console-view";
import { emptyState, newPolicyRecord, type PolicyRecord } from "../../emulator/model";
import type { RequestRecord } from "../../emulator/server";

// The console's pure parts: what it shows of the state and the log, and the fault rules it accepts.

describe("parseFaultRule", () => {
  test.each([
    [
      { action: "DescribeDisks", code: "Throttling", times: 2 },
      { action: "DescribeDisks", code: "Throttling", times: 2 },
    ],
    [
      { status: 503, rate: 0.5, delayMs: 100, dropResponse: true },
      { status: 503, rate: 0.5, delayMs: 100, dropResponse: true },
    ],
    [{}, {}],
  ])("accepts %j", (body, rule) => {
    expect(parseFaultRule(body)).toEqual(rule);
  });

  test.each([
    [null, "A fault rule is a JSON object"],
    [[{ code: "Throttling" }], "A fault rule is a JSON object"],
    ["Throttling", "A fault rule is a JSON object"],
    [
      { cod: "Throttling" },
      "cod: not a fault rule field; allowed: action, times, rate, code, status, delayMs, dropResponse",
    ],
    [{ times: "2" }, 'times: must be a number, got "2"'],
    [{ rate: null }, "rate: must be a number, got null"],
    [{ delayMs: Number.NaN }, "delayMs: must be a number, got null"],
    [{ dropResponse: "yes" }, 'dropResponse: must be a boolean, got "yes"'],
    [{ action: 5 }, "action: must be a string, got 5"],
    [JSON.parse('{"__proto__": {}}'), "__proto__: not a fault rule field"],
  ])("refuses %j", (body, message) => {
    expect(() => parseFaultRule(body)).toThrow(message);
  });
});

describe("requestLogView", () => {
  const record = (action: string, status: number, extra: Partial<RequestRecord> = {}): RequestRecord => ({
    time: "2026-11-30T10:00:00.000Z",
    action,
    params: { Action: action, RegionId: "cn-hangzhou" },
    status,
    ...extra,
  });
  const log = [
    record("CreateAutoSnapshotPolicy", 200),
    record("DescribeDisks", 400, { code: "Throttling" }),
    record("ApplyAutoSnapshotPolicy", 200, { dropped: true }),
    record("DescribeDisks", 200),
  ];

  test("newest first, with the actions present for the filter", () => {
    const view = requestLogView(log, { errorsOnly: false }, []);
    expect(view.shown.map(({ action }) => action)).toEqual([
      "DescribeDisks",
      "ApplyAutoSnapshotPolicy",
      "DescribeDisks",
      "CreateAutoSnapshotPolicy",
    ]);
    expect(view).toMatchObject({ total: 4, matching: 4 });
    expect(view.actions).toEqual(["ApplyAutoSnapshotPolicy", "CreateAutoSnapshotPolicy", "DescribeDisks"]);
  });

  test("filtered by action, by errors (a dropped answer is one), or both", () => {
    const shown = (filter: { action?: string; errorsOnly: boolean }) =>
      requestLogView(log, filter, []).shown.map(({ action, status }) => `${action} ${status}`);
    expect(shown({ action: "DescribeDisks", errorsOnly: false })).toEqual([
      "DescribeDisks 200",
      "DescribeDisks 400",
    ]);
    expect(shown({ errorsOnly: true })).toEqual(["ApplyAutoSnapshotPolicy 200", "DescribeDisks 400"]);
    expect(shown({ action: "DescribeDisks", errorsOnly: true })).toEqual(["DescribeDisks 400"]);
  });

  test(`at most ${REQUESTS_SHOWN} shown, every match counted`, () => {
    const many = Array.from({ length: REQUESTS_SHOWN + 50 }, () => record("DescribeRegions", 200));
    const view = requestLogView(many, { errorsOnly: false }, []);
    expect(view.shown).toHaveLength(REQUESTS_SHOWN);
    expect(view.matching).toBe(REQUESTS_SHOWN + 50);
  });

  test("never a signature, a security token or a secret, even if a record held one", () => {
    const leaky = record("DescribeDisks", 200, {
      params: { Signature: "sig", SecurityToken: "token", AccessKeySecret: "secret", AccessKeyId: "LTAI-id" },
    });
    expect(requestLogView([leaky], { errorsOnly: false }, []).shown[0].params).toEqual([
      ["AccessKeyId", "LTAI-id"],
    ]);
  });
});

describe("regionViews", () => {
  test("policies, disks and instances per region, with the policies each disk carries and how", () => {
    const state = emptyState();
    const policy = (id: string, fields: Partial<PolicyRecord>) => {
      state.policies[id] = newPolicyRecord({ id, regionId: "cn-hangzhou", type: "Custom", ...fields });
    };
    policy("sp-daily", {
      name: "daily",
      timePoints: ["2"],
      repeatWeekdays: ["1"],
      retentionDays: 7,
      tags: { team: "a" },
    });
    policy("sp-tagged", {
      name: "tagged",
      retentionDays: -1,
      associationType: "AssociatedWithInstanceTag",
      targetTags: [{ key: "env", value: "prod" }],
    });
    state.instances["i-1"] = { instanceId: "i-1", regionId: "cn-hangzhou", tags: { env: "prod" } };
    state.disks["d-1"] = {
      diskId: "d-1",
      regionId: "cn-hangzhou",
      category: "cloud_essd",
      attached: true,
      instanceId: "i-1",
      policyIds: ["sp-daily"],
    };
    state.disks["d-2"] = {
      diskId: "d-2",
      regionId: "cn-shanghai",
      category: "cloud",
      attached: false,
      policyIds: [],
    };

    const [hangzhou, shanghai] = regionViews(state, (record) => `schedule of ${record.id}`);
    expect(hangzhou.regionId).toBe("cn-hangzhou");
    expect(hangzhou.policies).toEqual([
      expect.objectContaining({
        id: "sp-daily",
        schedule: "schedule of sp-daily",
        retention: "7 days",
        associationType: "AssociatedWithDisk",
        tags: [{ key: "team", value: "a" }],
        diskCount: 1,
      }),
      expect.objectContaining({
        id: "sp-tagged",
        retention: "forever",
        associationType: "AssociatedWithInstanceTag",
        targetTags: [{ key: "env", value: "prod" }],
        diskCount: 1,
      }),
    ]);
    expect(hangzhou.disks).toEqual([
      {
        diskId: "d-1",
        category: "cloud_essd",
        status: "In_use",
        instanceId: "i-1",
        policies: [
          { id: "sp-daily", name: "daily", byTag: false },
          { id: "sp-tagged", name: "tagged", byTag: true },
        ],
      },
    ]);
    expect(hangzhou.instances).toEqual([
      { instanceId: "i-1", tags: [{ key: "env", value: "prod" }], diskIds: ["d-1"] },
    ]);
    expect(shanghai).toEqual({
      regionId: "cn-shanghai",
      policies: [],
      disks: [{ diskId: "d-2", category: "cloud", status: "Available", policies: [] }],
      instances: [],
    });
  });
});
