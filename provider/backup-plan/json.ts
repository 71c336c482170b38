/** A key that appears a second time in one object of a JSON text: its path and line. */
export interface DuplicateKey {
  path: (string | number)[];
  line: number;
}

type Frame = { kind: "object"; keys: Set<string>; key?: string } | { kind: "array"; index: number };

/**
 * The keys that appear more than once in an object of `text`, which must be valid JSON. JSON.parse
 * silently keeps the last of them, so a plan would lose what the first one said.
 */
export function duplicateJsonKeys(text: string): DuplicateKey[] {
  const stack: Frame[] = [];
  const duplicates: DuplicateKey[] = [];
  let line = 1;
  let expectingKey = false;
  for (let index = 0; index < text.length; index++) {
    const character = text[index];
    const top = stack[stack.length - 1];
    if (character === "\n") line++;
    else if (character === '"') {
      let end = index + 1;
      while (text[end] !== '"') end += text[end] === "\\" ? 2 : 1;
      if (top?.kind === "object" && expectingKey) {
        const key = JSON.parse(text.slice(index, end + 1)) as string;
        if (top.keys.has(key)) duplicates.push({ path: [...containerPath(stack), key], line });
        top.keys.add(key);
        top.key = key;
        expectingKey = false;
      }
      index = end;
    } else if (character === "{") {
      stack.push({ kind: "object", keys: new Set() });
      expectingKey = true;
    } else if (character === "[") stack.push({ kind: "array", index: 0 });
    else if (character === "}" || character === "]") stack.pop();
    else if (character === ",") {
      if (top?.kind === "object") expectingKey = true;
      else if (top?.kind === "array") top.index++;
    }
  }
  return duplicates;
}

/** Where the innermost container sits: the key or index each enclosing container is at. */
function containerPath(stack: readonly Frame[]): (string | number)[] {
  return stack.slice(0, -1).map((frame) => (frame.kind === "object" ? (frame.key ?? "") : frame.index));
}
