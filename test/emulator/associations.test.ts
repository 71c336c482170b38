import { startEcsEmulator } from "../../emulator";
import { type Caller, diskList, json, policyList, type WireParams } from "../support/ecs-clients";
import { CLIENT_NAMES, useLocalEcs } from "../support/use-local-ecs";

/*
 * Disk↔policy associations in both kinds of account: Apply, Cancel, DescribeAutoSnapshotPolicyAssociations,
 * DescribeDisks and DiskNums, through both clients.
 */

const REGION = "cn-hangzhou";
const TOO_MANY = "OperationDenied.TooManyAutoSnapshotPolicies";

describe.each([1, 10] as const)("an account with %i polic(ies) per disk", (policiesPerDisk) => {
  const local = useLocalEcs({ policiesPerDisk });
  const adds = policiesPerDisk === 10;

  test("disk and instance ids named like built-in JavaScript properties are ordinary ids", async () => {
    const call = local.callers["pop-core"];
    local.emulator.addInstances([{ instanceId: "__proto__", regionId: REGION, tags: { k: "v" } }]);
    local.emulator.addDisks([
      { diskId: "__proto__", regionId: REGION, instanceId: "__proto__" },
      { diskId: "constructor", regionId: REGION },
    ]);
    const created = await call("CreateAutoSnapshotPolicy", {
      regionId: REGION,
      timePoints: json([1]),
      repeatWeekdays: json([1]),
      retentionDays: 7,
    });
    const policyId = created.body.AutoSnapshotPolicyId as string;
    const applied = await call("ApplyAutoSnapshotPolicy", {
      regionId: REGION,
      autoSnapshotPolicyId: policyId,
      diskIds: json(["__proto__", "constructor"]),
    });
    expect(applied.status).toBe(200);
    const listed = diskList(
      await call("DescribeDisks", { RegionId: REGION, AutoSnapshotPolicyId: policyId }),
    );
    expect(listed.map((disk) => [disk.DiskId, disk.InstanceId])).toEqual([
      ["__proto__", "__proto__"],
      ["constructor", ""],
    ]);
    const missing = await call("ApplyAutoSnapshotPolicy", {
      regionId: REGION,
      autoSnapshotPolicyId: policyId,
      diskIds: json(["toString"]),
    });
    expect(missing).toMatchObject({ status: 404, body: { Code: "InvalidDiskId.NotFound" } });
  });

  describe.each(CLIENT_NAMES)("through %s", (client) => {
    let call: Caller;
    let serial = 0;
    /** Fresh disks for one test, so that the tests do not share state. */
    const newDisks = (count: number): string[] => {
      const ids = Array.from(
        { length: count },
        () => `d-${client.slice(0, 3)}${policiesPerDisk}x${++serial}`,
      );
      local.emulator.addDisks(ids.map((diskId) => ({ diskId, regionId: REGION })));
      return ids;
    };
    const newPolicy = async (): Promise<string> => {
      const answer = await call("CreateAutoSnapshotPolicy", {
        regionId: REGION,
        timePoints: json([1]),
        repeatWeekdays: json([1]),
        retentionDays: 7,
      });
      expect(answer.status).toBe(200);
      return answer.body.AutoSnapshotPolicyId as string;
    };
    const apply = (policyId: string, diskIds: string[]) =>
      call("ApplyAutoSnapshotPolicy", {
        regionId: REGION,
        autoSnapshotPolicyId: policyId,
        diskIds: json(diskIds),
      });
    const cancel = (diskIds: string[], policyId?: string) =>
      call("CancelAutoSnapshotPolicy", {
        regionId: REGION,
        diskIds: json(diskIds),
        ...(policyId && { autoSnapshotPolicyId: policyId }),
      });
    /** Every (policy, disk) pair of a policy or of a disk, following NextToken. */
    const associations = async (filter: WireParams, maxResults?: number): Promise<[string, string][]> => {
      const pairs: [string, string][] = [];
      let NextToken = "";
      do {
        const page = await call("DescribeAutoSnapshotPolicyAssociations", {
          RegionId: REGION,
          ...filter,
          ...(maxResults !== undefined && { MaxResults: maxResults }),
          ...(NextToken && { NextToken }),
        });
        expect(page.status).toBe(200);
        const body = page.body as {
          AutoSnapshotPolicyAssociations: {
            AutoSnapshotPolicyAssociation: { AutoSnapshotPolicyId: string; DiskId: string }[];
          };
          NextToken: string;
        };
        pairs.push(
          ...body.AutoSnapshotPolicyAssociations.AutoSnapshotPolicyAssociation.map(
            (pair): [string, string] => [pair.AutoSnapshotPolicyId, pair.DiskId],
          ),
        );
        NextToken = body.NextToken;
      } while (NextToken);
      return pairs;
    };
    const policiesOf = async (diskId: string) => (await associations({ DiskId: diskId })).map(([id]) => id);
    const disksOf = async (policyId: string) =>
      (await associations({ AutoSnapshotPolicyId: policyId })).map(([, diskId]) => diskId);
    const diskNums = async (policyId: string) =>
      policyList(
        await call("DescribeAutoSnapshotPolicyEx", { RegionId: REGION, AutoSnapshotPolicyId: policyId }),
      )[0].DiskNums;

    beforeAll(() => {
      call = local.callers[client];
    });

    test(`Apply ${adds ? "adds a policy to a disk's policies" : "replaces the disk's policy"}; applying a pair again changes nothing`, async () => {
      const [d1, d2] = newDisks(2);
      const [p1, p2] = [await newPolicy(), await newPolicy()];
      expect((await apply(p1, [d1, d2])).status).toBe(200);
      expect((await apply(p2, [d1])).status).toBe(200);
      expect((await apply(p1, [d1])).status).toBe(200);

      expect(await policiesOf(d1)).toEqual(adds ? [p1, p2] : [p1]);
      expect(await policiesOf(d2)).toEqual([p1]);
      expect(await disksOf(p1)).toEqual([d1, d2]);
      expect(await disksOf(p2)).toEqual(adds ? [d1] : []);
      expect([await diskNums(p1), await diskNums(p2)]).toEqual(adds ? [2, 1] : [2, 0]);
      // DescribeDisks' one policy field shows the first policy the disk carries.
      const [disk] = diskList(await call("DescribeDisks", { RegionId: REGION, DiskIds: json([d1]) }));
      expect(disk).toMatchObject({ AutoSnapshotPolicyId: p1, EnableAutoSnapshot: true });
      const byP2 = diskList(await call("DescribeDisks", { RegionId: REGION, AutoSnapshotPolicyId: p2 }));
      expect(byP2.map((listed) => listed.DiskId)).toEqual(adds ? [d1] : []);
    });

    test(`eleven policies on one disk: ${adds ? "the 11th is refused and the request changes nothing" : "each replaces the last"}`, async () => {
      const [full, other] = newDisks(2);
      const policies: string[] = [];
      for (let index = 0; index < 11; index += 1) policies.push(await newPolicy());
      for (const policyId of policies.slice(0, 10)) expect((await apply(policyId, [full])).status).toBe(200);

      const eleventh = await apply(policies[10], [other, full]);
      if (adds) {
        expect(eleventh).toMatchObject({
          status: 403,
          body: {
            Code: TOO_MANY,
            Message: "The disk already carries the maximum number of automatic snapshot policies (10).",
          },
        });
        expect(await policiesOf(full)).toEqual(policies.slice(0, 10));
        expect(await policiesOf(other)).toEqual([]);
        // A pair that exists already is not an 11th.
        expect((await apply(policies[3], [full])).status).toBe(200);
        expect(await policiesOf(full)).toEqual(policies.slice(0, 10));
      } else {
        expect(eleventh.status).toBe(200);
        expect(await policiesOf(full)).toEqual([policies[10]]);
        expect(await policiesOf(other)).toEqual([policies[10]]);
      }
    });

    test("Cancel without a policy id takes off a disk's only policy, and refuses a disk with several", async () => {
      const [single, several] = newDisks(2);
      const [p1, p2] = [await newPolicy(), await newPolicy()];
      await apply(p1, [single, several]);
      await apply(p2, [several]);

      const refused = await cancel([single, several]);
      if (adds) {
        expect(refused).toMatchObject({
          status: 403,
          body: {
            Code: TOO_MANY,
            Message:
              "The disk has more than one automatic snapshot policy. Specify the AutoSnapshotPolicyId to cancel.",
          },
        });
        expect(await policiesOf(single)).toEqual([p1]);
        expect(await policiesOf(several)).toEqual([p1, p2]);
        expect((await cancel([several], p1)).status).toBe(200);
        expect((await cancel([single, several])).status).toBe(200);
      } else {
        expect(refused.status).toBe(200);
      }
      expect(await policiesOf(single)).toEqual([]);
      expect(await policiesOf(several)).toEqual([]);
      expect((await cancel([single])).status).toBe(200);
    });

    test("Cancel with a policy id takes off that policy only; a disk without it is left as it is", async () => {
      const [d1, d2] = newDisks(2);
      const [p1, p2] = [await newPolicy(), await newPolicy()];
      await apply(p1, [d1]);
      await apply(p2, [d1, d2]);

      expect((await cancel([d1, d2], p1)).status).toBe(200);
      expect(await policiesOf(d1)).toEqual([p2]);
      expect(await policiesOf(d2)).toEqual([p2]);
      expect(await disksOf(p1)).toEqual([]);

      const unknown = await cancel([d1], "sp-bp1doesnotexist");
      expect(unknown).toMatchObject({ status: 404, body: { Code: "ParameterInvalid" } });
      expect(await policiesOf(d1)).toEqual([p2]);
    });

    test("deleting a policy removes its associations; the other policies' DiskNums stay true", async () => {
      const [d1, d2] = newDisks(2);
      const [doomed, kept] = [await newPolicy(), await newPolicy()];
      await apply(kept, [d1, d2]);
      await apply(doomed, [d1]);
      expect(
        (await call("DeleteAutoSnapshotPolicy", { regionId: REGION, autoSnapshotPolicyId: doomed })).status,
      ).toBe(200);
      expect(await policiesOf(d1)).toEqual(adds ? [kept] : []);
      expect(await diskNums(kept)).toBe(adds ? 2 : 1);
      expect(await disksOf(kept)).toEqual(adds ? [d1, d2] : [d2]);
    });

    test("associations page by NextToken; MaxResults under 10 means 10, over 100 means 100", async () => {
      const disks = newDisks(125);
      const policyId = await newPolicy();
      expect((await apply(policyId, disks)).status).toBe(200);

      const firstPage = async (MaxResults: number) => {
        const answer = await call("DescribeAutoSnapshotPolicyAssociations", {
          RegionId: REGION,
          AutoSnapshotPolicyId: policyId,
          MaxResults,
        });
        const body = answer.body as {
          AutoSnapshotPolicyAssociations: { AutoSnapshotPolicyAssociation: unknown[] };
          NextToken: string;
        };
        return [
          body.AutoSnapshotPolicyAssociations.AutoSnapshotPolicyAssociation.length,
          body.NextToken !== "",
        ];
      };
      expect(await firstPage(1)).toEqual([10, true]);
      expect(await firstPage(37)).toEqual([37, true]);
      expect(await firstPage(1000)).toEqual([100, true]);
      expect(await disksOf(policyId)).toEqual(disks);
      expect(await associations({ AutoSnapshotPolicyId: policyId }, 100)).toEqual(
        disks.map((diskId) => [policyId, diskId]),
      );
      expect(await associations({ DiskId: disks[0] })).toEqual([[policyId, disks[0]]]);
    });
  });
});

test.each([
  [{ policiesPerDisk: 5 }, "policiesPerDisk must be 1 or 10, got 5"],
  [{ requestLogLimit: -1 }, "requestLogLimit must be a whole number ≥ 0, got -1"],
  [{ requestTimeoutMs: 0 }, "requestTimeoutMs must be a whole number > 0, got 0"],
])("startEcsEmulator(%j) is refused", async (options, message) => {
  await expect(startEcsEmulator(options as never)).rejects.toThrow(message);
});
