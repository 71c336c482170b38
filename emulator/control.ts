import type { IncomingMessage, ServerResponse } from "node:http";
import type { FaultRule } from "./faults";
import { CONTROL_PREFIX } from "./server";

export interface SeedDisk {
  diskId: string;
  regionId: string;
  /** Default `cloud_essd`. */
  category?: string;
  /** Attached to an instance (status In_use); default true. */
  attached?: boolean;
}

export interface AccountStatus {
  notEnoughBalance?: boolean;
  snapshotServiceUnavailable?: boolean;
}

/** What the control route can change: the emulator's own test hooks. */
export interface Controls {
  addFault(rule: FaultRule): void;
  clearFaults(): void;
  addDisks(disks: SeedDisk[]): void;
  removeDisk(diskId: string): void;
  addSystemPolicy(regionId: string): string;
  setAccountStatus(status: AccountStatus): void;
  setUnsupportedRegions(regionIds: string[]): void;
}

type Route = (controls: Controls, body: unknown) => unknown;

const asList = <T>(body: unknown): T[] => (Array.isArray(body) ? (body as T[]) : [body as T]);

/**
 * The test-only control route (`controlRoute: true`), JSON in and out:
 * POST/DELETE /__control/faults, POST /__control/disks, DELETE /__control/disks/<id>,
 * POST /__control/system-policies {regionId}, POST /__control/account, PUT /__control/unsupported-regions.
 */
const ROUTES: Record<string, Route> = {
  "POST faults": (controls, body) => asList<FaultRule>(body).forEach((rule) => controls.addFault(rule)),
  "DELETE faults": (controls) => controls.clearFaults(),
  "POST disks": (controls, body) => controls.addDisks(asList<SeedDisk>(body)),
  "POST system-policies": (controls, body) => ({
    AutoSnapshotPolicyId: controls.addSystemPolicy((body as { regionId: string }).regionId),
  }),
  "POST account": (controls, body) => controls.setAccountStatus(body as AccountStatus),
  "PUT unsupported-regions": (controls, body) => controls.setUnsupportedRegions(asList<string>(body)),
};

export function controlRoute(controls: Controls) {
  return async (req: IncomingMessage, body: Buffer, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? "").split("?")[0].slice(CONTROL_PREFIX.length);
    const diskMatch = /^disks\/([^/]+)$/.exec(path);
    let status = 200;
    let result: unknown;
    try {
      const payload: unknown = body.length > 0 ? JSON.parse(body.toString("utf8")) : undefined;
      if (req.method === "DELETE" && diskMatch) {
        controls.removeDisk(decodeURIComponent(diskMatch[1]));
      } else {
        const route = ROUTES[`${req.method} ${path}`];
        if (route) result = route(controls, payload);
        else status = 404;
      }
    } catch (error) {
      status = 400;
      result = { message: (error as Error).message };
    }
    const text = JSON.stringify(result ?? {});
    res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
    res.end(text);
  };
}
