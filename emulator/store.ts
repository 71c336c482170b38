import * as fs from "node:fs";
import * as path from "node:path";

export type PolicyType = "Custom" | "System";

export interface PolicyRecord {
  id: string;
  regionId: string;
  name: string;
  timePoints: string[];
  repeatWeekdays: string[];
  retentionDays: number;
  enableCrossRegionCopy: boolean;
  targetCopyRegions: string[];
  copiedSnapshotsRetentionDays: number;
  encrypted: boolean;
  kmsKeyId: string;
  resourceGroupId: string;
  type: PolicyType;
  creationTime: string;
  /** Tag key → value, in the order the keys were first set. */
  tags: Record<string, string>;
}

export interface DiskRecord {
  diskId: string;
  regionId: string;
  category: string;
  attached: boolean;
  /** The automatic snapshot policy the disk carries, if any. */
  policyId?: string;
}

/** Everything that survives a restart. Maps keep insertion order, which is the listing order. */
export interface EcsState {
  policies: Record<string, PolicyRecord>;
  disks: Record<string, DiskRecord>;
}

/** Where the state lives. `save` resolves once every change made before the call is durable. */
export interface Store {
  load(): EcsState;
  save(state: EcsState): Promise<void>;
}

export function emptyState(): EcsState {
  return { policies: {}, disks: {} };
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
  private directoryMade = false;

  constructor(private readonly filePath: string) {}

  load(): EcsState {
    let text: string;
    try {
      text = fs.readFileSync(this.filePath, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return emptyState();
      throw error;
    }
    const parsed = JSON.parse(text) as Partial<EcsState>;
    return { policies: parsed.policies ?? {}, disks: parsed.disks ?? {} };
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
    const directory = path.dirname(this.filePath);
    if (!this.directoryMade) {
      await fs.promises.mkdir(directory, { recursive: true });
      this.directoryMade = true;
    }
    const temporary = `${this.filePath}.${process.pid}.tmp`;
    const handle = await fs.promises.open(temporary, "w");
    try {
      await handle.writeFile(text, "utf8");
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.promises.rename(temporary, this.filePath);
    // The rename is durable only once the directory entry is.
    const directoryHandle = await fs.promises.open(directory, "r");
    try {
      await directoryHandle.sync();
    } finally {
      await directoryHandle.close();
    }
  }
}

export function openStore(statePath: string | undefined): Store {
  return statePath === undefined ? new MemoryStore() : new FileStore(statePath);
}
