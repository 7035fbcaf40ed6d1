/**
 * The hypotheses of Mahdavi et al.'s Theorem 1, checked on a dataset before building
 * (docs/mahdavi.md#assumptions):
 *   Assumption 1   the queries {x(t)} have Kruskal rank ≥ n (≥ min(n, T) when T < n)
 *   Assumption 2   every context E(t) ∈ Q^{n×d} has rank n
 *   standing       n < d
 *   General Position (for comparison only): every min(T, d) queries are independent.
 * Exact (src/linalg: exhaustive Kruskal search, certified rank) when the search is small enough,
 * otherwise the paper's randomized estimate over seeded random subsets, reported with the number
 * of subsets tested. A violation comes with an exact witness (indices and a dependence).
 *
 * @example
 *   const a = checkAssumptions(ds, { seed: 1 }); a.a1.holds // true | false | "estimated"
 */
import { certifiedRank, kruskalEstimate, kruskalRank, nullSpace, transpose } from "../../src/linalg/index.ts";
import type { MhaDataset } from "../../src/data/mha.ts";

export interface AssumptionResult {
  name: string;
  /** true / false proved exactly; "estimated": every sampled subset passed (no proof). */
  holds: boolean | "estimated";
  method: "exact" | "randomized" | "trivial";
  detail: string;
  /** Exact witness of a violation. */
  witness?: { indices: number[]; dependence?: string[]; example?: number; rank?: number };
}

export interface AssumptionReport {
  a1: AssumptionResult;
  a2: AssumptionResult;
  nLessD: AssumptionResult;
  generalPosition: AssumptionResult;
  /** The exact Kruskal rank of the queries when it was computed. */
  kruskalRank?: number;
}

/** Number of subsets an exhaustive Kruskal search of size ≤ K over N vectors may visit (float). */
export function kruskalSearchSize(N: number, K: number): number {
  let total = 0;
  let c = 1;
  for (let s = 1; s <= K; s++) {
    c = (c * (N - s + 1)) / s;
    total += c;
  }
  return total;
}

export interface AssumptionOptions {
  seed: number;
  /** Random subsets per estimate (default 1000). */
  samples?: number;
  /** Largest exhaustive search (subsets) attempted exactly (default 300 000). */
  exactLimit?: number;
}

/**
 * Checks Assumptions 1 and 2, n < d and General Position (see header).
 *
 * @example
 *   checkAssumptions(ds, { seed: 3 }).a2.holds // true
 */
export function checkAssumptions(ds: MhaDataset, o: AssumptionOptions): AssumptionReport {
  const T = ds.queries.length;
  const { n, d } = ds;
  const samples = o.samples ?? 1000;
  const K = Math.min(T, d);
  const need1 = Math.min(n, T);
  let a1: AssumptionResult;
  let gp: AssumptionResult;
  let kr: number | undefined;
  if (kruskalSearchSize(T, K) <= (o.exactLimit ?? 300_000)) {
    const r = kruskalRank(ds.queries, { seed: o.seed });
    kr = r.kruskalRank;
    const witness = r.witness ? { indices: r.witness, dependence: r.dependence!.map(String) } : undefined;
    a1 = {
      name: "Assumption 1 (Kruskal rank of the queries ≥ n)",
      holds: kr >= need1,
      method: "exact",
      detail: `Kruskal rank = ${kr} (exact, ${r.subsetsChecked} subsets), need ≥ ${need1}`,
      ...(kr < need1 && witness ? { witness } : {}),
    };
    gp = {
      name: `General Position (every ${K} queries independent)`,
      holds: kr >= K,
      method: "exact",
      detail: `Kruskal rank = ${kr}, General Position needs ${K}`,
      ...(kr < K && witness ? { witness } : {}),
    };
  } else {
    const e1 = kruskalEstimate(ds.queries, need1, samples, o.seed);
    a1 = {
      name: "Assumption 1 (Kruskal rank of the queries ≥ n)",
      holds: e1.witness ? false : "estimated",
      method: "randomized",
      detail: `${e1.fullRank}/${e1.samples} random ${need1}-subsets independent (seed ${o.seed}; exhaustive search too large)`,
      ...(e1.witness ? { witness: { indices: e1.witness, dependence: e1.dependence!.map(String) } } : {}),
    };
    const e2 = kruskalEstimate(ds.queries, K, samples, o.seed + 1);
    gp = {
      name: `General Position (every ${K} queries independent)`,
      holds: e2.witness ? false : "estimated",
      method: "randomized",
      detail: `${e2.fullRank}/${e2.samples} random ${K}-subsets independent (seed ${o.seed + 1})`,
      ...(e2.witness ? { witness: { indices: e2.witness, dependence: e2.dependence!.map(String) } } : {}),
    };
  }
  // Assumption 2: one exact rank per distinct context
  const seen = new Set<unknown>();
  let a2: AssumptionResult = { name: "Assumption 2 (every context has rank n)", holds: true, method: "exact", detail: "" };
  let checked = 0;
  for (let t = 0; t < T; t++) {
    const Et = ds.contexts[t]!;
    if (seen.has(Et)) continue;
    seen.add(Et);
    checked++;
    const r = certifiedRank(Et, { seed: o.seed }).rank;
    if (r < n) {
      const dep = nullSpace(transpose(Et))[0]!;
      a2 = {
        ...a2,
        holds: false,
        detail: `context of example ${t} has rank ${r} < n = ${n}`,
        witness: { example: t, rank: r, indices: dep.map((v, i) => (v.isZero() ? -1 : i)).filter((i) => i >= 0), dependence: dep.filter((v) => !v.isZero()).map(String) },
      };
      break;
    }
  }
  if (a2.holds) a2.detail = `${checked} distinct context${checked === 1 ? "" : "s"}, each of exact rank ${n}`;
  const nLessD: AssumptionResult = { name: "n < d", holds: n < d, method: "trivial", detail: `n = ${n}, d = ${d}` };
  return { a1, a2, nLessD, generalPosition: gp, ...(kr !== undefined ? { kruskalRank: kr } : {}) };
}

/** One line per assumption, e.g. "✓ Assumption 2 (…): 1 distinct context, each of exact rank 5". */
export function formatAssumptions(r: AssumptionReport): string[] {
  const mark = (h: AssumptionResult["holds"]) => (h === true ? "holds" : h === false ? "VIOLATED" : "holds (estimate)");
  return [r.a1, r.a2, r.nLessD, r.generalPosition].map((a) => {
    const w = a.witness ? ` — witness: ${a.witness.example !== undefined ? `example ${a.witness.example}, ` : ""}indices [${a.witness.indices.join(", ")}]${a.witness.dependence ? ` with Σ c_i·v_i = 0 for c = [${a.witness.dependence.join(", ")}]` : ""}` : "";
    return `${a.name}: ${mark(a.holds)} — ${a.detail} [${a.method}]${w}`;
  });
}
