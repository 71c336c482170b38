import * as fs from "node:fs";
import * as path from "node:path";
import { type DiskRecord, type EcsState, emptyState, newPolicyRecord, tagMap } from "./model";

export type {
  AssociationType,
  DiskRecord,
  EcsState,
  InstanceRecord,
  PolicyRecord,
  PolicyType,
  TagMap,
  TargetTag,
} from "./model";
export { emptyState } from "./model";

/** Where the state lives. `save` resolves once every change made before the call is durable. */
export interface Store {
  load(): EcsState;
  save(state: EcsState): Promise<void>;
}

/** The state as read back from JSON, brought to the current record shapes (tag maps without a prototype). */
function revive(parsed: Partial<EcsState>): EcsState {
  const policies = Object.values(parsed.policies ?? {}).map((policy) => newPolicyRecord(policy));
  const disks = Object.values(parsed.disks ?? {}).map((disk) => {
    // State files written before several policies per disk held one `policyId`.
    const { policyId, ...rest } = disk as DiskRecord & { policyId?: string };
    return { ...rest, policyIds: disk.policyIds ?? (policyId ? [policyId] : []) };
  });
  const instances = Object.values(parsed.instances ?? {}).map((instance) => ({
    ...instance,
    tags: tagMap(Object.entries(instance.tags ?? {})),
  }));
  return {
    policies: Object.fromEntries(policies.map((policy) => [policy.id, policy])),
    disks: Object.fromEntries(disks.map((disk) => [disk.diskId, disk])),
    instances: Object.fromEntries(instances.map((instance) => [instance.instanceId, instance])),
    ...(parsed.generatedCredentials ? { generatedCredentials: parsed.generatedCredentials } : {}),
  };
}

export class MemoryStore implements Store {
  private readonly state = emptyState();

  load(): EcsState {
    return this.state;
  }

  async save(): Promise<void> {}
}

/**
 * Writes the whole state to one JSON file: a temporary file, fsync, then rename over the old one.
 * Saves are group-committed: callers that arrive while a write runs share the next write, which
 * serializes the state as it is when that write starts, so it holds every change made before the call.
 */
export class FileStore implements Store {
  private waiting: { resolve: () => void; reject: (error: unknown) => void }[] = [];
  private latest: EcsState | undefined;
  private writing = false;

  constructor(private readonly filePath: string) {}

  load(): EcsState {
    let text: string;
    try {
      text = fs.readFileSync(this.filePath, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return emptyState();
      throw error;
    }
    return revive(JSON.parse(text) as Partial<EcsState>);
  }

  save(state: EcsState): Promise<void> {
    this.latest = state;
    const done = new Promise<void>((resolve, reject) => this.waiting.push({ resolve, reject }));
    if (!this.writing) void this.writeWhileWaiting();
    return done;
  }

  private async writeWhileWaiting(): Promise<void> {
    this.writing = true;
    while (this.waiting.length > 0) {
      const batch = this.waiting.splice(0);
      try {
        await this.write(JSON.stringify(this.latest));
        for (const waiter of batch) waiter.resolve();
      } catch (error) {
        for (const waiter of batch) waiter.reject(error);
      }
    }
    this.writing = false;
  }

  private async write(text: string): Promise<void> {
    await fs.promises.mkdir(path.dirname(this.filePath), { recursive: true });
    const temporary = `${this.filePath}.${process.pid}.tmp`;
    // The file may hold generated credentials: readable by its owner only.
    const handle = await fs.promises.open(temporary, "w", 0o600);
    try {
      await handle.writeFile(text, "utf8");
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.promises.rename(temporary, this.filePath);
  }
}

export function openStore(statePath: string | undefined): Store {
  return statePath === undefined ? new MemoryStore() : new FileStore(statePath);
}
