import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeJsonPieces } from "../../src/io/json-stream.ts";
import { writeJsonAtomic } from "../../src/io/output.ts";

const pieces = (v: unknown): string[] => {
  const out: string[] = [];
  writeJsonPieces(v, (s) => out.push(s));
  return out;
};

describe("writeJsonPieces", () => {
  it("writes exactly JSON.stringify's bytes for any JSON value", () => {
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 6 }), (v) => pieces(v).join("") === JSON.stringify(v)), { numRuns: 300 });
  });

  it("follows JSON.stringify on undefined, functions, toJSON and nested empties", () => {
    const v = { a: undefined, b: () => 1, c: [undefined, () => 2, null], d: new Date(0), e: { f: {} }, g: [[[]]], h: { toJSON: () => "t" } };
    expect(pieces(v).join("")).toBe(JSON.stringify(v));
  });

  it("streams a large array element by element instead of one string", () => {
    const big = { layers: Array.from({ length: 2000 }, (_, i) => ({ W: [[String(i), "0"]], b: ["1/2"] })) };
    const p = pieces(big);
    expect(p.join("")).toBe(JSON.stringify(big));
    expect(p.length).toBeGreaterThan(2000);
    expect(Math.max(...p.map((s) => s.length))).toBeLessThan(100);
  });

  it("refuses a cycle and a BigInt like JSON.stringify", () => {
    const a: unknown[] = [];
    a.push({ back: a });
    expect(() => pieces(a)).toThrow(TypeError);
    expect(() => pieces({ x: [1n, 2] })).toThrow(TypeError);
  });
});

describe("writeJsonAtomic", () => {
  it("writes JSON.stringify(value) + newline, and leaves nothing behind when the value cannot be encoded", () => {
    const dir = mkdtempSync(join(tmpdir(), "memcap-json-"));
    const v = { s: "é\u2028\"", n: [1, -0, 1e300], deep: Array.from({ length: 300 }, (_, i) => [i, { k: `v${i}` }]) };
    writeJsonAtomic(join(dir, "a.json"), v);
    expect(readFileSync(join(dir, "a.json"), "utf8")).toBe(JSON.stringify(v) + "\n");
    expect(() => writeJsonAtomic(join(dir, "b.json"), { bad: 1n })).toThrow(TypeError);
    expect(readdirSync(dir)).toEqual(["a.json"]);
  });
});
