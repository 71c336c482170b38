import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import { main } from "../../provider/backup-plan/cli";

/*
 * examples/github-actions/pulumi-preview.yml: OIDC instead of keys, the plan checked with annotations,
 * the diff report with the picture commented beside `pulumi preview`.
 */

interface Step {
  name?: string;
  run?: string;
  uses?: string;
  with?: Record<string, unknown>;
}
interface Job {
  permissions: Record<string, string>;
  steps: Step[];
}
interface Workflow {
  env: Record<string, string>;
  jobs: Record<string, Job>;
}

const WORKFLOW_FILE = path.join("examples", "github-actions", "pulumi-preview.yml");
const text = fs.readFileSync(WORKFLOW_FILE, "utf8");
const workflow = parse(text) as Workflow;
const step = (job: string, name: string) => {
  const found = workflow.jobs[job].steps.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no step "${name}" in job ${job}`);
  return found;
};

test("no long-lived key: both jobs get an OIDC token and the chain's role settings", () => {
  expect(text).not.toMatch(/ACCESS_KEY|SECRET_KEY|secrets\.ALIBABA/);
  expect(Object.keys(workflow.env)).toEqual(
    expect.arrayContaining(["ALIBABA_CLOUD_ROLE_ARN", "ALIBABA_CLOUD_OIDC_PROVIDER_ARN"]),
  );
  for (const job of ["preview", "deploy"]) {
    expect(workflow.jobs[job].permissions["id-token"]).toBe("write");
    const token = step(job, "GitHub OIDC token for Alibaba Cloud");
    expect(String(token.with?.script)).toContain('core.exportVariable("ALIBABA_CLOUD_OIDC_TOKEN_FILE"');
    const tokenIndex = workflow.jobs[job].steps.indexOf(token);
    const pulumiIndex = workflow.jobs[job].steps.findIndex((candidate) =>
      candidate.uses?.startsWith("pulumi/actions"),
    );
    expect(tokenIndex).toBeLessThan(pulumiIndex);
  }
});

test("the pull request job checks the plan, reports against the base branch's plan and comments it with the picture", () => {
  expect(step("preview", "Check the plan").run).toContain('snapshot-plan check "$PLAN"');
  expect(step("preview", "Report what the change does to the backups").run).toMatch(
    /snapshot-plan report "\$PLAN" --base "\$RUNNER_TEMP\/base.yaml" \\\s+--svg "\$RUNNER_TEMP\/plan.svg"/,
  );
  const comment = step("preview", "Comment the report").run ?? "";
  expect(comment).toContain('cat "$RUNNER_TEMP/report.md"');
  expect(comment).toContain("($PICTURE_URL)");
  const preview = workflow.jobs.preview.steps.find((candidate) =>
    candidate.uses?.startsWith("pulumi/actions"),
  );
  expect(preview?.with).toMatchObject({ command: "preview", diff: true, "comment-on-pr": true });
});

test("the problem matcher the check step installs turns each failure line into file, line, column and message", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "workflow-"));
  try {
    // Run the step's own heredoc that writes the matcher, with RUNNER_TEMP pointing here.
    const script = (step("preview", "Check the plan").run ?? "").split("\necho")[0];
    execFileSync("bash", ["-euo", "pipefail", "-c", script], { env: { ...process.env, RUNNER_TEMP: dir } });
    const matcher = JSON.parse(fs.readFileSync(path.join(dir, "snapshot-plan-matcher.json"), "utf8"));
    const [pattern] = matcher.problemMatcher[0].pattern;
    const lines: string[] = [];
    const plan = path.join("test", "unit", "fixtures", "plans", "out-of-range.yaml");
    expect(await main(["check", plan], { out: (line) => lines.push(line), err: () => undefined })).toBe(1);
    const match = new RegExp(pattern.regexp).exec(lines[0]);
    expect(
      match && [match[pattern.file], match[pattern.line], match[pattern.column], match[pattern.message]],
    ).toEqual([plan, "3", "25", "policies.daily.timePoints[2]: 24 is not allowed; whole hours 0–23 (UTC+8)"]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
