#!/usr/bin/env node
import { parseArgs } from "node:util";
import { type EmulatorCredentials, startEcsEmulator, type SeedDisk } from "./index";

const USAGE = `Usage: ecs-local [options]

  --port <n>                   port to listen on (default: any free port)
  --host <address>             address to bind (default: 127.0.0.1)
  --state <path>               JSON file that keeps the state across restarts, generated
                               credentials included (default: in memory)
  --access-key-id <id>         accept this key pair (both flags together) instead of a generated one
  --access-key-secret <secret>
  --policies-per-disk <1|10>   the account kind: 10 (default) Apply adds, 1 Apply replaces
  --disks <n|ids>              seed disks: a count (d-local000001…) or a comma list of disk ids
  --region <id>                region of the seed disks (default: cn-hangzhou)
  --control                    serve the test-only /__control/ route
  --no-console                 do not serve the console page at / (served by default)
  --help                       show this text`;

function seedDisks(spec: string | undefined, regionId: string): SeedDisk[] {
  if (spec === undefined) return [];
  const ids = /^\d+$/.test(spec)
    ? Array.from({ length: Number(spec) }, (_, index) => `d-local${String(index + 1).padStart(6, "0")}`)
    : spec
        .split(",")
        .map((id) => id.trim())
        .filter(Boolean);
  return ids.map((diskId) => ({ diskId, regionId }));
}

function keyPair(
  accessKeyId: string | undefined,
  accessKeySecret: string | undefined,
): EmulatorCredentials[] | undefined {
  if (accessKeyId === undefined && accessKeySecret === undefined) return undefined;
  if (!accessKeyId || !accessKeySecret) {
    throw new Error("--access-key-id and --access-key-secret: give both, or neither for a generated pair");
  }
  return [{ accessKeyId, accessKeySecret }];
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: "string" },
      host: { type: "string" },
      state: { type: "string" },
      disks: { type: "string" },
      region: { type: "string", default: "cn-hangzhou" },
      "access-key-id": { type: "string" },
      "access-key-secret": { type: "string" },
      "policies-per-disk": { type: "string", default: "10" },
      control: { type: "boolean", default: false },
      "no-console": { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port: not a port: ${values.port}`);
  const policiesPerDisk = Number(values["policies-per-disk"]);
  if (policiesPerDisk !== 1 && policiesPerDisk !== 10) {
    throw new Error(`--policies-per-disk: 1 or 10, got ${values["policies-per-disk"]}`);
  }

  const emulator = await startEcsEmulator({
    port,
    host: values.host,
    statePath: values.state,
    credentials: keyPair(values["access-key-id"], values["access-key-secret"]),
    policiesPerDisk,
    disks: seedDisks(values.disks, values.region),
    controlRoute: values.control,
    console: !values["no-console"],
  });
  console.log(`ecs-local listening on ${emulator.url}`);
  console.log(`  accessKeyId:     ${emulator.accessKeyId}`);
  console.log(`  accessKeySecret: ${emulator.accessKeySecret}`);
  console.log(`  state:           ${values.state ?? "in memory"}`);
  console.log(
    `  account:         ${policiesPerDisk} ${policiesPerDisk === 1 ? "policy" : "policies"} per disk`,
  );
  if (values.control) console.log(`  control route:   ${emulator.url}/__control/`);
  if (!values["no-console"]) console.log(`  console:         ${emulator.url}/`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping`);
    emulator.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`Failed to stop cleanly: ${(error as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((error: unknown) => {
  console.error((error as Error).message);
  console.error(USAGE);
  process.exit(2);
});
