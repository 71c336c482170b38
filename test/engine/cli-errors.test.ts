import * as fs from "node:fs";
import { spawn } from "node:child_process";
import * as path from "node:path";
import type { PulumiFn } from "@pulumi/pulumi/automation";
import { AutoSnapshotPolicy } from "alicloud-snapshot-policy";
import { repoRoot } from "../../scripts/repo-root";
import { ACCOUNT_KINDS, automationConfig } from "../support/local-ecs";
import { useLocalStack } from "../support/use-local-stack";

/*
 * What a user reads when inputs are wrong, under the real CLI: the engine's own text, as
 * `pulumi preview` prints it.
 */

describe.each(ACCOUNT_KINDS)("an account of %i policies per disk", (policiesPerDisk) => {
  const local = useLocalStack({ name: "errors", emulator: { policiesPerDisk } });

  /** The text of a failed preview: everything the CLI printed. */
  async function failedPreview(name: string, program: PulumiFn): Promise<string> {
    const stack = await local.newStack(name, program);
    let printed = "";
    try {
      await stack.preview({ onOutput: (text) => (printed += text) });
    } catch (error) {
      return `${printed}\n${(error as Error).message}`;
    }
    throw new Error(`the preview of ${name} succeeded:\n${printed}`);
  }

  /**
   * failedPreview of a program that loads a BackupPlan from `planFile`, run by the built package
   * (dist/; `npm test` builds it first) in a fresh Node process.
   */
  async function failedPreviewInFreshNode(name: string, planFile: string): Promise<string> {
    const script = `
      const { BackupPlan } = require("alicloud-snapshot-policy");
      const { localStack } = require("./dist/scripts/local-pulumi");
      const [name, stateDir, planFile, config] = process.argv.slice(1);
      (async () => {
        const program = async () => { new BackupPlan("plan", { file: planFile }); };
        const stack = await localStack({ projectName: name, stackName: "test", stateDir, config: JSON.parse(config), program });
        let printed = "";
        try {
          await stack.preview({ onOutput: (text) => (printed += text) });
          console.log(JSON.stringify({ succeeded: true, printed }));
        } catch (error) {
          console.log(JSON.stringify({ succeeded: false, printed: printed + "\\n" + error.message }));
        }
      })();
    `;
    const args = [
      "-e",
      script,
      name,
      path.join(local.stateRoot, name),
      planFile,
      JSON.stringify(automationConfig(local.emulator)),
    ];
    const stdout = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, args, { cwd: repoRoot(), stdio: ["ignore", "pipe", "inherit"] });
      let text = "";
      child.stdout.on("data", (chunk: Buffer) => (text += chunk.toString()));
      child.once("error", reject);
      child.once("exit", () => resolve(text));
    });
    const result = JSON.parse(stdout.trim().split("\n").pop() as string);
    if (result.succeeded) throw new Error(`the preview of ${name} succeeded:\n${result.printed}`);
    return result.printed;
  }

  test("a check failure names the top-level input, and the path and the rule in the reason", async () => {
    const output = await failedPreview("bad-hour", async () => {
      new AutoSnapshotPolicy("nightly", { timePoints: [2, 25], repeatWeekdays: [1], retentionDays: 7 });
    });
    expect(output).toContain(
      "property timePoints value {[{2} {25}]} has a problem: timePoints[1]: 25 is not allowed; whole hours 0–23 (UTC+8)",
    );
    expect(output).not.toContain("{<nil>}");
  });

  test("a missing retentionDays reads as required", async () => {
    const output = await failedPreview("no-retention", async () => {
      new AutoSnapshotPolicy("nightly", {
        timePoints: [2],
        repeatWeekdays: [1],
      } as unknown as ConstructorParameters<typeof AutoSnapshotPolicy>[1]);
    });
    expect(output).toContain("has a problem: retentionDays is required: -1 (keep forever) or 1–65535 days");
  });

  test("an invalid BackupPlan file fails the program with plain file: path: reason lines", async () => {
    const planFile = path.join(local.stateRoot, "backup.yaml");
    fs.writeFileSync(
      planFile,
      [
        "policies:",
        "  daily:",
        "    timePoints: [2, 24]",
        "    repeatWeekdays: [1]",
        "    retentionDays: 0",
        "",
      ].join("\n"),
    );
    // In its own Node process, as under the language host: run in jest's process, the rejected promise
    // that a failed inline program leaves behind would fail the test runner itself.
    const output = await failedPreviewInFreshNode("bad-plan", planFile);
    expect(output).toContain(
      `${planFile}: policies.daily.timePoints[1]: 24 is not allowed; whole hours 0–23 (UTC+8)\n`,
    );
    expect(output).toContain(
      `${planFile}: policies.daily.retentionDays: 0 is not allowed; -1 (keep forever) or 1–65535 days`,
    );
    // No stack trace, no object dump in colour, no source path.
    expect(output).not.toMatch(/^\s+at /m);
    expect(output).not.toContain("\u001b[");
    expect(output).not.toMatch(/\.ts:\d+/);
    expect(output).not.toContain("BackupPlanError");
  });
});
