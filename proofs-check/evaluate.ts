/**
 * The checker's network evaluator, generic over an arithmetic (exact.ts or interval.ts), so that
 * the layer semantics (docs/network-ir.md, header of src/ir/network.ts) are written once:
 *   embedding/positional/affine/relu/ffn/layernorm act token-wise; attention mixes positions:
 *   y_i = [x_i if residual] + Σ_h WO_h Σ_{j ∈ keys(i)} a^h_ij WV_h x_j,
 *   a^h_i· = σ(scale·[1/√r]·(WQ_h x_i)·(WK_h x_j))_j, σ ∈ {softmax, hardmax (uniform on the argmax set), uniform}.
 *
 * Speed without new semantics: token-wise layers before the first attention layer depend only on
 * (token, position) — on the token alone when no positional layer precedes — so they are computed
 * once per distinct key and cached; after the last attention layer only the read positions are computed.
 *
 * @example
 *   const ev = new Evaluator(checked, exactArith());
 *   ev.outputs(0) // one output vector per read position of example 0
 */
import { Rational, gcd } from "../src/numbers/rational.ts";
import type { Checked, LayerQ, Mat } from "./validate.ts";

/** What an arithmetic must provide: vectors V, scalars S, compiled linear maps M. */
export interface Arith<V, S, M> {
  lin(W: Mat, b: Rational[] | null): M;
  apply(m: M, v: V): V;
  input(row: Rational[]): V;
  relu(v: V): V;
  add(a: V, b: V): V;
  dot(a: V, b: V): S;
  times(s: S, r: Rational): S;
  /** s · (1/√r) for a positive rational r, enclosed (an irrational attention scale) */
  timesInvSqrt(s: S, r: Rational): S;
  /** γ ⊙ (v − μ)/√(σ² + ε) + β, μ and σ² the mean and biased variance of v's entries (ε > 0) */
  layerNorm(v: V, gamma: Rational[], beta: Rational[], eps: Rational): V;
  /** attention weights over the keys from their scores (scores unused for uniform) */
  weights(kind: "softmax" | "hardmax" | "uniform", scores: S[]): S[];
  mix(ws: S[], vs: V[]): V;
}

type Tok<V> = { tok: true; positional: boolean; f: (v: V, pos: number) => V };
/** mixOut: when given, receives per head Σ_j a_j x_j at the last query (the rank claim's matrix row). */
type Seq<V> = { tok: false; f: (xs: V[], first: boolean, mixOut?: V[]) => V[] };

function compile<V, S, M>(L: LayerQ, A: Arith<V, S, M>): Tok<V> | Seq<V> {
  switch (L.type) {
    case "embedding": // applied by `start`
      return { tok: true, positional: false, f: (v) => v };
    case "positional": {
      const rows = L.table.map((r) => A.input(r));
      return { tok: true, positional: true, f: (v, p) => A.add(v, rows[p]!) };
    }
    case "affine": {
      const m = A.lin(L.W, L.b);
      return { tok: true, positional: false, f: (v) => A.apply(m, v) };
    }
    case "relu":
      return { tok: true, positional: false, f: (v) => A.relu(v) };
    case "layernorm":
      return { tok: true, positional: false, f: (v) => A.layerNorm(v, L.gamma, L.beta, L.eps) };
    case "ffn": {
      const m1 = A.lin(L.W1, L.b1);
      const m2 = A.lin(L.W2, L.b2);
      return { tok: true, positional: false, f: (v) => A.add(v, A.apply(m2, A.relu(A.apply(m1, v)))) };
    }
    case "attention": {
      const uniform = L.attention === "uniform";
      // the score factor: scale, and 1/√r when given (only softmax depends on a positive factor)
      const invSqrt = L.attention === "softmax" ? L.invSqrt : null;
      const scaled = (s: S): S => (invSqrt ? A.timesInvSqrt(A.times(s, L.scale), invSqrt) : A.times(s, L.scale));
      const heads = L.heads.map((h) => ({ h, Q: A.lin(h.WQ, null), K: A.lin(h.WK, null), V: A.lin(h.WV, null), O: A.lin(h.WO, null), G: null as M | null }));
      // Two exact rewritings, each enclosed rigorously by any arithmetic (the same real values):
      //  scores (WQ x_i)·(WK x_j) = x_j·(B x_i) with B = WKᵀWQ (d × d), used when d ≤ d_h·n (fewer
      //  operations than projecting every key); and, in the first attention layer, whose inputs are
      //  the cached prefix objects, Σ_j a_j WO WV x_j with WO WV x_j, B x, WQ x, WK x memoized per object.
      const memo = new WeakMap<object, { u: V | null; q: V | null; k: V | null; ov: V | null }[]>();
      const proj = (x: V) => {
        let p = memo.get(x as object);
        if (!p) memo.set(x as object, (p = heads.map(() => ({ u: null, q: null, k: null, ov: null }))));
        return p;
      };
      return {
        tok: false,
        f: (xs, first, mixOut) => {
          const n = xs.length;
          const out = xs.slice();
          const P = first ? xs.map(proj) : null;
          const per = first ? [] : heads.map(() => ({ u: new Array<V>(n), q: new Array<V>(n), k: new Array<V>(n), v: new Array<V>(n) }));
          for (let i = L.queries === "last" ? n - 1 : 0; i < n; i++) {
            const keys: number[] = [];
            const last = L.keys === "all" ? n - 1 : L.keys === "all-but-last" ? n - 2 : i;
            for (let j = 0; j <= last; j++) keys.push(j);
            let y: V | null = L.residual ? xs[i]! : null;
            heads.forEach((H, hi) => {
              let scores: S[] = keys.map(() => undefined as S);
              if (!uniform && H.h.WQ.length > 0 && H.h.WQ[0]!.length <= H.h.WQ.length * n) {
                const G = (H.G ??= A.lin(bilinear(H.h.WQ, H.h.WK), null));
                const u = P ? (P[i]![hi]!.u ??= A.apply(G, xs[i]!)) : (per[hi]!.u[i] ??= A.apply(G, xs[i]!));
                scores = keys.map((j) => scaled(A.dot(u, xs[j]!)));
              } else if (!uniform) {
                const q = P ? (P[i]![hi]!.q ??= A.apply(H.Q, xs[i]!)) : (per[hi]!.q[i] ??= A.apply(H.Q, xs[i]!));
                scores = keys.map((j) => scaled(A.dot(q, P ? (P[j]![hi]!.k ??= A.apply(H.K, xs[j]!)) : (per[hi]!.k[j] ??= A.apply(H.K, xs[j]!)))));
              }
              const w = A.weights(L.attention, scores);
              if (mixOut && i === n - 1) mixOut.push(A.mix(w, keys.map((j) => xs[j]!)));
              const z = P ? A.mix(w, keys.map((j) => (P[j]![hi]!.ov ??= A.apply(H.O, A.apply(H.V, xs[j]!))))) : A.apply(H.O, A.mix(w, keys.map((j) => (per[hi]!.v[j] ??= A.apply(H.V, xs[j]!)))));
              y = y === null ? z : A.add(y, z);
            });
            out[i] = y!;
          }
          return out;
        },
      };
    }
  }
}

/** B = WKᵀ·WQ exactly, so that (WQ x)·(WK y) = y·(B x): integer rows over one denominator per matrix. */
function bilinear(WQ: Mat, WK: Mat): Mat {
  const den = (M: Mat) => M.flat().reduce((l, r) => (l % r.den === 0n ? l : (l / gcd(l, r.den)) * r.den), 1n);
  const dq = den(WQ);
  const dk = den(WK);
  const Qi = WQ.map((r) => r.map((v) => v.num * (dq / v.den)));
  const Ki = WK.map((r) => r.map((v) => v.num * (dk / v.den)));
  const d = WQ[0]!.length;
  const B = Array.from({ length: d }, () => new Array<bigint>(d).fill(0n));
  Ki.forEach((kr, r) => kr.forEach((k, a) => {
    if (k === 0n) return;
    const Ba = B[a]!;
    Qi[r]!.forEach((q, b) => (Ba[b]! += k * q));
  }));
  return B.map((row) => row.map((v) => Rational.of(v, dq * dk)));
}

/** Evaluates the certificate's network on its examples with one arithmetic. */
export class Evaluator<V, S, M> {
  private readonly stages: (Tok<V> | Seq<V>)[];
  private readonly first: number;
  private readonly last: number;
  private readonly keyedByPosition: boolean;
  private readonly cache = new Map<number, V>();
  private readonly start: (t: number) => V;

  constructor(private readonly c: Checked, A: Arith<V, S, M>) {
    this.stages = c.layers.map((L) => compile(L, A));
    const att = this.stages.flatMap((s, i) => (s.tok ? [] : [i]));
    this.first = att.length ? att[0]! : this.stages.length;
    this.last = att.length ? att[att.length - 1]! : this.stages.length;
    this.keyedByPosition = this.stages.slice(0, this.first).some((s) => s.tok && s.positional);
    const emb = c.layers[0]?.type === "embedding" ? c.layers[0].table : null;
    const rows = new Map<number, V>();
    this.start = (t) => {
      let v = rows.get(t);
      if (!v) rows.set(t, (v = A.input((emb ?? c.vocabulary!)[t]!)));
      return v;
    };
  }

  /** The index of the last attention layer, or −1 when there is none. */
  lastAttention(): number {
    return this.first === this.stages.length ? -1 : this.last;
  }

  /** Example i's vector at each read position right after the last attention layer (there must be one). */
  afterAttention(i: number): { pos: number; v: V }[] {
    const xs = this.statesBefore(i, this.last + 1);
    return this.readPositions(xs.length).map((p) => ({ pos: p, v: xs[p]! }));
  }

  /** Token-wise layers [from, to) applied to one position. */
  tokenwise(v: V, pos: number, from: number, to: number): V {
    for (let s = from; s < to; s++) v = (this.stages[s] as Tok<V>).f(v, pos);
    return v;
  }

  /** The representation of (token, position) after the layers before the first attention layer. */
  private prefix(t: number, pos: number, n: number): V {
    const key = this.keyedByPosition ? t * 65536 + pos : t;
    if (!this.keyedByPosition || pos < 65536) {
      let v = this.cache.get(key);
      if (!v) this.cache.set(key, (v = this.tokenwise(this.start(t), pos, 0, this.first)));
      return v;
    }
    return this.tokenwise(this.start(t), pos, 0, this.first);
  }

  /** Read positions of a sequence of length n. */
  readPositions(n: number): number[] {
    return this.c.raw.network.output.positions === "last" ? [n - 1] : Array.from({ length: n }, (_, i) => i);
  }

  /**
   * The rank claim's matrix row for example i (docs/certificate.md, claim "rank"): for attention
   * layer `layer`, per head h, Σ_j a^h_j x_j with the query at the last position and x_j the layer's
   * input vectors (Mahdavi et al.'s Z). `layer` must index an attention layer (check.ts validates it).
   */
  mixtures(i: number, layer: number): V[] {
    const out: V[] = [];
    (this.stages[layer] as Seq<V>).f(this.statesBefore(i, layer), layer === this.first, out);
    return out;
  }

  /** Example i's vectors at every position before stage `to` (first attention layer ≤ to). */
  private statesBefore(i: number, to: number): V[] {
    const seq = this.c.sequences[i]!;
    let xs = seq.map((t, p) => this.prefix(t, p, seq.length));
    for (let s = this.first; s < to; s++) {
      const st = this.stages[s]!;
      xs = st.tok ? xs.map((x, p) => st.f(x, p)) : st.f(xs, s === this.first);
    }
    return xs;
  }

  /** The network's output at each read position of example i. */
  outputs(i: number): V[] {
    const seq = this.c.sequences[i]!;
    const n = seq.length;
    const read = this.readPositions(n);
    if (this.first === this.stages.length) return read.map((p) => this.prefix(seq[p]!, p, n));
    return this.afterAttention(i).map(({ pos, v }) => this.tokenwise(v, pos, this.last + 1, this.stages.length));
  }
}
