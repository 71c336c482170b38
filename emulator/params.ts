import { EcsError } from "./errors";

/** Decoded request parameters, looked up by name with the other casing (`regionId` / `RegionId`) as alias. */
export class Params {
  constructor(readonly values: Readonly<Record<string, string>>) {}

  /** The value under `name`, or under the same name with its first letter's case flipped. */
  get(name: string): string | undefined {
    return this.values[name] ?? this.values[flipFirstLetter(name)];
  }

  required(name: string): string {
    const value = this.get(name);
    if (value === undefined || value === "") throw EcsError.missingParameter(name);
    return value;
  }

  /** A JSON list of strings or numbers (`["1","13"]`), as strings; `invalid` when it is anything else. */
  jsonList(name: string, invalid: () => EcsError): string[] | undefined {
    const text = this.get(name);
    if (text === undefined) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw invalid();
    }
    if (!Array.isArray(parsed)) throw invalid();
    return parsed.map((item) => {
      if (typeof item === "string") return item.trim();
      if (typeof item === "number") return String(item);
      throw invalid();
    });
  }

  integer(name: string, invalid: () => EcsError): number | undefined {
    const text = this.get(name);
    if (text === undefined) return undefined;
    if (!/^-?\d+$/.test(text.trim())) throw invalid();
    return Number(text);
  }

  boolean(name: string): boolean | undefined {
    const text = this.get(name);
    if (text === undefined) return undefined;
    if (text === "true" || text === "false") return text === "true";
    throw EcsError.invalidParameter(name);
  }

  /** Values of `Prefix.1`, `Prefix.2`, … in order of N (`ResourceId.N`, `TagKey.N`). */
  numbered(prefix: string): string[] {
    return this.numberedEntries(prefix, "").map(([, value]) => value);
  }

  /**
   * `Tag.N.Key` / `Tag.N.Value` pairs (or under another prefix: `TargetTags.N.Key`) in order of N;
   * a value without a key has the key `""`.
   */
  tags(prefix = "Tag"): { key: string; value: string | undefined; index: number }[] {
    const keys = new Map(this.numberedEntries(prefix, ".Key"));
    const values = new Map(this.numberedEntries(prefix, ".Value"));
    const indexes = [...new Set([...keys.keys(), ...values.keys()])].sort((a, b) => a - b);
    return indexes.map((index) => ({ key: keys.get(index) ?? "", value: values.get(index), index }));
  }

  private numberedEntries(prefix: string, suffix: string): [number, string][] {
    const pattern = new RegExp(`^${escapeRegExp(prefix)}\\.(\\d+)${escapeRegExp(suffix)}$`, "i");
    const entries: [number, string][] = [];
    for (const [name, value] of Object.entries(this.values)) {
      const match = pattern.exec(name);
      if (match) entries.push([Number(match[1]), value]);
    }
    return entries.sort(([a], [b]) => a - b);
  }
}

function flipFirstLetter(name: string): string {
  const first = name.charAt(0);
  const flipped = first === first.toUpperCase() ? first.toLowerCase() : first.toUpperCase();
  return flipped + name.slice(1);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
