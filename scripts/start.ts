import * as path from "node:path";
import { startEcsEmulator } from "../emulator";
import { quickstart } from "../examples/quickstart/program";
import { localStack } from "./local-pulumi";
import { repoRoot } from "./repo-root";

/*
 * `npm start`: the quick start on the local ECS endpoint, deployed with the real Pulumi CLI on a local
 * file backend. State (the endpoint's and Pulumi's) is kept in .pulumi-local/quickstart, so a second
 * run reports no changes; delete that directory to start over.
 */

const REGION = "cn-hangzhou";
const QUICKSTART_DISKS = ["d-quickstart0001", "d-quickstart0002", "d-quickstart0003"];

async function main(): Promise<void> {
  const stateDir = path.join(repoRoot(), ".pulumi-local", "quickstart");
  const emulator = await startEcsEmulator({
    // One policy per disk (Apply replaces) until the provider handles several policies per disk.
    policiesPerDisk: 1,
    statePath: path.join(stateDir, "ecs-state.json"),
    disks: QUICKSTART_DISKS.map((diskId) => ({ diskId, regionId: REGION })),
  });
  console.log(`Local ECS endpoint ${emulator.url} (state in ${path.relative(process.cwd(), stateDir)})`);
  try {
    const stack = await localStack({
      projectName: "snapshot-quickstart",
      stackName: "local",
      program: async () => quickstart(),
      stateDir,
      config: {
        "alicloud:region": { value: REGION },
        "alicloud:endpoints": { value: JSON.stringify([{ ecs: emulator.url }]) },
        "alicloud:accessKey": { value: emulator.accessKeyId, secret: true },
        "alicloud:secretKey": { value: emulator.accessKeySecret, secret: true },
        "quickstart:diskIds": { value: JSON.stringify(QUICKSTART_DISKS) },
      },
    });
    const result = await stack.up({ onOutput: (line) => process.stdout.write(line) });
    const changes = Object.entries(result.summary.resourceChanges ?? {}).filter(([kind]) => kind !== "same");
    console.log();
    console.log(`Policy:   ${result.outputs.policyId.value}`);
    console.log(`Disks:    ${(result.outputs.attachedDisks.value as string[]).join(", ")}`);
    console.log(`Schedule: ${result.outputs.schedule.value}`);
    console.log(
      `Changes:  ${changes.length === 0 ? "none, the stack matches the program" : changes.map(([kind, n]) => `${n} ${kind}`).join(", ")}`,
    );
  } finally {
    await emulator.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
