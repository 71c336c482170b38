import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/*
 * Cold start of `snapshot-plan`: a fresh node process per run, as a pre-commit hook or a CI step starts
 * it, on a plan of 1,000 disks (100 policies of 10 disks). Prints, for several runs of `check`, `report`
 * and `report --svg`, the median wall time and the median CPU time (user + system, which is what the run
 * takes on an idle machine; a machine shared with other work inflates the wall time), beside a bare
 * `node -e ""` as the floor.
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

interface Timing {
  /** Wall time, which a busy machine inflates. */
  wall: number;
  /** User + system CPU time of the process: close to the wall time the same run takes on an idle machine. */
  cpu: number;
}

/** Runs `node <args>` under /usr/bin/time, which reports the child's own CPU time. */
function timeRun(args: string[]): Timing {
  const started = process.hrtime.bigint();
  const result = spawnSync("/usr/bin/time", ["-f", "%U %S", process.execPath, ...args], { encoding: "utf8" });
  const wall = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0)
    throw new Error(`${args.join(" ")} exited ${result.status}: ${result.stderr}${result.stdout}`);
  const [user, system] = result.stderr.trim().split("\n").pop()!.split(" ").map(Number);
  return { wall, cpu: (user + system) * 1000 };
}

function timeRuns(args: string[]): { wall: number; cpu: number; slowestWall: number } {
  const runs = Array.from({ length: RUNS }, () => timeRun(args));
  const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
  return {
    wall: median(runs.map((run) => run.wall)),
    cpu: median(runs.map((run) => run.cpu)),
    slowestWall: Math.max(...runs.map((run) => run.wall)),
  };
}

function main(): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-check-bench-"));
  try {
    const plan = path.join(dir, "backup.yaml");
    fs.writeFileSync(plan, planText());
    const svg = path.join(dir, "plan.svg");
    const rows: [string, ReturnType<typeof timeRuns>][] = [
      ["node -e '' (floor)", timeRuns(["-e", ""])],
      ["snapshot-plan check", timeRuns([CLI, "check", plan])],
      ["snapshot-plan report", timeRuns([CLI, "report", plan])],
      ["snapshot-plan report --svg", timeRuns([CLI, "report", plan, "--svg", svg])],
    ];
    console.log(
      `snapshot-plan cold start, ${POLICIES * DISKS_PER_POLICY} disks in ${POLICIES} policies, ` +
        `${RUNS} runs each, medians (${os.cpus().length} CPUs, load ${os.loadavg()[0].toFixed(1)}, node ${process.version})`,
    );
    for (const [name, { wall, cpu, slowestWall }] of rows) {
      console.log(
        `  ${name.padEnd(28)} wall ${wall.toFixed(0).padStart(5)} ms (slowest ${slowestWall.toFixed(0).padStart(5)} ms)` +
          `   cpu ${cpu.toFixed(0).padStart(5)} ms`,
      );
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main();
