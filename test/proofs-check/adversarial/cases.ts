/**
 * Adversarial certificates for the checker's bound and input classes (issue 14, classes 1, 3, 4, 5),
 * each made from a valid small certificate (reluInterpCert: 3 scalar examples, parameters = 7) by one
 * change that uses only what the format's text allows. `exit` is the expected exit code of
 * `memcap check` (0 VERIFIED, 1 REJECTED, 2 invalid, 3 INCONCLUSIVE) and `says` a fragment of its
 * line; `onMain` records what the checker of main at 5d007ab did with the same bytes (measured with
 * `npx tsx test/proofs-check/adversarial/write.ts DIR` and `memcap check` there), i.e. why the case
 * is here. A VERIFIED false claim or a crash (exit 70, a stack trace) is a soundness failure.
 *
 * @example
 *   for (const c of CASES) writeFileSync(`${c.name}.json`, c.bytes());
 */
import type { Certificate } from "../../../src/certificate/format.ts";
import { reluInterpCert, rng } from "../../fixtures/checker.ts";

export interface Case {
  name: string;
  class: "bound" | "names" | "strict-json" | "unknown-field" | "integer" | "utf8";
  why: string;
  bytes: () => Uint8Array;
  exit: 0 | 1 | 2 | 3;
  says: RegExp;
  onMain: string;
}

/** The base: 3 examples x ↦ y by a 2-layer ReLU net, N = 3, n = 1, d = 1, parameters = 7. */
const base = (): Certificate => reluInterpCert(rng(7), 3);
const enc = (s: string) => new TextEncoder().encode(s);
const json = (c: unknown) => enc(JSON.stringify(c, null, 1));
type Bound = Extract<Certificate["claims"][number], { kind: "bound" }>;
/** The base with one bound claim (plus its memorizes claim, so the certificate still says something true). */
const withBound = (b: Partial<Bound> & { expression: string; value: string }, vars: Record<string, string> = { N: "N", parameters: "parameters" }) => {
  const c = base();
  c.claims = [c.claims.find((x) => x.kind === "memorizes")!, { kind: "bound", id: "b", source: "adversarial", variables: vars as Bound["variables"], ...b }];
  return c;
};
/** A text edit of the base's JSON (the marker must occur exactly once). */
const edit = (c: unknown, from: string, to: string): Uint8Array => {
  const t = JSON.stringify(c, null, 1);
  if (t.split(from).length !== 2) throw new Error(`marker ${from} occurs ${t.split(from).length - 1} times`);
  return enc(t.replace(from, to));
};

export const CASES: Case[] = [
  // ---------- bound claims: wrong values that tolerant or fixed-precision evaluation accepts ----------
  { name: "floor-just-below-integer", class: "bound", why: "floor(3 − 10⁻¹⁴) is 2; a 1e-12 near-equality tolerance makes it 3", bytes: () => json(withBound({ expression: "floor(N - 1e-14)", value: "3" })), exit: 1, says: /= 2 \(exactly\), claimed 3/, onMain: "exit 0: VERIFIED     b (bound): floor(N - 1e-14) with N=3, parameters=7 = 3" },
  { name: "ceil-just-above-integer", class: "bound", why: "ceil(3 + 10⁻¹⁴) is 4", bytes: () => json(withBound({ expression: "ceil(N + 1e-14)", value: "3" })), exit: 1, says: /= 4 \(exactly\), claimed 3/, onMain: "exit 0: VERIFIED     b (bound): ceil(N + 1e-14) with N=3, parameters=7 = 3" },
  { name: "floor-of-irrational-near-integer", class: "bound", why: "floor(3·(1 − 10⁻¹³)) is 2, within the tolerance of 3", bytes: () => json(withBound({ expression: "floor(N * (1 - 10^-13))", value: "3" })), exit: 1, says: /= 2 \(exactly\)/, onMain: "exit 0: VERIFIED     b (bound): floor(N * (1 - 10^-13)) with N=3, parameters=7 = 3" },
  { name: "max-near-tie", class: "bound", why: "max(N, N + 10⁻¹³) − N is 10⁻¹³; tolerant max returns N", bytes: () => json(withBound({ expression: "max(N, N + 1e-13) - N", value: "0" })), exit: 1, says: /= 1e-13 \(exactly\), claimed 0/, onMain: "exit 0: VERIFIED     b (bound): max(N, N + 1e-13) - N with N=3, parameters=7 = 0" },
  { name: "min-near-tie", class: "bound", why: "min(N + 10⁻¹³, N) − N is 0; tolerant min returns its first argument", bytes: () => json(withBound({ expression: "min(N + 1e-13, N) - N", value: "1e-13" })), exit: 1, says: /= 0 \(exactly\), claimed 1e-13/, onMain: "exit 0: VERIFIED     b (bound): min(N + 1e-13, N) - N with N=3, parameters=7 = 1e-13" },
  { name: "rounding-tie-hidden-below-80-digits", class: "bound", why: "1.000000000005 − 10⁻⁹⁰ rounds to 1 at 12 digits; at 80 and 60 digits both evaluations see the tie and round up", bytes: () => json(withBound({ expression: "1.000000000005 - 10^-90", value: "1.00000000001" })), exit: 1, says: /= 1 \(exactly\), claimed 1\.00000000001/, onMain: "exit 0: VERIFIED     b (bound): 1.000000000005 - 10^-90 with N=3, parameters=7 = 1.00000000001" },
  { name: "cancellation-at-80-digits", class: "bound", why: "(N + 10¹⁰⁰) − 10¹⁰⁰ is 3; 80-digit and 60-digit evaluations both give 0", bytes: () => json(withBound({ expression: "(N + 10^100) - 10^100", value: "0" })), exit: 1, says: /= 3 \(exactly\), claimed 0/, onMain: "exit 0: VERIFIED     b (bound): (N + 10^100) - 10^100 with N=3, parameters=7 = 0" },
  { name: "cancellation-flips-comparison", class: "bound", why: "(parameters + 10¹⁰⁰) − 10¹⁰⁰ − 10⁻²⁰ is 7 − 10⁻²⁰ (so parameters ≤ it is false for another reason); fixed precision makes it −10⁻²⁰", bytes: () => json(withBound({ expression: "(parameters + 10^100) - 10^100 - 1e-20", value: "-1e-20", compare: { quantity: "parameters", relation: "<=", holds: false } })), exit: 1, says: /= 7 \(exactly\), claimed -1e-20/, onMain: "exit 0: VERIFIED     b (bound): (parameters + 10^100) - 10^100 - 1e-20 with N=3, parameters=7 = -1e-20; parameters = 7 <= -1e-20 is false" },
  { name: "irrational-cancellation", class: "bound", why: "(π + 10⁹⁰) − 10⁹⁰ is π; at 80 and at 60 digits the sum loses π entirely", bytes: () => json(withBound({ expression: "(pi + 10^90) - 10^90", value: "0" })), exit: 1, says: /= 3\.14159265359/, onMain: "exit 0: VERIFIED     b (bound): (pi + 10^90) - 10^90 with N=3, parameters=7 = 0" },
  { name: "comparison-inside-expression-near-tie", class: "bound", why: "(N + 10⁻²⁰ > N) is 1", bytes: () => json(withBound({ expression: "(N + 1e-20 > N) * 5", value: "5" })), exit: 0, says: /= 5 \(exactly\)/, onMain: "exit 2: memcap: comparison-inside-expression-near-tie.json: invalid certificate: claim b: expression \"(N + 1e-20 > N) * 5\": operator > is not allowe" },
  { name: "exact-tie-comparison", class: "bound", why: "parameters ≤ parameters: an exact tie is decided exactly (holds)", bytes: () => json(withBound({ expression: "parameters + 0", value: "7", compare: { quantity: "parameters", relation: "<=", holds: true } })), exit: 0, says: /7 <= 7 holds, as claimed/, onMain: "exit 3: INCONCLUSIVE b (bound): parameters = 7 <= 7: the two sides agree to 40 digits; cannot decide" },
  { name: "irrational-tie-undecidable", class: "bound", why: "parameters ≤ sqrt(parameters)² is a tie no enclosure settles", bytes: () => json(withBound({ expression: "sqrt(parameters)^2", value: "7", compare: { quantity: "parameters", relation: "<=", holds: true } })), exit: 3, says: /comparison \(<=\) is not decided at 250/, onMain: "exit 3: INCONCLUSIVE b (bound): parameters = 7 <= 7: the two sides agree to 40 digits; cannot decide" },
  { name: "expected-failure-prints-as-claimed", class: "bound", why: "a bound the certificate says does not hold prints 'does not hold, as claimed', never 'VERIFIED … is false'", bytes: () => json(withBound({ expression: "N/10", value: "0.3", compare: { quantity: "parameters", relation: "<=", holds: false } })), exit: 0, says: /7 <= 0\.3 does not hold, as claimed/, onMain: "exit 0: VERIFIED     b (bound): N/10 with N=3, parameters=7 = 0.3; parameters = 7 <= 0.3 is false" },
  { name: "implicit-multiplication", class: "bound", why: "1/2N: implicit multiplication is not in the grammar (mathjs reads it as N/2, a reader as 1/(2N))", bytes: () => json(withBound({ expression: "1/2N", value: "1.5" })), exit: 2, says: /implicit multiplication|followed by an operator/, onMain: "exit 0: VERIFIED     b (bound): 1/2N with N=3, parameters=7 = 1.5" },
  { name: "hex-literal", class: "bound", why: "0x10 is not a number of the grammar", bytes: () => json(withBound({ expression: "0x10 + N", value: "19" })), exit: 2, says: /followed by an operator/, onMain: "exit 0: VERIFIED     b (bound): 0x10 + N with N=3, parameters=7 = 19" },
  { name: "infinity-literal", class: "bound", why: "Infinity is not a name of the grammar", bytes: () => json(withBound({ expression: "N + 0 * Infinity", value: "3" }, { N: "N" })), exit: 2, says: /unknown name "Infinity"/, onMain: "exit 1: REJECTED     b (bound): the expression has no finite real value (NaN)" },
  { name: "infinity-as-variable-name", class: "bound", why: "a variable named Infinity is an ordinary name (mathjs resolves its own constant)", bytes: () => json(withBound({ expression: "Infinity + 1", value: "4" }, { Infinity: "N" })), exit: 0, says: /= 4 \(exactly\)/, onMain: "exit 1: REJECTED     b (bound): the expression has no finite real value (Infinity)" },
  { name: "hex-claimed-value", class: "bound", why: "a claimed value must be a plain decimal; decimal.js reads 0x13 as 19", bytes: () => json(withBound({ expression: "N + 16", value: "0x13" })), exit: 1, says: /not a plain decimal/, onMain: "exit 0: VERIFIED     b (bound): N + 16 with N=3, parameters=7 = 19" },
  { name: "infinity-claimed-value", class: "bound", why: "Infinity is not a value", bytes: () => json(withBound({ expression: "10^400", value: "Infinity" })), exit: 1, says: /not a plain decimal/, onMain: "exit 1: REJECTED     b (bound): 10^400 with N=3, parameters=7 = 1e+400, claimed Infinity" },
  { name: "pi-shadowed", class: "bound", why: "a variable may not shadow the constant pi", bytes: () => json(withBound({ expression: "pi", value: "3" }, { pi: "N" })), exit: 2, says: /shadow the constant/, onMain: "exit 0: VERIFIED     b (bound): pi with pi=3 = 3" },
  { name: "e-shadowed", class: "bound", why: "a variable may not shadow the constant e", bytes: () => json(withBound({ expression: "2*e", value: "6" }, { e: "N" })), exit: 2, says: /shadow the constant/, onMain: "exit 0: VERIFIED     b (bound): 2*e with e=3 = 6" },
  { name: "function-shadowed", class: "bound", why: "a variable may not shadow a function name", bytes: () => json(withBound({ expression: "sqrt + 1", value: "4" }, { sqrt: "N" })), exit: 2, says: /shadow the function/, onMain: "exit 0: VERIFIED     b (bound): sqrt + 1 with sqrt=3 = 4" },
  { name: "division-by-zero", class: "bound", why: "an expression without a value cannot equal a claimed value", bytes: () => json(withBound({ expression: "1/(N - 3)", value: "0" })), exit: 1, says: /has no real value: division by zero/, onMain: "exit 1: REJECTED     b (bound): the expression has no finite real value (Infinity)" },
  { name: "astronomical-power", class: "bound", why: "2^(2^70) is beyond the evaluator's range: INCONCLUSIVE in bounded time, not a hang", bytes: () => json(withBound({ expression: "2^(2^70)", value: "1" })), exit: 3, says: /beyond ±10\^15/, onMain: "exit 1: REJECTED     b (bound): the expression has no finite real value (Infinity)" },
  { name: "transcendental-flood", class: "bound", why: "65 logarithms: beyond the documented cost limit of an expression (time must not grow without bound)", bytes: () => json(withBound({ expression: Array.from({ length: 65 }, (_, k) => `ln(N + ${k})`).join(" + "), value: "1" })), exit: 2, says: /more than 64 uses/, onMain: "exit 2: invalid (mathjs has no ln); with log instead each claim cost 2 evaluations, unbounded in count" },
  // ---------- names that are Object.prototype keys ----------
  { name: "variable-named-constructor", class: "names", why: "'constructor' is an ordinary variable name", bytes: () => json(withBound({ expression: "constructor + 1", value: "4" }, { constructor: "N" })), exit: 0, says: /= 4 \(exactly\)/, onMain: "exit 1: REJECTED     b (bound): Cannot read properties of undefined (reading 'isUnit')" },
  { name: "variable-named-toString", class: "names", why: "'toString' is an ordinary variable name", bytes: () => json(withBound({ expression: "toString * 2", value: "14" }, { toString: "parameters" })), exit: 0, says: /= 14 \(exactly\)/, onMain: "exit 1: REJECTED     b (bound): Cannot access method \"toString\" as a property" },
  { name: "variable-named-proto", class: "names", why: "'__proto__' is an ordinary variable name (zod's record output drops it)", bytes: () => edit(withBound({ expression: "__proto__ * 2", value: "6" }, { placeholder: "N" }), '"placeholder"', '"__proto__"'), exit: 0, says: /= 6 \(exactly\)/, onMain: "exit 2: memcap: variable-named-proto.json: invalid certificate: claim b: expression \"__proto__ * 2\": unknown symbol \"__proto__\"" },
  { name: "compare-quantity-constructor", class: "names", why: "compare.quantity must be one of the variable sources", bytes: () => json(withBound({ expression: "N", value: "3", compare: { quantity: "constructor" as "N", relation: "<=", holds: true } })), exit: 2, says: /compare\.quantity/, onMain: "exit 70: memcap: internal error: Error: [DecimalError] Invalid argument: function Object() { [native code] }" },
  { name: "compare-quantity-proto", class: "names", why: "compare.quantity __proto__", bytes: () => json(withBound({ expression: "N", value: "3", compare: { quantity: "__proto__" as "N", relation: ">=", holds: true } })), exit: 2, says: /compare\.quantity/, onMain: "exit 70: memcap: internal error: Error: [DecimalError] Invalid argument: [object Object]" },
  { name: "variable-source-proto", class: "names", why: "a variable's source must be a known quantity, also behind a __proto__ key", bytes: () => edit(withBound({ expression: "x", value: "3" }, { x: "N", placeholder: "N" }), '"placeholder": "N"', '"__proto__": "toString"'), exit: 2, says: /variables\.__proto__: not one of/, onMain: "exit 0: VERIFIED     b (bound): x with x=3 = 3" },
  // ---------- duplicate keys ----------
  { name: "duplicate-claim-value", class: "strict-json", why: "two 'value' keys: JSON.parse keeps the last, another reader the first", bytes: () => edit(base(), '"value": 7\n', '"value": 8,\n   "value": 7\n'), exit: 2, says: /duplicate key "value"/, onMain: "exit 0: VERIFIED" },
  { name: "duplicate-bias", class: "strict-json", why: "two 'b' keys on the read-out layer: the first one is wrong", bytes: () => edit(base(), '"b": [\n     "1"\n    ]', '"b": ["5"],\n    "b": [\n     "1"\n    ]'), exit: 2, says: /duplicate key "b"/, onMain: "exit 0: VERIFIED" },
  { name: "duplicate-top-level-claims", class: "strict-json", why: "two 'claims' arrays: one true, one false", bytes: () => edit(base(), '"claims": [', '"claims": [{"kind": "count", "id": "x", "quantity": "parameters", "value": 99}],\n "claims": ['), exit: 2, says: /duplicate key "claims"/, onMain: "exit 0: VERIFIED" },
  { name: "duplicate-proto-key", class: "strict-json", why: "'__proto__' twice in construction.options", bytes: () => edit(base(), '"options": {}', '"options": {"__proto__": 1, "__proto__": 2}'), exit: 2, says: /duplicate key "__proto__"/, onMain: "exit 0: VERIFIED" },
  // ---------- unknown fields ----------
  { name: "ffn-residual-false", class: "unknown-field", why: "ffn layers are always residual; a 'residual': false field would be silently dropped", bytes: () => edit(base(), '"type": "relu"', '"type": "relu", "residual": false'), exit: 2, says: /network\.layers\.1.*Unrecognized key.*residual/, onMain: "exit 0: VERIFIED" },
  { name: "criterion-epsilon-on-exact", class: "unknown-field", why: "an epsilon on an exact criterion means nothing and was dropped", bytes: () => edit(base(), '"type": "exact"', '"type": "exact", "epsilon": "0.5"'), exit: 2, says: /criterion.*Unrecognized key.*epsilon/, onMain: "exit 0: VERIFIED" },
  { name: "misspelled-compare", class: "unknown-field", why: "'comparison' instead of 'compare': the comparison would silently not be checked", bytes: () => json(withBound({ expression: "N", value: "3", comparison: { quantity: "parameters", relation: "<=", holds: true } } as never)), exit: 2, says: /Unrecognized key.*comparison/, onMain: "exit 0: VERIFIED     b (bound): N with N=3, parameters=7 = 3" },
  { name: "unknown-top-level", class: "unknown-field", why: "an unknown top-level key", bytes: () => edit(base(), '"claims": [', '"claimsVerified": true,\n "claims": ['), exit: 2, says: /Unrecognized key.*claimsVerified/, onMain: "exit 0: VERIFIED" },
  // ---------- integers that are not exact JSON integers ----------
  { name: "count-value-not-exact", class: "integer", why: "7.00000000000000001 is not the integer 7 (JSON.parse rounds it)", bytes: () => edit(base(), '"value": 7\n', '"value": 7.00000000000000001\n'), exit: 2, says: /7\.00000000000000001 is read as the integer 7 but not written as one/, onMain: "exit 0: VERIFIED" },
  { name: "count-value-7.0", class: "integer", why: "7.0 written for an integer", bytes: () => edit(base(), '"value": 7\n', '"value": 7.0\n'), exit: 2, says: /7\.0 is read as the integer 7/, onMain: "exit 0: VERIFIED" },
  { name: "token-index-exponent", class: "integer", why: "a token index written 0e0", bytes: () => edit(base(), '"sequences": [\n   [\n    0\n', '"sequences": [\n   [\n    0e0\n'), exit: 2, says: /0e0 is read as the integer 0/, onMain: "exit 0: VERIFIED" },
  { name: "example-count-rounds", class: "integer", why: "count 3.0000000000000001 is not the integer 3 (a double rounds it to 3)", bytes: () => edit(base(), '"count": 3', '"count": 3.0000000000000001'), exit: 2, says: /3\.0000000000000001 is read as the integer 3/, onMain: "exit 0: VERIFIED" },
  { name: "unsafe-integer", class: "integer", why: "9007199254740993 cannot be held by a double (JSON.parse gives ...992)", bytes: () => edit(base(), '"seed": null', '"seed": 9007199254740993'), exit: 2, says: /construction\.seed: Too big/, onMain: "exit 2: memcap: unsafe-integer.json: invalid certificate: invalid at construction.seed: Too big: expected int to be <=9007199254740991" },
  { name: "version-1.0", class: "integer", why: "version 1.0", bytes: () => edit(base(), '"version": 1,\n "construction"', '"version": 1.0,\n "construction"'), exit: 2, says: /1\.0 is read as the integer 1/, onMain: "exit 0: VERIFIED" },
  // ---------- bytes that are not UTF-8 ----------
  { name: "invalid-utf8-in-id", class: "utf8", why: "a lone continuation byte in a string (a lenient reader substitutes U+FFFD)", bytes: () => { const b = json(base()); const t = new TextDecoder().decode(b); const i = t.indexOf("relu-interp"); const out = new Uint8Array(b.length + 1); out.set(b.subarray(0, i)); out[i] = 0x80; out.set(b.subarray(i), i + 1); return out; }, exit: 2, says: /not valid UTF-8/, onMain: "exit 0: VERIFIED" },
  { name: "overlong-utf8", class: "utf8", why: "an overlong encoding (C1 81 for 'A')", bytes: () => { const b = json(base()); const t = new TextDecoder().decode(b); const i = t.indexOf("test fixture"); const out = new Uint8Array(b.length + 2); out.set(b.subarray(0, i)); out[i] = 0xc1; out[i + 1] = 0x81; out.set(b.subarray(i), i + 2); return out; }, exit: 2, says: /not valid UTF-8/, onMain: "exit 0: VERIFIED" },
  { name: "lone-surrogate-escape", class: "utf8", why: "a \\ud800 escape is not a Unicode string", bytes: () => edit(base(), '"paper": "test fixture"', '"paper": "test \\ud800 fixture"'), exit: 2, says: /lone surrogate/, onMain: "exit 0: VERIFIED" },
];
