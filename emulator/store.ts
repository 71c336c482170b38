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
 * Keeps the state in one JSON file, plus a journal beside it while writes come faster than the disk
 * takes them (see durable-write.ts). Saves are group-committed: callers that arrive while writes are in
 * flight share the next write, which serializes the state as it is when it is handed to the writer, so
 * it holds every change made before the call. Two writes may be in flight (one on disk, the next queued
 * behind it), so the writer never idles while saves wait; it runs them in order, so a write resolves
 * only once every earlier one is on disk too.
 *
 * A write handed over while none is in flight replaces the state file (and deletes the journal); one
 * queued behind another appends the whole state as a line to the journal, which costs one flush instead
 * of two. So the state file alone is current whenever the endpoint is idle (and after `close()`); after
 * a crash under load, `load` takes the journal's last complete line, which is newer than the file.
 */
export class FileStore implements Store {
  private static readonly WRITES_IN_FLIGHT = 2;
  /** Past this, a queued write replaces the state file rather than growing the journal. */
  private static readonly JOURNAL_LIMIT_BYTES = 16 * 1024 * 1024;
  private readonly journalPath: string;
  private waiting: { resolve: () => void; reject: (error: unknown) => void }[] = [];
  private latest: EcsState | undefined;
  private inFlight = 0;
  private journalBytes = 0;

  constructor(private readonly filePath: string) {
    this.journalPath = `${filePath}.journal`;
  }

  load(): EcsState {
    const text = lastCompleteLine(readIfPresent(this.journalPath)) ?? readIfPresent(this.filePath);
    return text === undefined ? emptyState() : revive(JSON.parse(text) as Partial<EcsState>);
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
    const text = JSON.stringify(this.latest);
    const kind =
      this.inFlight === 0 || this.journalBytes > FileStore.JOURNAL_LIMIT_BYTES ? "replace" : "append";
    this.journalBytes = kind === "replace" ? 0 : this.journalBytes + text.length + 1;
    this.inFlight += 1;
    writeDurably({ kind, filePath: this.filePath, journalPath: this.journalPath, text })
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

function readIfPresent(filePath: string): string | undefined {
  try {
    return fs.readFileSync(filePath, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/**
 * The last line that was written in full (a crash can cut the line being written). The journal is
 * allocated ahead with zero bytes: it ends at the first one (JSON text never holds one).
 */
function lastCompleteLine(journal: string | undefined): string | undefined {
  const written = (journal ?? "").split("\0", 1)[0];
  const lines = written.split("\n").slice(0, -1);
  for (let index = lines.length - 1; index >= 0; index -= 1) {
    try {
      JSON.parse(lines[index]);
      return lines[index];
    } catch {
      // A line a failed write left unfinished: an earlier one holds the state that was acknowledged.
    }
  }
  return undefined;
}

export function openStore(statePath: string | undefined): Store {
  return statePath === undefined ? new MemoryStore() : new FileStore(statePath);
}
