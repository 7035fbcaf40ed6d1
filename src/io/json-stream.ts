/**
 * JSON written in pieces: the same bytes as `JSON.stringify(value)` (no replacer, no indentation),
 * produced value by value into a sink, so that a large certificate (N = 10⁵ sequences, thousands of
 * layers) is never held as one string beside the objects it encodes. Arrays and objects are walked
 * iteratively (any depth); leaves and small values go through JSON.stringify itself, so escaping,
 * numbers, `toJSON` and dropped `undefined`/function members follow the standard exactly.
 *
 * @example
 *   const parts: string[] = [];
 *   writeJsonPieces({ a: [1, 2] }, (s) => parts.push(s));
 *   parts.join("") === JSON.stringify({ a: [1, 2] }) // true
 */

/** Values at most this many JSON characters long (estimated from their element count) are stringified whole. */
const WHOLE_ELEMENTS = 64;

type Frame = { kind: "array"; items: unknown[]; next: number } | { kind: "object"; keys: string[]; obj: Record<string, unknown>; next: number; wrote: boolean };

/** JSON.stringify's rule for members it drops (objects) or writes as null (arrays). */
const unrepresentable = (v: unknown) => v === undefined || typeof v === "function" || typeof v === "symbol";

function small(v: unknown): boolean {
  if (v === null || typeof v !== "object") return true;
  if (typeof (v as { toJSON?: unknown }).toJSON === "function") return true;
  if (Array.isArray(v)) return v.length <= WHOLE_ELEMENTS && v.every((x) => x === null || typeof x !== "object");
  return false;
}

/** Writes `value` as JSON through `write`, in pieces; throws TypeError on a cycle or a BigInt like JSON.stringify. */
export function writeJsonPieces(value: unknown, write: (piece: string) => void): void {
  const open = new Set<object>();
  const stack: Frame[] = [];
  const start = (v: unknown, inArray: boolean): void => {
    if (small(v)) {
      const s = JSON.stringify(v);
      write(s === undefined ? (inArray ? "null" : "") : s);
      return;
    }
    if (open.has(v as object)) throw new TypeError("Converting circular structure to JSON");
    open.add(v as object);
    if (Array.isArray(v)) {
      write("[");
      stack.push({ kind: "array", items: v, next: 0 });
    } else {
      write("{");
      stack.push({ kind: "object", keys: Object.keys(v as object), obj: v as Record<string, unknown>, next: 0, wrote: false });
    }
  };
  start(value, false);
  while (stack.length) {
    const f = stack[stack.length - 1]!;
    if (f.kind === "array") {
      if (f.next === f.items.length) {
        write("]");
        open.delete(f.items);
        stack.pop();
        continue;
      }
      if (f.next > 0) write(",");
      const item = f.items[f.next++];
      start(unrepresentable(item) ? null : item, true);
    } else {
      if (f.next === f.keys.length) {
        write("}");
        open.delete(f.obj);
        stack.pop();
        continue;
      }
      const k = f.keys[f.next++]!;
      const item = f.obj[k];
      if (unrepresentable(item)) continue;
      write(`${f.wrote ? "," : ""}${JSON.stringify(k)}:`);
      f.wrote = true;
      start(item, false);
    }
  }
}
