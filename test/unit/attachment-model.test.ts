import {
  categoryTakesSnapshots,
  chunk,
  diffAttachment,
  difference,
  listIds,
  mapWithConcurrency,
  planUpdate,
  preflightApply,
  preflightProblem,
  readMembership,
  union,
} from "../../provider/attachment/model";
import type { DiskState } from "../../provider/ecs/api";
import { UNKNOWN } from "../../provider/engine";

const disk = (diskId: string, autoSnapshotPolicyId = "", category = "cloud_essd"): DiskState => ({
  diskId,
  category,
  autoSnapshotPolicyId,
});

describe("chunk", () => {
  it("cuts 2,500 ids into 25 batches of 100 and keeps every id once, in order", () => {
    const ids = Array.from({ length: 2500 }, (_, index) => `d-${index}`);
    const batches = chunk(ids, 100);
    expect(batches).toHaveLength(25);
    expect(batches.every((batch) => batch.length === 100)).toBe(true);
    expect(batches.flat()).toEqual(ids);
  });

  it("leaves the remainder in a last, shorter batch", () => {
    expect(chunk(["a", "b", "c", "d", "e"], 2)).toEqual([["a", "b"], ["c", "d"], ["e"]]);
    expect(chunk([], 100)).toEqual([]);
  });

  it("rejects a size that would never end", () => {
    expect(() => chunk(["a"], 0)).toThrow("positive integer");
    expect(() => chunk(["a"], 1.5)).toThrow("positive integer");
  });
});

describe("set helpers", () => {
  it("difference and union are sorted and free of duplicates", () => {
    expect(difference(["d-3", "d-1", "d-2", "d-1"], ["d-2"])).toEqual(["d-1", "d-3"]);
    expect(union(["d-2", "d-1"], ["d-3", "d-1"])).toEqual(["d-1", "d-2", "d-3"]);
  });

  it("listIds cuts long lists and says how many it left out", () => {
    const ids = Array.from({ length: 25 }, (_, index) => `d-${index}`);
    expect(listIds(ids.slice(0, 2))).toBe("d-0, d-1");
    expect(listIds(ids)).toMatch(/^d-0, .*d-19 and 5 more$/);
  });
});

describe("diffAttachment", () => {
  const olds = {
    regionId: "cn-hangzhou",
    autoSnapshotPolicyId: "sp-a",
    diskIds: ["d-1", "d-2"],
    missingDiskIds: [],
    batchSize: 100,
    takeOverDisks: false,
    handedOffDiskIds: [],
    __provider: "old provider text",
  };

  it("sees no change when only the order, batchSize, takeOverDisks or the provider text differ", () => {
    const news = { ...olds, diskIds: ["d-2", "d-1"], batchSize: 10, takeOverDisks: true, __provider: "new" };
    expect(diffAttachment(olds, news)).toEqual({ changes: false });
  });

  it.each([[["d-3"]], [["d-3", UNKNOWN]], [UNKNOWN], [[]]])(
    "sees no change when only handedOffDiskIds differ (%j): they alter nothing in the cloud",
    (handedOffDiskIds) => {
      const before = { ...olds, handedOffDiskIds: ["d-4"] };
      expect(diffAttachment(before, { ...before, handedOffDiskIds })).toEqual({ changes: false });
    },
  );

  it("replaces on a new or unknown region", () => {
    expect(diffAttachment(olds, { ...olds, regionId: "cn-beijing" })).toEqual({
      changes: true,
      replaces: ["regionId"],
    });
    expect(diffAttachment(olds, { ...olds, regionId: UNKNOWN }).replaces).toEqual(["regionId"]);
  });

  it("updates in place on a new policy or disk list, and on unknown ones", () => {
    for (const news of [
      { ...olds, autoSnapshotPolicyId: "sp-b" },
      { ...olds, diskIds: ["d-1"] },
      { ...olds, diskIds: ["d-1", "d-2", "d-3"] },
      { ...olds, autoSnapshotPolicyId: UNKNOWN },
      { ...olds, diskIds: ["d-1", UNKNOWN] },
      { ...olds, diskIds: UNKNOWN },
    ]) {
      expect(diffAttachment(olds, news)).toEqual({ changes: true });
    }
  });

  it("sees disks reported missing by refresh as a change, so that an update clears the report", () => {
    expect(diffAttachment({ ...olds, missingDiskIds: ["d-3"] }, { ...olds })).toEqual({ changes: true });
  });

  it("sees drift found by refresh (a disk dropped from the outputs) as a change", () => {
    expect(diffAttachment({ ...olds, diskIds: ["d-1"] }, { ...olds })).toEqual({ changes: true });
  });
});

describe("planUpdate", () => {
  it("applies added disks and cancels removed ones under the same policy", () => {
    expect(
      planUpdate(
        { autoSnapshotPolicyId: "sp-a", diskIds: ["d-1", "d-2", "d-3"] },
        { autoSnapshotPolicyId: "sp-a", diskIds: ["d-2", "d-3", "d-4"] },
      ),
    ).toEqual({ cancel: ["d-1"], handOver: [], apply: ["d-4"] });
  });

  it("hands over removed disks that another attachment takes, and cancels the other removed ones", () => {
    expect(
      planUpdate(
        { autoSnapshotPolicyId: "sp-a", diskIds: ["d-1", "d-2", "d-3"] },
        { autoSnapshotPolicyId: "sp-a", diskIds: ["d-3", "d-4"] },
        ["d-2", "d-4", "d-9"],
      ),
    ).toEqual({ cancel: ["d-1"], handOver: ["d-2"], apply: ["d-4"] });
  });

  it("hands over removed disks during a policy change too", () => {
    expect(
      planUpdate(
        { autoSnapshotPolicyId: "sp-a", diskIds: ["d-1", "d-2"] },
        { autoSnapshotPolicyId: "sp-b", diskIds: ["d-1"] },
        ["d-2"],
      ),
    ).toEqual({ cancel: [], handOver: ["d-2"], apply: ["d-1"] });
  });

  it("moves every kept disk to a new policy without cancelling it", () => {
    expect(
      planUpdate(
        { autoSnapshotPolicyId: "sp-a", diskIds: ["d-1", "d-2"] },
        { autoSnapshotPolicyId: "sp-b", diskIds: ["d-2", "d-1"] },
      ),
    ).toEqual({ cancel: [], handOver: [], apply: ["d-1", "d-2"] });
  });

  it("plans nothing when nothing changed", () => {
    const membership = { autoSnapshotPolicyId: "sp-a", diskIds: ["d-1"] };
    expect(planUpdate(membership, membership, ["d-1"])).toEqual({ cancel: [], handOver: [], apply: [] });
  });
});

describe("categoryTakesSnapshots", () => {
  it.each(["cloud", "cloud_efficiency", "cloud_ssd", "cloud_essd", "cloud_auto", "cloud_essd_entry"])(
    "%s can",
    (category) => expect(categoryTakesSnapshots(category)).toBe(true),
  );
  it.each([
    "local_ssd_pro",
    "local_hdd_pro",
    "ephemeral",
    "ephemeral_ssd",
    "elastic_ephemeral_disk_standard",
  ])("%s cannot", (category) => expect(categoryTakesSnapshots(category)).toBe(false));
});

describe("preflightApply", () => {
  const found = [
    disk("d-free"),
    disk("d-ours", "sp-a"),
    disk("d-old", "sp-old"),
    disk("d-other", "sp-other"),
    disk("d-local", "", "local_ssd_pro"),
  ];

  it("sorts disks into missing, unsupported, foreign, already attached and to apply", () => {
    const ids = ["d-gone", "d-free", "d-ours", "d-old", "d-other", "d-local"];
    expect(preflightApply(ids, found, "sp-a", ["sp-old"])).toEqual({
      toApply: ["d-free", "d-old", "d-other"],
      alreadyAttached: ["d-ours"],
      missing: ["d-gone"],
      unsupported: [{ diskId: "d-local", category: "local_ssd_pro" }],
      foreign: [{ diskId: "d-other", autoSnapshotPolicyId: "sp-other" }],
    });
  });

  it("fails naming missing and unsupported disks even with takeOverDisks", () => {
    const preflight = preflightApply(["d-gone", "d-local", "d-free"], found, "sp-a");
    const problem = preflightProblem(preflight, "cn-hangzhou", true);
    expect(problem).toContain("do not exist in cn-hangzhou: d-gone");
    expect(problem).toContain("d-local (local_ssd_pro)");
    expect(problem).not.toContain("d-free");
  });

  it("fails naming foreign disks and their policies unless takeOverDisks", () => {
    const preflight = preflightApply(["d-other", "d-free"], found, "sp-a");
    expect(preflightProblem(preflight, "cn-hangzhou", false)).toMatch(
      /already carry another automatic snapshot policy.*d-other \(sp-other\).*takeOverDisks: true/,
    );
    expect(preflightProblem(preflight, "cn-hangzhou", true)).toBeUndefined();
  });
});

describe("readMembership", () => {
  it("keeps disks that carry the policy, reports gone ones, drops moved ones", () => {
    const found = [disk("d-1", "sp-a"), disk("d-2", "sp-b"), disk("d-3", "")];
    expect(readMembership(["d-4", "d-3", "d-2", "d-1"], found, "sp-a")).toEqual({
      diskIds: ["d-1"],
      missingDiskIds: ["d-4"],
    });
  });
});

describe("mapWithConcurrency", () => {
  it("keeps order and never runs more than the limit at once", async () => {
    let running = 0;
    let peak = 0;
    const results = await mapWithConcurrency([5, 1, 4, 2, 3], 2, async (value) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, value));
      running--;
      return value * 10;
    });
    expect(results).toEqual([50, 10, 40, 20, 30]);
    expect(peak).toBe(2);
  });

  it("starts no new task after a failure and throws it", async () => {
    const started: number[] = [];
    const run = mapWithConcurrency([1, 2, 3, 4], 1, async (value) => {
      started.push(value);
      if (value === 2) throw new Error("boom");
      return value;
    });
    await expect(run).rejects.toThrow("boom");
    expect(started).toEqual([1, 2]);
  });
});
