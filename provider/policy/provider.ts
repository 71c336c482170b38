import { randomUUID } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";
import { setStackConfig } from "../config";
import {
  createAutoSnapshotPolicy,
  deleteAutoSnapshotPolicy,
  describeAutoSnapshotPolicy,
  modifyAutoSnapshotPolicyEx,
  tagResources,
  untagResources,
  type ServicePolicy,
} from "../ecs/api";
import { createEcsClient, type EcsClient } from "../ecs/client";
import { isPolicyNotFound } from "../ecs/errors";
import { containsUnknown, PartialStateError, PROVIDER_KEY } from "../engine";
import { checkInputs } from "../validation";
import {
  changedPolicyFields,
  createPolicyParams,
  declaredServicePolicy,
  diffPolicy,
  hasTagChanges,
  modifyPolicyParams,
  policyInputsOf,
  policyOutputs,
  providerOptions,
  replacingInputs,
  scheduleInsights,
  tagChanges,
  withProviderOptions,
  type PolicyInputs,
  type PolicyOutputs,
} from "./model";
import { policyRules, type SnapshotSchedule } from "./schedule";
import { autoSnapshotPolicyInputsSchema, CLIENT_TOKEN_TAG } from "./schema";

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
  const oldToken = typeof olds.clientToken === "string" ? olds.clientToken : undefined;
  const result = checkInputs(
    autoSnapshotPolicyInputsSchema,
    { ...news, clientToken: oldToken ?? randomUUID() },
    { carriedKeys: ["clientToken"], rules: policyRules },
  );
  if (result.failures?.length || !result.inputs) return result;
  const inputs = { ...result.inputs, ...knownScheduleInsights(result.inputs) };
  // A replacement lives next to the policy it replaces; with the old token, create's reconcile could take one for the other.
  if (oldToken !== undefined && replacingInputs(olds, inputs).length > 0) {
    return { ...result, inputs: { ...inputs, clientToken: randomUUID() } };
  }
  return { ...result, inputs };
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
  const id = await createAutoSnapshotPolicy(client, createPolicyParams(declared, clientToken), () =>
    describeAutoSnapshotPolicy(client, { regionId, tag: { key: CLIENT_TOKEN_TAG, value: clientToken } }),
  );
  const options = { ...providerOptions(inputs), clientToken, adopted: false };
  try {
    return { id, outs: policyOutputs(await readPolicy(client, regionId, id), options) };
  } catch (error) {
    const outputsSoFar = policyOutputs(declaredServicePolicy(id, declared), options);
    throw partialState(error, id, outputsSoFar, inputs);
  }
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
  const current = policyOutputs(policy, { ...providerOptions(inputs), adopted: true });
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
  const current = withProviderOptions(olds, { ...providerOptions(news), adopted: olds.adopted === true });
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
  let changedSomething = false;
  try {
    if (fieldsChanged) {
      await modifyAutoSnapshotPolicyEx(client, modifyPolicyParams(id, declared));
      changedSomething = true;
    }
    if (Object.keys(tags.set).length > 0) {
      await tagResources(client, target, tags.set);
      changedSomething = true;
    }
    if (tags.remove.length > 0) {
      await untagResources(client, target, tags.remove);
      changedSomething = true;
    }
    return policyOutputs(await readPolicy(client, regionId, id), {
      ...providerOptions(current),
      adopted: current.adopted,
    });
  } catch (error) {
    if (!changedSomething) throw error;
    // The old outputs still differ from the inputs where the change did not land, so the next update retries it.
    throw partialState(error, id, current, inputs);
  }
}

async function read(id: string, props: Props): Promise<pulumi.dynamic.ReadResult> {
  const client = await createEcsClient();
  const policy = await findPolicy(client, String(props.regionId), id);
  if (!policy) return { id: undefined, props: {} };
  const outputs = policyOutputs(policy, { ...providerOptions(props), adopted: props.adopted === true });
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

function partialState(error: unknown, id: string, outputs: PolicyOutputs, inputs: Props): PartialStateError {
  const reason = error instanceof Error ? error.message : String(error);
  return new PartialStateError(
    `${reason} (policy ${id} is kept in the stack's state; run pulumi up again to finish)`,
    id,
    { ...outputs, [PROVIDER_KEY]: inputs[PROVIDER_KEY] },
  );
}
