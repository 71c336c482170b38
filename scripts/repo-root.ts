import * as fs from "node:fs";
import * as path from "node:path";

/** The repository's root: the folder of this package's package.json (from the sources or from dist/). */
export function repoRoot(): string {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const manifest = path.join(dir, "package.json");
    if (
      fs.existsSync(manifest) &&
      JSON.parse(fs.readFileSync(manifest, "utf8")).name === "alicloud-snapshot-policy"
    ) {
      return dir;
    }
  }
  throw new Error(`alicloud-snapshot-policy's package.json not found above ${__dirname}`);
}
