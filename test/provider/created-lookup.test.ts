import { createAutoSnapshotPolicy, describeAutoSnapshotPolicy } from "../../provider/ecs/api";
import { EcsClient } from "../../provider/ecs/client";
import { REGION } from "../support/local-ecs";
import { useLocalEcs } from "../support/use-local-ecs";

// A create whose answer is lost is looked up by its client-token tag; the tag index may lag the write by
// a few seconds, so an empty first look must not send the create again.

describe("the lookup after a lost create answer", () => {
  const local = useLocalEcs();

  it("looks again when the tag index lags, and creates no second policy", async () => {
    const client = new EcsClient(
      {
        endpoint: local.emulator.url,
        credentials: {
          accessKeyId: local.emulator.accessKeyId,
          accessKeySecret: local.emulator.accessKeySecret,
        },
      },
      { baseDelayMs: 1 },
    );
    const token = "lookup-lag-token";
    local.emulator.addFault({ action: "CreateAutoSnapshotPolicy", times: 1, dropResponse: true });
    let looks = 0;
    // The first look answers as a lagging index would: nothing yet.
    const lagging = async () => {
      looks++;
      if (looks === 1) return undefined;
      return describeAutoSnapshotPolicy(client, {
        regionId: REGION,
        tag: { key: "pulumi:client-token", value: token },
      });
    };
    const id = await createAutoSnapshotPolicy(
      client,
      {
        regionId: REGION,
        timePoints: ["1"],
        repeatWeekdays: ["1"],
        retentionDays: 7,
        Tag: [{ Key: "pulumi:client-token", Value: token }],
      },
      lagging,
    );
    expect(looks).toBe(2);
    expect(
      local.emulator.requests.filter(({ action }) => action === "CreateAutoSnapshotPolicy"),
    ).toHaveLength(1);
    expect(id).toMatch(/^sp-/);
  });
});
