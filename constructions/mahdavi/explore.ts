/**
 * Capacity explorer (beyond the paper; docs/mahdavi.md#explorer): for given (d, n, H, d_h, context
 * mode), the largest T for which rank(Z) = T is CERTIFIED (interval enclosure + Krawczyk bound),
 * (a) for this construction and (b) for random Gaussian attention + minimum-norm solve, side by side
 * with Theorem 1's H(min(n,d_h)−1)+1 and the ceilings: Proposition 2's H(n−1)+1 for a shared
 * context, Hd (the width of Z) otherwise. rank(Z) = T certified means every label vector is
 * memorized by the readout solve, so this is a certified capacity for the drawn inputs.
 *
 * T is searched by bisection on prefixes of one seeded dataset of Hd + 1 examples (the certified
 * predicate is monotone in practice, not provably: each probe is reported).
 *
 * @example
 *   exploreCapacity({ d: 16, n: 5, H: 4, dh: 5, context: "random", seed: 1 }).random.largest // 64 = Hd
 */
import { generateMhaDataset, type MhaDataset } from "../../src/data/mha.ts";
import { mahdaviCapacity, proposition2Bound } from "../../src/bounds/mahdavi.ts";
import { buildMha } from "./build.ts";

export interface ExploreOptions {
  d: number;
  n: number;
  H: number;
  dh: number;
  context: "shared" | "random";
  seed: number;
  /** Enclosure precision (digits) of each probe (default 30, fixed: a probe that fails is not retried). */
  precision?: number;
  progress?: (msg: string) => void;
}

export interface Probe {
  T: number;
  certified: boolean;
  detail: string;
}

export interface ExploreResult {
  d: number;
  n: number;
  H: number;
  dh: number;
  context: "shared" | "random";
  seed: number;
  theorem: number;
  ceiling: { value: number; why: string };
  construction: { largest: number; probes: Probe[] };
  random: { largest: number; probes: Probe[] };
  seconds: number;
}

/** The first T examples of a dataset (the explorer's nested datasets). */
export function prefix(ds: MhaDataset, T: number): MhaDataset {
  const values = ds.labels.values.slice(0, T);
  return { ...ds, queries: ds.queries.slice(0, T), contexts: ds.contexts.slice(0, T), labels: { ...ds.labels, values } as MhaDataset["labels"] };
}

/** Largest certified T by bisection in [lo, hi], with lo assumed certifiable (probed first). */
function bisect(lo: number, hi: number, probe: (T: number) => Probe): { largest: number; probes: Probe[] } {
  const probes: Probe[] = [];
  const run = (T: number) => {
    const p = probe(T);
    probes.push(p);
    return p.certified;
  };
  if (!run(lo)) {
    // below the theorem: walk down
    let T = lo - 1;
    while (T >= 1 && !run(T)) T--;
    return { largest: Math.max(T, 0), probes };
  }
  let good = lo;
  let bad = hi + 1;
  if (run(hi)) return { largest: hi, probes };
  bad = hi;
  while (bad - good > 1) {
    const mid = (good + bad) >> 1;
    if (run(mid)) good = mid;
    else bad = mid;
  }
  return { largest: good, probes };
}

/**
 * See header.
 *
 * @example
 *   formatExploration(exploreCapacity({ d: 8, n: 3, H: 2, dh: 3, context: "shared", seed: 1 }))
 */
export function exploreCapacity(o: ExploreOptions): ExploreResult {
  const t0 = performance.now();
  const theorem = mahdaviCapacity({ H: o.H, n: o.n, dh: o.dh });
  const Hd = o.H * o.d;
  const ceiling = o.context === "shared" ? { value: Math.min(proposition2Bound({ H: o.H, n: o.n }), Hd), why: "Proposition 2: H(n−1)+1 (shared context)" } : { value: Hd, why: "Hd (Z has Hd columns)" };
  const full = generateMhaDataset({ d: o.d, n: o.n, T: Hd + 1, context: o.context, seed: o.seed });
  const probeWith = (attention: "construction" | "random") => (T: number): Probe => {
    o.progress?.(`explore: ${attention} attention, T = ${T}…`);
    const b = buildMha(prefix(full, T), { H: o.H, dh: o.dh, seed: o.seed, precision: o.precision ?? 30, attention, certifyLabels: false });
    return { T, certified: b.status === "CERTIFIED", detail: b.status === "CERTIFIED" ? `rank(Z) = ${T} certified, σ_min ≥ ${b.rank!.sigmaMinLower.toExponential(2)}` : b.reason ?? "" };
  };
  const top = Math.min(Hd, ceiling.value + 1);
  const construction = bisect(Math.min(theorem, top), top, probeWith("construction"));
  const random = bisect(Math.min(theorem, top), top, probeWith("random"));
  return { d: o.d, n: o.n, H: o.H, dh: o.dh, context: o.context, seed: o.seed, theorem, ceiling, construction, random, seconds: (performance.now() - t0) / 1000 };
}

/**
 * The construction's part of the explorer alone: the largest T ≤ ceiling + 1 with rank(Z) = T certified by the
 * builder on prefixes of one seeded dataset, and that dataset (for a certificate at the T found).
 */
export function constructionCapacity(o: ExploreOptions): { largest: number; probes: Probe[]; theorem: number; ceiling: number; full: MhaDataset } {
  const theorem = mahdaviCapacity({ H: o.H, n: o.n, dh: o.dh });
  const Hd = o.H * o.d;
  const ceiling = o.context === "shared" ? Math.min(proposition2Bound({ H: o.H, n: o.n }), Hd) : Hd;
  const full = generateMhaDataset({ d: o.d, n: o.n, T: Hd + 1, context: o.context, seed: o.seed });
  const top = Math.min(Hd, ceiling + 1);
  const r = bisect(Math.min(theorem, top), top, (T) => {
    o.progress?.(`capacity found: T = ${T}…`);
    const b = buildMha(prefix(full, T), { H: o.H, dh: o.dh, seed: o.seed, precision: o.precision ?? 30, attention: "construction", certifyLabels: false });
    return { T, certified: b.status === "CERTIFIED", detail: b.status === "CERTIFIED" ? `rank(Z) = ${T} certified` : b.reason ?? "" };
  });
  return { ...r, theorem, ceiling, full };
}

export function formatExploration(r: ExploreResult): string {
  const rows = (name: string, x: { largest: number; probes: Probe[] }) => [
    `  ${name}: largest certified T = ${x.largest}`,
    ...x.probes.map((p) => `    T = ${p.T}: ${p.certified ? "certified" : "not certified"} — ${p.detail}`),
  ];
  return [
    `capacity explorer: d = ${r.d}, n = ${r.n}, H = ${r.H}, d_h = ${r.dh}, ${r.context === "shared" ? "shared context" : "one context per example"}, seed ${r.seed}`,
    `  theorem: H(min(n,d_h)−1)+1 = ${r.theorem}; ceiling: ${r.ceiling.value} (${r.ceiling.why})`,
    ...rows("this construction (saturated heads + min-norm readout)", r.construction),
    ...rows("random attention + min-norm readout", r.random),
    `  time ${r.seconds.toFixed(1)} s`,
  ].join("\n");
}
