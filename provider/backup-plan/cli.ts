#!/usr/bin/env node
import * as fs from "node:fs";
import { BackupPlanError, loadBackupPlan } from "./load";
import type { BackupPlanSpec } from "./schema";
import { PlanSourceMap } from "./source-positions";

/*
 * snapshot-plan: checks and reports on backup plan files without Pulumi and without any API call.
 *   snapshot-plan check <plan>
 *   snapshot-plan report <plan> [--base <plan>] [--svg <out.svg>] [--weeks <n>]
 * Exit status: 0 valid (or report written), 1 invalid plan, 2 usage error or unreadable file.
 */

export const EXIT_VALID = 0;
export const EXIT_INVALID = 1;
export const EXIT_USAGE = 2;

const USAGE = `usage: snapshot-plan check <plan>
       snapshot-plan report <plan> [--base <plan>] [--svg <out.svg>] [--weeks <n>]

check   validates a plan file (.yaml, .yml, .json) with the rules the provider applies at preview, and
        prints file:line:col: path: reason for each failure
report  prints a Markdown report of the plan; with --base, what changes from the base plan first;
        with --svg, writes the picture of restore points kept per disk and tier
exit status: 0 valid, 1 invalid, 2 usage error or unreadable file`;

export interface Output {
  out: (text: string) => void;
  err: (text: string) => void;
}

const processOutput: Output = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
};

type Loaded = { ok: true; plan: BackupPlanSpec } | { ok: false; status: number; lines: string[] };

export async function main(argv: readonly string[], output: Output = processOutput): Promise<number> {
  const [command, ...rest] = argv;
  const parsed = parseOptions(rest);
  if (typeof parsed === "string") return usage(output, parsed);
  const { files, options } = parsed;
  if (command === "check") {
    if (files.length !== 1 || Object.keys(options).length > 0)
      return usage(output, "check takes one plan file");
    const loaded = load(files[0]);
    if (!loaded.ok) {
      loaded.lines.forEach((line) => output.out(line));
      return loaded.status;
    }
    const policies = Object.values(loaded.plan.policies);
    const disks = new Set(policies.flatMap((policy) => policy.disks ?? []));
    output.out(
      `${files[0]}: valid; ${plural(policies.length, "policy", "policies")}, ${plural(disks.size, "disk", "disks")}`,
    );
    return EXIT_VALID;
  }
  if (command === "report") return report(files, options, output);
  if (command === "help" || command === "--help") {
    output.out(USAGE);
    return EXIT_VALID;
  }
  if (command === undefined) return usage(output, "a command is needed");
  return usage(output, `unknown command "${command}"`);
}

async function report(files: string[], options: Record<string, string>, output: Output): Promise<number> {
  const unknown = Object.keys(options).filter((name) => !["base", "svg", "weeks"].includes(name));
  if (files.length !== 1 || unknown.length > 0) {
    return usage(
      output,
      unknown.length > 0 ? `unknown option --${unknown[0]}` : "report takes one plan file",
    );
  }
  const weeks = options.weeks === undefined ? undefined : Number(options.weeks);
  if (weeks !== undefined && !(Number.isInteger(weeks) && weeks >= 1 && weeks <= 260)) {
    return usage(output, `--weeks ${options.weeks}: whole weeks 1–260`);
  }
  const head = load(files[0]);
  const base = options.base === undefined ? undefined : load(options.base);
  for (const loaded of [head, base]) {
    if (loaded !== undefined && !loaded.ok) {
      loaded.lines.forEach((line) => output.err(line));
      return loaded.status;
    }
  }
  if (!head.ok || (base !== undefined && !base.ok)) return EXIT_INVALID;
  // Loaded only when asked for, so that check and a plain report start fast.
  const { planDiffReport, planReport } = await import("./report/markdown");
  if (base !== undefined) output.out(planDiffReport(base.plan, head.plan));
  output.out(planReport(head.plan));
  if (options.svg !== undefined) {
    const { planPictureSvg } = await import("./report/picture");
    fs.writeFileSync(options.svg, await planPictureSvg(head.plan, weeks));
  }
  return EXIT_VALID;
}

/**
 * Loads a plan with the provider's own loader, which applies every rule the AutoSnapshotPolicy's
 * check() applies, so that a plan that passes fails no preview. Failures come back as
 * `file:line:col: path: reason`.
 */
function load(file: string): Loaded {
  try {
    return { ok: true, plan: loadBackupPlan(file) };
  } catch (error) {
    if (!(error instanceof BackupPlanError)) throw error;
    let text: string;
    try {
      text = fs.readFileSync(file, "utf8");
    } catch {
      return { ok: false, status: EXIT_USAGE, lines: error.message.split("\n") };
    }
    if (!/\.(ya?ml|json)$/i.test(file))
      return { ok: false, status: EXIT_USAGE, lines: error.message.split("\n") };
    const source = new PlanSourceMap(text);
    const syntax = source.syntaxProblems();
    const lines = error.failures.map(({ property, reason }) => {
      if (property !== "") {
        const { line, column } = source.positionOf(property, { atKey: reason.startsWith("unknown ") });
        return `${file}:${line}:${column}: ${property}: ${reason}`;
      }
      const position = syntax.find((problem) => problem.position !== undefined)?.position;
      return position ? `${file}:${position.line}:${position.column}: ${reason}` : `${file}: ${reason}`;
    });
    return { ok: false, status: EXIT_INVALID, lines };
  }
}

function parseOptions(
  args: readonly string[],
): { files: string[]; options: Record<string, string> } | string {
  const files: string[] = [];
  const options: Record<string, string> = {};
  for (let index = 0; index < args.length; index++) {
    const arg = args[index];
    if (!arg.startsWith("--")) {
      files.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2);
    const value = inline ?? args[++index];
    if (value === undefined || value === "") return `--${name} needs a value`;
    options[name] = value;
  }
  return { files, options };
}

function usage(output: Output, problem: string): number {
  output.err(`snapshot-plan: ${problem}\n${USAGE}`);
  return EXIT_USAGE;
}

function plural(count: number, one: string, many: string): string {
  return `${count.toLocaleString("en-US")} ${count === 1 ? one : many}`;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (status) => {
      process.exitCode = status;
    },
    (error: unknown) => {
      process.stderr.write(`snapshot-plan: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = EXIT_USAGE;
    },
  );
}
