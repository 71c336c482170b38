import type PopRpcClient from "@alicloud/pop-core";
import * as pulumi from "@pulumi/pulumi";

/*
 * Stand-ins for @pulumi/alicloud's ecs.AutoSnapshotPolicy and ecs.EcsAutoSnapshotPolicyAttachment,
 * whose bridged plugin cannot run here: plain dynamic resources with the same input names and the
 * same ECS calls. Like the bridged attachment, deleting an attachment calls CancelAutoSnapshotPolicy
 * with the disk alone, naming no policy, so the disk loses whatever policy it carries; this is why
 * the old resources are retained (retainOnDelete) before they leave the program.
 *
 * They read the keys @pulumi/alicloud reads: alicloud:accessKey, alicloud:secretKey, alicloud:region
 * and the `ecs` entry of alicloud:endpoints.
 */

interface Connection {
  endpoint?: string;
  accessKeyId?: string;
  accessKeySecret?: string;
  regionId?: string;
}

const connection: Connection = {};

function connect(config: pulumi.dynamic.Config): void {
  const endpoints = JSON.parse(config.get("alicloud:endpoints") ?? "[]") as { ecs?: string }[];
  connection.endpoint = endpoints.find((entry) => entry.ecs)?.ecs;
  connection.accessKeyId = config.get("alicloud:accessKey");
  connection.accessKeySecret = config.get("alicloud:secretKey");
  connection.regionId = config.get("alicloud:region");
}

async function ecs<T>(action: string, params: Record<string, string>): Promise<T> {
  // Required when called: the provider is serialized into state and runs in the plugin process.
  const RPCClient: typeof PopRpcClient = require("@alicloud/pop-core");
  if (!connection.endpoint || !connection.regionId) {
    throw new Error("the stand-ins need alicloud:endpoints (an `ecs` entry) and alicloud:region");
  }
  const client = new RPCClient({
    endpoint: connection.endpoint,
    apiVersion: "2014-05-26",
    accessKeyId: connection.accessKeyId ?? "",
    accessKeySecret: connection.accessKeySecret ?? "",
  });
  return client.request<T>(
    action,
    { regionId: connection.regionId, ...params },
    { method: "POST", formatParams: false },
  );
}

export interface StandInPolicyArgs {
  autoSnapshotPolicyName: pulumi.Input<string>;
  timePoints: pulumi.Input<pulumi.Input<string>[]>;
  repeatWeekdays: pulumi.Input<pulumi.Input<string>[]>;
  retentionDays: pulumi.Input<number>;
}

const policyProvider: pulumi.dynamic.ResourceProvider = {
  async configure(req) {
    connect(req.config);
  },
  async create(inputs) {
    const created = await ecs<{ AutoSnapshotPolicyId: string }>("CreateAutoSnapshotPolicy", {
      autoSnapshotPolicyName: inputs.autoSnapshotPolicyName,
      timePoints: JSON.stringify(inputs.timePoints),
      repeatWeekdays: JSON.stringify(inputs.repeatWeekdays),
      retentionDays: String(inputs.retentionDays),
    });
    return { id: created.AutoSnapshotPolicyId, outs: inputs };
  },
  async delete(id) {
    await ecs("DeleteAutoSnapshotPolicy", { autoSnapshotPolicyId: id });
  },
};

/** Stands in for `alicloud.ecs.AutoSnapshotPolicy`. */
export class StandInAutoSnapshotPolicy extends pulumi.dynamic.Resource {
  constructor(name: string, args: StandInPolicyArgs, opts?: pulumi.CustomResourceOptions) {
    super(policyProvider, name, args, opts, "stand-in-alicloud", "AutoSnapshotPolicy");
  }
}

export interface StandInAttachmentArgs {
  autoSnapshotPolicyId: pulumi.Input<string>;
  diskId: pulumi.Input<string>;
}

const attachmentProvider: pulumi.dynamic.ResourceProvider = {
  async configure(req) {
    connect(req.config);
  },
  async create(inputs) {
    await ecs("ApplyAutoSnapshotPolicy", {
      autoSnapshotPolicyId: inputs.autoSnapshotPolicyId,
      diskIds: JSON.stringify([inputs.diskId]),
    });
    return { id: `${inputs.autoSnapshotPolicyId}:${inputs.diskId}`, outs: inputs };
  },
  async delete(_id, props) {
    await ecs("CancelAutoSnapshotPolicy", { diskIds: JSON.stringify([props.diskId]) });
  },
};

/** Stands in for `alicloud.ecs.EcsAutoSnapshotPolicyAttachment` (one disk, id `<policy id>:<disk id>`). */
export class StandInAutoSnapshotPolicyAttachment extends pulumi.dynamic.Resource {
  constructor(name: string, args: StandInAttachmentArgs, opts?: pulumi.CustomResourceOptions) {
    super(attachmentProvider, name, args, opts, "stand-in-alicloud", "EcsAutoSnapshotPolicyAttachment");
  }
}
