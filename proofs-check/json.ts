/**
 * The certificate reader: strict JSON (RFC 8259) from bytes, so that no two readers can see different
 * documents in one file. Beyond JSON.parse it refuses, with one line naming the JSON path:
 *   - bytes that are not UTF-8 (decoded with TextDecoder fatal; a leading BOM is ignored),
 *   - a key that occurs twice in one object (JSON.parse keeps the last silently),
 *   - a number with a fraction or exponent whose double is a safe integer ("7.0", "1e2",
 *     "7.00000000000000001" — JSON.parse rounds the last to 7): an integer must be written as digits
 *     (integers beyond ±(2⁵³ − 1) are refused by the schema wherever an integer is expected),
 *   - \u escapes that leave a lone UTF-16 surrogate, and nesting deeper than 512.
 * It is iterative (no recursion, any size the string limit allows). Keys are own data properties,
 * "__proto__" included, as with JSON.parse.
 *
 * @example
 *   readJson(new TextEncoder().encode('{"a": 1, "a": 2}')) // throws Invalid: duplicate key "a" at (top level)
 */
import { Invalid } from "./validate.ts";

const MAX_DEPTH = 512;
const NUMBER = /-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/y;
const SPECIAL = /[\\\u0000-\u001f]/;

type Frame = { container: unknown[] | Record<string, unknown>; key: string | null; index: number };

const pathOf = (stack: Frame[]): string => {
  const parts = stack.map((f) => (Array.isArray(f.container) ? String(f.index) : f.key)).filter((k) => k !== null);
  const p = parts.length === 0 ? "(top level)" : parts.join(".");
  return p.length > 200 ? `${p.slice(0, 100)}…${p.slice(-100)}` : p;
};

/**
 * Parses bytes as one strict JSON document. Throws Invalid (one line) on any defect.
 * @example readJson(new TextEncoder().encode("[7.0]")) // throws Invalid: 7.0 is read as the integer 7 but not written as one
 */
export function readJson(bytes: Uint8Array): unknown {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new Invalid("the file is not valid UTF-8");
  }
  return parseJson(text);
}

/** Parses a string as strict JSON (see the file comment). */
export function parseJson(text: string): unknown {
  let i = 0;
  const stack: Frame[] = [];
  const fail = (msg: string): never => {
    throw new Invalid(`malformed JSON at character ${i + 1} (${pathOf(stack)}): ${msg}`);
  };
  const ws = () => {
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
      else return;
    }
  };
  const string = (): string => {
    i++; // opening quote
    // fast path: up to the next quote, no escape and no control character
    const q = text.indexOf('"', i);
    if (q >= 0) {
      const seg = text.slice(i, q);
      if (!SPECIAL.test(seg)) {
        i = q + 1;
        return seg;
      }
    }
    let out = "";
    let start = i;
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        out += text.slice(start, i++);
        return out;
      }
      if (Number.isNaN(c)) fail("unterminated string");
      if (c < 0x20) fail("control character in a string (escape it)");
      if (c !== 0x5c) {
        i++;
        continue;
      }
      out += text.slice(start, i);
      const e = text[i + 1];
      const simple = e === undefined ? undefined : ({ '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" } as Record<string, string>)[e];
      if (simple !== undefined) {
        out += simple;
        i += 2;
      } else if (e === "u") {
        const unit = (at: number): number => {
          const h = text.slice(at, at + 4);
          if (!/^[0-9A-Fa-f]{4}$/.test(h)) fail("bad \\u escape");
          return parseInt(h, 16);
        };
        const u = unit(i + 2);
        i += 6;
        if (u >= 0xd800 && u <= 0xdbff) {
          if (text.slice(i, i + 2) !== "\\u") fail("lone surrogate in a \\u escape");
          const v = unit(i + 2);
          if (v < 0xdc00 || v > 0xdfff) fail("lone surrogate in a \\u escape");
          out += String.fromCharCode(u, v);
          i += 6;
        } else if (u >= 0xdc00 && u <= 0xdfff) fail("lone surrogate in a \\u escape");
        else out += String.fromCharCode(u);
      } else fail("bad escape");
      start = i;
    }
  };
  const number = (): number => {
    // fast path: a short run of digits (no sign, fraction or exponent) is a safe integer
    let j = i;
    let v0 = 0;
    for (let c = text.charCodeAt(j); c >= 0x30 && c <= 0x39 && j - i < 15; c = text.charCodeAt(++j)) v0 = v0 * 10 + (c - 0x30);
    const after = text.charCodeAt(j);
    if (j > i && !(after >= 0x30 && after <= 0x39) && after !== 0x2e && after !== 0x65 && after !== 0x45 && (text.charCodeAt(i) !== 0x30 || j === i + 1)) {
      i = j;
      return v0;
    }
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text) ?? fail("unexpected character");
    const tok = m[0];
    i += tok.length;
    const v = Number(tok);
    if (!Number.isFinite(v)) fail(`${tok} is beyond the range of a double`);
    if (m[1] !== undefined || m[2] !== undefined) {
      // a fraction or exponent whose double is an integer a position could take as a count or index
      if (Number.isSafeInteger(v)) fail(`${tok} is read as the integer ${v} but not written as one (write it as digits, or as a string)`);
      return v;
    }
    // digits beyond ±(2^53 − 1) are read as the nearest double, as JSON.stringify writes them; no
    // integer position of the format takes them (the schema's integers are safe integers)
    return v === 0 ? 0 : v; // -0 → 0
  };
  const literal = (word: string, v: unknown): unknown => (text.startsWith(word, i) ? ((i += word.length), v) : fail("unexpected character"));

  /** Reads a scalar, or opens a container (pushed on the stack; returns the container). */
  const value = (): { v: unknown; open: boolean } => {
    ws();
    const c = text[i];
    if (c === "{" || c === "[") {
      if (stack.length >= MAX_DEPTH) fail(`nesting deeper than ${MAX_DEPTH}`);
      i++;
      const container = c === "{" ? {} : [];
      return { v: container, open: true };
    }
    if (c === '"') return { v: string(), open: false };
    if (c === "t") return { v: literal("true", true), open: false };
    if (c === "f") return { v: literal("false", false), open: false };
    if (c === "n") return { v: literal("null", null), open: false };
    if (c === undefined) return fail("unexpected end of input");
    return { v: number(), open: false };
  };
  const put = (f: Frame, v: unknown) => {
    if (Array.isArray(f.container)) f.container.push(v);
    else if (f.key === "__proto__") Object.defineProperty(f.container, f.key, { value: v, writable: true, enumerable: true, configurable: true });
    else f.container[f.key!] = v;
  };
  /** In an object frame: reads `"key":` (after "{" or ","), checks the key is new. */
  const key = (f: Frame) => {
    ws();
    if (text[i] !== '"') fail("expected a key (a string)");
    const k = string();
    if (Object.prototype.hasOwnProperty.call(f.container, k)) {
      f.key = null;
      fail(`duplicate key ${JSON.stringify(k)} in this object`);
    }
    f.key = k;
    ws();
    if (text[i] !== ":") fail('expected ":"');
    i++;
  };

  let root: unknown;
  let { v, open } = value();
  for (;;) {
    if (open) {
      const f: Frame = { container: v as Frame["container"], key: null, index: 0 };
      stack.push(f);
      ws();
      const close = Array.isArray(f.container) ? "]" : "}";
      if (text[i] === close) {
        i++;
        stack.pop();
        open = false; // an empty container is a finished value
      } else {
        if (!Array.isArray(f.container)) key(f);
        ({ v, open } = value());
        continue;
      }
    }
    // a finished value v: store it in its parent and move on
    const parent = stack[stack.length - 1];
    if (!parent) {
      root = v;
      break;
    }
    put(parent, v);
    ws();
    const arr = Array.isArray(parent.container);
    if (text[i] === ",") {
      i++;
      if (arr) parent.index++;
      else key(parent);
      ({ v, open } = value());
      continue;
    }
    if (text[i] !== (arr ? "]" : "}")) fail(`expected "," or "${arr ? "]" : "}"}"`);
    i++;
    v = stack.pop()!.container;
    open = false;
  }
  ws();
  if (i < text.length) fail("text after the JSON document");
  return root;
}
