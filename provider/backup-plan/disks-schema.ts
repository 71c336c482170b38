import { z } from "zod";
import { policyAttachmentInputsSchema } from "../attachment/schema";
import { MAX_POLICIES_PER_DISK } from "../attachment/associations";
import { POLICIES_PER_DISK_CONFIG_KEY, type PoliciesPerDisk } from "../ecs/account";
import type { Known } from "../engine";
import { UNKNOWN } from "../engine";
import {
  booleanInput,
  inputsObject,
  notAllowed,
  orUnknown,
  policyIdSchema,
  regionIdSchema,
} from "../input-schemas";
import type { ValidationFailure } from "../validation";
import { policyKeySchema, POLICY_KEY_RULE } from "./schema";

/*
 * The inputs of BackupPlanDisks: every (policy, disk) association of a plan in one region. A disk may be
 * named by several of the plan's policies (tiers), up to ten, where the account allows it.
 */

const attachmentShape = policyAttachmentInputsSchema.shape;

const planPolicyDisksSchema = z.strictObject(
  {
    key: patternKey(),
    autoSnapshotPolicyId: orUnknown(policyIdSchema),
    diskIds: attachmentShape.diskIds,
  },
  { error: (issue) => notAllowed(issue.input, "an object { key, autoSnapshotPolicyId, diskIds }") },
);

function patternKey() {
  return z.unknown().transform((value, ctx) => {
    if (policyKeySchema.safeParse(value).success) return value as string;
    ctx.addIssue({ code: "custom", message: notAllowed(value, POLICY_KEY_RULE), input: value });
    return z.NEVER;
  });
}

export const backupPlanDisksInputsSchema = inputsObject({
  regionId: orUnknown(regionIdSchema).optional(),
  policies: z
    .array(planPolicyDisksSchema, {
      error: (issue) => notAllowed(issue.input, "a list of the plan's policies and their disks"),
    })
    .min(1, { error: "an empty list is not allowed; one or more policies with their disks" }),
  batchSize: attachmentShape.batchSize,
  takeOverDisks: attachmentShape.takeOverDisks,
  adoptAssociations: orUnknown(booleanInput).default(false),
});

export type BackupPlanDisksInputs = Known<z.output<typeof backupPlanDisksInputsSchema>>;

/**
 * A disk named by several policies needs an account of ten policies per disk, and no disk takes more
 * than ten. Checked at preview with the stated account kind (an unknown kind is decided at the first read).
 */
export function tierFailures(
  policies: readonly { key: string; diskIds: readonly string[] | typeof UNKNOWN }[],
  policiesPerDisk: PoliciesPerDisk | undefined,
): ValidationFailure[] {
  const keysByDisk = new Map<string, { key: string; index: number; position: number }[]>();
  policies.forEach(({ key, diskIds }, index) => {
    if (!Array.isArray(diskIds)) return;
    diskIds.forEach((diskId, position) => {
      if (diskId === UNKNOWN) return;
      keysByDisk.set(diskId, [...(keysByDisk.get(diskId) ?? []), { key, index, position }]);
    });
  });
  const failures: ValidationFailure[] = [];
  for (const [diskId, naming] of keysByDisk) {
    if (naming.length < 2) continue;
    const last = naming[naming.length - 1];
    const keys = naming.map(({ key }) => key).join(", ");
    const property = `policies[${last.index}].diskIds[${last.position}]`;
    if (naming.length > MAX_POLICIES_PER_DISK) {
      failures.push({
        property,
        reason: `"${diskId}" is named by ${naming.length} policies (${keys}); a disk holds at most ${MAX_POLICIES_PER_DISK}`,
      });
    } else if (policiesPerDisk === 1) {
      failures.push({
        property,
        reason:
          `"${diskId}" is named by the policies ${keys}, but this account holds one policy per disk ` +
          `(${POLICIES_PER_DISK_CONFIG_KEY} is 1), where each Apply would replace the last; name each disk in one policy`,
      });
    }
  }
  return failures;
}
