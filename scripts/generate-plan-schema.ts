import * as fs from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { backupPlanSchema } from "../provider/backup-plan/schema";
import { repoRoot } from "./repo-root";

/*
 * Writes schema/backup-plan.schema.json, the JSON Schema of backup plan files, from the zod schemas
 * that validate them. Editors use it to check and complete plan files; the rules it cannot express
 * (ranges inside the zod transforms) are still enforced when the plan loads.
 * Run with `npm run build && node dist/scripts/generate-plan-schema.js`.
 */

export const PLAN_SCHEMA_PATH = path.join("schema", "backup-plan.schema.json");

export function planSchemaText(): string {
  // Input side: what a person writes in the file, before defaults and normalisation.
  const schema = z.toJSONSchema(backupPlanSchema, { io: "input", unrepresentable: "any" });
  return `${JSON.stringify(schema, null, 2)}\n`;
}

function main(): void {
  const target = path.join(repoRoot(), PLAN_SCHEMA_PATH);
  fs.writeFileSync(target, planSchemaText());
  console.log(`wrote ${path.relative(process.cwd(), target)}`);
}

if (require.main === module) main();
