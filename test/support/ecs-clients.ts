import Ecs from "@alicloud/ecs20140526";
import { $OpenApiUtil } from "@alicloud/openapi-core";
import * as $OpenApi from "@alicloud/openapi-client";
import RPCClient from "@alicloud/pop-core";
import * as $dara from "@darabonba/typescript";
import type { EcsEmulator } from "../../emulator";

export const API_VERSION = "2014-05-26";

export type WireParams = Record<string, string | number | boolean>;

/** What a call answered: the HTTP status and the JSON body (an ECS error body for 4xx/5xx). */
export interface Answer {
  status: number;
  body: Record<string, unknown>;
}

/** A signed-call function: one per official client, so every case can run through both. */
export type Caller = (action: string, params?: WireParams) => Promise<Answer>;

interface Keys {
  accessKeyId: string;
  accessKeySecret: string;
}

export function popCoreClient(emulator: EcsEmulator, keys: Keys = emulator): RPCClient {
  return new RPCClient({ ...keys, endpoint: emulator.url, apiVersion: API_VERSION });
}

interface PopCoreError {
  data?: Record<string, unknown>;
  entry?: { response?: { statusCode: number } };
}

/** @alicloud/pop-core, HMAC-SHA1 signature v1, parameters as given (`formatParams: false`). */
export function popCoreCaller(emulator: EcsEmulator, method: "GET" | "POST" = "POST", keys?: Keys): Caller {
  const client = popCoreClient(emulator, keys);
  return async (action, params = {}) => {
    try {
      const body = await client.request<Record<string, unknown>>(action, params, {
        method,
        formatParams: false,
        // pop-core's default of 3 s is a flake on a loaded 2-core CI machine; these calls go to 127.0.0.1.
        timeout: 30_000,
      });
      return { status: 200, body };
    } catch (error) {
      const { data, entry } = error as PopCoreError;
      if (!data || !entry?.response) throw error;
      return { status: entry.response.statusCode, body: data };
    }
  };
}

export function ecsClient(emulator: EcsEmulator, keys: Keys = emulator): Ecs {
  const config = new $OpenApi.Config({
    ...keys,
    endpoint: new URL(emulator.url).host,
    protocol: "http",
    regionId: "cn-hangzhou",
  });
  return new Ecs(config as ConstructorParameters<typeof Ecs>[0]);
}

interface OpenApiError {
  statusCode?: number;
  data?: Record<string, unknown>;
}

/** @alicloud/ecs20140526 (ACS3-HMAC-SHA256, its default signature): any action through `callApi`. */
export function ecsCaller(emulator: EcsEmulator, keys?: Keys): Caller {
  const client = ecsClient(emulator, keys);
  return async (action, params = {}) => {
    const query = Object.fromEntries(Object.entries(params).map(([name, value]) => [name, String(value)]));
    const apiParams = new $OpenApiUtil.Params({
      action,
      version: API_VERSION,
      protocol: "HTTP",
      pathname: "/",
      method: "POST",
      authType: "AK",
      style: "RPC",
      reqBodyType: "formData",
      bodyType: "json",
    });
    try {
      const response = await client.callApi(
        apiParams,
        new $OpenApiUtil.OpenApiRequest({ query }),
        new $dara.RuntimeOptions({}),
      );
      return { status: response.statusCode as number, body: response.body as Record<string, unknown> };
    } catch (error) {
      const { statusCode, data } = error as OpenApiError;
      if (statusCode === undefined || !data) throw error;
      return { status: statusCode, body: data };
    }
  };
}

export const json = (values: (string | number)[]): string => JSON.stringify(values.map(String));

export function policyList(answer: Answer): Record<string, unknown>[] {
  const policies = answer.body.AutoSnapshotPolicies as { AutoSnapshotPolicy: Record<string, unknown>[] };
  return policies.AutoSnapshotPolicy;
}

export function diskList(answer: Answer): Record<string, unknown>[] {
  return (answer.body.Disks as { Disk: Record<string, unknown>[] }).Disk;
}
