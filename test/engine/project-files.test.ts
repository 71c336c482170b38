import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import * as yaml from "js-yaml";
import { findPulumiCli } from "../../scripts/local-pulumi";
import { repoRoot } from "../../scripts/repo-root";

// Every Pulumi.yaml in the repository is loaded by the real CLI (`pulumi stack init` and
// `pulumi config` on a local file backend), and its `main` resolves to a program of its own, not to
// this package's entry. Requires the CLI (`npm test` runs scripts/ensure-pulumi.sh first) and the
// build (`dist/`), which the root project's `main` points into.

const run = promisify(execFile);
const root = repoRoot();
const SKIPPED_DIRS = new Set(["node_modules", "dist", ".git", ".pulumi-local", "coverage"]);

function projectFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return SKIPPED_DIRS.has(entry.name) ? [] : projectFiles(full);
    return entry.name === "Pulumi.yaml" ? [path.relative(root, full)] : [];
  });
}

function nearestPackageJson(dir: string): string | undefined {
  for (let current = dir; ; current = path.dirname(current)) {
    const manifest = path.join(current, "package.json");
    if (fs.existsSync(manifest)) return manifest;
    if (path.dirname(current) === current) return undefined;
  }
}

type ExportTarget = string | { default?: string; require?: string; import?: string } | undefined;

/**
 * The file the Node language host runs for a project, following @pulumi/pulumi's cmd/run: a `main`
 * that names a file is run as is. Otherwise the program is a directory (`main`, or the project's
 * own): the nearest package.json above it gives the entry, from `exports["."]` (its `default`,
 * `require` or `import`) or, without `exports`, from `main`; without one, Node loads the directory
 * (its package.json `main`, else `index.js` / `index.ts`).
 */
function programEntry(projectDir: string, main: string | undefined): string {
  const program = path.resolve(projectDir, main ?? ".");
  if (!fs.existsSync(program) || !fs.statSync(program).isDirectory()) return program;
  const manifest = nearestPackageJson(program);
  if (manifest) {
    const pkg = JSON.parse(fs.readFileSync(manifest, "utf8"));
    let entry: string | undefined;
    if (typeof pkg.exports === "string") entry = pkg.exports;
    else if (typeof pkg.exports === "object" && pkg.exports !== null) {
      const dot = pkg.exports["."] as ExportTarget;
      entry = typeof dot === "string" ? dot : (dot?.default ?? dot?.require ?? dot?.import);
    } else entry = pkg.main;
    if (entry && fs.existsSync(path.join(path.dirname(manifest), entry))) {
      return path.join(path.dirname(manifest), entry);
    }
  }
  const ownManifest = path.join(program, "package.json");
  const ownMain = fs.existsSync(ownManifest)
    ? JSON.parse(fs.readFileSync(ownManifest, "utf8")).main
    : undefined;
  const candidates = [ownMain, "index.js", "index.ts"].filter((name): name is string => Boolean(name));
  const found = candidates.map((name) => path.join(program, name)).find((file) => fs.existsSync(file));
  return found ?? program;
}

/** This package's entry, as `exports["."]` names it. */
function packageEntry(): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
  const dot = pkg.exports["."] as ExportTarget;
  return path.join(root, typeof dot === "string" ? dot : (dot?.default ?? ""));
}

describe("programEntry resolves `main` as the Node language host does", () => {
  let scratch: string;
  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(scratch, file)), { recursive: true });
    fs.writeFileSync(path.join(scratch, file), text);
  };

  beforeAll(() => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), "program-entry-"));
    write("package.json", JSON.stringify({ exports: { ".": { types: "./lib.d.ts", default: "./lib.js" } } }));
    write("lib.js", "");
    write("built/app/index.js", "");
    write("example/package.json", JSON.stringify({ main: "index.ts" }));
    write("example/index.ts", "");
    write("bare/index.js", "");
  });
  afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

  test.each([
    ["a main that names a file runs that file", ".", "built/app/index.js", "built/app/index.js"],
    ["a main that names a directory runs the enclosing package's exports", ".", "built/app/", "lib.js"],
    ["no main runs the project's package.json main", "example", undefined, "example/index.ts"],
    [
      "a directory below no package.json of its own gets the enclosing package's entry",
      "bare",
      undefined,
      "lib.js",
    ],
  ])("%s", (_, projectDir, main, expected) => {
    expect(programEntry(path.join(scratch, projectDir), main)).toBe(path.join(scratch, expected));
  });
});

describe("every Pulumi.yaml in the repository", () => {
  const files = projectFiles(root).sort();
  let scratch: string;

  beforeAll(() => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), "project-files-"));
  });
  afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

  test("are found: the root project and every example", () => {
    const examples = fs
      .readdirSync(path.join(root, "examples"), { withFileTypes: true })
      .filter(
        (entry) => entry.isDirectory() && fs.existsSync(path.join(root, "examples", entry.name, "index.ts")),
      )
      .map((entry) => path.join("examples", entry.name, "Pulumi.yaml"));
    expect(files).toEqual(["Pulumi.yaml", ...examples].sort());
  });

  describe.each(files)("%s", (file) => {
    const projectDir = path.dirname(path.join(root, file));

    test("is loaded by the CLI: stack init and config succeed", async () => {
      // A copy of the project file alone, so that the stack's own file (Pulumi.test.yaml) is not
      // written into the repository.
      const workDir = fs.mkdtempSync(path.join(scratch, "project-"));
      fs.copyFileSync(path.join(root, file), path.join(workDir, "Pulumi.yaml"));
      const cli = (await findPulumiCli()).command;
      const options = {
        cwd: workDir,
        env: {
          ...process.env,
          PULUMI_BACKEND_URL: `file://${path.join(workDir, "backend")}`,
          PULUMI_CONFIG_PASSPHRASE: "project-file-test",
          PULUMI_SKIP_UPDATE_CHECK: "true",
        },
      };
      fs.mkdirSync(path.join(workDir, "backend"));
      const pulumi = (...args: string[]) =>
        run(cli, [...args, "--non-interactive"], options).catch(
          (error: { stderr?: string; message: string }) => {
            throw new Error(`pulumi ${args.join(" ")} failed for ${file}:\n${error.stderr || error.message}`);
          },
        );
      await pulumi("stack", "init", "test");
      const { stdout } = await pulumi("config", "--json", "--stack", "test");
      expect(typeof JSON.parse(stdout)).toBe("object");
    });

    test("names a program of its own, not the package entry", () => {
      const project = yaml.load(fs.readFileSync(path.join(root, file), "utf8")) as { main?: string };
      const entry = programEntry(projectDir, project.main);
      expect(path.relative(root, entry)).not.toBe(path.relative(root, packageEntry()));
      expect(fs.existsSync(entry) && fs.statSync(entry).isFile()).toBe(true);
    });
  });
});
