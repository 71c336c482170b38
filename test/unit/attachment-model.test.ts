import {
  categoryTakesSnapshots,
  effectivePoliciesPerDisk,
  intersect,
  listIds,
  merge,
  minus,
  needsRegionScan,
  preflight,
  type PreflightInput,
  sameAssociations,
  storedAssociations,
} from "../../provider/attachment/associations";
import { declaredAssociations, diffAttachment, ownedAssociations } from "../../provider/attachment/model";
import { chunk, mapWithConcurrency } from "../../provider/attachment/reconcile";
import { UNKNOWN } from "../../provider/engine";

const disk = (diskId: string, category = "cloud_essd") => ({ diskId, category });

describe("chunk", () => {
  it("cuts 2,500 ids into 25 batches of 100 and keeps every id once, in order", () => {
    const ids = Array.from({ length: 2500 }, (_, index) => `d-${index}`);
    const batches = chunk(ids, 100);
    expect(batches).toHaveLength(25);
    expect(batches.flat()).toEqual(ids);
    expect(chunk(["a", "b", "c"], 2)).toEqual([["a", "b"], ["c"]]);
    expect(chunk([], 100)).toEqual([]);
  });

  it("rejects a size that would never end", () => {
    expect(() => chunk(["a"], 0)).toThrow("positive integer");
    expect(() => chunk(["a"], 1.5)).toThrow("positive integer");
  });
});

describe("association sets", () => {
  it.each([
    [
      "merge",
      merge({ "sp-a": ["d-2", "d-1"] }, { "sp-a": ["d-1"], "sp-b": ["d-3"] }),
      { "sp-a": ["d-1", "d-2"], "sp-b": ["d-3"] },
    ],
    [
      "minus",
      minus({ "sp-a": ["d-1", "d-2"], "sp-b": ["d-3"] }, { "sp-a": ["d-2"], "sp-b": ["d-3"] }),
      { "sp-a": ["d-1"] },
    ],
    [
      "intersect",
      intersect({ "sp-a": ["d-1", "d-2"], "sp-b": ["d-3"] }, { "sp-a": ["d-2", "d-9"] }),
      { "sp-a": ["d-2"] },
    ],
  ])("%s is sorted and leaves out policies with no disk", (_name, result, expected) => {
    expect(result).toEqual(expected);
  });

  it("stored associations of any shape keep only string lists", () => {
    expect(storedAssociations({ "sp-a": ["d-2", 3, "d-1"], "sp-b": "d-1", "sp-c": [] })).toEqual({
      "sp-a": ["d-1", "d-2"],
    });
    expect(storedAssociations(undefined)).toEqual({});
    expect(storedAssociations(["sp-a"])).toEqual({});
  });

  it("an attachment owns its policy's disks plus associations left by a failed change", () => {
    const state = {
      autoSnapshotPolicyId: "sp-new",
      diskIds: ["d-1"],
      formerAssociations: { "sp-old": ["d-1", "d-2"] },
    };
    expect(ownedAssociations(state)).toEqual({ "sp-new": ["d-1"], "sp-old": ["d-1", "d-2"] });
    expect(
      sameAssociations(
        ownedAssociations(state),
        declaredAssociations({ autoSnapshotPolicyId: "sp-new", diskIds: ["d-2", "d-1"] }),
      ),
    ).toBe(false);
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
  };
  it.each([
    ["the same disks in another order", { diskIds: ["d-2", "d-1"] }, { changes: false }],
    [
      "batchSize, takeOverDisks, adoptAssociations, handedOffDiskIds",
      { batchSize: 5, takeOverDisks: true, adoptAssociations: true, handedOffDiskIds: ["d-9"] },
      { changes: false },
    ],
    ["a new policy", { autoSnapshotPolicyId: "sp-b" }, { changes: true }],
    ["an unknown policy", { autoSnapshotPolicyId: UNKNOWN }, { changes: true }],
    ["a new disk", { diskIds: ["d-1", "d-2", "d-3"] }, { changes: true }],
    ["a new region", { regionId: "cn-beijing" }, { changes: true, replaces: ["regionId"] }],
  ])("%s", (_name, change, expected) => {
    expect(diffAttachment(olds, { ...olds, ...change })).toEqual(expected);
  });

  it("associations left by a failed change are a change until they are gone", () => {
    const failed = { ...olds, formerAssociations: { "sp-old": ["d-1"] } };
    expect(diffAttachment(failed, olds)).toEqual({ changes: true });
  });

  it("a state written by 0.1 (handedOffDiskIds, no formerAssociations) diffs by its disks", () => {
    const old = { ...olds, batchSize: 100, takeOverDisks: true, handedOffDiskIds: ["d-7"] };
    expect(diffAttachment(old, { ...olds, handedOffDiskIds: [] })).toEqual({ changes: false });
  });
});

describe("categoryTakesSnapshots", () => {
  it.each([
    ["cloud_essd", true],
    ["cloud_auto", true],
    ["local_ssd_pro", false],
    ["ephemeral_ssd", false],
  ])("%s: %s", (category, expected) => {
    expect(categoryTakesSnapshots(category)).toBe(expected);
  });
});

describe("the account kind", () => {
  it.each([
    [10, undefined, 10],
    [1, { "sp-a": ["d-1"], "sp-b": ["d-1"] }, 1],
    [undefined, { "sp-a": ["d-1"], "sp-b": ["d-1"] }, 10],
    [undefined, { "sp-a": ["d-1"], "sp-b": ["d-2"] }, undefined],
    [undefined, undefined, undefined],
  ] as const)("stated %s, found %j: %s", (stated, found, expected) => {
    expect(effectivePoliciesPerDisk(stated, found as never)).toBe(expected);
  });

  it.each([
    [{}, undefined, false, false],
    [{ "sp-a": ["d-1"] }, 10, false, false],
    [{ "sp-a": ["d-1"] }, 10, true, true],
    [{ "sp-a": ["d-1"] }, 1, false, true],
    [{ "sp-a": ["d-1"] }, undefined, false, true],
  ] as const)(
    "adding %j, stated %s, takeOverDisks %s: region scan %s",
    (toAdd, stated, takeOver, expected) => {
      expect(needsRegionScan(toAdd as never, stated, takeOver)).toBe(expected);
    },
  );
});

describe("preflight", () => {
  const base: PreflightInput = {
    regionId: "cn-hangzhou",
    owned: { "sp-old": ["d-1", "d-2"] },
    desired: { "sp-new": ["d-1", "d-2"] },
    disks: [disk("d-1"), disk("d-2")],
    present: { "sp-old": ["d-1", "d-2"] },
    scanned: true,
    policiesPerDisk: 1,
    takeOverDisks: false,
    adoptAssociations: false,
  };

  it("a move between the resource's own policies is no takeover, in either kind", () => {
    for (const policiesPerDisk of [1, 10, undefined] as const) {
      const result = preflight({ ...base, policiesPerDisk });
      expect(result.problems).toEqual([]);
      expect(result.toApply).toEqual({ "sp-new": ["d-1", "d-2"] });
      expect(result.takenOver).toEqual({});
    }
  });

  it("missing and local disks are named", () => {
    const result = preflight({ ...base, disks: [disk("d-1", "local_ssd")] });
    expect(result.problems).toEqual([
      "these disks do not exist in cn-hangzhou: d-2; remove them",
      "these disks are of a category that cannot take automatic snapshots: d-1 (local_ssd)",
    ]);
  });

  it("an association present and not owned fails unless adopted", () => {
    const input = { ...base, present: { "sp-old": ["d-1", "d-2"], "sp-new": ["d-2"] } };
    expect(preflight(input).problems.join()).toMatch(
      /sp-new on d-2\. Each association has one owner.*aliases.*adoptAssociations/,
    );
    const adopted = preflight({ ...input, adoptAssociations: true });
    expect(adopted.problems).toEqual([]);
    expect(adopted.adopted).toEqual({ "sp-new": ["d-2"] });
    expect(adopted.toApply).toEqual({ "sp-new": ["d-1"] });
  });

  it("a foreign policy fails in an account of one or of unknown kind, is kept in one of ten, is taken over on request", () => {
    const input = {
      ...base,
      present: { "sp-old": ["d-1", "d-2"], "sp-x": ["d-3"], "sp-y": ["d-1"] },
      owned: { "sp-old": ["d-2"] },
    };
    expect(preflight(input).problems.join()).toContain("d-1 (sp-old, sp-y)");
    // d-1 carries sp-old (not ours) and sp-y: two policies on a disk prove an account of ten.
    expect(preflight({ ...input, policiesPerDisk: undefined }).policiesPerDisk).toBe(10);
    expect(preflight({ ...input, policiesPerDisk: 10 }).problems).toEqual([]);
    const taken = preflight({ ...input, takeOverDisks: true });
    expect(taken.problems).toEqual([]);
    expect(taken.takenOver).toEqual({ "sp-old": ["d-1"], "sp-y": ["d-1"] });
  });

  it("tiers need an account of ten, stated or proven", () => {
    const tiers = { ...base, owned: {}, present: {}, desired: { "sp-a": ["d-1"], "sp-b": ["d-1", "d-2"] } };
    expect(preflight({ ...tiers, policiesPerDisk: 1 }).problems.join()).toMatch(
      /d-1 \(sp-a, sp-b\).*one policy per disk/,
    );
    expect(preflight({ ...tiers, policiesPerDisk: undefined }).problems.join()).toMatch(/kind is not known/);
    expect(preflight({ ...tiers, policiesPerDisk: 10 }).problems).toEqual([]);
  });

  it("an eleventh policy on a disk is refused before any Apply", () => {
    const eleven = Object.fromEntries(Array.from({ length: 10 }, (_, index) => [`sp-f${index}`, ["d-1"]]));
    const result = preflight({
      ...base,
      owned: {},
      present: eleven,
      desired: { "sp-new": ["d-1"] },
      policiesPerDisk: 10,
    });
    expect(result.problems.join()).toContain("more than 10 policies");
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
