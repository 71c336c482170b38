/*
 * Where the ECS client finds its credentials, region and endpoint. Stack config (through the
 * providers' configure()) wins over the environment, which wins over the @alicloud/credentials
 * default chain. Everything is read when a provider method runs, never captured, so the
 * serialized provider carries no credential.
 */

export const DEFAULT_ECS_ENDPOINT = "https://ecs.aliyuncs.com";

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

interface StackConfig {
  get(key: string): string | undefined;
}

type SettingName = "accessKey" | "secretKey" | "securityToken" | "region" | "ecsEndpoint";
type SettingSource = Partial<Record<SettingName, string>>;

const SETTING_NAMES: SettingName[] = ["accessKey", "secretKey", "securityToken", "region", "ecsEndpoint"];

const ENVIRONMENT_NAMES: Record<SettingName, string>[] = [
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

/** Keeps the stack config that configure() receives; values (secrets included) arrive unwrapped. */
export function setStackConfig(config: StackConfig): void {
  stackConfig = {};
  for (const name of SETTING_NAMES) {
    const value = config.get(`alicloud:${name}`);
    if (value) stackConfig[name] = value;
  }
}

function settingSources(): SettingSource[] {
  const environmentSources = ENVIRONMENT_NAMES.map((names) => {
    const source: SettingSource = {};
    for (const name of SETTING_NAMES) {
      const value = process.env[names[name]];
      if (value) source[name] = value;
    }
    return source;
  });
  return [stackConfig, ...environmentSources];
}

function firstSetting(name: SettingName): string | undefined {
  return settingSources().find((source) => source[name])?.[name];
}

/** The region check() uses when an input leaves it out. */
export function defaultRegion(): string | undefined {
  return firstSetting("region");
}

export async function resolveSettings(): Promise<EcsSettings> {
  return {
    endpoint: firstSetting("ecsEndpoint") ?? DEFAULT_ECS_ENDPOINT,
    regionId: defaultRegion(),
    credentials: explicitCredentials() ?? (await defaultChainCredentials()),
    maxAttempts: positiveIntegerFromEnvironment("ALIBABA_CLOUD_ECS_MAX_ATTEMPTS"),
    timeoutMs: positiveIntegerFromEnvironment("ALIBABA_CLOUD_ECS_TIMEOUT_MS"),
  };
}

// A key id and its secret only make sense together, so they (and the token) come from one source.
function explicitCredentials(): EcsCredentials | undefined {
  const source = settingSources().find((candidate) => candidate.accessKey && candidate.secretKey);
  if (!source?.accessKey || !source.secretKey) return undefined;
  return {
    accessKeyId: source.accessKey,
    accessKeySecret: source.secretKey,
    securityToken: source.securityToken,
  };
}

async function defaultChainCredentials(): Promise<EcsCredentialsProvider> {
  const Credential: typeof import("@alicloud/credentials").default = require("@alicloud/credentials").default;
  const chain = new Credential();
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

function positiveIntegerFromEnvironment(name: string): number | undefined {
  const raw = process.env[name];
  if (!raw) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`${name} must be a positive whole number, got "${raw}"`);
  }
  return value;
}
