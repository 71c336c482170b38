import { z } from "zod";
import { UNKNOWN } from "../engine";
import {
  booleanInput,
  diskIdSchema,
  inputsObject,
  integerInput,
  notAllowed,
  orUnknown,
  policyIdSchema,
  regionIdSchema,
  sortedSet,
} from "../input-schemas";
import { TAG_ASSOCIATION } from "../policy/association";
import { associationTypeSchema } from "../policy/schema";

export const MAX_APPLY_BATCH_SIZE = 100;

function diskIdList(allowed: string) {
  return z.array(orUnknown(diskIdSchema), { error: (issue) => notAllowed(issue.input, allowed) });
}

const diskIdsSchema = diskIdList("a list of one or more disk ids such as d-bp14k9cxvr5uzy54")
  .min(1, { error: "an empty list is not allowed; one or more disk ids such as d-bp14k9cxvr5uzy54" })
  .superRefine((diskIds, ctx) => {
    const firstIndex = new Map<string, number>();
    diskIds.forEach((diskId, index) => {
      if (diskId === UNKNOWN) return;
      const earlier = firstIndex.get(diskId);
      if (earlier === undefined) firstIndex.set(diskId, index);
      else {
        ctx.addIssue({
          code: "custom",
          path: [index],
          message: `"${diskId}" is already listed at index ${earlier}; list each disk once`,
        });
      }
    });
  })
  .transform(sortedSet<string>);

const handedOffDiskIdsSchema = diskIdList("a list of disk ids such as d-bp14k9cxvr5uzy54").transform(
  sortedSet<string>,
);

export const policyAttachmentInputsSchema = inputsObject({
  regionId: orUnknown(regionIdSchema).optional(),
  autoSnapshotPolicyId: orUnknown(policyIdSchema),
  diskIds: orUnknown(diskIdsSchema),
  batchSize: orUnknown(
    integerInput(
      { min: 1, max: MAX_APPLY_BATCH_SIZE },
      `whole numbers 1–${MAX_APPLY_BATCH_SIZE} (disks per ApplyAutoSnapshotPolicy call)`,
    ),
  ).default(MAX_APPLY_BATCH_SIZE),
  takeOverDisks: orUnknown(booleanInput).default(false),
  adoptAssociations: orUnknown(booleanInput).default(false),
  /** Deprecated and ignored: a move no longer needs it (see README "Moves"). Accepted so that programs still run. */
  handedOffDiskIds: orUnknown(handedOffDiskIdsSchema).optional(),
  policyAssociationType: orUnknown(associationTypeSchema).optional(),
}).superRefine(({ autoSnapshotPolicyId, policyAssociationType }, ctx) => {
  if (policyAssociationType === TAG_ASSOCIATION) {
    ctx.addIssue({
      code: "custom",
      path: ["autoSnapshotPolicyId"],
      message: tagPolicyProblem(
        autoSnapshotPolicyId === UNKNOWN ? "the policy" : `policy ${autoSnapshotPolicyId}`,
      ),
    });
  }
});

/** Why a policy associated with instance tags cannot be attached to disks. */
export function tagPolicyProblem(policy: string): string {
  return (
    `${policy} is associated with instance tags (associationType ${TAG_ASSOCIATION}): it covers the disks ` +
    "of the instances that carry its targetTags and cannot be applied to disks; remove this PolicyAttachment " +
    "and tag the instances instead"
  );
}

export type PolicyAttachmentInputs = z.infer<typeof policyAttachmentInputsSchema>;
