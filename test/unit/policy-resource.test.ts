import * as pulumi from "@pulumi/pulumi";
import { AutoSnapshotPolicy } from "../../provider/policy/resource";
import { CLIENT_TOKEN_SEED_KEY, UNTRAVELLED_KEY } from "../../provider/policy/schema";

// The resource's constructor under a mocked engine: what it registers besides the declared inputs.

const registered: Record<string, Record<string, unknown>> = {};

beforeAll(async () => {
  await pulumi.runtime.setMocks(
    {
      newResource: ({ name, inputs }) => {
        registered[name] = inputs;
        return { id: `sp-${name}`, state: inputs };
      },
      call: () => ({}),
    },
    "backups",
    "prod",
  );
});

const declared = { regionId: "cn-hangzhou", timePoints: [1], repeatWeekdays: [1], retentionDays: 7 };

async function seedOf(name: string, opts?: pulumi.CustomResourceOptions): Promise<unknown> {
  const policy = new AutoSnapshotPolicy(name, declared, opts);
  await new Promise((resolve) => policy.id.apply(resolve));
  return registered[name][CLIENT_TOKEN_SEED_KEY];
}

class Team extends pulumi.ComponentResource {
  constructor(name: string) {
    super("example:index:Team", name, {});
  }
}

test("registers the resource's identity, from which check() derives the client token", async () => {
  const seed = await seedOf("nightly");
  expect(seed).toMatch(
    /\|backups\|prod\|pulumi-nodejs:dynamic\/alicloud-snapshot-policy:AutoSnapshotPolicy::nightly$/,
  );
  expect(await seedOf("weekly")).not.toBe(seed);
  const underTeam = await seedOf("team-nightly", { parent: new Team("storage") });
  expect(underTeam).toMatch(/\|example:index:Team::storage\|pulumi-nodejs:.*::team-nightly$/);
});

test("a tag named __proto__, which Pulumi's maps would drop, fails in the program", () => {
  const tags = JSON.parse('{"__proto__": "x", "team": "a"}');
  expect(() => new AutoSnapshotPolicy("proto", { ...declared, tags })).toThrow(
    `AutoSnapshotPolicy proto: tags.__proto__: ${UNTRAVELLED_KEY}`,
  );
});
