/**
 * Seeded random networks of every layer kind, for property tests and benchmarks of the evaluators.
 *
 * @example
 *   const { net, vocabulary, sequences } = randomNetwork({ seed: 7, depth: 4, width: 3 });
 */
import { Rational } from "../numbers/rational.ts";
import { mulberry32 } from "../random.ts";
import type { Layer, Network } from "../ir/network.ts";
import { NETWORK_FORMAT, NETWORK_VERSION } from "../ir/network.ts";


export interface RandomNetworkOptions {
  seed: number;
  /** Number of layers after the input (an embedding counts). */
  depth: number;
  /** Token dimension. */
  width: number;
  /** Attention kinds to draw from; empty → no attention layers. */
  attention?: ("softmax" | "hardmax" | "uniform")[];
  /** Layer kinds to draw from (besides attention). */
  kinds?: ("affine" | "relu" | "ffn" | "positional")[];
  /** Weights p/2^k with |p| < 2^numBits, k < denBits; `nonDyadic` also draws odd denominators. */
  numBits?: number;
  denBits?: number;
  nonDyadic?: boolean;
  /** Fraction of zero weights. */
  zeroFraction?: number;
  /** Token-id input with an embedding layer instead of vectors. */
  tokens?: boolean;
  vocab?: number;
  sequences?: number;
  length?: number;
  positions?: "last" | "all";
}

export interface RandomNetwork {
  net: Network;
  /** Input vectors (rows) for vector-input networks; [] for token input. */
  vocabulary: Rational[][];
  sequences: number[][];
}

/** A random network with the given shape and its random inputs (all from `seed`). */
export function randomNetwork(o: RandomNetworkOptions): RandomNetwork {
  const rnd = mulberry32(o.seed);
  const int = (k: number) => Math.floor(rnd() * k);
  const numBits = o.numBits ?? 3;
  const denBits = o.denBits ?? 3;
  const zeroFraction = o.zeroFraction ?? 0.3;
  const vocab = o.vocab ?? 5;
  const length = o.length ?? 4;
  const d = o.width;
  const weight = (): string => {
    if (rnd() < zeroFraction) return "0";
    const p = BigInt(int(2 ** Math.min(numBits, 30))) * (rnd() < 0.5 ? -1n : 1n);
    const extra = numBits > 30 ? BigInt(int(2 ** Math.min(numBits - 30, 30))) << 30n : 0n;
    let den = 1n << BigInt(int(denBits));
    if (o.nonDyadic && rnd() < 0.3) den *= BigInt(2 * int(4) + 1);
    return Rational.of(p + (p < 0n ? -extra : extra), den).toString();
  };
  const mat = (r: number, c: number) => Array.from({ length: r }, () => Array.from({ length: c }, weight));
  const vec = (r: number) => Array.from({ length: r }, weight);
  const kinds = o.kinds ?? ["affine", "relu", "ffn", "positional"];
  const attn = o.attention ?? ["hardmax", "uniform"];
  const layers: Layer[] = [];
  if (o.tokens) layers.push({ type: "embedding", table: mat(vocab, d) });
  while (layers.length < o.depth) {
    const pick = int(kinds.length + (attn.length ? 2 : 0));
    if (pick >= kinds.length) {
      const dh = 1 + int(2);
      const a = attn[int(attn.length)]!;
      layers.push({
        type: "attention",
        attention: a,
        heads: Array.from({ length: 1 + int(2) }, () => ({ WQ: mat(dh, d), WK: mat(dh, d), WV: mat(dh, d), WO: mat(d, dh) })),
        residual: rnd() < 0.7,
        ...(rnd() < 0.5 ? { scale: weight() === "0" ? "1" : "1/2" } : {}),
        queries: rnd() < 0.3 ? "last" : "all",
        keys: (["all", "all-but-last", "causal"] as const)[int(3)]!,
      });
      continue;
    }
    const k = kinds[pick]!;
    if (k === "affine") layers.push({ type: "affine", W: mat(d, d), ...(rnd() < 0.7 ? { b: vec(d) } : {}) });
    else if (k === "relu") layers.push({ type: "relu" });
    else if (k === "positional") layers.push({ type: "positional", table: mat(length, d) });
    else {
      const m = 1 + int(3);
      layers.push({ type: "ffn", W1: mat(m, d), b1: vec(m), W2: mat(d, m), b2: vec(d) });
    }
  }
  const net: Network = {
    format: NETWORK_FORMAT,
    version: NETWORK_VERSION,
    input: o.tokens ? { kind: "tokens", vocab } : { kind: "vectors", dim: d },
    layers,
    output: { positions: o.positions ?? "last", kind: "vector" },
    meta: { generator: "randomNetwork", seed: o.seed },
  };
  const vocabulary = o.tokens ? [] : Array.from({ length: vocab }, () => vec(d).map((x) => Rational.from(x)));
  // all-but-last keys need at least two tokens
  const sequences = Array.from({ length: o.sequences ?? 6 }, () => Array.from({ length }, () => int(vocab)));
  return { net, vocabulary, sequences };
}
