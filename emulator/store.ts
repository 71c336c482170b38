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
 * Keeps the state in one JSON file, plus a journal beside it while writes follow each other closely
 * (see durable-write.ts). Saves are group-committed in a continuous loop: one write is on its way to
 * disk at a time; every save that arrives meanwhile joins the next batch, which starts as soon as that
 * write is done, with one flush for all of them. A batch serializes the state as it is when its write
 * starts, so it holds every change made before each of its saves, and its saves resolve only once that
 * write is on disk.
 *
 * A write that starts right after another (within QUIET_MS) appends the whole state as one line to the
 * journal: one flush, about 2.7 ms here. A write after a quiet moment (or the first one, or one past the
 * journal's size limit, or the one after a failed write) replaces the state file and deletes the
 * journal: two flushes and a directory sync, about 12 ms. So under load every batch is an append, and
 * the state file alone is current once a save has followed a quiet moment; after a crash under load,
 * `load` takes the journal's last complete line, which is newer than the file.
 */
export class FileStore implements Store {
  private static readonly QUIET_MS = 50;
  /** Past this, the next write replaces the state file rather than growing the journal. */
  private static readonly JOURNAL_LIMIT_BYTES = 16 * 1024 * 1024;
  private readonly journalPath: string;
  private waiting: { resolve: () => void; reject: (error: unknown) => void }[] = [];
  private latest: EcsState | undefined;
  private writing = false;
  /** When the last write ended (performance.now()); undefined before the first and after a failure. */
  private lastWriteEnded: number | undefined;
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
    this.writeNextBatch();
    return done;
  }

  private writeNextBatch(): void {
    if (this.writing || this.waiting.length === 0) return;
    const batch = this.waiting.splice(0);
    const text = JSON.stringify(this.latest);
    const kind = this.followsClosely() ? "append" : "replace";
    this.journalBytes = kind === "replace" ? 0 : this.journalBytes + text.length + 1;
    this.writing = true;
    writeDurably({ kind, filePath: this.filePath, journalPath: this.journalPath, text }).then(
      () => {
        this.lastWriteEnded = performance.now();
        this.writing = false;
        this.writeNextBatch();
        batch.forEach((waiter) => waiter.resolve());
      },
      (error: unknown) => {
        this.lastWriteEnded = undefined;
        this.writing = false;
        this.writeNextBatch();
        batch.forEach((waiter) => waiter.reject(error));
      },
    );
  }

  private followsClosely(): boolean {
    return (
      this.lastWriteEnded !== undefined &&
      performance.now() - this.lastWriteEnded < FileStore.QUIET_MS &&
      this.journalBytes <= FileStore.JOURNAL_LIMIT_BYTES
    );
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
