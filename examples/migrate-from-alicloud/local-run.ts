import * as path from "node:path";
import type { Stack } from "@pulumi/pulumi/automation";
import { startEcsEmulator, type EcsEmulator, type RequestRecord } from "alicloud-snapshot-policy/emulator";
import { localStack } from "../../scripts/local-pulumi";
import { repoRoot } from "../../scripts/repo-root";
import { adopted, bridged, STEPS, type Step } from "./program";

/*
 * Runs the migration's steps end to end on ecs-local with the real Pulumi CLI (Automation API, inline
 * program, local file backend): `node dist/examples/migrate-from-alicloud/local-run.js` after
 * `npm run build`. The test in test/engine/migrate-from-alicloud.test.ts runs the same function.
 */

export interface MigrationOptions {
  emulator: Pick<EcsEmulator, "url" | "accessKeyId" | "accessKeySecret" | "requests" | "policiesPerDisk">;
  regionId: string;
  diskIds: string[];
  /** The file backend and workspace. */
  stateDir: string;
  /** Default: all three, in order. */
  steps?: readonly Step[];
}

export interface StepResult {
  step: Step;
  changes: Record<string, number>;
  policyId: string;
  /** What the endpoint received during this step's `up`. */
  requests: RequestRecord[];
}

export async function migrateOnLocalEcs(
  options: MigrationOptions,
): Promise<{ stack: Stack; steps: StepResult[] }> {
  const { emulator, diskIds } = options;
  let step: Step = "bridged";
  let policyId = "";
  const stack = await localStack({
    projectName: "migrateFromAlicloud",
    stackName: "local",
    stateDir: options.stateDir,
    config: {
      "alicloud:region": { value: options.regionId },
      "alicloud:accessKey": { value: emulator.accessKeyId, secret: true },
      "alicloud:secretKey": { value: emulator.accessKeySecret, secret: true },
      // @pulumi/alicloud's key, read by the stand-ins and by this package alike.
      "alicloud:endpoints": { value: JSON.stringify([{ ecs: emulator.url }]) },
      // The endpoint's account kind; against a real account, state yours (see the README's account kinds).
      "alicloud-snapshot-policy:policiesPerDisk": { value: String(emulator.policiesPerDisk) },
    },
    program: async () =>
      step === "adopted" ? adopted(diskIds, policyId) : bridged(diskIds, step === "retained"),
  });
  const steps: StepResult[] = [];
  for (const next of options.steps ?? STEPS) {
    step = next;
    const firstRequest = emulator.requests.length;
    const up = await stack.up({ onOutput: () => undefined });
    policyId = up.outputs.policyId.value as string;
    steps.push({
      step,
      changes: up.summary.resourceChanges ?? {},
      policyId,
      requests: emulator.requests.slice(firstRequest),
    });
  }
  return { stack, steps };
}

async function main(): Promise<void> {
  const regionId = "cn-hangzhou";
  const diskIds = ["d-migrate000001", "d-migrate000002"];
  const emulator = await startEcsEmulator({ disks: diskIds.map((diskId) => ({ diskId, regionId })) });
  const stateDir = path.join(repoRoot(), ".pulumi-local", `migrate-from-alicloud-${Date.now()}`);
  try {
    const { steps } = await migrateOnLocalEcs({ emulator, regionId, diskIds, stateDir });
    for (const { step, changes, policyId, requests } of steps) {
      const writes = requests.filter(
        ({ action }) => !action.startsWith("Describe") && !action.startsWith("List"),
      );
      console.log(
        `${step.padEnd(8)} ${JSON.stringify(changes)} policy ${policyId}; writes: ${writes.map(({ action }) => action).join(", ") || "none"}`,
      );
    }
    console.log(`State in ${path.relative(process.cwd(), stateDir)}`);
  } finally {
    await emulator.close();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
