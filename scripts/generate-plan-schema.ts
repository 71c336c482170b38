import * as fs from "node:fs";
import * as path from "node:path";
import { backupPlanSchema } from "../provider/backup-plan/schema";
import { fileFormatJsonSchema } from "../provider/input-schemas";
import { repoRoot } from "./repo-root";

/*
 * Writes schema/backup-plan.schema.json, the JSON Schema of backup plan files, from the zod schemas
 * that validate them: types, ranges, patterns, enums and required fields, without the engine's unknown
 * value (a file has none). Editors use it to check and complete plan files. The rules it cannot express
 * (a disk listed twice, cross-field rules, the per-disk snapshot cap) are enforced when the plan loads.
 * Run with `npm run build && node dist/scripts/generate-plan-schema.js`.
 */

export const PLAN_SCHEMA_PATH = path.join("schema", "backup-plan.schema.json");

export function planSchemaText(): string {
  // Input side: what a person writes in the file, before defaults and normalisation.
  const schema = fileFormatJsonSchema(backupPlanSchema);
  return `${JSON.stringify(schema, null, 2)}\n`;
}

function main(): void {
  const target = path.join(repoRoot(), PLAN_SCHEMA_PATH);
  fs.writeFileSync(target, planSchemaText());
  console.log(`wrote ${path.relative(process.cwd(), target)}`);
}

if (require.main === module) main();
