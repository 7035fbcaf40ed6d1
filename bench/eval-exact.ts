/**
 * Benchmark: the exact evaluator (src/eval/exact.ts) against the naive one-Rational-per-entry
 * evaluator (src/eval/generic.ts) on a deep dyadic network shaped like Kajitsuka–Sato's (Lemma C.1):
 * token embedding (vocabulary 256, width 14) → 8 token-wise FFN blocks → one uniform attention
 * layer (a context id at the last position) → `blocks/8` selection blocks acc += w_j·1[x ∈ I_j]
 * with `bits`-bit packed words w_j → tent-map bit-extraction blocks (weights 2^{bits+1}), read at
 * the last position. Not the construction itself (no labels are memorized), only its arithmetic.
 * Both evaluators run on the first `peer-n` sequences in this process; outputs are compared for
 * exact equality and the time ratio is printed. Then the exact evaluator alone on all N sequences.
 *
 *   node --max-semi-space-size=64 --import tsx bench/eval-exact.ts [--blocks 1000] [--bits 2000] [--peer-n 2] [--n 10000] [--len 16] [--seed 1]
 *
 * (a larger young generation roughly halves the time: the evaluator allocates many short-lived BigInts)
 */
import { Rational } from "../src/numbers/rational.ts";
import type { Layer, Network } from "../src/ir/network.ts";
import { NETWORK_FORMAT, NETWORK_VERSION } from "../src/ir/network.ts";
import { compileExact } from "../src/eval/exact.ts";
import { evaluateNaiveExact } from "../src/eval/generic.ts";
import { mulberry32 } from "../src/random.ts";

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}
const blocks = arg("blocks", 1000);
const bits = arg("bits", 2000);
const peerN = arg("peer-n", 2);
const N = arg("n", 10000);
const len = arg("len", 16);
const seed = arg("seed", 1);
const width = 14;
const vocab = 256;

const rnd = mulberry32(seed);
const int = (k: number) => Math.floor(rnd() * k);
const randBits = (b: number): bigint => {
  let p = 0n;
  for (let i = 0; i < b; i += 30) p = (p << 30n) | BigInt(int(2 ** 30));
  return p & ((1n << BigInt(b)) - 1n);
};
// coordinates: 0 x (context id), 1 acc (selected packed word), 2 z (tent-map state), 3 out (extracted bits), 4.. scratch
const X = 0, ACC = 1, Z = 2, OUT = 3;
const zeroRow = () => Array.from({ length: width }, () => "0");
const unit = (c: number, v: string) => {
  const r = zeroRow();
  r[c] = v;
  return r;
};
/** K&S Lemma C.1 stage II: acc += w·1[x ∈ [a, b]] for integer x (four ReLUs: exact step pairs). */
function selectBlock(a: bigint, b: bigint, w: bigint): Layer {
  const W2 = Array.from({ length: width }, () => ["0", "0", "0", "0"]);
  W2[ACC] = [`${w}`, `${-w}`, `${-w}`, `${w}`];
  return { type: "ffn", W1: [unit(X, "1"), unit(X, "1"), unit(X, "1"), unit(X, "1")], b1: [`${1n - a}`, `${-a}`, `${-b}`, `${-b - 1n}`], W2, b2: zeroRow() };
}
/** z = acc/2^bits + 2^{-bits-1} (acc ≥ 0), the start of tent-map bit extraction. */
function startBlock(): Layer {
  const W2 = Array.from({ length: width }, () => ["0"]);
  W2[Z] = [`1/${1n << BigInt(bits)}`];
  const b2 = zeroRow();
  b2[Z] = `1/${1n << BigInt(bits + 1)}`;
  return { type: "ffn", W1: [unit(ACC, "1")], b1: ["0"], W2, b2 };
}
/** One bit: out ← 2·out + [z > 1/2] (exact step with K = 2^{bits+1}), z ← tent(z) = 2σ(z) − 4σ(z − 1/2). */
function bitBlock(): Layer {
  const K = 1n << BigInt(bits + 1);
  const W1 = [unit(Z, "1"), unit(Z, "-1"), unit(Z, "1"), unit(OUT, "1"), unit(Z, `${K}`), unit(Z, `${K}`)];
  const b1 = ["0", "0", "-1/2", "0", `${-K / 2n}`, `${-K / 2n - 1n}`];
  const W2 = Array.from({ length: width }, () => ["0", "0", "0", "0", "0", "0"]);
  W2[Z] = ["1", "1", "-4", "0", "0", "0"];
  W2[OUT] = ["0", "0", "0", "1", "1", "-1"];
  return { type: "ffn", W1, b1, W2, b2: zeroRow() };
}
/** A token-wise block on the scratch coordinates (small sparse integer weights). */
function scratchBlock(): Layer {
  const m = 2;
  const W1 = Array.from({ length: m }, () => Array.from({ length: width }, (_, c) => (c >= 4 && rnd() < 0.3 ? `${int(3) - 1}` : "0")));
  const W2 = Array.from({ length: width }, (_, c) => Array.from({ length: m }, () => (c >= 4 && rnd() < 0.2 ? `${int(3) - 1}` : "0")));
  return { type: "ffn", W1, b1: ["0", "-1"], W2, b2: zeroRow() };
}
// token embedding: x = a random 40-bit integer per token, scratch small integers; uniform attention sums x over the sequence
const table = Array.from({ length: vocab }, () => Array.from({ length: width }, (_, c) => (c === X ? `${randBits(40)}` : c >= 4 ? `${int(5) - 2}` : "0")));
const groups = Math.max(1, Math.floor(blocks / 8));
const bound = BigInt(len) << 40n;
const layers: Layer[] = [
  { type: "embedding", table },
  ...Array.from({ length: 8 }, scratchBlock),
  {
    type: "attention",
    attention: "uniform",
    heads: [{ WQ: [], WK: [], WV: [unit(X, "1")], WO: Array.from({ length: width }, (_, c) => [c === X ? `${len}` : "0"]) }],
    residual: true, // x ← x_last + n·mean = x_last + Σ_j x_j: an integer context id at the last position
    queries: "last",
    keys: "all",
  },
  ...Array.from({ length: groups }, (_, g) => selectBlock((bound * BigInt(g)) / BigInt(groups), (bound * BigInt(g + 1)) / BigInt(groups) - 1n, randBits(bits))),
  startBlock(),
  ...Array.from({ length: Math.max(0, blocks - groups - 9) }, bitBlock),
];
const net: Network = {
  format: NETWORK_FORMAT,
  version: NETWORK_VERSION,
  input: { kind: "tokens", vocab },
  layers,
  output: { positions: "last", kind: "vector" },
  meta: { bench: "eval-exact", seed, blocks, bits },
};
const sequences = Array.from({ length: N }, () => Array.from({ length: len }, () => int(vocab)));

const time = <T>(f: () => T): [T, number] => {
  const t0 = performance.now();
  const r = f();
  return [r, (performance.now() - t0) / 1000];
};

console.log(`network: ${layers.length - 2} FFN blocks + 1 uniform attention, width ${width}, vocabulary ${vocab}, length ${len}, packed words of ${bits} bits, seed ${seed}`);
const [ev, tCompile] = time(() => compileExact(net));
console.log(`compileExact: ${tCompile.toFixed(2)} s`);
let naivePerSeq = NaN;
if (peerN > 0) {
  const peerSeqs = sequences.slice(0, peerN);
  const [fast, tFast] = time(() => ev.evaluate(peerSeqs));
  const [naive, tNaive] = time(() => evaluateNaiveExact(net, peerSeqs));
  const same = fast.every((s, i) => s.every((v, k) => v.every((x, c) => x.eq(naive[i]![k]![c]!))));
  const maxBits = fast.flat(2).reduce((m, x) => Math.max(m, x.bitLength()), 0);
  console.log(
    `peer run on ${peerN} sequences: exact ${tFast.toFixed(3)} s, naive Rational ${tNaive.toFixed(3)} s, speedup ×${(tNaive / tFast).toFixed(1)}; outputs identical: ${same}; largest output entry ${maxBits} bits`,
  );
  if (!same) process.exitCode = 1;
  naivePerSeq = tNaive / peerN;
}
// Representation alone: the post-attention stack on distinct single vectors (nothing to deduplicate),
// exact DVec arithmetic vs one Rational per entry.
const tailLayers = layers.slice(10);
const tail: Network = { ...net, input: { kind: "vectors", dim: width }, layers: tailLayers };
const tailN = Math.max(1, peerN * 4);
const tailVocab = Array.from({ length: tailN }, () =>
  Array.from({ length: width }, (_, c) => (c === X ? Rational.of(randBits(44)) : c >= 4 ? Rational.of(int(5) - 2) : Rational.ZERO)),
);
const tailSeqs = tailVocab.map((_, i) => [i]);
if (peerN > 0) {
  const tailEv = compileExact(tail);
  const [a1, tA] = time(() => tailEv.evaluate(tailSeqs, tailVocab));
  const [b1, tB] = time(() => evaluateNaiveExact(tail, tailSeqs, tailVocab));
  const same = a1.every((s, i) => s[0]!.every((x, c) => x.eq(b1[i]![0]![c]!)));
  console.log(
    `representation only (${tailLayers.length} blocks on ${tailN} distinct vectors, no dedupe): exact ${tA.toFixed(3)} s, naive Rational ${tB.toFixed(3)} s, speedup ×${(tB / tA).toFixed(1)}; identical: ${same}`,
  );
  if (!same) process.exitCode = 1;
}
const [full, tFull] = time(() => ev.evaluate(sequences));
const fullBits = full.flat(2).reduce((m, x) => Math.max(m, x.bitLength()), 0);
console.log(
  `exact on N = ${N} sequences × ${len} tokens: ${tFull.toFixed(2)} s, largest output entry ${fullBits} bits` +
    (peerN > 0 ? ` (naive extrapolated from the peer run: ${(naivePerSeq * N).toFixed(0)} s, ×${((naivePerSeq * N) / tFull).toFixed(0)})` : ""),
);
