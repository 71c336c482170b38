import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document } from "yaml";

/** 1-based, as editors and CI annotations count. */
export interface SourcePosition {
  line: number;
  column: number;
}

export interface SyntaxProblem {
  message: string;
  position?: SourcePosition;
}

/**
 * A plan file's text, parsed by `yaml` with a LineCounter so that a failure's property path
 * (`policies.daily.timePoints[2]`) can be turned back into the line and column where it is written.
 * JSON parses too, since JSON is YAML.
 */
export class PlanSourceMap {
  private readonly lineCounter = new LineCounter();
  private readonly document: Document.Parsed;

  constructor(text: string) {
    this.document = parseDocument(text, { lineCounter: this.lineCounter });
  }

  /** The document's errors, duplicate keys among them, each where it starts. */
  syntaxProblems(): SyntaxProblem[] {
    return this.document.errors.map((error) => {
      const start = error.linePos?.[0];
      const message = error.message.split("\n")[0];
      return { message, position: start && { line: start.line, column: start.col } };
    });
  }

  /**
   * Where the value at `property` is written; for a collection (a policy, a list), or with `atKey` (an
   * unknown field), where its key is; for a missing field, the nearest enclosing entry that is written.
   */
  positionOf(property: string, { atKey = false } = {}): SourcePosition {
    let node: unknown = this.document.contents;
    let offset = rangeStart(node) ?? 0;
    const segments = propertyPathSegments(property);
    for (const [depth, segment] of segments.entries()) {
      if (isMap(node)) {
        const pair = node.items.find(
          (item) => isScalar(item.key) && String(item.key.value) === String(segment),
        );
        if (pair === undefined) break;
        const keyOffset = rangeStart(pair.key) ?? offset;
        node = pair.value;
        const last = depth === segments.length - 1;
        offset = isScalar(node) && !(atKey && last) ? (rangeStart(node) ?? keyOffset) : keyOffset;
      } else if (isSeq(node) && typeof segment === "number" && segment < node.items.length) {
        node = node.items[segment];
        offset = rangeStart(node) ?? offset;
      } else break;
    }
    const { line, col } = this.lineCounter.linePos(offset);
    return { line: Math.max(line, 1), column: col };
  }
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as { range?: [number, number, number] } | null)?.range;
  return range?.[0];
}

/** The inverse of formatPropertyPath: `policies["Daily Backups"].disks[1]` → policies, Daily Backups, disks, 1. */
export function propertyPathSegments(property: string): (string | number)[] {
  const segments: (string | number)[] = [];
  const pattern = /\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]|\.?([^.[\]]+)/g;
  for (const [, index, quoted, name] of property.matchAll(pattern)) {
    if (index !== undefined) segments.push(Number(index));
    else if (quoted !== undefined) segments.push(JSON.parse(quoted) as string);
    else segments.push(name);
  }
  return segments;
}
