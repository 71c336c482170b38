import { randomBytes } from "crypto";
import type * as pulumi from "@pulumi/pulumi";
import { setStackConfig } from "../config";
import {
  type Associations,
  intersect,
  isEmpty,
  merge,
  minus,
  normalize,
  sameAssociations,
  storedAssociations,
} from "../attachment/associations";
import { idList } from "../attachment/model";
import {
  AssociationsChangedError,
  cancelOwned,
  describeDisksById,
  disksOfPolicies,
  reconcile,
} from "../attachment/reconcile";
import { configuredPoliciesPerDisk, setAccountConfig } from "../ecs/account";
import { createEcsClient } from "../ecs/client";
import { containsUnknown, PartialStateError, PROVIDER_KEY, withoutUndefined } from "../engine";
import { checkInputs, formatFailures, validateInputs } from "../validation";
import { backupPlanDisksInputsSchema, type BackupPlanDisksInputs, tierFailures } from "./disks-schema";

/*
 * BackupPlanDisks: one resource per region owns every (policy, disk) association of a plan, so that a
 * disk moving between the plan's policies, or two disks swapping, is one update, which applies every new
 * association before it cancels any old one.
 */

type Props = Record<string, unknown>;
type Inputs = BackupPlanDisksInputs & { regionId: string };

export type BackupPlanDisksOutputs = Inputs & {
  /** The associations this resource owns, disk ids by policy id. */
  associations: Associations;
  /** Disks named by the plan that no longer exist (found at refresh). */
  missingDiskIds: string[];
};

const INPUT_KEYS = Object.keys(backupPlanDisksInputsSchema.shape);

export const backupPlanDisksProvider: Required<
  pulumi.dynamic.ResourceProvider<Props, BackupPlanDisksOutputs>
> = {
  async configure(request) {
    setStackConfig(request.config);
    setAccountConfig(request.config);
  },
  check: async (_olds, news) => check(news),
  diff: async (_id, olds, news) => diff(olds, news),
  create: (inputs) => create(inputs),
  read: (id, props) => read(id, props ?? {}),
  update: (id, olds, news) => update(id, olds, news),
  delete: (_id, props) => remove(props),
};

function check(news: Props): pulumi.dynamic.CheckResult {
  const kind = configuredPoliciesPerDisk();
  const result = checkInputs(backupPlanDisksInputsSchema, news, {
    rules: (inputs) => tierFailures(inputs.policies, kind.ok ? kind.policiesPerDisk : undefined),
  });
  return kind.ok ? result : { inputs: result.inputs, failures: [...(result.failures ?? []), kind.failure] };
}

function declared(
  policies: readonly { autoSnapshotPolicyId: string; diskIds: readonly string[] }[],
): Associations {
  return merge(
    ...policies.map(({ autoSnapshotPolicyId, diskIds }) => ({ [autoSnapshotPolicyId]: [...diskIds] })),
  );
}

function diff(olds: Props, news: Props): pulumi.dynamic.DiffResult {
  if (containsUnknown(news.regionId) || news.regionId !== olds.regionId) {
    return { changes: true, replaces: ["regionId"] };
  }
  if (containsUnknown(news.policies)) return { changes: true };
  const desired = declared(news.policies as Inputs["policies"]);
  const missingReported = idList(olds.missingDiskIds).length > 0;
  return { changes: !sameAssociations(storedAssociations(olds.associations), desired) || missingReported };
}

async function create(props: Props): Promise<pulumi.dynamic.CreateResult> {
  const inputs = knownInputs(props);
  const id = `${inputs.regionId}:${randomBytes(8).toString("hex")}`;
  const owned = await change(inputs, {}, (owned, error) =>
    isEmpty(owned) ? error : partialState(error, id, outputs(inputs, owned), props),
  );
  return { id, outs: outputs(inputs, owned) };
}

async function update(id: string, olds: Props, news: Props): Promise<pulumi.dynamic.UpdateResult> {
  const inputs = knownInputs(news);
  const owned = await change(inputs, storedAssociations(olds.associations), (owned, error) =>
    partialState(error, id, outputs(inputs, owned), news),
  );
  return { outs: outputs(inputs, owned) };
}

function partialState(
  error: Error,
  id: string,
  outs: BackupPlanDisksOutputs,
  props: Props,
): PartialStateError {
  return new PartialStateError(
    `${error.message}; the state records the associations that hold now; run \`pulumi up\` again to finish`,
    id,
    { ...outs, [PROVIDER_KEY]: props[PROVIDER_KEY] },
  );
}

async function change(
  inputs: Inputs,
  owned: Associations,
  partial: (owned: Associations, error: Error) => Error,
): Promise<Associations> {
  const keys = new Map(inputs.policies.map(({ key, autoSnapshotPolicyId }) => [autoSnapshotPolicyId, key]));
  const client = await createEcsClient();
  try {
    return await reconcile(client, {
      regionId: inputs.regionId,
      owned,
      desired: declared(inputs.policies),
      batchSize: inputs.batchSize,
      takeOverDisks: inputs.takeOverDisks,
      adoptAssociations: inputs.adoptAssociations,
      label: (policyId) => (keys.has(policyId) ? `${keys.get(policyId)} (${policyId})` : policyId),
    });
  } catch (error) {
    if (error instanceof AssociationsChangedError) throw partial(error.owned, error.failure);
    throw error;
  }
}

async function remove(props: Props): Promise<void> {
  const client = await createEcsClient();
  const batchSize = typeof props.batchSize === "number" ? props.batchSize : 100;
  await cancelOwned(client, String(props.regionId), storedAssociations(props.associations), batchSize);
}

/** Refresh: the owned associations that still stand; named disks that are gone reported in missingDiskIds. */
async function read(id: string, props: Props): Promise<pulumi.dynamic.ReadResult> {
  const regionId = String(props.regionId);
  const owned = storedAssociations(props.associations);
  const client = await createEcsClient();
  const found = await disksOfPolicies(client, regionId, Object.keys(owned));
  const standing = intersect(
    owned,
    normalize(Object.fromEntries(Object.entries(found).map(([key, disks]) => [key, disks ?? []]))),
  );
  if (Object.values(found).every((disks) => disks === undefined) && isEmpty(standing)) {
    return { id: undefined, props: {} };
  }
  const lost = [...new Set(Object.values(minus(owned, standing)).flat()), ...idList(props.missingDiskIds)];
  const existing = new Set((await describeDisksById(client, regionId, lost)).map((disk) => disk.diskId));
  return {
    id,
    props: withoutUndefined({
      ...Object.fromEntries(Object.entries(props).filter(([key]) => key !== PROVIDER_KEY)),
      associations: standing,
      missingDiskIds: [...new Set(lost.filter((diskId) => !existing.has(diskId)))].sort(),
    }),
  };
}

function knownInputs(props: Props): Inputs {
  const given = Object.fromEntries(INPUT_KEYS.map((key) => [key, props[key]]));
  const validated = validateInputs(backupPlanDisksInputsSchema, given);
  if (!validated.ok)
    throw new Error(`invalid BackupPlanDisks inputs:\n${formatFailures(validated.failures)}`);
  if (containsUnknown(validated.inputs) || validated.inputs.regionId === undefined) {
    throw new Error("BackupPlanDisks inputs are not all known; create and update need known values");
  }
  return validated.inputs as Inputs;
}

function outputs(inputs: Inputs, owned: Associations): BackupPlanDisksOutputs {
  return withoutUndefined({ ...inputs, associations: normalize(owned), missingDiskIds: [] });
}
