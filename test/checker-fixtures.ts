/**
 * Hand-built certificates for the checker tests, and an independent reference evaluator.
 *
 * The reference evaluator is deliberately naive (one Rational per entry, dense loops, no caching,
 * no common denominators) so that it shares no code path with proofs-check/: the tests decide what
 * is true with it. Softmax is evaluated in float64 (only used where margins are far above 1e-9).
 *
 * @example
 *   const cert = reluInterpCert(rng(7), 5); // 5 scalars → exact labels, VERIFIED by the checker
 */
import { countNetwork } from "../src/ir/count.ts";
import type { Network, Layer } from "../src/ir/network.ts";
import type { Certificate } from "../src/certificate/format.ts";
import { Rational, q } from "../src/numbers/rational.ts";
import { decideBound, parseBound } from "../proofs-check/bound.ts";
import { mulberry32 } from "../src/random.ts";

/** The fixtures' seeded stream in [0, 1) (mulberry32, src/random.ts). */
export const rng = mulberry32;
export const int = (r: () => number, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
/** A random small rational: dyadic p/2^k mostly, sometimes p/3 or 0. */
export function rq(r: () => number): Rational {
  const u = r();
  if (u < 0.15) return Rational.ZERO;
  if (u < 0.3) return Rational.of(BigInt(int(r, -9, 9)), 3n);
  return Rational.of(BigInt(int(r, -40, 40)), 1n << BigInt(int(r, 0, 4)));
}
const mat = (r: () => number, rows: number, cols: number): string[][] => Array.from({ length: rows }, () => Array.from({ length: cols }, () => rq(r).toString()));

// ---------- reference evaluation (independent of proofs-check) ----------

type Vec = Rational[];
const Q = (v: string | number): Rational => Rational.from(v);
const mv = (W: (string | number)[][], x: Vec, b?: (string | number)[]): Vec =>
  W.map((row, i) => row.reduce((s: Rational, w, j) => s.add(Q(w).mul(x[j]!)), b ? Q(b[i]!) : Rational.ZERO));
const addv = (a: Vec, b: Vec): Vec => a.map((x, i) => x.add(b[i]!));

/** Exact outputs [read position][entry] of every example (throws on softmax). */
export function refOutputs(cert: Certificate): Vec[][] {
  const net = cert.network;
  return cert.dataset.sequences.map((seq) => {
    let X: Vec[] = seq.map((t) => (net.input.kind === "vectors" ? cert.dataset.vocabulary![t]! : (net.layers[0] as Extract<Layer, { type: "embedding" }>).table[t]!).map(Q));
    for (const L of net.layers) X = refLayer(L, X);
    return net.output.positions === "last" ? [X[X.length - 1]!] : X;
  });
}

function refLayer(L: Layer, X: Vec[]): Vec[] {
  switch (L.type) {
    case "embedding":
      return X;
    case "positional":
      return X.map((x, p) => addv(x, L.table[p]!.map(Q)));
    case "affine":
      return X.map((x) => mv(L.W, x, L.b));
    case "relu":
      return X.map((x) => x.map((v) => (v.sign() < 0 ? Rational.ZERO : v)));
    case "ffn":
      return X.map((x) => addv(x, mv(L.W2, mv(L.W1, x, L.b1).map((v) => (v.sign() < 0 ? Rational.ZERO : v)), L.b2)));
    case "attention": {
      const n = X.length;
      const scale = Q(L.scale ?? 1);
      return X.map((x, i) => {
        if (L.queries === "last" && i < n - 1) return x;
        const keys = [...Array(L.keys === "all" ? n : L.keys === "all-but-last" ? n - 1 : i + 1).keys()];
        let y: Vec | null = L.residual ? x : null;
        for (const h of L.heads) {
          let a: Rational[];
          if (L.attention === "uniform") a = keys.map(() => Rational.of(1n, BigInt(keys.length)));
          else if (L.attention === "hardmax") {
            const s = keys.map((j) => mv(h.WQ, x).reduce((t, v, k) => t.add(v.mul(mv(h.WK, X[j]!)[k]!)), Rational.ZERO).mul(scale));
            const m = s.reduce((u, v) => (v.gt(u) ? v : u));
            const c = s.filter((v) => v.eq(m)).length;
            a = s.map((v) => (v.eq(m) ? Rational.of(1n, BigInt(c)) : Rational.ZERO));
          } else throw new Error("reference: softmax is float-only");
          const mixed = keys.reduce((acc: Vec, j, k) => addv(acc, mv(h.WV, X[j]!).map((v) => v.mul(a[k]!))), h.WV.map(() => Rational.ZERO));
          const z = mv(h.WO, mixed);
          y = y ? addv(y, z) : z;
        }
        return y!;
      });
    }
  }
}

/** Float64 outputs (softmax allowed): for fixtures whose margins dwarf float error. */
export function refOutputsFloat(cert: Certificate): number[][][] {
  const net = cert.network;
  const f = (v: string | number) => Q(v).toNumber();
  const mvf = (W: (string | number)[][], x: number[], b?: (string | number)[]) => W.map((row, i) => row.reduce((s: number, w, j) => s + f(w) * x[j]!, b ? f(b[i]!) : 0));
  return cert.dataset.sequences.map((seq) => {
    let X = seq.map((t) => cert.dataset.vocabulary![t]!.map(f));
    for (const L of net.layers) {
      if (L.type === "affine") X = X.map((x) => mvf(L.W, x, L.b));
      else if (L.type === "attention" && L.attention === "softmax") {
        const n = X.length;
        X = X.map((x) => {
          let y = L.residual ? x.slice() : (null as number[] | null);
          for (const h of L.heads) {
            const s = X.map((xj) => mvf(h.WQ, x).reduce((t, v, k) => t + v * mvf(h.WK, xj)[k]!, 0) * f(L.scale ?? 1));
            const M = Math.max(...s);
            const e = s.map((v) => Math.exp(v - M));
            const Z = e.reduce((u, v) => u + v, 0);
            const mixed = h.WV.map((_, r) => X.reduce((t, xj, j) => t + (e[j]! / Z) * mvf(h.WV, xj)[r]!, 0));
            const z = mvf(h.WO, mixed);
            y = y ? y.map((v, k) => v + z[k]!) : z;
          }
          return y!;
        });
        void n;
      } else throw new Error(`float reference: unsupported layer ${L.type}`);
    }
    return net.output.positions === "last" ? [X[X.length - 1]!] : X;
  });
}

// ---------- certificate assembly ----------

/** The fixtures' bound "expression over N, parameters", its 12-digit value and whether parameters <= it (proofs-check/bound.ts). */
function boundAt(expression: string, N: number, parameters: number): { value: string; holds?: boolean } {
  const r = decideBound(parseBound(expression, ["N", "parameters"]), new Map([["N", BigInt(N)], ["parameters", BigInt(parameters)]]), { measured: BigInt(parameters), relation: "<=" });
  if (r.kind !== "value") throw new Error(`fixture bound ${expression}: ${r.reason}`);
  return r;
}

/** The standard claims of a fixture: counts from countNetwork (src/ir), a bound over N and parameters. */
export function standardClaims(net: Network, N: number): Certificate["claims"] {
  const k = countNetwork(net);
  const expression = "2 * N * log2(N + 1) + sqrt(parameters) + 1/3";
  const r = boundAt(expression, N, k.parameters);
  return [
    { kind: "count", id: "parameters", quantity: "parameters", value: k.parameters },
    { kind: "count", id: "layers", quantity: "layers", value: k.layers },
    { kind: "count", id: "width", quantity: "width", value: k.width },
    { kind: "count", id: "totalBits", quantity: "totalBits", value: String(k.totalBits) },
    { kind: "count", id: "bitComplexity", quantity: "bitComplexity", value: k.bitComplexity },
    {
      kind: "bound",
      id: "bound",
      source: "test formula",
      expression,
      variables: { N: "N", parameters: "parameters" },
      value: r.value,
      compare: { quantity: "parameters", relation: "<=", holds: r.holds! },
    },
  ];
}

function cert(id: string, network: Network, dataset: Certificate["dataset"], claims: Certificate["claims"], evaluation: Certificate["evaluation"] = { mode: "exact" }): Certificate {
  return { format: "memcap-certificate", version: 1, construction: { id, paper: "test fixture", options: {}, seed: null }, network, dataset, evaluation, claims };
}
const netOf = (input: Network["input"], layers: Layer[], output: Network["output"]): Network => ({ format: "memcap-network", version: 1, input, layers, output });

/**
 * A 2-layer ReLU network interpolating N scalars x_i ↦ y_i exactly:
 * f(x) = y_0 + s_0 σ(x − x_0) + Σ_k (s_k − s_{k−1}) σ(x − x_k), s_k the slope on [x_k, x_{k+1}].
 * `fit` overrides the values the network interpolates (to plant errors).
 */
export function reluInterpCert(r: () => number, N: number, fit?: (i: number, y: Rational) => Rational): Certificate {
  const xs: Rational[] = [];
  let x = Rational.of(BigInt(int(r, -20, 0)));
  for (let i = 0; i < N; i++) xs.push((x = x.add(Rational.of(BigInt(int(r, 1, 12)), 1n << BigInt(int(r, 0, 3))))));
  const ys = xs.map(() => Rational.of(BigInt(int(r, 0, 4))));
  const fy = ys.map((y, i) => (fit ? fit(i, y) : y));
  const slopes = xs.slice(0, -1).map((xi, k) => fy[k + 1]!.sub(fy[k]!).div(xs[k + 1]!.sub(xi)));
  const c = slopes.map((s, k) => (k === 0 ? s : s.sub(slopes[k - 1]!)));
  const H = Math.max(1, N - 1);
  const network = netOf({ kind: "vectors", dim: 1 }, [
    { type: "affine", W: Array.from({ length: H }, () => ["1"]), b: Array.from({ length: H }, (_, k) => xs[k]!.neg().toString()) },
    { type: "relu" },
    { type: "affine", W: [Array.from({ length: H }, (_, k) => (c[k] ?? Rational.ZERO).toString())], b: [fy[0]!.toString()] },
  ], { positions: "last", kind: "scalar" });
  const perm = xs.map((_, i) => i).sort(() => r() - 0.5);
  const dataset = { vocabulary: perm.map((i) => [xs[i]!.toString()]), sequences: perm.map((_, k) => [k]), labels: perm.map((i) => ys[i]!.toString()) };
  return cert("relu-interp", network, dataset, [{ kind: "memorizes", id: "memorizes", criterion: { type: "exact" }, examples: "all", count: N }, ...standardClaims(network, N)]);
}

/** A random piecewise-linear token network (embedding, uniform/hardmax attention, ffn, affine); labels are its own outputs. */
export function tokenNetCert(r: () => number, opts: { N: number; n: number; vocab: number; attention: "uniform" | "hardmax"; seq2seq?: boolean }): Certificate {
  const d = int(r, 2, 3);
  const dh = int(r, 1, 2);
  const head = () => ({ WQ: opts.attention === "uniform" ? [] : mat(r, dh, d), WK: opts.attention === "uniform" ? [] : mat(r, dh, d), WV: mat(r, 1, d), WO: mat(r, d, 1) });
  const layers: Layer[] = [
    { type: "embedding", table: mat(r, opts.vocab, d) },
    ...(opts.attention === "hardmax" ? [{ type: "positional" as const, table: mat(r, opts.n, d) }] : []),
    { type: "attention", attention: opts.attention, heads: [head(), head()], residual: true, queries: "all", keys: opts.attention === "hardmax" ? "causal" : "all" },
    { type: "ffn", W1: mat(r, 3, d), b1: mat(r, 1, 3)[0]!, W2: mat(r, d, 3), b2: mat(r, 1, d)[0]! },
    { type: "affine", W: mat(r, 1, d), b: ["1/2"] },
  ];
  const network = netOf({ kind: "tokens", vocab: opts.vocab }, layers, { positions: opts.seq2seq ? "all" : "last", kind: "scalar" });
  const sequences = Array.from({ length: opts.N }, () => Array.from({ length: opts.n }, () => int(r, 0, opts.vocab - 1)));
  const c = cert(`${opts.attention}-ffn`, network, { sequences, labels: [] }, []);
  const outs = refOutputs(c);
  c.dataset.labels = outs.map((o) => (opts.seq2seq ? o.map((v) => v[0]!.toString()) : o[0]![0]!.toString()));
  c.claims = [{ kind: "memorizes", id: "memorizes", criterion: { type: "exact" }, examples: "all", count: opts.N }, ...standardClaims(network, opts.N)];
  return c;
}

/** Vector input, hardmax attention, 3 logits; labels = the strict argmax; ties are left out of the list. */
export function hardmaxLogitsCert(r: () => number, N: number): Certificate {
  const d = 2;
  const network = netOf({ kind: "vectors", dim: d }, [
    { type: "attention", attention: "hardmax", heads: [{ WQ: mat(r, 1, d), WK: mat(r, 1, d), WV: mat(r, 2, d), WO: mat(r, d, 2) }], residual: true, queries: "last", keys: "all" },
    { type: "affine", W: mat(r, 3, d), b: mat(r, 1, 3)[0]! },
  ], { positions: "last", kind: "logits" });
  const vocabulary = mat(r, 6, d);
  const sequences = Array.from({ length: N }, () => Array.from({ length: 3 }, () => int(r, 0, 5)));
  const c = cert("hardmax-logits", network, { vocabulary, sequences, labels: [] }, []);
  const outs = refOutputs(c).map((o) => o[0]!);
  const arg = outs.map((l) => l.findIndex((v, k) => l.every((w, j) => j === k || v.gt(w))));
  c.dataset.labels = arg.map((a, i) => (a >= 0 ? a : (i % 3)));
  const listed = arg.flatMap((a, i) => (a >= 0 ? [i] : []));
  // an unlisted example has a tie at the top, so its label (whatever it is) is not a strict argmax
  c.claims = [{ kind: "memorizes", id: "argmax", criterion: { type: "argmax" }, examples: listed, count: listed.length }, ...standardClaims(network, N)];
  return c;
}

/**
 * One softmax attention layer (2 heads) and a linear read-out: argmax claim on 2 logits
 * (labels = float argmax, margins ≥ 1e-3 enforced by dropping close calls) or abs-error on a scalar.
 */
export function softmaxCert(r: () => number, N: number, kind: "argmax" | "abs-error", precisionDigits = 30): Certificate {
  const d = 2;
  const out = kind === "argmax" ? 2 : 1;
  const network = netOf({ kind: "vectors", dim: d }, [
    { type: "attention", attention: "softmax", heads: [0, 1].map(() => ({ WQ: mat(r, 2, d), WK: mat(r, 2, d), WV: mat(r, 2, d), WO: mat(r, d, 2) })), residual: true, scale: "1/2", queries: "all", keys: "all" },
    { type: "affine", W: mat(r, out, d), b: mat(r, 1, out)[0]! },
  ], { positions: "last", kind: kind === "argmax" ? "logits" : "scalar" });
  const vocabulary = mat(r, 5, d);
  let sequences = Array.from({ length: N + 10 }, () => Array.from({ length: int(r, 2, 4) }, () => int(r, 0, 4)));
  const c = cert(`softmax-${kind}`, network, { vocabulary, sequences, labels: [] }, [], { mode: "interval", precisionDigits });
  let outs = refOutputsFloat(c).map((o) => o[0]!);
  if (kind === "argmax") {
    const keep = outs.map((o, i) => (Math.abs(o[0]! - o[1]!) > 1e-3 ? i : -1)).filter((i) => i >= 0).slice(0, N);
    sequences = keep.map((i) => sequences[i]!);
    outs = keep.map((i) => outs[i]!);
  } else {
    sequences = sequences.slice(0, N);
    outs = outs.slice(0, N);
  }
  c.dataset.sequences = sequences;
  c.dataset.labels = outs.map((o) => (kind === "argmax" ? (o[1]! > o[0]! ? 1 : 0) : o[0]!.toFixed(9)));
  const criterion = kind === "argmax" ? { type: "argmax" as const } : { type: "abs-error" as const, epsilon: "1e-6" };
  c.claims = [{ kind: "memorizes", id: kind, criterion, examples: "all", count: sequences.length }, ...standardClaims(network, sequences.length)];
  return c;
}

/**
 * Whether every claim of a certificate is true, decided by the reference path: exact outputs
 * (float for softmax, with the margin guards above), counts from src/ir/count.ts, and the bound
 * value/comparison recomputed. "invalid" when the reference cannot even evaluate it.
 */
export function referenceTruth(c: Certificate): boolean | "invalid" {
  let outs: (Rational | number)[][][];
  try {
    const soft = c.network.layers.some((L) => L.type === "attention" && L.attention === "softmax");
    outs = soft ? refOutputsFloat(c) : refOutputs(c);
    if (outs.some((o) => o.some((v) => v.some((x) => x === undefined || (typeof x === "number" && Number.isNaN(x)))))) return "invalid";
  } catch {
    return "invalid";
  }
  const num = (x: Rational | number) => (typeof x === "number" ? x : x.toNumber());
  const k = countNetwork(c.network);
  for (const cl of c.claims) {
    if (cl.kind === "count" && String(k[cl.quantity]) !== String(cl.value)) return false;
    if (cl.kind === "bound") {
      const v = boundAt(cl.expression, c.dataset.sequences.length, k.parameters);
      if (v.value !== cl.value || (cl.compare && v.holds !== cl.compare.holds)) return false;
    }
    if (cl.kind !== "memorizes") continue;
    const listed = cl.examples === "all" ? null : new Set(cl.examples);
    if (cl.count !== (listed ? listed.size : c.dataset.sequences.length)) return false;
    for (let i = 0; i < outs.length; i++) {
      const o = outs[i]!;
      const lab = c.dataset.labels[i]!;
      let ok: boolean;
      if (cl.criterion.type === "argmax") {
        const l = o[0]!.map(num);
        ok = l.every((v, j) => j === Number(lab) || l[Number(lab)]! > v);
      } else if (cl.criterion.type === "exact") {
        ok = o.every((v, p) => (v[0] as Rational).eq(q(Array.isArray(lab) ? lab[p]! : lab)));
      } else ok = Math.abs(num(o[0]![0]!) - Number(lab)) <= Number(cl.criterion.epsilon);
      if (ok !== (listed === null || listed.has(i))) return false;
    }
  }
  return true;
}
