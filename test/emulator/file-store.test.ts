import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { FileStore } from "../../emulator/store";
import { emptyState, newPolicyRecord } from "../../emulator/model";

// The state file's group commit: every save resolves only once the file on disk holds its change,
// however the saves are batched, and a failed write is reported to the saves it carried.

let directory: string;
beforeEach(() => {
  directory = fs.mkdtempSync(path.join(os.tmpdir(), "ecs-local-store-"));
});
afterEach(() => fs.rmSync(directory, { recursive: true, force: true }));

test("each of many concurrent saves resolves only once the file holds its change", async () => {
  const filePath = path.join(directory, "nested", "state.json");
  const store = new FileStore(filePath);
  const state = emptyState();
  const seenOnDisk: boolean[] = [];
  await Promise.all(
    Array.from({ length: 200 }, async (_, index) => {
      // Saves arrive spread over several writes, as requests do.
      await new Promise((resolve) => setTimeout(resolve, index % 7));
      const id = `sp-${index}`;
      state.policies[id] = newPolicyRecord({ id, regionId: "cn-hangzhou", type: "Custom" });
      await store.save(state);
      const onDisk = JSON.parse(fs.readFileSync(filePath, "utf8")) as { policies: Record<string, unknown> };
      seenOnDisk.push(id in onDisk.policies);
    }),
  );
  expect(seenOnDisk).toHaveLength(200);
  expect(seenOnDisk.every(Boolean)).toBe(true);
  expect(Object.keys(new FileStore(filePath).load().policies)).toHaveLength(200);
  expect(fs.readdirSync(path.dirname(filePath))).toEqual(["state.json"]);
  expect(fs.statSync(filePath).mode & 0o777).toBe(0o600);
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
