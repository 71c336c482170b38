import * as crypto from "node:crypto";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { consoleRoute } from "./console";
import type { PoliciesPerDisk } from "./actions";
import {
  type AccountStatus,
  type Controls,
  controlRoute,
  createControls,
  type SeedDisk,
  type SeedInstance,
} from "./control";
import { FaultSet, type FaultRule } from "./faults";
import type { EmulatorCredentials } from "./model";
import { answerClientError, handleRequest, type RequestRecord, type Service } from "./server";
import { NonceCache } from "./signature";
import { openStore } from "./store";

export type {
  AccountStatus,
  EmulatorCredentials,
  FaultRule,
  PoliciesPerDisk,
  RequestRecord,
  SeedDisk,
  SeedInstance,
};
export { EcsError } from "./errors";

export const DEFAULT_REQUEST_LOG_LIMIT = 5000;
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

export interface EmulatorOptions {
  /** 0 (default) = any free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** A JSON file that holds the state across restarts; unset = in memory. */
  statePath?: string;
  /**
   * Accepted key pairs; unset = one generated pair, exposed as `accessKeyId` / `accessKeySecret`
   * and, with `statePath`, kept in the state file so that a restart accepts the same pair.
   */
  credentials?: EmulatorCredentials[];
  /**
   * The account kind: 10 (default; Apply adds, up to 10 policies a disk) or 1 (Apply replaces the
   * disk's one policy, as accounts that have not been upgraded behave).
   */
  policiesPerDisk?: PoliciesPerDisk;
  instances?: SeedInstance[];
  disks?: SeedDisk[];
  faults?: FaultRule[];
  /** Serve the test-only `/__control/` route (see control.ts); default false. */
  controlRoute?: boolean;
  /** Serve the console page at `/` (see console.ts); default false. */
  console?: boolean;
  /** How many entries `requests` keeps, the oldest dropped first; default 5000. */
  requestLogLimit?: number;
  /** A request not received in full within this time is answered 408; default 10 s. */
  requestTimeoutMs?: number;
}

export interface EcsEmulator extends Controls {
  /** http://<host>:<port> */
  url: string;
  /** The first accepted key pair. */
  accessKeyId: string;
  accessKeySecret: string;
  policiesPerDisk: PoliciesPerDisk;
  /** The latest requests, oldest first (at most `requestLogLimit`). */
  requests: RequestRecord[];
  /** Stops serving; safe to call more than once. */
  close(): Promise<void>;
}

function generatedCredentials(): EmulatorCredentials {
  return {
    accessKeyId: `LTAI-local-${crypto.randomBytes(8).toString("hex")}`,
    accessKeySecret: crypto.randomBytes(24).toString("base64url"),
  };
}

function checkOptions(options: EmulatorOptions): void {
  const { policiesPerDisk, requestLogLimit, requestTimeoutMs } = options;
  if (policiesPerDisk !== undefined && policiesPerDisk !== 1 && policiesPerDisk !== 10) {
    throw new Error(`policiesPerDisk must be 1 or 10, got ${String(policiesPerDisk)}`);
  }
  if (requestLogLimit !== undefined && !(Number.isInteger(requestLogLimit) && requestLogLimit >= 0)) {
    throw new Error(`requestLogLimit must be a whole number ≥ 0, got ${String(requestLogLimit)}`);
  }
  if (requestTimeoutMs !== undefined && !(Number.isInteger(requestTimeoutMs) && requestTimeoutMs > 0)) {
    throw new Error(`requestTimeoutMs must be a whole number > 0, got ${String(requestTimeoutMs)}`);
  }
}

export async function startEcsEmulator(options: EmulatorOptions = {}): Promise<EcsEmulator> {
  checkOptions(options);
  const store = openStore(options.statePath);
  const state = store.load();
  const credentials = options.credentials?.length
    ? options.credentials
    : (state.generatedCredentials ??= [generatedCredentials()]);
  const policiesPerDisk = options.policiesPerDisk ?? 10;
  const service: Service = {
    context: {
      state,
      switches: { notEnoughBalance: false, snapshotServiceUnavailable: false, unsupportedRegions: new Set() },
      policiesPerDisk,
    },
    store,
    secrets: new Map(credentials.map((pair) => [pair.accessKeyId, pair.accessKeySecret])),
    nonces: new NonceCache(),
    faults: new FaultSet(),
    requests: [],
    requestLogLimit: options.requestLogLimit ?? DEFAULT_REQUEST_LOG_LIMIT,
  };

  const persist = (): Promise<void> => store.save(state);
  let persistFailure: unknown;
  const controls = createControls(service, () => {
    persist().catch((error: unknown) => (persistFailure ??= error));
  });

  for (const rule of options.faults ?? []) controls.addFault(rule);
  if (options.instances) controls.addInstances(options.instances);
  if (options.disks) controls.addDisks(options.disks);
  await persist();
  if (options.controlRoute) service.control = controlRoute(controls);
  if (options.console) service.console = consoleRoute(service, controls);

  const requestTimeout = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const server = http.createServer(
    {
      requestTimeout,
      headersTimeout: requestTimeout,
      // How often Node checks those timeouts (its default, 30 s, would let a request hang that long).
      connectionsCheckingInterval: Math.min(1000, requestTimeout),
    },
    (req, res) => void handleRequest(service, req, res),
  );
  server.on("clientError", (error, socket) => answerClientError(service, error, socket));
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await persist();
      server.closeAllConnections();
      await stopped;
      if (persistFailure !== undefined) throw persistFailure;
    })());

  return {
    ...controls,
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    accessKeyId: credentials[0].accessKeyId,
    accessKeySecret: credentials[0].accessKeySecret,
    policiesPerDisk,
    requests: service.requests,
    close,
  };
}
