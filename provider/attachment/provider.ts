import { randomBytes } from "crypto";
import type * as pulumi from "@pulumi/pulumi";
import { setStackConfig } from "../config";
import { configuredPoliciesPerDisk, setAccountConfig } from "../ecs/account";
import { DESCRIBE_DISKS_MAX_IDS, describeAutoSnapshotPolicy } from "../ecs/api";
import { createEcsClient, type EcsClient } from "../ecs/client";
import { containsUnknown, PartialStateError, PROVIDER_KEY, type Known, withoutUndefined } from "../engine";
import { checkInputs, formatFailures, validateInputs } from "../validation";
import { type Associations, intersect, isEmpty, merge, minus, normalize } from "./associations";
import { declaredAssociations, diffAttachment, idList, ownedAssociations } from "./model";
import {
  AssociationsChangedError,
  cancelOwned,
  describeDisksById,
  disksOfPolicies,
  reconcile,
} from "./reconcile";
import { DISK_ASSOCIATION, TAG_ASSOCIATION } from "../policy/association";
import { policyAttachmentInputsSchema, tagPolicyProblem, type PolicyAttachmentInputs } from "./schema";

/** Properties as the engine passes them: inputs before check() has validated them, and earlier outputs. */
type Props = Record<string, unknown>;
type AttachmentInputs = Known<PolicyAttachmentInputs> & { regionId: string };

const INPUT_KEYS = Object.keys(policyAttachmentInputsSchema.shape);

/**
 * The PolicyAttachment provider. The engine never holds this object: it holds the shell in
 * serialized-providers.ts, which reaches this one through `alicloud-snapshot-policy/runtime`.
 */
export const attachmentProvider: Required<pulumi.dynamic.ResourceProvider<Props, AttachmentOutputs>> = {
  async configure(request) {
    setStackConfig(request.config);
    setAccountConfig(request.config);
  },
  check: async (olds, news) => check(olds, news),
  diff: async (_id, olds, news) => diffAttachment(olds, news),
  create: (inputs) => create(inputs),
  read: (id, props) => read(id, props ?? {}),
  update: (id, olds, news) => update(id, olds, news),
  delete: (id, props) => remove(id, props),
};

function check(_olds: Props, news: Props): pulumi.dynamic.CheckResult {
  const result = checkInputs(policyAttachmentInputsSchema, news);
  const kind = configuredPoliciesPerDisk();
  return kind.ok ? result : { inputs: result.inputs, failures: [...(result.failures ?? []), kind.failure] };
}

async function create(props: Props): Promise<pulumi.dynamic.CreateResult> {
  const inputs = knownInputs(props);
  const id = `${inputs.regionId}:${randomBytes(8).toString("hex")}`;
  const owned = await changeAssociations(inputs, {}, (owned, error) => {
    if (isEmpty(owned)) return error;
    return new PartialStateError(
      `${error.message}; the state records the ${countPairs(owned)} associations made; run \`pulumi up\` again to finish`,
      id,
      { ...outputs(inputs, owned), [PROVIDER_KEY]: props[PROVIDER_KEY] },
    );
  });
  return { id, outs: outputs(inputs, owned) };
}

async function update(id: string, olds: Props, news: Props): Promise<pulumi.dynamic.UpdateResult> {
  const inputs = knownInputs(news);
  const owned = await changeAssociations(
    inputs,
    ownedAssociations(olds),
    (owned, error) =>
      new PartialStateError(
        `${error.message}; the state records the associations that hold now; run \`pulumi up\` again to finish`,
        id,
        { ...outputs(inputs, owned), [PROVIDER_KEY]: news[PROVIDER_KEY] },
      ),
  );
  return { outs: outputs(inputs, owned) };
}

/** Runs the change; a failure after changes becomes `partial(what is owned now, error)`. */
async function changeAssociations(
  inputs: AttachmentInputs,
  owned: Associations,
  partial: (owned: Associations, error: Error) => Error,
): Promise<Associations> {
  const client = await createEcsClient();
  try {
    return await reconcile(client, {
      regionId: inputs.regionId,
      owned,
      desired: declaredAssociations(inputs),
      batchSize: inputs.batchSize,
      takeOverDisks: inputs.takeOverDisks,
      adoptAssociations: inputs.adoptAssociations,
      precheck:
        owned[inputs.autoSnapshotPolicyId] === undefined
          ? () => checkPolicyTakesDisks(client, inputs)
          : undefined,
    });
  } catch (error) {
    if (error instanceof AssociationsChangedError) throw partial(error.owned, error.failure);
    throw error;
  }
}

async function remove(_id: string, props: Props): Promise<void> {
  const client = await createEcsClient();
  const batchSize = typeof props.batchSize === "number" ? props.batchSize : DESCRIBE_DISKS_MAX_IDS;
  await cancelOwned(client, String(props.regionId), ownedAssociations(props), batchSize);
}

/**
 * Refresh: the owned associations that still stand, read from DescribeAutoSnapshotPolicyAssociations;
 * declared disks that no longer carry the policy are told apart (moved off, or deleted) by DescribeDisks.
 */
async function read(id: string, props: Props): Promise<pulumi.dynamic.ReadResult> {
  const regionId = String(props.regionId);
  const policyId = String(props.autoSnapshotPolicyId);
  const declared = [...idList(props.diskIds), ...idList(props.missingDiskIds)];
  const owned = merge(ownedAssociations(props), { [policyId]: declared });
  const client = await createEcsClient();
  const found = await disksOfPolicies(client, regionId, Object.keys(owned));
  const standing = intersect(
    owned,
    normalize(Object.fromEntries(Object.entries(found).map(([key, disks]) => [key, disks ?? []]))),
  );
  if (found[policyId] === undefined && isEmpty(standing)) return { id: undefined, props: {} };
  const gone = minus({ [policyId]: declared }, standing)[policyId] ?? [];
  const existing = new Set((await describeDisksById(client, regionId, gone)).map((disk) => disk.diskId));
  const refreshed: Props = withoutUndefined({
    ...withoutProvider(props),
    ...stateOf(policyId, standing),
    missingDiskIds: gone.filter((diskId) => !existing.has(diskId)),
  });
  // The live disks as inputs, so that after a refresh the engine's diff marks `~ diskIds` when they drifted.
  // Older SDKs in the peer range ignore `inputs` and keep the stored inputs.
  const inputs = withoutUndefined(Object.fromEntries(INPUT_KEYS.map((key) => [key, refreshed[key]])));
  return { id, props: refreshed, inputs };
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
  /** Disks on which this attachment owns the association with autoSnapshotPolicyId. */
  diskIds: string[];
  missingDiskIds: string[];
  /** Associations of other policies it still owns (left by a change that failed half-way). */
  formerAssociations: Associations;
  batchSize: number;
  takeOverDisks: boolean;
  adoptAssociations: boolean;
  handedOffDiskIds?: string[];
  policyAssociationType?: string;
};

function stateOf(
  policyId: string,
  owned: Associations,
): { diskIds: string[]; formerAssociations: Associations } {
  return {
    diskIds: owned[policyId] ?? [],
    formerAssociations: minus(owned, { [policyId]: owned[policyId] ?? [] }),
  };
}

function outputs(inputs: AttachmentInputs, owned: Associations): AttachmentOutputs {
  return withoutUndefined({
    regionId: inputs.regionId,
    autoSnapshotPolicyId: inputs.autoSnapshotPolicyId,
    ...stateOf(inputs.autoSnapshotPolicyId, owned),
    missingDiskIds: [],
    batchSize: inputs.batchSize,
    takeOverDisks: inputs.takeOverDisks,
    adoptAssociations: inputs.adoptAssociations,
    handedOffDiskIds: inputs.handedOffDiskIds,
    policyAssociationType: inputs.policyAssociationType,
  });
}

function countPairs(associations: Associations): number {
  return Object.values(associations).reduce((sum, diskIds) => sum + diskIds.length, 0);
}

function withoutProvider(props: Props): Props {
  return Object.fromEntries(Object.entries(props).filter(([key]) => key !== PROVIDER_KEY));
}

/**
 * Fails, before any Apply, when the policy is associated with instance tags. Unless the policy's
 * association type came with the inputs (from the AutoSnapshotPolicy resource), it is read first.
 */
async function checkPolicyTakesDisks(client: EcsClient, inputs: AttachmentInputs): Promise<void> {
  const { regionId, autoSnapshotPolicyId, policyAssociationType } = inputs;
  if (policyAssociationType === DISK_ASSOCIATION) return;
  const associationType =
    policyAssociationType ??
    (await describeAutoSnapshotPolicy(client, { regionId, autoSnapshotPolicyId }))?.AssociationType;
  if (associationType === TAG_ASSOCIATION) {
    throw new Error(
      `cannot apply ${autoSnapshotPolicyId}: ${tagPolicyProblem(`policy ${autoSnapshotPolicyId}`)}`,
    );
  }
}
