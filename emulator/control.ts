import type { IncomingMessage, ServerResponse } from "node:http";
import { newPolicyId } from "./actions/policies";
import type { FaultRule } from "./faults";
import { type EcsState, newPolicyRecord, tagMap } from "./model";
import { isKnownRegion } from "./regions";
import { CONTROL_PREFIX, type Service } from "./server";

export interface SeedDisk {
  diskId: string;
  regionId: string;
  /** Default `cloud_essd`. */
  category?: string;
  /** Attached to an instance (status In_use); default true. */
  attached?: boolean;
  /** The instance the disk belongs to: a seed instance of the same region. */
  instanceId?: string;
}

export interface SeedInstance {
  instanceId: string;
  regionId: string;
  tags?: Record<string, string>;
}

export interface AccountStatus {
  notEnoughBalance?: boolean;
  snapshotServiceUnavailable?: boolean;
}

/** What the control route can change: the emulator's own test hooks. */
export interface Controls {
  addFault(rule: FaultRule): void;
  clearFaults(): void;
  addInstances(instances: SeedInstance[]): void;
  addDisks(disks: SeedDisk[]): void;
  removeDisk(diskId: string): void;
  addSystemPolicy(regionId: string): string;
  setAccountStatus(status: AccountStatus): void;
  setUnsupportedRegions(regionIds: string[]): void;
}

type Route = (controls: Controls, body: unknown) => unknown;

const asList = <T>(body: unknown): T[] => (Array.isArray(body) ? (body as T[]) : [body as T]);

/**
 * The test hooks over a running service. Seeds are checked as a whole before any is added; every
 * change is persisted in the background (`persistInBackground`).
 */
export function createControls(service: Service, persistInBackground: () => void): Controls {
  const { state, switches } = service.context;
  return {
    addFault: (rule) => service.faults.add(rule),
    clearFaults: () => service.faults.clear(),
    addInstances(instances) {
      for (const seed of instances) {
        if (!seed.instanceId || !isKnownRegion(seed.regionId)) {
          throw new Error(
            `A seed instance needs an instanceId and a known regionId, got ${JSON.stringify(seed)}`,
          );
        }
      }
      for (const seed of instances) {
        state.instances[seed.instanceId] = {
          instanceId: seed.instanceId,
          regionId: seed.regionId,
          tags: tagMap(Object.entries(seed.tags ?? {})),
        };
      }
      persistInBackground();
    },
    addDisks(disks) {
      for (const seed of disks) checkSeedDisk(state, seed);
      for (const seed of disks) {
        const existing = state.disks[seed.diskId];
        state.disks[seed.diskId] = {
          diskId: seed.diskId,
          regionId: seed.regionId,
          category: seed.category ?? "cloud_essd",
          attached: seed.attached ?? true,
          ...(seed.instanceId === undefined ? {} : { instanceId: seed.instanceId }),
          policyIds: existing?.regionId === seed.regionId ? existing.policyIds : [],
        };
      }
      persistInBackground();
    },
    removeDisk(diskId) {
      delete state.disks[diskId];
      persistInBackground();
    },
    addSystemPolicy(regionId) {
      if (!isKnownRegion(regionId)) throw new Error(`Unknown region ${regionId}`);
      const id = newPolicyId(regionId);
      state.policies[id] = newPolicyRecord({
        id,
        regionId,
        type: "System",
        name: `System-${id}`,
        timePoints: ["2"],
        repeatWeekdays: ["1", "2", "3", "4", "5", "6", "7"],
        retentionDays: 7,
      });
      persistInBackground();
      return id;
    },
    setAccountStatus(status) {
      switches.notEnoughBalance = status.notEnoughBalance ?? false;
      switches.snapshotServiceUnavailable = status.snapshotServiceUnavailable ?? false;
    },
    setUnsupportedRegions(regionIds) {
      switches.unsupportedRegions = new Set(regionIds);
    },
  };
}

function checkSeedDisk(state: EcsState, seed: SeedDisk): void {
  if (!seed.diskId || !isKnownRegion(seed.regionId)) {
    throw new Error(`A seed disk needs a diskId and a known regionId, got ${JSON.stringify(seed)}`);
  }
  if (seed.instanceId !== undefined) {
    const instance = Object.hasOwn(state.instances, seed.instanceId)
      ? state.instances[seed.instanceId]
      : undefined;
    if (instance?.regionId !== seed.regionId) {
      throw new Error(
        `Seed disk ${seed.diskId}: instance ${seed.instanceId} is not a seed instance of ${seed.regionId}`,
      );
    }
  }
}

/**
 * The test-only control route (`controlRoute: true`), JSON in and out:
 * POST/DELETE /__control/faults, POST /__control/instances, POST /__control/disks, DELETE /__control/disks/<id>,
 * POST /__control/system-policies {regionId}, POST /__control/account, PUT /__control/unsupported-regions.
 */
const ROUTES: Record<string, Route> = {
  "POST faults": (controls, body) => asList<FaultRule>(body).forEach((rule) => controls.addFault(rule)),
  "DELETE faults": (controls) => controls.clearFaults(),
  "POST instances": (controls, body) => controls.addInstances(asList<SeedInstance>(body)),
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
