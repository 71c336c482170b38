import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { LocalWorkspace, PulumiCommand, type PulumiFn, type Stack } from "@pulumi/pulumi/automation";
import { repoRoot } from "./repo-root";

/*
 * Runs Pulumi programs with the real CLI (through the Automation API, inline programs) on a local
 * file backend. Inline programs need no Node language host; the CLI starts the dynamic-provider
 * plugin `pulumi-resource-pulumi-nodejs`, a script shipped in @pulumi/pulumi: bundled next to the CLI
 * (scripts/ensure-pulumi.sh puts it there) or, failing that, found on PATH.
 */

export const CLI_VERSION = "3.259.0";

/** PULUMI_CLI_ROOT, else `pulumi` on PATH, else where scripts/ensure-pulumi.sh and the npm package put it. */
export async function findPulumiCli(): Promise<PulumiCommand> {
  const explicitRoot = process.env.PULUMI_CLI_ROOT;
  if (explicitRoot) return PulumiCommand.get({ root: explicitRoot });
  const onPath = (process.env.PATH ?? "")
    .split(path.delimiter)
    .some((dir) => dir && fs.existsSync(path.join(dir, "pulumi")));
  if (onPath) return PulumiCommand.get();
  const home = process.env.PULUMI_HOME ?? path.join(os.homedir(), ".pulumi");
  const installed = path.join(home, "versions", CLI_VERSION);
  if (!fs.existsSync(path.join(installed, "bin", "pulumi"))) {
    throw new Error(
      `no Pulumi CLI found: run 'bash scripts/ensure-pulumi.sh' (builds or finds it), or install it`,
    );
  }
  return PulumiCommand.get({ root: installed });
}

export interface LocalStackOptions {
  projectName: string;
  stackName: string;
  program: PulumiFn;
  /** Directory of the file backend (state) and of the workspace. */
  stateDir: string;
  /** Stack config; mark credentials `secret: true`. */
  config?: Record<string, { value: string; secret?: boolean }>;
  /** More environment for the CLI and the providers it starts. */
  env?: Record<string, string>;
}

export async function localStack(options: LocalStackOptions): Promise<Stack> {
  const root = repoRoot();
  const backendDir = path.join(options.stateDir, "backend");
  // Below the repository so that the CLI's plugin and the provider host resolve @pulumi/pulumi and
  // alicloud-snapshot-policy from its node_modules.
  const workDir = path.join(options.stateDir, "workspace", options.projectName);
  fs.mkdirSync(backendDir, { recursive: true });
  fs.mkdirSync(workDir, { recursive: true });
  const pluginDir = path.join(root, "node_modules", "@pulumi", "pulumi");
  const stack = await LocalWorkspace.createOrSelectStack(
    { projectName: options.projectName, stackName: options.stackName, program: options.program },
    {
      workDir,
      pulumiCommand: await findPulumiCli(),
      envVars: {
        PULUMI_BACKEND_URL: `file://${backendDir}`,
        PULUMI_CONFIG_PASSPHRASE: process.env.PULUMI_CONFIG_PASSPHRASE ?? "local-backend-only",
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        PATH: `${pluginDir}${path.delimiter}${process.env.PATH ?? ""}`,
        ...options.env,
      },
    },
  );
  if (options.config) await stack.setAllConfig(options.config);
  return stack;
}
