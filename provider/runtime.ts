/*
 * `alicloud-snapshot-policy/runtime`: the only module the serialized providers in a stack's state
 * require (see serialized-providers.ts). A stack keeps the provider text it was deployed with and
 * uses it for refresh and destroy, so this entry and the names below are a compatibility promise:
 * they stay, with the same meaning, in every later release; files behind it may move freely.
 */

export { policyProvider } from "./policy/provider";
export { attachmentProvider } from "./attachment/provider";
