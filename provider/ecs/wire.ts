type Primitive = string | number | boolean;

/**
 * A list sent as repeated parameters `Name.1`, `Name.2`, … (what TagResources expects for
 * `ResourceId`), where a plain array of primitives would travel as one JSON string.
 */
export class RepeatedList {
  constructor(readonly values: readonly Primitive[]) {}
}

export function repeated(values: readonly Primitive[]): RepeatedList {
  return new RepeatedList(values);
}

export type EcsParamValue =
  | Primitive
  | null
  | undefined
  | RepeatedList
  | readonly EcsParamValue[]
  | { readonly [field: string]: EcsParamValue };

/** Parameter names are sent exactly as given (lowerCamel or PascalCase, whichever the action takes). */
export type EcsParams = Record<string, EcsParamValue>;

/**
 * Flattens parameters into the strings pop-core signs and sends:
 * - `undefined`/`null` and empty arrays are left out;
 * - booleans and numbers become their text (`true`, `24`);
 * - an array of primitives becomes a JSON list of strings (`timePoints: [1, 13]` → `["1","13"]`);
 * - an array of objects is numbered from 1 (`Tag: [{ Key, Value }]` → `Tag.1.Key`, `Tag.1.Value`);
 * - an object is flattened with dots (`CopyEncryptionConfiguration.Encrypted`);
 * - `repeated([...])` is numbered from 1 (`ResourceId: repeated(ids)` → `ResourceId.1`, `ResourceId.2`).
 */
export function toWireParams(params: EcsParams): Record<string, string> {
  const wire: Record<string, string> = {};
  for (const [name, value] of Object.entries(params)) flattenInto(wire, name, value);
  return wire;
}

function isPrimitive(value: unknown): value is Primitive {
  return typeof value === "string" || typeof value === "number" || typeof value === "boolean";
}

function flattenInto(wire: Record<string, string>, name: string, value: EcsParamValue): void {
  if (value === undefined || value === null) return;
  if (isPrimitive(value)) {
    wire[name] = String(value);
  } else if (value instanceof RepeatedList) {
    value.values.forEach((item, index) => flattenInto(wire, `${name}.${index + 1}`, item));
  } else if (Array.isArray(value)) {
    if (value.length === 0) return;
    if (value.every(isPrimitive)) {
      wire[name] = JSON.stringify(value.map(String));
    } else {
      value.forEach((item, index) => flattenInto(wire, `${name}.${index + 1}`, item));
    }
  } else {
    for (const [field, fieldValue] of Object.entries(value))
      flattenInto(wire, `${name}.${field}`, fieldValue);
  }
}
