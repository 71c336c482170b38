import { randomUUID } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";
import { createEcsClient, isPolicyNotFound, repeated, type EcsClient } from "./client";
import {
  changedPolicyFields,
  createPolicyParams,
  declaredServicePolicy,
  diffPolicy,
  hasTagChanges,
  modifyPolicyParams,
  policyOutputs,
  providerOptions,
  replacingInputs,
  tagChanges,
  withProviderOptions,
  type PolicyInputs,
  type PolicyOutputs,
  type ServicePolicy,
} from "./policy-model";
import { checkInputs, PartialStateError, PROVIDER_KEY } from "./provider-kit";
import { snapshotLimitFailure } from "./schedule";
import { autoSnapshotPolicyInputsSchema, CLIENT_TOKEN_TAG, type AutoSnapshotPolicyInputs } from "./schemas";
import type { ValidationFailure } from "./validation";

type Props = Record<string, unknown>;

interface DescribeAnswer {
  AutoSnapshotPolicies?: { AutoSnapshotPolicy?: ServicePolicy[] };
}

const TAGGED_RESOURCE_TYPE = "snapshotpolicy";

export async function check(olds: Props, news: Props): Promise<pulumi.dynamic.CheckResult> {
  const oldToken = typeof olds.clientToken === "string" ? olds.clientToken : undefined;
  const result = checkInputs(
    autoSnapshotPolicyInputsSchema,
    { ...news, clientToken: oldToken ?? randomUUID() },
    { carriedKeys: ["clientToken"], rules: policyRules },
  );
  if (result.failures?.length || !result.inputs) return result;
  // A replacement lives next to the policy it replaces; with the old token, create's reconcile could take one for the other.
  if (oldToken !== undefined && replacingInputs(olds, result.inputs).length > 0) {
    return { ...result, inputs: { ...result.inputs, clientToken: randomUUID() } };
  }
  return result;
}

function policyRules(inputs: AutoSnapshotPolicyInputs): ValidationFailure[] {
  const limitFailure = snapshotLimitFailure(inputs);
  return limitFailure ? [limitFailure] : [];
}

export async function diff(id: string, olds: Props, news: Props): Promise<pulumi.dynamic.DiffResult> {
  return diffPolicy(id, olds, news);
}

export async function create(inputs: Props): Promise<pulumi.dynamic.CreateResult> {
  const declared = inputs as PolicyInputs;
  const client = await createEcsClient();
  if (declared.adoptPolicyId !== undefined) return adopt(client, declared, inputs);

  const regionId = declared.regionId as string;
  const clientToken = declared.clientToken ?? randomUUID();
  const created = await client.call<{ AutoSnapshotPolicyId: string }>(
    "CreateAutoSnapshotPolicy",
    createPolicyParams(declared, clientToken),
    {
      reconcile: async () => {
        const found = await findPolicyByToken(client, regionId, clientToken);
        return found && { AutoSnapshotPolicyId: found.AutoSnapshotPolicyId };
      },
    },
  );
  const id = created.AutoSnapshotPolicyId;
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

export async function update(id: string, olds: Props, news: Props): Promise<pulumi.dynamic.UpdateResult> {
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

  const target = { RegionId: regionId, ResourceType: TAGGED_RESOURCE_TYPE, ResourceId: repeated([id]) };
  let changedSomething = false;
  try {
    if (fieldsChanged) {
      await client.call("ModifyAutoSnapshotPolicyEx", modifyPolicyParams(id, declared));
      changedSomething = true;
    }
    if (Object.keys(tags.set).length > 0) {
      const tagList = Object.entries(tags.set).map(([Key, Value]) => ({ Key, Value }));
      await client.call("TagResources", { ...target, Tag: tagList });
      changedSomething = true;
    }
    if (tags.remove.length > 0) {
      await client.call("UntagResources", { ...target, TagKey: repeated(tags.remove) });
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

export async function read(id: string, props: Props): Promise<pulumi.dynamic.ReadResult> {
  const client = await createEcsClient();
  const policy = await findPolicy(client, String(props.regionId), id);
  if (!policy) return { id: undefined, props: {} };
  return { id, props: policyOutputs(policy, { ...providerOptions(props), adopted: props.adopted === true }) };
}

export async function remove(id: string, props: Props): Promise<void> {
  if (props.adopted === true && props.deleteAdoptedPolicyOnDestroy !== true) return;
  const client = await createEcsClient();
  try {
    await client.call("DeleteAutoSnapshotPolicy", {
      regionId: String(props.regionId),
      autoSnapshotPolicyId: id,
    });
  } catch (error) {
    if (!isPolicyNotFound(error)) throw error;
  }
}

async function findPolicy(
  client: EcsClient,
  regionId: string,
  id: string,
): Promise<ServicePolicy | undefined> {
  const answer = await client.call<DescribeAnswer>("DescribeAutoSnapshotPolicyEx", {
    RegionId: regionId,
    AutoSnapshotPolicyId: id,
  });
  return answer.AutoSnapshotPolicies?.AutoSnapshotPolicy?.find(
    (policy) => policy.AutoSnapshotPolicyId === id,
  );
}

async function readPolicy(client: EcsClient, regionId: string, id: string): Promise<ServicePolicy> {
  const policy = await findPolicy(client, regionId, id);
  if (!policy) throw new Error(`policy ${id} was not found in region ${regionId} when it was read back`);
  return policy;
}

async function findPolicyByToken(
  client: EcsClient,
  regionId: string,
  clientToken: string,
): Promise<ServicePolicy | undefined> {
  const answer = await client.call<DescribeAnswer>("DescribeAutoSnapshotPolicyEx", {
    RegionId: regionId,
    Tag: [{ Key: CLIENT_TOKEN_TAG, Value: clientToken }],
    PageSize: 100,
  });
  return answer.AutoSnapshotPolicies?.AutoSnapshotPolicy?.[0];
}

function partialState(error: unknown, id: string, outputs: PolicyOutputs, inputs: Props): PartialStateError {
  const reason = error instanceof Error ? error.message : String(error);
  return new PartialStateError(
    `${reason} (policy ${id} is kept in the stack's state; run pulumi up again to finish)`,
    id,
    { ...outputs, [PROVIDER_KEY]: inputs[PROVIDER_KEY] },
  );
}
