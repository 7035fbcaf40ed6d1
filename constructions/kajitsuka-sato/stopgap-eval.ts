/**
 * STOPGAP exact evaluator for the Kajitsuka–Sato constructions, used until the shared evaluator
 * (src/eval/exact.ts, branch numeval) lands; it handles exactly the layer kinds these networks use
 * (affine, relu, ffn, uniform attention) and nothing else, and throws on anything else.
 *
 * It exploits what makes these networks cheap to verify: token-wise layers give equal outputs on
 * equal tokens (every distinct state is pushed through a token-wise segment once), weights are sparse
 * (only nonzero entries are visited), and after the last attention layer only the positions that are
 * read (`output.positions`) are computed.
 *
 * @example
 *   evaluateStopgap(net, [[0, 1, 1]], vocab) // [[[out at the last position]]]
 */
import { Rational } from "../../src/numbers/rational.ts";
import type { Layer, Network } from "../../src/ir/network.ts";

type Sparse = [number, Rational][];
type Op =
  | { kind: "affine"; rows: Sparse[]; b: Rational[] }
  | { kind: "relu" }
  | { kind: "ffn"; units: { w: Sparse; b: Rational; out: Sparse }[]; b2: Sparse }
  | { kind: "attention"; heads: { v: Sparse[]; o: Sparse[] }[]; residual: boolean; queries: "all" | "last"; keys: string };

function sparseRow(row: (string | number)[]): Sparse {
  const out: Sparse = [];
  row.forEach((v, j) => {
    const r = Rational.from(v);
    if (!r.isZero()) out.push([j, r]);
  });
  return out;
}

function compile(layer: Layer): Op {
  switch (layer.type) {
    case "affine":
      return { kind: "affine", rows: layer.W.map(sparseRow), b: layer.W.map((_, i) => Rational.from(layer.b?.[i] ?? 0)) };
    case "relu":
      return { kind: "relu" };
    case "ffn": {
      const h = layer.W1.length;
      const units = Array.from({ length: h }, (_, j) => ({ w: sparseRow(layer.W1[j]!), b: Rational.from(layer.b1[j]!), out: [] as Sparse }));
      layer.W2.forEach((row, i) => row.forEach((v, j) => {
        const r = Rational.from(v);
        if (!r.isZero()) units[j]!.out.push([i, r]);
      }));
      return { kind: "ffn", units, b2: sparseRow(layer.b2) };
    }
    case "attention":
      if (layer.attention !== "uniform") throw new Error(`stopgap evaluator: only uniform attention (got ${layer.attention})`);
      if (layer.keys !== "all") throw new Error("stopgap evaluator: only keys = all");
      return { kind: "attention", heads: layer.heads.map((h) => ({ v: h.WV.map(sparseRow), o: h.WO.map(sparseRow) })), residual: layer.residual, queries: layer.queries ?? "all", keys: layer.keys };
    default:
      throw new Error(`stopgap evaluator: unsupported layer ${layer.type}`);
  }
}

function dot(row: Sparse, x: Rational[]): Rational {
  let s = Rational.ZERO;
  for (const [j, c] of row) {
    const v = x[j]!;
    if (!v.isZero()) s = s.add(c.mul(v));
  }
  return s;
}

function applyTokenwise(op: Op, x: Rational[]): Rational[] {
  switch (op.kind) {
    case "affine":
      return op.rows.map((row, i) => dot(row, x).add(op.b[i]!));
    case "relu":
      return x.map((v) => (v.sign() > 0 ? v : Rational.ZERO));
    case "ffn": {
      const y = x.slice();
      for (const u of op.units) {
        const h = dot(u.w, x).add(u.b);
        if (h.sign() <= 0) continue;
        for (const [i, c] of u.out) y[i] = y[i]!.add(c.mul(h));
      }
      for (const [i, c] of op.b2) y[i] = y[i]!.add(c);
      return y;
    }
    default:
      throw new Error("not token-wise");
  }
}

/**
 * Exact outputs: result[i][k] is the output vector at the k-th read position of sequence i.
 * `onProgress(done, total)` is called after each token-wise segment.
 */
export function evaluateStopgap(net: Network, sequences: number[][], vocabulary: Rational[][], onProgress?: (msg: string) => void): Rational[][][] {
  const ops = net.layers.map(compile);
  const lastAttention = ops.map((o) => o.kind).lastIndexOf("attention");
  const states: Rational[][] = [];
  const index = new Map<string, number>();
  const intern = (v: Rational[]): number => {
    const key = v.join(" ");
    let id = index.get(key);
    if (id === undefined) {
      id = states.length;
      states.push(v);
      index.set(key, id);
    }
    return id;
  };
  // ids[i][k]: state of position k of sequence i (null when no longer needed)
  let ids: (number | null)[][] = sequences.map((s) => s.map((t) => intern(vocabulary[t]!)));
  let i = 0;
  while (i < ops.length) {
    if (ops[i]!.kind === "attention") {
      const op = ops[i] as Extract<Op, { kind: "attention" }>;
      const readOnlyLast = i === lastAttention && net.output.positions === "last";
      ids = ids.map((row) => {
        const xs = row.map((id) => states[id!]!);
        const n = xs.length;
        const width = xs[0]!.length;
        const add = new Array<Rational>(width).fill(Rational.ZERO);
        for (const h of op.heads) {
          const mean = h.v.map((r) => xs.reduce((s, x) => s.add(dot(r, x)), Rational.ZERO).div(Rational.of(n)));
          h.o.forEach((r, k) => (add[k] = add[k]!.add(dot(r, mean))));
        }
        return row.map((id, k) => {
          if (readOnlyLast && k !== n - 1) return null;
          if (op.queries === "last" && k !== n - 1) return id;
          const base = op.residual ? states[id!]! : add.map(() => Rational.ZERO);
          return intern(base.map((v, j) => v.add(add[j]!)));
        });
      });
      i++;
      continue;
    }
    let j = i;
    while (j < ops.length && ops[j]!.kind !== "attention") j++;
    const segment = ops.slice(i, j);
    const live = new Set<number>();
    for (const row of ids) for (const id of row) if (id !== null) live.add(id);
    const mapped = new Map<number, number>();
    let done = 0;
    for (const id of live) {
      let v = states[id]!;
      for (const op of segment) v = applyTokenwise(op, v);
      mapped.set(id, intern(v));
      if (onProgress && ++done % 500 === 0) onProgress(`layers ${i}–${j - 1}: ${done}/${live.size} distinct states`);
    }
    ids = ids.map((row) => row.map((id) => (id === null ? null : mapped.get(id)!)));
    i = j;
  }
  return ids.map((row) => {
    const read = net.output.positions === "last" ? [row[row.length - 1]!] : row;
    return read.map((id) => states[id!]!);
  });
}
