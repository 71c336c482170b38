import type { ValidationFailure } from "../validation";

/*
 * The kind of account the provider talks to: one automatic snapshot policy per disk (ApplyAutoSnapshotPolicy
 * replaces the disk's policy) or up to ten (Apply adds). The API does not say which; the user may, and
 * a read may prove ten (a disk seen carrying two policies). Unknown is treated as one wherever that
 * matters, which is the safe reading: see README "Account kinds".
 */

export type PoliciesPerDisk = 1 | 10;

export const POLICIES_PER_DISK_CONFIG_KEY = "alicloud-snapshot-policy:policiesPerDisk";
export const POLICIES_PER_DISK_ENVIRONMENT = "ALIBABA_CLOUD_ECS_POLICIES_PER_DISK";
export const POLICIES_PER_DISK_RULE =
  "1 (one policy per disk: Apply replaces a disk's policy) or 10 (up to ten: Apply adds one)";

let fromStackConfig: string | undefined;

/** Keeps the stack config's account kind that configure() receives. */
export function setAccountConfig(config: { get(key: string): string | undefined }): void {
  fromStackConfig = config.get(POLICIES_PER_DISK_CONFIG_KEY) || undefined;
}

export type ConfiguredKind =
  { ok: true; policiesPerDisk: PoliciesPerDisk | undefined } | { ok: false; failure: ValidationFailure };

/** The stated account kind: stack config, then the environment; undefined when neither says. */
export function configuredPoliciesPerDisk(): ConfiguredKind {
  const stated: [string, string | undefined][] = [
    [POLICIES_PER_DISK_CONFIG_KEY, fromStackConfig],
    [POLICIES_PER_DISK_ENVIRONMENT, process.env[POLICIES_PER_DISK_ENVIRONMENT] || undefined],
  ];
  const [source, raw] = stated.find(([, value]) => value !== undefined) ?? ["", undefined];
  if (raw === undefined) return { ok: true, policiesPerDisk: undefined };
  if (raw.trim() === "1" || raw.trim() === "10") {
    return { ok: true, policiesPerDisk: Number(raw.trim()) as PoliciesPerDisk };
  }
  return {
    ok: false,
    failure: { property: source, reason: `${JSON.stringify(raw)} is not allowed; ${POLICIES_PER_DISK_RULE}` },
  };
}

/** The stated account kind for create, update and delete, which run after check() has vetted it. */
export function statedPoliciesPerDisk(): PoliciesPerDisk | undefined {
  const kind = configuredPoliciesPerDisk();
  if (!kind.ok) throw new Error(`${kind.failure.property}: ${kind.failure.reason}`);
  return kind.policiesPerDisk;
}
