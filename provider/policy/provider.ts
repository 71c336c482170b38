import { randomUUID } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";
import { setStackConfig } from "../config";
import {
  createAutoSnapshotPolicy,
  deleteAutoSnapshotPolicy,
  describeAutoSnapshotPolicy,
  describePolicyDisks,
  modifyAutoSnapshotPolicyEx,
  tagResources,
  untagResources,
  type ServicePolicy,
} from "../ecs/api";
import { createEcsClient, type EcsClient } from "../ecs/client";
import { EcsApiError, isPolicyNotFound, UnconfirmedWriteError } from "../ecs/errors";
import { containsUnknown, PartialStateError, PROVIDER_KEY, UNKNOWN } from "../engine";
import { checkInputs } from "../validation";
import {
  changedPolicyFields,
  createPolicyParams,
  declaredServicePolicy,
  derivedClientToken,
  diffPolicy,
  hasTagChanges,
  isTagAssociated,
  modifyPolicyParams,
  policyInputsOf,
  policyOutputs,
  providerOptions,
  replacingInputs,
  scheduleInsights,
  tagChanges,
  withModifiedFields,
  withProviderOptions,
  withTagsRemoved,
  withTagsSet,
  type PolicyInputs,
  type PolicyOutputs,
} from "./model";
import {
  autoSnapshotPolicyInputsSchema,
  autoSnapshotPolicyRules,
  CLIENT_TOKEN_SEED_KEY,
  CLIENT_TOKEN_TAG,
} from "./schema";
import type { SnapshotSchedule } from "./schedule";

/** Properties as the engine passes them: inputs before check() has validated them, and earlier outputs. */
type Props = Record<string, unknown>;

/**
 * The AutoSnapshotPolicy provider. The engine never holds this object: it holds the shell in
 * serialized-providers.ts, which reaches this one through `alicloud-snapshot-policy/runtime`.
 */
export const policyProvider: Required<pulumi.dynamic.ResourceProvider<Props, PolicyOutputs>> = {
  async configure(request) {
    setStackConfig(request.config);
  },
  check: (olds, news) => check(olds, news),
  diff: (id, olds, news) => diff(id, olds, news),
  create: (inputs) => create(inputs),
  read: (id, props) => read(id, props ?? {}),
  update: (id, olds, news) => update(id, olds, news),
  delete: (id, props) => remove(id, props),
};

const TAGGED_RESOURCE_TYPE = "snapshotpolicy";

async function check(olds: Props, news: Props): Promise<pulumi.dynamic.CheckResult> {
  const declared = { ...news };
  delete declared.clientToken;
  const result = checkInputs(autoSnapshotPolicyInputsSchema, declared, {
    carriedKeys: [CLIENT_TOKEN_SEED_KEY],
    rules: autoSnapshotPolicyRules,
  });
  if (result.failures?.length || !result.inputs) return result;
  const inputs = { ...result.inputs, ...knownScheduleInsights(result.inputs) };
  const oldToken = typeof olds.clientToken === "string" ? olds.clientToken : undefined;
  // A replacement lives next to the policy it replaces; with the old token, create could take one for the other.
  const keepsPolicy = oldToken !== undefined && replacingInputs(olds, inputs).length === 0;
  return { ...result, inputs: { ...inputs, clientToken: keepsPolicy ? oldToken : newClientToken(inputs) } };
}

/** Derived from the resource's identity when the program gave it (see resource.ts), else random. */
function newClientToken(inputs: Props): string {
  const { clientTokenSeed: seed, regionId, resourceGroupId } = inputs;
  const known = (value: unknown): value is string => typeof value === "string" && value !== UNKNOWN;
  if (!known(seed) || !known(regionId) || (resourceGroupId !== undefined && !known(resourceGroupId))) {
    return randomUUID();
  }
  return derivedClientToken(seed, regionId, resourceGroupId);
}

/**
 * The schedule and snapshotsPerDisk outputs, carried among the checked inputs so that a preview shows
 * them (and their change) before anything is created; diff compares the policy fields, not these.
 */
function knownScheduleInsights(inputs: Props): Props {
  const { timePoints, repeatWeekdays, retentionDays } = inputs;
  if (containsUnknown([timePoints, repeatWeekdays, retentionDays])) return {};
  return scheduleInsights({ timePoints, repeatWeekdays, retentionDays } as SnapshotSchedule);
}

async function diff(id: string, olds: Props, news: Props): Promise<pulumi.dynamic.DiffResult> {
  return diffPolicy(id, olds, news);
}

async function create(inputs: Props): Promise<pulumi.dynamic.CreateResult> {
  const declared = inputs as PolicyInputs;
  const client = await createEcsClient();
  if (declared.adoptPolicyId !== undefined) return adopt(client, declared, inputs);

  const regionId = declared.regionId as string;
  const clientToken = declared.clientToken ?? randomUUID();
  const options = { ...providerOptions(inputs), clientToken, adopted: false };
  const byToken = { regionId, tag: { key: CLIENT_TOKEN_TAG, value: clientToken } };

  // An earlier run that failed after its create was sent may have created the policy: take it.
  const earlier = await describeAutoSnapshotPolicy(client, byToken);
  if (earlier) {
    const id = earlier.AutoSnapshotPolicyId;
    const found = await readOutputs(client, earlier, options);
    try {
      return { id, outs: await converge(client, id, found, declared, inputs) };
    } catch (error) {
      // The policy is this resource's whether or not it could be brought to the declared state.
      throw error instanceof PartialStateError ? error : partialState(error, id, found, inputs);
    }
  }

  let lookupFailure: unknown;
  const findCreated = async ({ mayStillLand }: { mayStillLand: boolean }) => {
    if (!mayStillLand) return describeAutoSnapshotPolicy(client, byToken);
    const found = await lookUpUntil(Date.now() + CREATED_POLICY_LOOKUP_MS, () =>
      describeAutoSnapshotPolicy(client, byToken),
    );
    lookupFailure = found.failure;
    return found.policy;
  };
  let id: string;
  try {
    id = await createAutoSnapshotPolicy(client, createPolicyParams(declared, clientToken), findCreated);
  } catch (error) {
    if (error instanceof UnconfirmedWriteError) throw unconfirmedCreate(error, clientToken, lookupFailure);
    throw error;
  }
  try {
    return { id, outs: await readOutputs(client, await readPolicy(client, regionId, id), options) };
  } catch (error) {
    const outputsSoFar = policyOutputs(declaredServicePolicy(id, declared), options);
    throw partialState(error, id, outputsSoFar, inputs);
  }
}

/**
 * How long a create that got no answer is looked for by its token before giving up (it may land after
 * the client's timeout, and tag-backed searches may lag a write by a few seconds).
 */
const CREATED_POLICY_LOOKUP_MS = 8000;
const LOOKUP_INTERVAL_MS = 1000;

/** Looks until `find` finds the policy or `deadline` passes; a failed look is noted and tried again. */
async function lookUpUntil(
  deadline: number,
  find: () => Promise<ServicePolicy | undefined>,
): Promise<{ policy?: ServicePolicy; failure?: unknown }> {
  let failure: unknown;
  for (;;) {
    try {
      const policy = await find();
      if (policy) return { policy };
      failure = undefined;
    } catch (error) {
      failure = error;
    }
    if (Date.now() >= deadline) return { failure };
    await new Promise((resolve) => setTimeout(resolve, LOOKUP_INTERVAL_MS));
  }
}

function unconfirmedCreate(error: UnconfirmedWriteError, clientToken: string, lookupFailure: unknown): Error {
  const lookup =
    lookupFailure instanceof Error ? `; looking it up failed too (${lookupFailure.message})` : "";
  return new Error(
    `${error.message}. No policy carrying ${CLIENT_TOKEN_TAG}=${clientToken} was found within ` +
      `${CREATED_POLICY_LOOKUP_MS / 1000} s${lookup}, so the create was not sent again: it may still take ` +
      "effect. Nothing was recorded in the stack. Run pulumi up again: it looks for the policy by this token " +
      "before creating one, so no second policy is made.",
  );
}

async function adopt(
  client: EcsClient,
  declared: PolicyInputs,
  inputs: Props,
): Promise<pulumi.dynamic.CreateResult> {
  const id = declared.adoptPolicyId as string;
  const regionId = declared.regionId as string;
  const policy = await findPolicy(client, regionId, id);
  if (!policy) {
    throw new Error(
      `adoptPolicyId: policy ${id} does not exist in region ${regionId}; ` +
        "check adoptPolicyId and regionId, or remove adoptPolicyId to create a new policy",
    );
  }
  const current = await readOutputs(client, policy, { ...providerOptions(inputs), adopted: true });
  if (current.associationType !== declared.associationType) {
    throw new Error(
      `associationType: the policy to adopt (${id}) is ${current.associationType}, not ${declared.associationType}; ` +
        "the association type of a policy cannot be changed, so declare the policy's own",
    );
  }
  if (declared.resourceGroupId !== undefined && declared.resourceGroupId !== current.resourceGroupId) {
    throw new Error(
      `resourceGroupId: the policy to adopt (${id}) is in resource group "${current.resourceGroupId}", ` +
        `not ${declared.resourceGroupId}; declare its resource group or leave resourceGroupId unset`,
    );
  }
  return { id, outs: await converge(client, id, current, declared, inputs) };
}

async function update(id: string, olds: Props, news: Props): Promise<pulumi.dynamic.UpdateResult> {
  const client = await createEcsClient();
  // Adopting the resource's own policy makes it adopted; removing adoptPolicyId later does not undo that.
  const adopted = olds.adopted === true || news.adoptPolicyId === id;
  const current = withProviderOptions(olds, { ...providerOptions(news), adopted });
  return { outs: await converge(client, id, current, news as PolicyInputs, news) };
}

/**
 * Brings policy `id` from `current` to the declared inputs: ModifyAutoSnapshotPolicyEx only when a
 * policy field differs, TagResources / UntagResources only for tags that differ, then reads it back.
 * Makes no call at all when nothing differs.
 */
async function converge(
  client: EcsClient,
  id: string,
  current: PolicyOutputs,
  declared: PolicyInputs,
  inputs: Props,
): Promise<PolicyOutputs> {
  const regionId = declared.regionId as string;
  const fieldsChanged = changedPolicyFields(current, declared).length > 0;
  const tags = tagChanges(current.tags, declared.tags);
  if (!fieldsChanged && !hasTagChanges(tags)) return current;

  const target = { regionId, resourceType: TAGGED_RESOURCE_TYPE, resourceIds: [id] };
  const options = { ...providerOptions(current), adopted: current.adopted };
  // What is known to hold after each write that succeeded.
  let confirmed = current;
  try {
    if (fieldsChanged) {
      await modifyAutoSnapshotPolicyEx(client, modifyPolicyParams(id, declared));
      confirmed = withModifiedFields(confirmed, declared);
    }
    if (Object.keys(tags.set).length > 0) {
      await tagResources(client, target, tags.set);
      confirmed = withTagsSet(confirmed, tags.set);
    }
    if (tags.remove.length > 0) {
      await untagResources(client, target, tags.remove);
      confirmed = withTagsRemoved(confirmed, tags.remove);
    }
    return await readOutputs(client, await readPolicy(client, regionId, id), options);
  } catch (error) {
    const unsure = error instanceof EcsApiError && error.retryable;
    if (confirmed === current && !unsure) throw error;
    // State records the policy as it is: read back, or else what the writes that succeeded changed. Where
    // that differs from the inputs (whatever the next program declares), the next update converges it.
    const live = await findPolicy(client, regionId, id).catch(() => undefined);
    const outputs = live ? policyOutputs(live, options, current.matchedDiskIds) : confirmed;
    throw partialState(error, id, outputs, inputs);
  }
}

async function read(id: string, props: Props): Promise<pulumi.dynamic.ReadResult> {
  const client = await createEcsClient();
  const policy = await findPolicy(client, String(props.regionId), id);
  if (!policy) return { id: undefined, props: {} };
  const options = { ...providerOptions(props), adopted: props.adopted === true };
  const outputs = await readOutputs(client, policy, options);
  // Older SDKs in the peer range (3.139, for one) ignore `inputs` and keep the stored inputs.
  return { id, props: outputs, inputs: policyInputsOf(outputs) };
}

async function remove(id: string, props: Props): Promise<void> {
  if (props.adopted === true && props.deleteAdoptedPolicyOnDestroy !== true) return;
  const client = await createEcsClient();
  try {
    await deleteAutoSnapshotPolicy(client, String(props.regionId), id);
  } catch (error) {
    if (!isPolicyNotFound(error)) throw error;
  }
}

function findPolicy(client: EcsClient, regionId: string, id: string): Promise<ServicePolicy | undefined> {
  return describeAutoSnapshotPolicy(client, { regionId, autoSnapshotPolicyId: id });
}

async function readPolicy(client: EcsClient, regionId: string, id: string): Promise<ServicePolicy> {
  const policy = await findPolicy(client, regionId, id);
  if (!policy) throw new Error(`policy ${id} was not found in region ${regionId} when it was read back`);
  return policy;
}

/** The outputs for `policy`; for a tag-associated policy, with the disks it covers now. */
async function readOutputs(
  client: EcsClient,
  policy: ServicePolicy,
  options: Parameters<typeof policyOutputs>[1],
): Promise<PolicyOutputs> {
  const matchedDiskIds = isTagAssociated(policy.AssociationType)
    ? await describePolicyDisks(client, policy.RegionId ?? "", policy.AutoSnapshotPolicyId)
    : [];
  return policyOutputs(policy, options, matchedDiskIds);
}

function partialState(error: unknown, id: string, outputs: PolicyOutputs, inputs: Props): PartialStateError {
  const reason = error instanceof Error ? error.message : String(error);
  return new PartialStateError(
    `${reason} (policy ${id} is kept in the stack's state; run pulumi up again to finish)`,
    id,
    { ...outputs, [PROVIDER_KEY]: inputs[PROVIDER_KEY] },
  );
}
