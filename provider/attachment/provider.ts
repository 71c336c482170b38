import { randomBytes } from "crypto";
import type * as pulumi from "@pulumi/pulumi";
import { setStackConfig } from "../config";
import {
  applyAutoSnapshotPolicy,
  cancelAutoSnapshotPolicy,
  DESCRIBE_DISKS_MAX_IDS,
  describeAutoSnapshotPolicy,
  describeDisks as describeDisksCall,
  type DiskState,
} from "../ecs/api";
import { createEcsClient, type EcsClient } from "../ecs/client";
import { isDiskNotFound, isPolicyNotFound } from "../ecs/errors";
import { containsUnknown, PartialStateError, PROVIDER_KEY, type Known, withoutUndefined } from "../engine";
import { checkInputs, formatFailures, validateInputs } from "../validation";
import {
  chunk,
  diffAttachment,
  difference,
  idList,
  mapWithConcurrency,
  planUpdate,
  preflightApply,
  preflightProblem,
  readMembership,
  union,
} from "./model";
import { policyAttachmentInputsSchema, type PolicyAttachmentInputs } from "./schema";

/** Properties as the engine passes them: inputs before check() has validated them, and earlier outputs. */
type Props = Record<string, unknown>;
type AttachmentInputs = Known<PolicyAttachmentInputs> & { regionId: string };

const INPUT_KEYS = Object.keys(policyAttachmentInputsSchema.shape);
// Reads are safe to run side by side; writes go one batch at a time so that a failure stops at a known point.
const DESCRIBE_CONCURRENCY = 4;

/**
 * The PolicyAttachment provider. The engine never holds this object: it holds the shell in
 * serialized-providers.ts, which reaches this one through `alicloud-snapshot-policy/runtime`.
 */
export const attachmentProvider: Required<pulumi.dynamic.ResourceProvider<Props, AttachmentOutputs>> = {
  async configure(request) {
    setStackConfig(request.config);
  },
  check: async (olds, news) => check(olds, news),
  diff: async (id, olds, news) => diff(id, olds, news),
  create: (inputs) => create(inputs),
  read: (id, props) => read(id, props ?? {}),
  update: (id, olds, news) => update(id, olds, news),
  delete: (id, props) => remove(id, props),
};

function check(_olds: Props, news: Props): pulumi.dynamic.CheckResult {
  return checkInputs(policyAttachmentInputsSchema, news);
}

function diff(_id: string, olds: Props, news: Props): pulumi.dynamic.DiffResult {
  return diffAttachment(olds, news);
}

async function create(props: Props): Promise<pulumi.dynamic.CreateResult> {
  const inputs = knownInputs(props);
  const id = `${inputs.regionId}:${randomBytes(8).toString("hex")}`;
  const client = await createEcsClient();
  const toApply = await checkDisksCanTakePolicy(client, inputs, inputs.diskIds, []);
  const applied = await applyInBatches(client, inputs, toApply);
  const alreadyAttached = difference(inputs.diskIds, toApply);
  if (applied.error !== undefined) {
    if (applied.diskIds.length === 0) throw applied.error;
    // Record what was applied rather than roll it back with Cancel: a rollback can fail for the same
    // reason the Apply did, and would take away a policy the program asked for; the next `up` resumes.
    throw new PartialStateError(
      `${applied.error.message}; the policy was applied to ${applied.diskIds.length} of ${toApply.length} disks, ` +
        "which the state records; run `pulumi up` again to attach the rest",
      id,
      { ...outputs(inputs, union(alreadyAttached, applied.diskIds)), [PROVIDER_KEY]: props[PROVIDER_KEY] },
    );
  }
  return { id, outs: outputs(inputs, inputs.diskIds) };
}

async function update(id: string, olds: Props, news: Props): Promise<pulumi.dynamic.UpdateResult> {
  const inputs = knownInputs(news);
  const oldPolicyId = String(olds.autoSnapshotPolicyId);
  const oldDiskIds = idList(olds.diskIds);
  const plan = planUpdate(
    { autoSnapshotPolicyId: oldPolicyId, diskIds: oldDiskIds },
    { autoSnapshotPolicyId: inputs.autoSnapshotPolicyId, diskIds: inputs.diskIds },
    inputs.handedOffDiskIds,
  );
  if (plan.cancel.length === 0 && plan.apply.length === 0) return { outs: outputs(inputs, inputs.diskIds) };

  const client = await createEcsClient();
  const partial = (error: Error, policyId: string, diskIds: string[]) =>
    new PartialStateError(
      `${error.message}; the state records the disks that carry the policy now; run \`pulumi up\` again to finish`,
      id,
      {
        ...outputs({ ...inputs, autoSnapshotPolicyId: policyId }, diskIds),
        [PROVIDER_KEY]: news[PROVIDER_KEY],
      },
    );

  const toApply =
    plan.apply.length === 0 ? [] : await checkDisksCanTakePolicy(client, inputs, plan.apply, [oldPolicyId]);
  const cancelled = await cancelInBatches(
    client,
    inputs.regionId,
    oldPolicyId,
    plan.cancel,
    inputs.batchSize,
  );
  if (cancelled.error !== undefined) {
    throw partial(
      cancelled.error,
      oldPolicyId,
      difference(oldDiskIds, [...plan.handOver, ...cancelled.diskIds]),
    );
  }
  const kept = difference(oldDiskIds, [...plan.handOver, ...plan.cancel]);
  const applied = await applyInBatches(client, inputs, toApply);
  if (applied.error !== undefined) {
    // During a policy move the disks not yet moved still carry the old policy, so the state keeps the
    // old policy id: the next `up` moves the rest, skipping the disks that already carry the new one.
    const alreadyAttached = difference(plan.apply, toApply);
    throw partial(applied.error, oldPolicyId, union(kept, alreadyAttached, applied.diskIds));
  }
  return { outs: outputs(inputs, inputs.diskIds) };
}

async function remove(_id: string, props: Props): Promise<void> {
  const client = await createEcsClient();
  const batchSize = typeof props.batchSize === "number" ? props.batchSize : DESCRIBE_DISKS_MAX_IDS;
  const result = await cancelInBatches(
    client,
    String(props.regionId),
    String(props.autoSnapshotPolicyId),
    idList(props.diskIds),
    batchSize,
  );
  if (result.error !== undefined) throw result.error;
}

async function read(id: string, props: Props): Promise<pulumi.dynamic.ReadResult> {
  const regionId = String(props.regionId);
  const policyId = String(props.autoSnapshotPolicyId);
  const declared = union(idList(props.diskIds), idList(props.missingDiskIds));
  const client = await createEcsClient();
  const found = await describeDisks(client, regionId, declared);
  const membership = readMembership(declared, found, policyId);
  if (membership.diskIds.length === 0 && !(await policyExists(client, regionId, policyId))) {
    return { id: undefined, props: {} };
  }
  return { id, props: withoutUndefined({ ...withoutProvider(props), ...membership }) };
}

/** The checked inputs, with every unknown resolved: create() and update() never run at preview. */
function knownInputs(props: Props): AttachmentInputs {
  const given = Object.fromEntries(INPUT_KEYS.map((key) => [key, props[key]]));
  const validated = validateInputs(policyAttachmentInputsSchema, given);
  if (!validated.ok)
    throw new Error(`invalid PolicyAttachment inputs:\n${formatFailures(validated.failures)}`);
  if (containsUnknown(validated.inputs) || validated.inputs.regionId === undefined) {
    throw new Error("PolicyAttachment inputs are not all known; create and update need known values");
  }
  return validated.inputs as AttachmentInputs;
}

/** What the state records for an attachment. */
export type AttachmentOutputs = {
  regionId: string;
  autoSnapshotPolicyId: string;
  diskIds: string[];
  missingDiskIds: string[];
  batchSize: number;
  takeOverDisks: boolean;
  handedOffDiskIds: string[];
};

function outputs(inputs: AttachmentInputs, diskIds: readonly string[]): AttachmentOutputs {
  return withoutUndefined({
    regionId: inputs.regionId,
    autoSnapshotPolicyId: inputs.autoSnapshotPolicyId,
    diskIds: union(diskIds),
    missingDiskIds: [],
    batchSize: inputs.batchSize,
    takeOverDisks: inputs.takeOverDisks,
    handedOffDiskIds: inputs.handedOffDiskIds,
  });
}

function withoutProvider(props: Props): Props {
  return Object.fromEntries(Object.entries(props).filter(([key]) => key !== PROVIDER_KEY));
}

async function describeDisks(
  client: EcsClient,
  regionId: string,
  diskIds: readonly string[],
): Promise<DiskState[]> {
  const pages = await mapWithConcurrency(
    chunk(diskIds, DESCRIBE_DISKS_MAX_IDS),
    DESCRIBE_CONCURRENCY,
    (ids) => describeDisksCall(client, regionId, ids),
  );
  return pages.flat();
}

async function policyExists(client: EcsClient, regionId: string, policyId: string): Promise<boolean> {
  return (
    (await describeAutoSnapshotPolicy(client, { regionId, autoSnapshotPolicyId: policyId })) !== undefined
  );
}

/**
 * Fails, before any Apply, when a disk does not exist, cannot take automatic snapshots, or carries a
 * policy this attachment does not own (unless takeOverDisks); returns the disks that need an Apply.
 */
async function checkDisksCanTakePolicy(
  client: EcsClient,
  inputs: AttachmentInputs,
  diskIds: readonly string[],
  ownPolicyIds: readonly string[],
): Promise<string[]> {
  const found = await describeDisks(client, inputs.regionId, diskIds);
  const preflight = preflightApply(diskIds, found, inputs.autoSnapshotPolicyId, ownPolicyIds);
  const problem = preflightProblem(preflight, inputs.regionId, inputs.takeOverDisks);
  if (problem !== undefined) throw new Error(`cannot apply ${inputs.autoSnapshotPolicyId}: ${problem}`);
  return preflight.toApply;
}

interface BatchOutcome {
  /** Disks the calls changed before any failure. */
  diskIds: string[];
  error?: Error;
}

async function applyInBatches(
  client: EcsClient,
  inputs: AttachmentInputs,
  diskIds: readonly string[],
): Promise<BatchOutcome> {
  const applied: string[] = [];
  for (const batch of chunk(diskIds, inputs.batchSize)) {
    try {
      await applyAutoSnapshotPolicy(client, inputs.regionId, inputs.autoSnapshotPolicyId, batch);
      applied.push(...batch);
    } catch (error) {
      applied.push(...(await carryingPolicyAfterFailure(client, inputs, batch)));
      return { diskIds: applied, error: error as Error };
    }
  }
  return { diskIds: applied };
}

/**
 * The disks of a failed Apply batch that carry the policy all the same. When that cannot be read,
 * the whole batch counts as applied: a disk wrongly recorded is cancelled harmlessly on delete, while a
 * disk wrongly left out would keep the policy after the attachment is gone.
 */
async function carryingPolicyAfterFailure(
  client: EcsClient,
  inputs: AttachmentInputs,
  batch: readonly string[],
): Promise<string[]> {
  try {
    const found = await describeDisks(client, inputs.regionId, batch);
    return readMembership(batch, found, inputs.autoSnapshotPolicyId).diskIds;
  } catch {
    return [...batch];
  }
}

/**
 * CancelAutoSnapshotPolicy naming the policy, so that a disk moved to another policy meanwhile keeps it.
 * A batch naming a disk that no longer exists is sent again without it; a policy that no longer exists
 * is on no disk, so there is nothing left to cancel.
 */
async function cancelInBatches(
  client: EcsClient,
  regionId: string,
  policyId: string,
  diskIds: readonly string[],
  batchSize: number,
): Promise<BatchOutcome> {
  const cancelled: string[] = [];
  for (const batch of chunk(diskIds, batchSize)) {
    try {
      await cancelBatch(client, regionId, policyId, batch);
      cancelled.push(...batch);
    } catch (error) {
      if (isPolicyNotFound(error)) return { diskIds: [...diskIds] };
      return { diskIds: cancelled, error: error as Error };
    }
  }
  return { diskIds: cancelled };
}

async function cancelBatch(client: EcsClient, regionId: string, policyId: string, batch: readonly string[]) {
  const cancel = (ids: readonly string[]) => cancelAutoSnapshotPolicy(client, regionId, policyId, ids);
  try {
    await cancel(batch);
  } catch (error) {
    if (!isDiskNotFound(error)) throw error;
    const found = await describeDisks(client, regionId, batch);
    const stillCarrying = readMembership(batch, found, policyId).diskIds;
    if (stillCarrying.length > 0) await cancel(stillCarrying);
  }
}
