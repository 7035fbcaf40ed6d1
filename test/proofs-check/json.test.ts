/**
 * The checker's strict JSON reader (proofs-check/json.ts): the same document as JSON.parse for
 * everything JSON.stringify writes, and a one-line refusal naming the path for what it must refuse.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseJson, readJson } from "../../proofs-check/json.ts";
import { Invalid } from "../../proofs-check/validate.ts";

const refuse = (text: string, msg: RegExp) => {
  expect(() => parseJson(text)).toThrow(Invalid);
  expect(() => parseJson(text)).toThrow(msg);
};

describe("strict JSON reader", () => {
  it("reads what JSON.stringify writes exactly as JSON.parse does (random documents, any spacing)", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom(undefined, 1, 2, "\t"), (v, space) => {
        const text = JSON.stringify(v, null, space);
        expect(parseJson(text)).toStrictEqual(JSON.parse(text));
      }),
      { numRuns: 500, seed: 14 },
    );
  });
  it("refuses duplicate keys, naming the object's path", () => {
    refuse('{"a": 1, "a": 1}', /\(top level\)\): duplicate key "a"/);
    refuse('{"x": [0, {"k": 1, "j": 2, "k": 3}]}', /\(x\.1\): duplicate key "k"/);
    refuse('{"__proto__": 1, "__proto__": 2}', /duplicate key "__proto__"/);
    expect(Object.keys(parseJson('{"__proto__": 1, "constructor": 2, "toString": 3}') as object)).toEqual(["__proto__", "constructor", "toString"]);
  });
  it("refuses integers not written as integers", () => {
    for (const t of ["7.0", "7.00000000000000001", "1e2", "0e0", "-0.0", "1E+1", "2.5e1", "1e-400"]) refuse(`[${t}]`, /is read as the integer/);
    refuse("[1e400]", /beyond the range of a double/);
    expect(parseJson("[9007199254740991, 100000000000000000000, 0.5, 1.5e300, -0]")).toStrictEqual([9007199254740991, 1e20, 0.5, 1.5e300, 0]);
    expect(parseJson("[9007199254740993]")).toStrictEqual([9007199254740992]); // as JSON.parse; the schema refuses it in integer positions
  });
  it("refuses what RFC 8259 does not allow", () => {
    for (const t of ["[1,]", "{\"a\":1,}", "[01]", "[+1]", "[.5]", "[1.]", "['a']", "[NaN]", "[Infinity]", "// c\n1", "[1] 2", "", "[", '"a', '"\u0001"', '"\\x"', '"\\u12"', "{1: 2}", "[true false]", "nul"]) expect(() => parseJson(t), JSON.stringify(t)).toThrow(Invalid);
  });
  it("refuses invalid UTF-8 and lone surrogates; ignores a BOM", () => {
    const bytes = (...b: number[]) => new Uint8Array(b);
    for (const b of [bytes(0x22, 0x80, 0x22), bytes(0x22, 0xc1, 0x81, 0x22), bytes(0x22, 0xed, 0xa0, 0x80, 0x22), bytes(0x22, 0xf5, 0x80, 0x80, 0x80, 0x22), bytes(0x22, 0xe2, 0x82, 0x22)]) expect(() => readJson(b)).toThrow(/not valid UTF-8/);
    refuse('"\\ud800"', /lone surrogate/);
    refuse('"\\udc00\\ud800"', /lone surrogate/);
    expect(parseJson('"\\ud83d\\ude00"')).toBe("😀");
    expect(readJson(bytes(0xef, 0xbb, 0xbf, 0x31))).toBe(1);
  });
  it("is iterative: deep nesting is refused with a message, large documents are read", () => {
    refuse("[".repeat(100000) + "]".repeat(100000), /nesting deeper than 512/);
    expect(parseJson("[".repeat(500) + "]".repeat(500))).toBeInstanceOf(Array);
    const big = JSON.stringify({ sequences: Array.from({ length: 1e6 }, (_, i) => [i % 9]) });
    expect((parseJson(big) as { sequences: number[][] }).sequences).toHaveLength(1e6);
  });
});
