/**
 * Dropping Assumption 1 (docs/mahdavi.md#counterexample): datasets whose queries have Kruskal rank
 * < n, three planted kinds, each showing which step of the proof breaks and whether the built
 * network still memorizes (certified) or fails:
 *   span       x(0) := Σ_{t∈G_2} x(t): every u0 ⊥ X_{G_2} has u0ᵀx(0) = 0 exactly, so example 0 never
 *              saturates in head 2 (gap g = 0, the sufficient c is infinite): the saturation step breaks.
 *   in-group   x(1) := 2·x(0), both in G_1: X_{G_1} is singular, no U with X_{G_1}U = I exists: the
 *              interpolation lemma breaks (logits of example 1 are forced to 2× those of example 0).
 *   duplicate  x(m) := x(0) with a shared context: two identical input sequences; with different
 *              labels NO network memorizes both (exact), and the construction's Z has equal rows.
 * For each kind the smallest shape (by T, then d; n ≥ 2) on which the default build is not
 * certified is reported, with the exact Assumption-1 witness. Measured (seed 5): span and in-group
 * break the proof but the built network is still CERTIFIED (saturation and exact interpolation are
 * proof devices); duplicate fails, minimized to d = 3, n = 2, H = 2, T = 3.
 *
 * @example
 *   findCounterexample({ seed: 5 }).kinds.find((k) => k.kind === "duplicate")!.failed // true
 */
import { generateMhaDataset, mhaDatasetToJson, mhaSequences, type MhaDataset } from "../../src/data/mha.ts";
import { mahdaviCapacity } from "../../src/bounds/mahdavi.ts";
import { Rational } from "../../src/numbers/rational.ts";
import { certifiedRank } from "../../src/linalg/index.ts";
import { checkAssumptions, type AssumptionResult } from "./assumptions.ts";
import { buildMha } from "./build.ts";
import { headGroups } from "./construction.ts";

export type PlantKind = "span" | "in-group" | "duplicate";

export interface KindResult {
  kind: PlantKind;
  brokenStep: string;
  /** True when some shape's default build was not certified. */
  failed: boolean;
  shape?: { d: number; n: number; H: number; dh: number; T: number };
  status: string;
  reason?: string;
  /** Exact impossibility (duplicate inputs with different labels), when it applies. */
  impossibility?: string;
  assumption1?: AssumptionResult;
  dataset?: Record<string, unknown>;
  tried: { d: number; n: number; H: number; status: string }[];
}

export interface CounterexampleResult {
  found: boolean;
  seed: number;
  kinds: KindResult[];
}

/** Plants the violation (see header) into a generated dataset. */
export function plantKruskalViolation(ds: MhaDataset, H: number, dh: number, kind: PlantKind): MhaDataset {
  const m = Math.min(ds.n, dh);
  const q = ds.queries.slice();
  if (kind === "span") {
    const G2 = headGroups(q.length, H, m)[1] ?? [];
    if (G2.length === 0) return ds;
    q[0] = q[G2[0]!]!.map((v, i) => G2.slice(1).reduce((a, t) => a.add(q[t]![i]!), v));
  } else if (kind === "in-group") {
    if (m < 2) return ds;
    q[1] = q[0]!.map((v) => v.mul(Rational.of(2)));
  } else {
    if (q.length <= m) return ds;
    q[m] = q[0]!;
  }
  const labels = ds.labels.kind === "regression" && kind === "duplicate" ? { kind: "regression" as const, values: ds.labels.values.map((v, t) => (t === m ? v.add(Rational.ONE) : v)) } : ds.labels;
  return { ...ds, queries: q, labels, origin: { ...ds.origin, planted: kind } };
}

const BROKEN: Record<PlantKind, string> = {
  span: "saturation (head 2): x(0) ∈ span of head 2's new queries, so u0ᵀx(0) = 0 for every admissible u0 — example 0 never saturates, the gap g = 0 and no finite c satisfies the sufficient condition",
  "in-group": "interpolation lemma (head 1): x(1) = 2·x(0) makes X_{G_1} singular (exact rank < |G_1|), so no U with X_{G_1}U = I exists and example 1's logits are forced to 2× example 0's",
  duplicate: "everything downstream of the input: x(m) = x(0) with the shared context gives two identical sequences, hence identical rows of Z and identical outputs",
};

export function findCounterexample(o: { seed: number; progress?: (m: string) => void }): CounterexampleResult {
  const shapes: { d: number; n: number; H: number }[] = [];
  for (const n of [2, 3, 4]) for (const H of [1, 2, 3]) for (let d = n + 1; d <= n + 2; d++) shapes.push({ d, n, H });
  shapes.sort((a, b) => mahdaviCapacity({ H: a.H, n: a.n, dh: a.n }) - mahdaviCapacity({ H: b.H, n: b.n, dh: b.n }) || a.d - b.d);
  const kinds: KindResult[] = (["span", "in-group", "duplicate"] as const).map((kind) => {
    const tried: KindResult["tried"] = [];
    for (const s of shapes) {
      const T = mahdaviCapacity({ H: s.H, n: s.n, dh: s.n });
      if ((kind === "span" && s.H < 2) || (kind === "in-group" && s.n < 2) || (kind === "duplicate" && T <= s.n) || (kind !== "duplicate" && s.n < 3)) continue;
      o.progress?.(`counterexample (${kind}): d = ${s.d}, n = ${s.n}, H = ${s.H} (T = ${T})…`);
      const ds = plantKruskalViolation(generateMhaDataset({ d: s.d, n: s.n, T, context: "shared", seed: o.seed }), s.H, s.n, kind);
      const b = buildMha(ds, { H: s.H, dh: s.n, seed: o.seed, maxPrecision: 60 });
      tried.push({ ...s, status: b.status });
      if (b.status === "CERTIFIED") continue;
      const a = checkAssumptions(ds, { seed: o.seed });
      let impossibility: string | undefined;
      if (kind === "duplicate") {
        const { sequences } = mhaSequences(ds);
        const m = s.n;
        const same = sequences[0]!.join() === sequences[m]!.join();
        const y = ds.labels.values as Rational[];
        if (same && !y[0]!.eq(y[m]!)) impossibility = `examples 0 and ${m} are the same token sequence [${sequences[0]!.join(", ")}] with labels ${y[0]} ≠ ${y[m]}: every network gives them one output, so |out − y| ≤ ε fails for one of them whenever 2ε < |${y[0]} − ${y[m]}| (exact)`;
      }
      if (kind === "in-group") {
        const G1 = headGroups(T, s.H, s.n)[0]!;
        const r = certifiedRank(G1.map((t) => ds.queries[t]!)).rank;
        impossibility = `rank X_{G_1} = ${r} < |G_1| = ${G1.length} (exact)`;
      }
      return { kind, brokenStep: BROKEN[kind], failed: true, shape: { ...s, dh: s.n, T }, status: b.status, reason: b.reason, impossibility, assumption1: a.a1, dataset: mhaDatasetToJson(ds), tried };
    }
    return { kind, brokenStep: BROKEN[kind], failed: false, status: "CERTIFIED on every shape tried", tried };
  });
  return { found: kinds.some((k) => k.failed), seed: o.seed, kinds };
}

export function formatCounterexample(r: CounterexampleResult): string {
  const lines = [`dropping Assumption 1 (Kruskal rank of the queries < n), seed ${r.seed}: three planted violations, smallest failing shape each`];
  for (const k of r.kinds) {
    lines.push(`  [${k.kind}] step that breaks: ${k.brokenStep}`);
    if (k.failed) {
      const s = k.shape!;
      lines.push(`    construction FAILS, minimized to d = ${s.d}, n = ${s.n}, H = ${s.H}, d_h = ${s.dh}, T = ${s.T} (shared context): ${k.status} — ${k.reason ?? ""}`);
      if (k.assumption1) lines.push(`    ${k.assumption1.name}: ${k.assumption1.holds === false ? "VIOLATED" : String(k.assumption1.holds)} — ${k.assumption1.detail}${k.assumption1.witness ? `; witness [${k.assumption1.witness.indices.join(", ")}], coefficients [${k.assumption1.witness.dependence?.join(", ")}]` : ""}`);
      if (k.impossibility) lines.push(`    ${k.impossibility}`);
    } else {
      lines.push(`    the proof step breaks but the built network is still CERTIFIED on every shape tried (${k.tried.map((t) => `(d=${t.d},n=${t.n},H=${t.H})`).join(" ")}): the step is a proof device, not a necessity`);
    }
  }
  return lines.join("\n");
}
