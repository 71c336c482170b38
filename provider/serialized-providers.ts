import type * as pulumi from "@pulumi/pulumi";

/*
 * The engine stores each dynamic provider serialized into state (`__provider`) and runs it in a
 * separate process. These shells therefore capture nothing: every method requires its
 * implementation by package name when it runs, so the serialized text stays small, carries no
 * client, schema or credential, and keeps working after the package is upgraded.
 */

export const autoSnapshotPolicyProvider: pulumi.dynamic.ResourceProvider = {
  async configure(req) {
    require("alicloud-snapshot-policy/dist/provider/config").setStackConfig(req.config);
  },
  async check(olds, news) {
    return require("alicloud-snapshot-policy/dist/provider/policy-provider").check(olds, news);
  },
  async diff(id, olds, news) {
    return require("alicloud-snapshot-policy/dist/provider/policy-provider").diff(id, olds, news);
  },
  async create(inputs) {
    return require("alicloud-snapshot-policy/dist/provider/policy-provider").create(inputs);
  },
  async read(id, props) {
    return require("alicloud-snapshot-policy/dist/provider/policy-provider").read(id, props);
  },
  async update(id, olds, news) {
    return require("alicloud-snapshot-policy/dist/provider/policy-provider").update(id, olds, news);
  },
  async delete(id, props) {
    return require("alicloud-snapshot-policy/dist/provider/policy-provider").remove(id, props);
  },
};

export const policyAttachmentProvider: pulumi.dynamic.ResourceProvider = {
  async configure(req) {
    require("alicloud-snapshot-policy/dist/provider/config").setStackConfig(req.config);
  },
  async check(olds, news) {
    return require("alicloud-snapshot-policy/dist/provider/attachment-provider").check(olds, news);
  },
  async diff(id, olds, news) {
    return require("alicloud-snapshot-policy/dist/provider/attachment-provider").diff(id, olds, news);
  },
  async create(inputs) {
    return require("alicloud-snapshot-policy/dist/provider/attachment-provider").create(inputs);
  },
  async read(id, props) {
    return require("alicloud-snapshot-policy/dist/provider/attachment-provider").read(id, props);
  },
  async update(id, olds, news) {
    return require("alicloud-snapshot-policy/dist/provider/attachment-provider").update(id, olds, news);
  },
  async delete(id, props) {
    return require("alicloud-snapshot-policy/dist/provider/attachment-provider").remove(id, props);
  },
};
