import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

/** The built `ecs-local` command, as the package's bin entry runs it. */
export const ECS_LOCAL_CLI = path.resolve(__dirname, "../../dist/emulator/cli.js");

export interface StartedCli {
  child: ChildProcess;
  url: string;
  accessKeyId: string;
  accessKeySecret: string;
  output: string;
}

export function requireBuiltCli(): void {
  if (!fs.existsSync(ECS_LOCAL_CLI)) {
    throw new Error(`${ECS_LOCAL_CLI} is missing: run npm run build (npm test does) first`);
  }
}

/** Starts `ecs-local` with `args` and resolves once its banner has printed the URL and the key pair. */
export function startEcsLocalCli(args: string[]): Promise<StartedCli> {
  const child = spawn(process.execPath, [ECS_LOCAL_CLI, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  return new Promise((resolve, reject) => {
    const read = (chunk: Buffer) => {
      output += chunk.toString("utf8");
      const url = /listening on (\S+)/.exec(output)?.[1];
      const accessKeyId = /accessKeyId:\s+(\S+)/.exec(output)?.[1];
      const accessKeySecret = /accessKeySecret:\s+(\S+)/.exec(output)?.[1];
      if (url && accessKeyId && accessKeySecret && /account:.*\n/.test(output)) {
        resolve({ child, url, accessKeyId, accessKeySecret, output });
      }
    };
    child.stdout.on("data", read);
    child.stderr.on("data", read);
    child.once("exit", (code) => reject(new Error(`ecs-local exited with ${code}: ${output}`)));
  });
}
