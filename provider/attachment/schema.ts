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
  handedOffDiskIds: orUnknown(handedOffDiskIdsSchema).default([]),
});

export type PolicyAttachmentInputs = z.infer<typeof policyAttachmentInputsSchema>;
