import { AUTO_SNAPSHOTS_PER_DISK_LIMIT } from "../../policy/schedule";
import {
  planFigures,
  POLICIES_PER_DISK_LIMIT,
  tagSelector,
  type Coverage,
  type PlanFigures,
  type PolicyFigures,
  type ReportPlan,
  type TargetFigures,
} from "./figures";

/** Disks named one by one in a line before the rest are counted ("and 12 more"). */
const DISKS_NAMED = 5;
const CAP = AUTO_SNAPSHOTS_PER_DISK_LIMIT.toLocaleString("en-US");

/** The Markdown summary of a plan: per policy, then per disk (disks with the same tiers share a row). */
export function planReport(plan: ReportPlan, title = "Backup plan"): string {
  const figures = planFigures(plan);
  const lines = [`## ${title}`, "", "### Policies", ""];
  if (figures.policies.length === 0) lines.push("The plan has no policies.");
  else {
    lines.push(
      "| policy | region | schedule | retention | snapshots per disk | covers |",
      "|---|---|---|---|---|---|",
      ...figures.policies.map(
        (policy) =>
          `| ${policy.key} | ${policy.regionId ?? "(configured region)"} | ${policy.schedule} | ` +
          `${retention(policy.retentionDays)} | ${snapshotCount(policy.snapshotsPerDisk)} | ${coverage(policy.covers)} |`,
      ),
    );
  }
  lines.push("", "### Disks", "");
  const groups = groupTargets(figures.targets, targetSummary);
  if (groups.length === 0) lines.push("No policy of the plan names a disk or target tags.");
  else {
    lines.push(
      `| disks | tiers | snapshots kept (cap ${CAP} a disk) | oldest restore point |`,
      "|---|---|---|---|",
      ...groups.map(
        ({ targets, figures: first }) =>
          `| ${namedList(targets)} | ${first.tiers.join(", ")} | ${keptAgainstCap(first)}${warningSuffix(first)} | ` +
          `${restorePoint(first)} |`,
      ),
    );
  }
  if (figures.targets.some((target) => target.kind === "tags")) {
    lines.push(
      "",
      "Which disks a tag-driven policy covers is known only in the cloud: a tagged instance's disks may " +
        "also carry the plan's other policies, so their totals are not checked against the cap here.",
    );
  }
  return `${lines.join("\n")}\n`;
}

/** What changes from `base` to `head`, per policy and per disk, in words and figures. */
export function planDiffReport(base: ReportPlan, head: ReportPlan, title = "Backup plan changes"): string {
  const before = planFigures(base);
  const after = planFigures(head);
  const policyLines = policyChanges(before, after);
  const targetLines = targetChanges(before, after);
  const lines = [`## ${title}`, ""];
  if (policyLines.length === 0 && targetLines.length === 0) {
    lines.push("Nothing the plan keeps changes.");
    return `${lines.join("\n")}\n`;
  }
  lines.push("### Policies", "", ...(policyLines.length > 0 ? policyLines : ["No policy changes."]));
  lines.push("", "### Disks", "", ...(targetLines.length > 0 ? targetLines : ["No disk changes."]));
  return `${lines.join("\n")}\n`;
}

function policyChanges(before: PlanFigures, after: PlanFigures): string[] {
  const old = new Map(before.policies.map((policy) => [policy.key, policy]));
  const now = new Map(after.policies.map((policy) => [policy.key, policy]));
  const lines: string[] = [];
  for (const key of [...new Set([...old.keys(), ...now.keys()])].sort()) {
    const was = old.get(key);
    const is = now.get(key);
    if (was === undefined && is !== undefined) {
      lines.push(`- **${key}**: added. ${is.schedule} Covers ${coverage(is.covers)}.`);
    } else if (was !== undefined && is === undefined) {
      lines.push(`- **${key}**: removed (it covered ${coverage(was.covers)}).`);
    } else if (was !== undefined && is !== undefined) {
      const changes = policyFieldChanges(was, is);
      if (changes.length > 0) lines.push(`- **${key}**: ${changes.join("; ")}.`);
    }
  }
  return lines;
}

function policyFieldChanges(was: PolicyFigures, is: PolicyFigures): string[] {
  const changes: string[] = [];
  if (was.regionId !== is.regionId)
    changes.push(`region ${was.regionId ?? "(configured)"} → ${is.regionId ?? "(configured)"}`);
  if (was.schedule !== is.schedule) changes.push(`schedule "${was.schedule}" → "${is.schedule}"`);
  if (was.retentionDays !== is.retentionDays) {
    changes.push(`retention ${retention(was.retentionDays)} → ${retention(is.retentionDays)}`);
  }
  if (was.snapshotsPerDisk !== is.snapshotsPerDisk) {
    changes.push(
      `snapshots per disk ${snapshotCount(was.snapshotsPerDisk)} → ${snapshotCount(is.snapshotsPerDisk)}`,
    );
  }
  const wasDisks = was.covers.kind === "disks" ? was.covers.diskIds : [];
  const isDisks = is.covers.kind === "disks" ? is.covers.diskIds : [];
  const added = isDisks.filter((diskId) => !wasDisks.includes(diskId));
  const removed = wasDisks.filter((diskId) => !isDisks.includes(diskId));
  if (added.length > 0) changes.push(`disks added: ${namedList(added)}`);
  if (removed.length > 0) changes.push(`disks removed: ${namedList(removed)}`);
  const wasTags = was.covers.kind === "tags" ? tagSelector(was.covers.targetTags) : undefined;
  const isTags = is.covers.kind === "tags" ? tagSelector(is.covers.targetTags) : undefined;
  if (wasTags !== isTags) {
    changes.push(`target tags ${wasTags ?? "(none)"} → ${isTags ?? "(none)"}`);
  }
  return changes;
}

function targetChanges(before: PlanFigures, after: PlanFigures): string[] {
  const old = new Map(before.targets.map((target) => [target.target, target]));
  const now = new Map(after.targets.map((target) => [target.target, target]));
  const changed: { target: string; text: string }[] = [];
  for (const target of [...new Set([...old.keys(), ...now.keys()])].sort()) {
    const text = targetChange(old.get(target), now.get(target));
    if (text !== undefined) changed.push({ target, text });
  }
  // Disks that change the same way share a line, so that a plan edit over many disks stays readable.
  const byText = new Map<string, string[]>();
  for (const { target, text } of changed) byText.set(text, [...(byText.get(text) ?? []), target]);
  return [...byText.entries()].map(([text, targets]) => `- ${namedList(targets)}: ${text}`);
}

function targetChange(was: TargetFigures | undefined, is: TargetFigures | undefined): string | undefined {
  if (was === undefined && is !== undefined) {
    return `joins the plan with ${is.tiers.join(", ")}; ${keptAgainstCap(is)}; oldest restore point ${restorePoint(is)}${warningSuffix(is)}`;
  }
  if (was !== undefined && is === undefined) {
    return `leaves the plan (it carried ${was.tiers.join(", ")}); the plan keeps no snapshots of it`;
  }
  if (was === undefined || is === undefined) return undefined;
  const changes: string[] = [];
  if (was.tiers.join() !== is.tiers.join())
    changes.push(`tiers ${was.tiers.join(", ")} → ${is.tiers.join(", ")}`);
  if (restorePoint(was) !== restorePoint(is)) {
    changes.push(`oldest restore point ${restorePoint(was)} → ${restorePoint(is)}`);
  }
  if (was.snapshotsKept !== is.snapshotsKept) {
    changes.push(
      `snapshots kept ${snapshotCount(was.snapshotsKept)} → ${snapshotCount(is.snapshotsKept)} of ${CAP}`,
    );
  }
  if (changes.length === 0) return undefined;
  return `${changes.join("; ")}${warningSuffix(is)}`;
}

function warningSuffix(target: TargetFigures): string {
  const warnings = targetWarnings(target);
  return warnings.length > 0 ? ` (${warnings.join("; ")})` : "";
}

function targetWarnings(target: TargetFigures): string[] {
  const warnings: string[] = [];
  if (target.overCap && target.snapshotsKept !== Infinity)
    warnings.push(`over the ${CAP}-snapshot cap: the oldest are deleted`);
  if (target.tooManyTiers) warnings.push(`more than the ${POLICIES_PER_DISK_LIMIT} policies a disk carries`);
  return warnings;
}

/** Targets with the same figures, in the order given, each group with the first target's figures. */
function groupTargets(
  targets: readonly TargetFigures[],
  key: (target: TargetFigures) => string,
): { targets: string[]; figures: TargetFigures }[] {
  const groups = new Map<string, { targets: string[]; figures: TargetFigures }>();
  for (const target of targets) {
    const group = groups.get(key(target)) ?? { targets: [], figures: target };
    group.targets.push(target.target);
    groups.set(key(target), group);
  }
  return [...groups.values()];
}

function targetSummary(target: TargetFigures): string {
  return target.kind === "tags" ? target.target : `${target.tiers.join()}|${target.snapshotsKept}`;
}

function keptAgainstCap(target: TargetFigures): string {
  if (target.snapshotsKept === Infinity) return `${CAP} of ${CAP} (kept forever until the cap)`;
  return `${snapshotCount(target.snapshotsKept)} of ${CAP}`;
}

function restorePoint(target: TargetFigures): string {
  const days = plural(target.oldestRestorePointDays, "day");
  return target.restorePointCutByCap ? `${days} (cut by the cap)` : days;
}

function coverage(covers: Coverage): string {
  if (covers.kind === "tags") return `instances tagged ${tagSelector(covers.targetTags)}`;
  if (covers.kind === "none") return "no disks yet";
  return `${plural(covers.diskIds.length, "disk")}: ${namedList(covers.diskIds)}`;
}

function retention(days: number): string {
  return days === -1 ? "forever" : plural(days, "day");
}

function snapshotCount(count: number): string {
  return count === Infinity ? "unbounded (kept forever)" : count.toLocaleString("en-US");
}

function namedList(items: readonly string[]): string {
  if (items.length <= DISKS_NAMED + 1) return items.join(", ");
  return `${items.slice(0, DISKS_NAMED).join(", ")} and ${(items.length - DISKS_NAMED).toLocaleString("en-US")} more`;
}

function plural(count: number, unit: string): string {
  return `${count.toLocaleString("en-US")} ${unit}${count === 1 ? "" : "s"}`;
}
