/**
 * Checker speed on a Kajitsuka–Sato-shaped certificate: token ids (vocabulary 256) → embedding of
 * width 14 → token-wise FFN blocks → one uniform attention layer → L FFN blocks of width ≤ 14 whose
 * biases carry BITS-bit dyadic constants → scalar read at the last position. Prints the checker's
 * time against a naive exact evaluator (one normalized Rational per entry, test/fixtures/checker.ts)
 * on the same network, as a ratio in the same run. (The builders' own verification is not on this
 * branch yet; the lead adds that comparison.)
 *
 *   npx tsx bench/checker.ts [N=10] [n=16] [L=40] [BITS=300]   (the naive peer is the slow side: ~1 min at the defaults)
 */
import { checkCertificate } from "../proofs-check/check.ts";
import { refOutputs, rng, int } from "../test/fixtures/checker.ts";
import type { Certificate } from "../src/certificate/format.ts";
import type { Layer } from "../src/ir/network.ts";

const [N, n, L, BITS] = process.argv.slice(2).map(Number).concat([10, 16, 40, 300].slice(process.argv.length - 2)) as number[];
const r = rng(1);
const big = () => `${BigInt.asUintN(BITS!, BigInt(int(r, 1, 2 ** 30)) ** BigInt(Math.ceil(BITS! / 30)))}/${1n << BigInt(BITS! + 4)}`;
const small = () => (r() < 0.7 ? "0" : String(int(r, -2, 2)));
const W = 14;
const ffn = (): Layer => ({ type: "ffn", W1: Array.from({ length: 4 }, () => Array.from({ length: W }, small)), b1: Array.from({ length: 4 }, big), W2: Array.from({ length: W }, () => Array.from({ length: 4 }, () => (r() < 0.8 ? "0" : `${int(r, -1, 1)}/4`))), b2: Array.from({ length: W }, () => "0") });
const layers: Layer[] = [
  { type: "embedding", table: Array.from({ length: 256 }, () => Array.from({ length: W }, () => String(int(r, 0, 9)))) },
  ...Array.from({ length: Math.floor(L! / 2) }, ffn),
  { type: "attention", attention: "uniform", heads: [{ WQ: [], WK: [], WV: [Array.from({ length: W }, (_, k) => (k === 0 ? "1" : "0"))], WO: Array.from({ length: W }, (_, k) => [k === 1 ? "1" : "0"]) }], residual: true, queries: "all", keys: "all" },
  ...Array.from({ length: Math.ceil(L! / 2) }, ffn),
  { type: "affine", W: [Array.from({ length: W }, (_, k) => (k < 3 ? "1" : "0"))] },
];
const c: Certificate = {
  format: "memcap-certificate", version: 1, construction: { id: "bench-ks-shape", paper: "bench", options: { N, n, L, BITS }, seed: 1 },
  network: { format: "memcap-network", version: 1, input: { kind: "tokens", vocab: 256 }, layers, output: { positions: "last", kind: "scalar" } },
  dataset: { sequences: Array.from({ length: N! }, () => Array.from({ length: n! }, () => int(r, 0, 255))), labels: [] },
  evaluation: { mode: "exact" }, claims: [],
};
let t = performance.now();
c.dataset.labels = refOutputs(c).map((o) => o[0]![0]!.toString());
const tRef = (performance.now() - t) / 1000;
c.claims = [{ kind: "memorizes", id: "all", criterion: { type: "exact" }, examples: "all", count: N! }];
const text = JSON.stringify(c);
t = performance.now();
const rep = checkCertificate(JSON.parse(text));
const tCheck = (performance.now() - t) / 1000;
console.log(JSON.stringify({ N, n, layers: layers.length, bits: BITS, bytes: text.length, verdict: rep.verdict, checkerSeconds: +tCheck.toFixed(2), naiveExactSeconds: +tRef.toFixed(2), ratio: +(tCheck / tRef).toFixed(3) }));
