import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { FileStore } from "../../emulator/store";
import { emptyState, newPolicyRecord } from "../../emulator/model";

// The state file's group commit: every save resolves only once what is on disk (the state file, or the
// journal beside it while saves queue up) holds its change, however the saves are batched; a failed
// write is reported to the saves it carried.

let directory: string;
beforeEach(() => {
  directory = fs.mkdtempSync(path.join(os.tmpdir(), "ecs-local-store-"));
});
afterEach(() => fs.rmSync(directory, { recursive: true, force: true }));

test("each of many concurrent saves resolves only once a fresh load sees its change", async () => {
  const filePath = path.join(directory, "nested", "state.json");
  const store = new FileStore(filePath);
  const state = emptyState();
  const seenOnDisk: boolean[] = [];
  let journalSeen = false;
  await Promise.all(
    Array.from({ length: 200 }, async (_, index) => {
      // Saves arrive spread over several writes, as requests do.
      await new Promise((resolve) => setTimeout(resolve, index % 7));
      const id = `sp-${index}`;
      state.policies[id] = newPolicyRecord({ id, regionId: "cn-hangzhou", type: "Custom" });
      await store.save(state);
      seenOnDisk.push(id in new FileStore(filePath).load().policies);
      journalSeen ||= fs.existsSync(`${filePath}.journal`);
    }),
  );
  expect(seenOnDisk).toHaveLength(200);
  expect(seenOnDisk.every(Boolean)).toBe(true);
  expect(journalSeen).toBe(true);
  expect(Object.keys(new FileStore(filePath).load().policies)).toHaveLength(200);
  // Saves that followed others closely went to the journal; a save after a quiet moment (50 ms) folds
  // it into the file.
  await new Promise((resolve) => setTimeout(resolve, 60));
  await store.save(state);
  expect(fs.readdirSync(path.dirname(filePath))).toEqual(["state.json"]);
  expect(Object.keys(JSON.parse(fs.readFileSync(filePath, "utf8")).policies)).toHaveLength(200);
  expect(fs.statSync(filePath).mode & 0o777).toBe(0o600);
});

test("after a crash under load, the journal's last complete line wins over the file; a cut line is skipped", () => {
  const filePath = path.join(directory, "state.json");
  const record = (id: string) =>
    JSON.stringify({ policies: { [id]: newPolicyRecord({ id, regionId: "cn-hangzhou", type: "Custom" }) } });
  fs.writeFileSync(filePath, record("sp-file"));
  // The writer allocates the journal ahead with zero bytes.
  const allocatedAhead = "\0".repeat(64);
  fs.writeFileSync(
    `${filePath}.journal`,
    `${record("sp-first")}\n${record("sp-second")}\n{"policies":{"sp-cu${allocatedAhead}`,
  );
  expect(Object.keys(new FileStore(filePath).load().policies)).toEqual(["sp-second"]);

  fs.writeFileSync(`${filePath}.journal`, `{"policies":{"sp-cu${allocatedAhead}`);
  expect(Object.keys(new FileStore(filePath).load().policies)).toEqual(["sp-file"]);
});

test("the first save after a restart replaces the file and removes the old journal", async () => {
  const filePath = path.join(directory, "state.json");
  fs.writeFileSync(`${filePath}.journal`, `${JSON.stringify(emptyState())}\n`);
  const store = new FileStore(filePath);
  const state = store.load();
  state.policies["sp-new"] = newPolicyRecord({ id: "sp-new", regionId: "cn-hangzhou", type: "Custom" });
  await store.save(state);
  expect(fs.readdirSync(directory)).toEqual(["state.json"]);
  expect(Object.keys(new FileStore(filePath).load().policies)).toEqual(["sp-new"]);
});

test("a write that fails rejects the saves it carried, and later saves write again", async () => {
  const blocker = path.join(directory, "not-a-directory");
  fs.writeFileSync(blocker, "");
  const failing = new FileStore(path.join(blocker, "state.json"));
  await expect(failing.save(emptyState())).rejects.toMatchObject({
    code: expect.stringMatching(/^E(EXIST|NOTDIR)$/),
  });

  const filePath = path.join(directory, "state.json");
  const store = new FileStore(filePath);
  await store.save(emptyState());
  expect(JSON.parse(fs.readFileSync(filePath, "utf8"))).toMatchObject({ policies: {} });
});

test("saves that arrive while a write is on its way share the next write: one journal line for all", async () => {
  const filePath = path.join(directory, "state.json");
  const store = new FileStore(filePath);
  const state = emptyState();
  const addPolicy = (id: string) =>
    (state.policies[id] = newPolicyRecord({ id, regionId: "cn-hangzhou", type: "Custom" }));
  addPolicy("sp-first");
  const first = store.save(state);
  const batch = Array.from({ length: 49 }, (_, index) => {
    addPolicy(`sp-${index}`);
    return store.save(state);
  });
  await first;
  // The first write replaced the file with the state as it was when it started.
  expect(Object.keys(JSON.parse(fs.readFileSync(filePath, "utf8")).policies)).toEqual(["sp-first"]);
  await Promise.all(batch);
  const journalLines = fs.readFileSync(`${filePath}.journal`, "utf8").split("\0", 1)[0].split("\n");
  expect(journalLines).toHaveLength(2);
  expect(journalLines[1]).toBe("");
  expect(Object.keys(JSON.parse(journalLines[0]).policies)).toHaveLength(50);
});
