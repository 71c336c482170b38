import * as fs from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { backupPlanSchema } from "../provider/backup-plan";

/*
 * Writes schema/backup-plan.schema.json, the JSON Schema of backup plan files, from the zod schemas
 * that validate them. Editors use it to check and complete plan files; the rules it cannot express
 * (ranges inside the zod transforms) are still enforced when the plan loads.
 * Run with `npm run build && node dist/scripts/generate-plan-schema.js`.
 */

export const PLAN_SCHEMA_PATH = path.join("schema", "backup-plan.schema.json");

export function planSchemaText(): string {
  // Input side: what a person writes in the file, before defaults and normalisation.
  return `${toJson(z.toJSONSchema(backupPlanSchema, { io: "input", unrepresentable: "any" }))}\n`;
}

/** Objects expanded and lists of plain values on one line: the layout `prettier --check` accepts as is. */
function toJson(value: unknown, indent = ""): string {
  if (Array.isArray(value) && value.every((item) => item === null || typeof item !== "object")) {
    return `[${value.map((item) => JSON.stringify(item)).join(", ")}]`;
  }
  const inner = `${indent}  `;
  if (Array.isArray(value))
    return `[\n${value.map((item) => inner + toJson(item, inner)).join(",\n")}\n${indent}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value).map(
      ([key, field]) => `${inner}${JSON.stringify(key)}: ${toJson(field, inner)}`,
    );
    return entries.length === 0 ? "{}" : `{\n${entries.join(",\n")}\n${indent}}`;
  }
  return JSON.stringify(value);
}

function main(): void {
  const target = path.join(repositoryRoot(), PLAN_SCHEMA_PATH);
  fs.writeFileSync(target, planSchemaText());
  console.log(`wrote ${path.relative(process.cwd(), target)}`);
}

function repositoryRoot(): string {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "schema"))) return dir;
  }
  throw new Error(`no schema/ directory above ${__dirname}`);
}

if (require.main === module) main();
