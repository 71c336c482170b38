import * as fs from "node:fs";

/*
 * Where the ECS client finds its credentials, region and endpoint. Stack config (through the
 * providers' configure()) wins over the environment, which wins over the @alicloud/credentials
 * default chain. The `alicloud:` keys are the ones @pulumi/alicloud defines, so one stack config
 * serves both packages; settings @pulumi/alicloud has no key for live under `alicloud-snapshot-policy:`.
 * Everything is read when a provider method runs, never captured, so the serialized provider
 * carries no credential.
 */

export const DEFAULT_ECS_ENDPOINT = "https://ecs.aliyuncs.com";
/** The session name AssumeRole gets when alicloud:assumeRole names none. */
const DEFAULT_ROLE_SESSION_NAME = "alicloud-snapshot-policy";
const PACKAGE_NAMESPACE = "alicloud-snapshot-policy";

export interface EcsCredentials {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
}

/** Asked before every request, so that temporary credentials can be refreshed. */
export interface EcsCredentialsProvider {
  getCredentials(): Promise<EcsCredentials>;
}

export interface EcsSettings {
  endpoint: string;
  regionId?: string;
  credentials: EcsCredentials | EcsCredentialsProvider;
  maxAttempts?: number;
  timeoutMs?: number;
}

/** The engine passes config values as text, or as structured values (lists, objects, numbers). */
interface StackConfig {
  get(key: string): unknown;
}

/** @pulumi/alicloud's `alicloud:assumeRole`. */
export interface AssumeRole {
  roleArn: string;
  sessionName?: string;
  sessionExpiration?: number;
  policy?: string;
  externalId?: string;
}

/** What one source (the stack config, or one family of environment variables) sets. */
export interface SettingSource {
  accessKey?: string;
  secretKey?: string;
  securityToken?: string;
  region?: string;
  ecsEndpoint?: string;
  stsEndpoint?: string;
  profile?: string;
  sharedCredentialsFile?: string;
  assumeRole?: AssumeRole;
  ecsRoleName?: string;
  maxAttempts?: string;
  timeoutMs?: string;
}

type EnvironmentName = "accessKey" | "secretKey" | "securityToken" | "region" | "ecsEndpoint";

const ENVIRONMENT_NAMES: Record<EnvironmentName, string>[] = [
  {
    accessKey: "ALIBABA_CLOUD_ACCESS_KEY_ID",
    secretKey: "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
    securityToken: "ALIBABA_CLOUD_SECURITY_TOKEN",
    region: "ALIBABA_CLOUD_REGION_ID",
    ecsEndpoint: "ALIBABA_CLOUD_ECS_ENDPOINT",
  },
  {
    accessKey: "ALICLOUD_ACCESS_KEY",
    secretKey: "ALICLOUD_SECRET_KEY",
    securityToken: "ALICLOUD_SECURITY_TOKEN",
    region: "ALICLOUD_REGION",
    ecsEndpoint: "ALICLOUD_ECS_ENDPOINT",
  },
];

let stackConfig: SettingSource = {};

/**
 * Keeps the stack config that configure() receives (values, secrets included, arrive unwrapped).
 * A malformed value fails here, naming the key and the form it takes.
 */
export function setStackConfig(config: StackConfig): void {
  stackConfig = readStackConfig(config);
}

export function readStackConfig(config: StackConfig): SettingSource {
  const raw = (key: string) => {
    const value = config.get(key);
    return value === undefined || value === null || value === "" ? undefined : value;
  };
  const get = (key: string) => {
    const value = raw(key);
    return value === undefined || typeof value === "string" ? value : JSON.stringify(value);
  };
  const endpoints = parseEndpoints(raw("alicloud:endpoints"));
  return withoutUnset({
    accessKey: get("alicloud:accessKey"),
    secretKey: get("alicloud:secretKey"),
    securityToken: get("alicloud:securityToken"),
    region: get("alicloud:region"),
    // alicloud:ecsEndpoint is not a key of @pulumi/alicloud; read for one release (see the README).
    ecsEndpoint: endpoints.ecs ?? get("alicloud:ecsEndpoint"),
    stsEndpoint: endpoints.sts,
    profile: get("alicloud:profile"),
    sharedCredentialsFile: get("alicloud:sharedCredentialsFile"),
    assumeRole: parseAssumeRole(raw("alicloud:assumeRole")),
    ecsRoleName: get("alicloud:ecsRoleName"),
    maxAttempts: get(`${PACKAGE_NAMESPACE}:maxAttempts`),
    timeoutMs: get(`${PACKAGE_NAMESPACE}:timeoutMs`),
  });
}

const ENDPOINTS_FORM = 'a list of objects such as [{"ecs": "ecs.cn-hangzhou.aliyuncs.com"}]';

/** `alicloud:endpoints`: the first `ecs` and `sts` entries of @pulumi/alicloud's list of endpoint objects. */
export function parseEndpoints(given: unknown): { ecs?: string; sts?: string } {
  if (given === undefined) return {};
  const value = structured(given, "alicloud:endpoints", ENDPOINTS_FORM);
  const entries = Array.isArray(value) ? value : [value];
  if (!entries.every((entry) => entry !== null && typeof entry === "object" && !Array.isArray(entry))) {
    throw new Error(`alicloud:endpoints: ${ENDPOINTS_FORM}`);
  }
  const first = (name: "ecs" | "sts") => {
    const found = entries.find((entry) => (entry as Record<string, unknown>)[name] !== undefined);
    if (found === undefined) return undefined;
    const url = (found as Record<string, unknown>)[name];
    if (typeof url !== "string" || url === "") {
      throw new Error(`alicloud:endpoints: ${name} must be a host name or URL, such as ${name}.aliyuncs.com`);
    }
    return url;
  };
  return withoutUnset({ ecs: first("ecs"), sts: first("sts") });
}

const ASSUME_ROLE_FORM =
  'an object such as {"roleArn": "acs:ram::123456789012:role/ops", "sessionName": "deploy"}';

/** `alicloud:assumeRole`, as @pulumi/alicloud defines it. */
export function parseAssumeRole(given: unknown): AssumeRole | undefined {
  if (given === undefined) return undefined;
  const value = structured(given, "alicloud:assumeRole", ASSUME_ROLE_FORM);
  const role = value as Record<string, unknown>;
  if (role === null || typeof role !== "object" || typeof role.roleArn !== "string" || role.roleArn === "") {
    throw new Error(`alicloud:assumeRole: roleArn is required; ${ASSUME_ROLE_FORM}`);
  }
  for (const field of ["sessionName", "policy", "externalId"]) {
    if (role[field] !== undefined && typeof role[field] !== "string") {
      throw new Error(`alicloud:assumeRole: ${field} must be a string`);
    }
  }
  const expiration = role.sessionExpiration;
  if (expiration !== undefined && (!Number.isInteger(expiration) || (expiration as number) < 0)) {
    throw new Error("alicloud:assumeRole: sessionExpiration must be a whole number of seconds (900–3600)");
  }
  return withoutUnset({
    roleArn: role.roleArn,
    sessionName: role.sessionName as string | undefined,
    sessionExpiration: expiration === 0 ? undefined : (expiration as number | undefined),
    policy: role.policy as string | undefined,
    externalId: role.externalId as string | undefined,
  });
}

/** A structured config value as the engine passes it: already a value, or its JSON text. */
function structured(given: unknown, key: string, form: string): unknown {
  if (typeof given !== "string") return given;
  try {
    return JSON.parse(given);
  } catch {
    throw new Error(`${key}: not JSON; ${form}`);
  }
}

function environmentSources(): SettingSource[] {
  return ENVIRONMENT_NAMES.map((names) => {
    const source: SettingSource = {};
    for (const name of Object.keys(names) as EnvironmentName[]) {
      const value = process.env[names[name]];
      if (value) source[name] = value;
    }
    return source;
  });
}

function settingSources(): SettingSource[] {
  return [stackConfig, ...environmentSources()];
}

function firstSetting<K extends keyof SettingSource>(name: K): SettingSource[K] | undefined {
  return settingSources().find((source) => source[name] !== undefined)?.[name];
}

/** The region check() uses when an input leaves it out. */
export function defaultRegion(): string | undefined {
  return firstSetting("region");
}

/** An endpoint as @pulumi/alicloud takes it (a host name) or as a URL; a host name means HTTPS. */
export function endpointUrl(endpoint: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(endpoint) ? endpoint : `https://${endpoint}`;
}

/**
 * Where the credentials come from, first match wins: a key pair in the stack config; then
 * alicloud:ecsRoleName; then alicloud:profile / alicloud:sharedCredentialsFile; then a key pair in
 * the environment; then the @alicloud/credentials default chain. alicloud:assumeRole, when set, is
 * assumed with whichever of these was found.
 */
export type CredentialSource =
  | { kind: "accessKey"; credentials: EcsCredentials }
  | { kind: "ecsRole"; roleName: string }
  | { kind: "profile"; profile?: string; file?: string }
  | { kind: "defaultChain" };

export function credentialSource(
  stack: SettingSource,
  environment: readonly SettingSource[],
): CredentialSource {
  const keyPair = (source: SettingSource): CredentialSource | undefined =>
    source.accessKey && source.secretKey
      ? {
          kind: "accessKey",
          credentials: withoutUnset({
            accessKeyId: source.accessKey,
            accessKeySecret: source.secretKey,
            securityToken: source.securityToken,
          }),
        }
      : undefined;
  const fromStack = keyPair(stack);
  if (fromStack) return fromStack;
  if (stack.ecsRoleName) return { kind: "ecsRole", roleName: stack.ecsRoleName };
  if (stack.profile || stack.sharedCredentialsFile) {
    return withoutUnset({ kind: "profile", profile: stack.profile, file: stack.sharedCredentialsFile });
  }
  for (const source of environment) {
    const fromEnvironment = keyPair(source);
    if (fromEnvironment) return fromEnvironment;
  }
  return { kind: "defaultChain" };
}

export async function resolveSettings(): Promise<EcsSettings> {
  const source = credentialSource(stackConfig, environmentSources());
  const assumeRole = stackConfig.assumeRole;
  const credentials =
    source.kind === "accessKey" && assumeRole === undefined
      ? source.credentials
      : await credentialsProvider(source, assumeRole, stackConfig.stsEndpoint);
  const endpoint = firstSetting("ecsEndpoint");
  return {
    endpoint: endpoint === undefined ? DEFAULT_ECS_ENDPOINT : endpointUrl(endpoint),
    regionId: defaultRegion(),
    credentials,
    maxAttempts: positiveInteger(
      stackConfig.maxAttempts,
      `${PACKAGE_NAMESPACE}:maxAttempts`,
      "ALIBABA_CLOUD_ECS_MAX_ATTEMPTS",
    ),
    timeoutMs: positiveInteger(
      stackConfig.timeoutMs,
      `${PACKAGE_NAMESPACE}:timeoutMs`,
      "ALIBABA_CLOUD_ECS_TIMEOUT_MS",
    ),
  };
}

type AlicloudCredentials = typeof import("@alicloud/credentials");
type LibraryProvider = import("@alicloud/credentials").CredentialsProvider;

/** The credentials as @alicloud/credentials provides them; it does the STS, metadata and profile work. */
async function credentialsProvider(
  source: CredentialSource,
  assumeRole: AssumeRole | undefined,
  stsEndpoint: string | undefined,
): Promise<EcsCredentialsProvider> {
  const library: AlicloudCredentials = require("@alicloud/credentials");
  if (source.kind === "defaultChain" && assumeRole === undefined) return defaultChainCredentials(library);
  let provider = libraryProvider(library, source);
  if (assumeRole !== undefined) {
    const builder = library.RAMRoleARNCredentialsProvider.builder()
      .withCredentialsProvider(provider)
      .withRoleArn(assumeRole.roleArn)
      .withRoleSessionName(assumeRole.sessionName ?? DEFAULT_ROLE_SESSION_NAME);
    if (assumeRole.sessionExpiration !== undefined) builder.withDurationSeconds(assumeRole.sessionExpiration);
    if (assumeRole.policy !== undefined) builder.withPolicy(assumeRole.policy);
    if (assumeRole.externalId !== undefined) builder.withExternalId(assumeRole.externalId);
    if (stsEndpoint !== undefined) builder.withStsEndpoint(stsEndpoint.replace(/^https?:\/\//, ""));
    provider = builder.build();
  }
  const found = provider;
  return {
    async getCredentials() {
      const credentials = await found.getCredentials();
      return withoutUnset({
        accessKeyId: credentials.accessKeyId,
        accessKeySecret: credentials.accessKeySecret,
        securityToken: credentials.securityToken || undefined,
      });
    },
  };
}

function libraryProvider(library: AlicloudCredentials, source: CredentialSource): LibraryProvider {
  switch (source.kind) {
    case "accessKey":
      return staticProvider(library, source.credentials);
    case "ecsRole":
      return library.ECSRAMRoleCredentialsProvider.builder().withRoleName(source.roleName).build();
    case "profile": {
      if (source.file !== undefined) return profileFromFile(library, source.file, source.profile);
      const builder = library.CLIProfileCredentialsProvider.builder();
      if (source.profile !== undefined) builder.withProfileName(source.profile);
      return builder.build();
    }
    case "defaultChain":
      return library.DefaultCredentialsProvider.builder().build();
  }
}

function staticProvider(library: AlicloudCredentials, credentials: EcsCredentials): LibraryProvider {
  if (credentials.securityToken) {
    return library.StaticSTSCredentialsProvider.builder()
      .withAccessKeyId(credentials.accessKeyId)
      .withAccessKeySecret(credentials.accessKeySecret)
      .withSecurityToken(credentials.securityToken)
      .build();
  }
  return library.StaticAKCredentialsProvider.builder()
    .withAccessKeyId(credentials.accessKeyId)
    .withAccessKeySecret(credentials.accessKeySecret)
    .build();
}

interface CliProfile {
  name?: string;
  mode?: string;
  access_key_id?: string;
  access_key_secret?: string;
  sts_token?: string;
  ram_role_arn?: string;
  ram_session_name?: string;
  expired_seconds?: number;
  ram_role_name?: string;
}

const PROFILE_MODES_FROM_FILE = "AK, StsToken, RamRoleArn and EcsRamRole";

/**
 * A profile of an Aliyun CLI config file (the format of ~/.aliyun/config.json) at another path,
 * which @alicloud/credentials' CLI-profile provider does not read. The profile's mode picks the
 * library's provider; the modes that need the CLI's own state (SSO, OAuth, external processes) are
 * left to the file at its default place.
 */
function profileFromFile(
  library: AlicloudCredentials,
  file: string,
  profileName: string | undefined,
): LibraryProvider {
  let config: { current?: string; profiles?: CliProfile[] };
  try {
    config = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    throw new Error(
      `alicloud:sharedCredentialsFile: cannot read ${file} as an Aliyun CLI config file (${(error as Error).message})`,
    );
  }
  const name = profileName ?? config.current ?? "default";
  const profile = config.profiles?.find((candidate) => candidate.name === name);
  if (profile === undefined) {
    throw new Error(`alicloud:profile: no profile "${name}" in ${file}`);
  }
  const keyPair = {
    accessKeyId: profile.access_key_id ?? "",
    accessKeySecret: profile.access_key_secret ?? "",
  };
  switch (profile.mode) {
    case "AK":
      return staticProvider(library, keyPair);
    case "StsToken":
      return staticProvider(library, { ...keyPair, securityToken: profile.sts_token });
    case "RamRoleArn": {
      const builder = library.RAMRoleARNCredentialsProvider.builder()
        .withCredentialsProvider(staticProvider(library, keyPair))
        .withRoleArn(profile.ram_role_arn ?? "")
        .withRoleSessionName(profile.ram_session_name || DEFAULT_ROLE_SESSION_NAME);
      if (profile.expired_seconds) builder.withDurationSeconds(profile.expired_seconds);
      return builder.build();
    }
    case "EcsRamRole":
      return library.ECSRAMRoleCredentialsProvider.builder()
        .withRoleName(profile.ram_role_name ?? "")
        .build();
    default:
      throw new Error(
        `alicloud:sharedCredentialsFile: profile "${name}" in ${file} has mode ${profile.mode}; ` +
          `from a file at another path the modes ${PROFILE_MODES_FROM_FILE} are read (others from ~/.aliyun/config.json)`,
      );
  }
}

async function defaultChainCredentials(library: AlicloudCredentials): Promise<EcsCredentialsProvider> {
  const chain = new library.default();
  const provider: EcsCredentialsProvider = {
    async getCredentials() {
      const found = await chain.getCredential();
      if (!found.accessKeyId || !found.accessKeySecret) {
        throw new Error("the @alicloud/credentials default chain returned no access key");
      }
      return {
        accessKeyId: found.accessKeyId,
        accessKeySecret: found.accessKeySecret,
        securityToken: found.securityToken || undefined,
      };
    },
  };
  try {
    await provider.getCredentials();
  } catch (error) {
    throw new Error(
      "No Alibaba Cloud credentials: set alicloud:accessKey and alicloud:secretKey in the stack config, " +
        "or ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET in the environment, " +
        `or configure the @alicloud/credentials default chain (${(error as Error).message})`,
    );
  }
  return provider;
}

function positiveInteger(
  configured: string | undefined,
  configKey: string,
  environmentName: string,
): number | undefined {
  const [raw, name] =
    configured !== undefined ? [configured, configKey] : [process.env[environmentName], environmentName];
  if (!raw) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`${name} must be a positive whole number, got "${raw}"`);
  }
  return value;
}

function withoutUnset<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}
