import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/*
 * Cold start of `snapshot-plan`: a fresh node process per run, as a pre-commit hook or a CI step starts
 * it, on a plan of 1,000 disks (100 policies of 10 disks). Prints the median and the slowest of several
 * runs of `check`, of `report`, and of `report --svg`, beside a bare `node -e ""` as the floor.
 * Run with `npm run bench:plan-check` (which builds first).
 */

const RUNS = 7;
const POLICIES = 100;
const DISKS_PER_POLICY = 10;
const CLI = path.join(__dirname, "..", "provider", "backup-plan", "cli.js");

function planText(): string {
  const lines = ["policies:"];
  for (let policy = 0; policy < POLICIES; policy++) {
    const disks = Array.from(
      { length: DISKS_PER_POLICY },
      (_, disk) => `d-bp1${String(policy * DISKS_PER_POLICY + disk).padStart(8, "0")}`,
    );
    lines.push(
      `  tier-${policy}:`,
      "    regionId: cn-hangzhou",
      `    timePoints: [${policy % 24}]`,
      "    repeatWeekdays: [1, 2, 3, 4, 5, 6, 7]",
      `    retentionDays: ${7 + (policy % 30)}`,
      `    disks: [${disks.join(", ")}]`,
    );
  }
  return `${lines.join("\n")}\n`;
}

function timeRuns(args: string[]): { median: number; slowest: number } {
  const times: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const started = process.hrtime.bigint();
    const result = spawnSync(process.execPath, args, { encoding: "utf8" });
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
    if (result.status !== 0)
      throw new Error(`${args.join(" ")} exited ${result.status}: ${result.stderr}${result.stdout}`);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)], slowest: times[times.length - 1] };
}

function main(): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-check-bench-"));
  try {
    const plan = path.join(dir, "backup.yaml");
    fs.writeFileSync(plan, planText());
    const svg = path.join(dir, "plan.svg");
    const floor = timeRuns(["-e", ""]);
    const rows: [string, { median: number; slowest: number }][] = [
      ["node -e '' (floor)", floor],
      ["snapshot-plan check", timeRuns([CLI, "check", plan])],
      ["snapshot-plan report", timeRuns([CLI, "report", plan])],
      ["snapshot-plan report --svg", timeRuns([CLI, "report", plan, "--svg", svg])],
    ];
    console.log(
      `snapshot-plan cold start, ${POLICIES * DISKS_PER_POLICY} disks in ${POLICIES} policies, ` +
        `${RUNS} runs each (${os.cpus().length} CPUs, load ${os.loadavg()[0].toFixed(1)}, node ${process.version})`,
    );
    for (const [name, { median, slowest }] of rows) {
      console.log(
        `  ${name.padEnd(28)} median ${median.toFixed(0).padStart(5)} ms   slowest ${slowest.toFixed(0).padStart(5)} ms`,
      );
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main();
