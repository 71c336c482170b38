import type * as pulumi from "@pulumi/pulumi";

/*
 * The engine stores each dynamic provider serialized into state (`__provider`) and runs it in a
 * separate process. These shells therefore capture nothing: every method requires the stable
 * runtime entry, `alicloud-snapshot-policy/runtime`, when it runs, so the serialized text stays
 * small, carries no client, schema or credential, and keeps working after the package is upgraded.
 * Their types stay the untyped ResourceProvider, so that tests may call them with any properties;
 * the implementations behind the runtime entry are typed.
 */

export const autoSnapshotPolicyProvider: pulumi.dynamic.ResourceProvider = {
  async configure(request) {
    return require("alicloud-snapshot-policy/runtime").policyProvider.configure(request);
  },
  async check(olds, news) {
    return require("alicloud-snapshot-policy/runtime").policyProvider.check(olds, news);
  },
  async diff(id, olds, news) {
    return require("alicloud-snapshot-policy/runtime").policyProvider.diff(id, olds, news);
  },
  async create(inputs) {
    return require("alicloud-snapshot-policy/runtime").policyProvider.create(inputs);
  },
  async read(id, props) {
    return require("alicloud-snapshot-policy/runtime").policyProvider.read(id, props);
  },
  async update(id, olds, news) {
    return require("alicloud-snapshot-policy/runtime").policyProvider.update(id, olds, news);
  },
  async delete(id, props) {
    return require("alicloud-snapshot-policy/runtime").policyProvider.delete(id, props);
  },
};

export const policyAttachmentProvider: pulumi.dynamic.ResourceProvider = {
  async configure(request) {
    return require("alicloud-snapshot-policy/runtime").attachmentProvider.configure(request);
  },
  async check(olds, news) {
    return require("alicloud-snapshot-policy/runtime").attachmentProvider.check(olds, news);
  },
  async diff(id, olds, news) {
    return require("alicloud-snapshot-policy/runtime").attachmentProvider.diff(id, olds, news);
  },
  async create(inputs) {
    return require("alicloud-snapshot-policy/runtime").attachmentProvider.create(inputs);
  },
  async read(id, props) {
    return require("alicloud-snapshot-policy/runtime").attachmentProvider.read(id, props);
  },
  async update(id, olds, news) {
    return require("alicloud-snapshot-policy/runtime").attachmentProvider.update(id, olds, news);
  },
  async delete(id, props) {
    return require("alicloud-snapshot-policy/runtime").attachmentProvider.delete(id, props);
  },
};
