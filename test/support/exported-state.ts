/** The parts of `stack.exportStack()` (and of the state fixtures) that the state tests read. */
export interface StateResource {
  urn: string;
  type: string;
  id?: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}

export interface ExportedState {
  version: number;
  deployment: { resources: StateResource[] };
}

/** The resources of one of this package's types (`AutoSnapshotPolicy`, `PolicyAttachment`, …). */
export const resourcesOf = (resources: readonly StateResource[], kind: string): StateResource[] =>
  resources.filter((resource) => resource.type.endsWith(`:${kind}`));
