import * as fs from "node:fs";
import * as path from "node:path";
import type { PulumiFn, Stack } from "@pulumi/pulumi/automation";
import { type EcsEmulator, type EmulatorOptions, startEcsEmulator } from "../../emulator";
import { localStack } from "../../scripts/local-pulumi";
import { repoRoot } from "../../scripts/repo-root";
import {
  type AutomationConfig,
  REGION,
  automationConfig,
  outOfBandEcs,
  type OutOfBandEcs,
} from "./local-ecs";

/** What an engine suite gets from `useLocalStack`: a local ECS endpoint, a scratch state directory, stacks. */
export interface LocalStack {
  emulator: EcsEmulator;
  /** A raw client of the endpoint, for changes and checks behind the provider's back. */
  ecs: OutOfBandEcs;
  /** A fresh directory under `<repo>/.pulumi-local`, removed after the suite. */
  stateRoot: string;
  /** The suite's stack, when `useLocalStack` was given a `program`. */
  stack: Stack;
  /** Another stack on the endpoint, with its own state under `stateRoot/<projectName>`. */
  newStack(projectName: string, program: PulumiFn, options?: NewStackOptions): Promise<Stack>;
}

export interface NewStackOptions {
  /** Default "test". */
  stackName?: string;
  /** The region of automationConfig; default REGION. */
  region?: string;
  /** Instead of automationConfig(emulator, region); `{}` for none. */
  config?: AutomationConfig;
  env?: Record<string, string>;
}

export interface UseLocalStackOptions {
  /** Prefix of the scratch directory's name. */
  name: string;
  /** ecs-local's options (disks, `policiesPerDisk`, …). */
  emulator?: EmulatorOptions;
  /** When given, `stack` is built before the suite: project `name`, automationConfig in `region`. */
  program?: PulumiFn;
  region?: string;
}

/**
 * The engine-suite counterpart of `useLocalEcs`: before the suite, starts ecs-local, makes a scratch
 * state directory and (given a program) the suite's stack; after it, closes the endpoint and removes the
 * directory. The handle's fields are set once that is done: read them inside hooks and tests.
 */
export function useLocalStack(options: UseLocalStackOptions): LocalStack {
  const handle = {} as LocalStack;
  handle.newStack = (projectName, program, more = {}) => {
    const config = more.config ?? automationConfig(handle.emulator, more.region ?? REGION);
    return localStack({
      projectName,
      stackName: more.stackName ?? "test",
      stateDir: path.join(handle.stateRoot, projectName),
      config: Object.keys(config).length > 0 ? config : undefined,
      env: more.env,
      program,
    });
  };

  beforeAll(async () => {
    const scratch = path.join(repoRoot(), ".pulumi-local");
    fs.mkdirSync(scratch, { recursive: true });
    const emulator = await startEcsEmulator(options.emulator);
    Object.assign(handle, {
      emulator,
      ecs: outOfBandEcs(emulator),
      stateRoot: fs.mkdtempSync(path.join(scratch, `${options.name}-`)),
    });
    if (options.program) {
      handle.stack = await handle.newStack(options.name, options.program, { region: options.region });
    }
  }, 120_000);

  afterAll(async () => {
    await handle.emulator?.close();
    if (handle.stateRoot) fs.rmSync(handle.stateRoot, { recursive: true, force: true });
  });

  return handle;
}
