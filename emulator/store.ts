import * as fs from "node:fs";
import { writeDurably } from "./durable-write";
import { type DiskRecord, type EcsState, emptyState, idMap, newPolicyRecord, tagMap } from "./model";

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
    policies: idMap(policies.map((policy) => [policy.id, policy])),
    disks: idMap(disks.map((disk) => [disk.diskId, disk])),
    instances: idMap(instances.map((instance) => [instance.instanceId, instance])),
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
 * Writes the whole state to one JSON file (see durable-write.ts). Saves are group-committed: callers
 * that arrive while writes are in flight share the next write, which serializes the state as it is
 * when it is handed to the writer, so it holds every change made before the call. Two writes may be
 * in flight (one on disk, the next queued behind it), so the writer never idles while saves wait;
 * the writer runs them in order, so a write resolves only once every earlier one is on disk too.
 */
export class FileStore implements Store {
  private static readonly WRITES_IN_FLIGHT = 2;
  private waiting: { resolve: () => void; reject: (error: unknown) => void }[] = [];
  private latest: EcsState | undefined;
  private inFlight = 0;

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
    this.startWrite();
    return done;
  }

  private startWrite(): void {
    if (this.waiting.length === 0 || this.inFlight >= FileStore.WRITES_IN_FLIGHT) return;
    const batch = this.waiting.splice(0);
    this.inFlight += 1;
    writeDurably(this.filePath, JSON.stringify(this.latest))
      .then(
        () => batch.forEach((waiter) => waiter.resolve()),
        (error: unknown) => batch.forEach((waiter) => waiter.reject(error)),
      )
      .finally(() => {
        this.inFlight -= 1;
        this.startWrite();
      });
  }
}

export function openStore(statePath: string | undefined): Store {
  return statePath === undefined ? new MemoryStore() : new FileStore(statePath);
}
