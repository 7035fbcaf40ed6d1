/**
 * Theory vs training, side by side, for matched architectures: per configuration of a paper's model,
 *   - the TRAINED capacity (capacity search, float64 measurement; resumable JSONL in the output folder),
 *   - the capacity a CONSTRUCTION certifies for the same shape, built in-process:
 *       aot  Dana et al. construction at T₀ = H·d_h + d (constructAot, certified by interval arithmetic),
 *            and its edge T₀ + 1 (edgeOfCapacity: how many associations stay certified past capacity);
 *       mha  Mahdavi et al. capacity explorer (largest T with rank(Z) = T certified; construction and random heads);
 *       ks   no capacity number: Theorem 4.1 memorizes ANY N separated sequences with width 14 and depth
 *            ~√N·log-terms, so it is compared through its formulas only,
 *   - the bound formulas (src/bounds/*.ts) and the upper-bound statements (statements.ts).
 * A trained model exceeding an applicable upper bound is a candidate counterexample: it is retrained
 * from its recorded seed (training is deterministic), its weights saved as JSON, and its rationalized
 * weights certified (src/interop: exact arithmetic for hardmax, intervals for softmax) with a certificate
 * proofs-check re-checks. A float "memorized" is a measurement; only the certificate can confirm a candidate.
 *
 * @example const rep = await crosscheck({ paper: "dana", grid: "H=1,2;d=2;dh=2;vocab=6", out: "xc", workers: 2, steps: 300, seed: 1 });
 */
import { join } from "node:path";
import { writeFileAtomic } from "../../src/io/output.ts";
import { parseGrid, describePoint } from "../capacity/grid.ts";
import { DEFAULT_SEARCH, makeJob, type SearchSettings } from "../capacity/probe.ts";
import { runSweep } from "../capacity/run.ts";
import type { CapacityRecord } from "../capacity/search-job.ts";
import { bestAccuracyAt, CAPACITY_DEFINITION, formatCapacity, type BestAccuracy } from "../capacity/definition.ts";
import type { BackendName } from "../../src/train/backends.ts";
import { danaBounds } from "../../src/bounds/dana.ts";
import { mahdaviCapacity } from "../../src/bounds/mahdavi.ts";
import { constructAot } from "../../constructions/dana/association.ts";
import { decimalLogitEnclosures } from "../../constructions/dana/decimal-interval.ts";
import { edgeOfCapacity } from "../../constructions/dana/edge.ts";
import { exploreCapacity } from "../../constructions/mahdavi/explore.ts";
import { randomLookupTable } from "../../src/data/associations.ts";
import type { PaperId } from "../../src/papers.ts";
import type { ModelName } from "../../src/train/models.ts";
import { certifyCapacity, type CapacityCertification } from "../capacity/certify.ts";
import { lowerRow, thm43Check, type StatementCheck } from "./statements.ts";

/** The order crosscheck runs the papers in when none is named. */
export const PAPERS: readonly PaperId[] = ["dana", "mahdavi", "kajitsuka-sato"];
export type Paper = PaperId;

/** Each paper's trained model and a default grid small enough for a 2-core machine. */
export const PAPER_DEFAULTS: Record<Paper, { model: ModelName; grid: string }> = {
  dana: { model: "aot", grid: "H=1,2,4;d=2;dh=2;vocab=8;attn=softmax,hardmax" },
  mahdavi: { model: "mha", grid: "H=1,2,4;d=8;dh=4;n=4;classes=4" },
  "kajitsuka-sato": { model: "ks", grid: "blocks=1,2;S=4;d=3;attn=uniform,hardmax" },
};

export interface CrosscheckOptions {
  paper: Paper;
  /** grid spec for the paper's model (default PAPER_DEFAULTS) */
  grid?: string;
  out?: string;
  workers: number;
  steps: number;
  restarts?: number;
  seed: number;
  maxExamples?: number;
  /** training backend (default cpu) */
  backend?: BackendName;
  /** webgpu: a probe's restarts side by side in one set of dispatches */
  batched?: boolean;
  /** records to use instead of training (tests plant results here) */
  records?: CapacityRecord[];
  progress?: (s: string) => void;
}

export interface ConstructionRow {
  what: string;
  /** certified capacity (examples), or null when the construction has no capacity number */
  certified: number | null;
  detail: string;
}

export interface CrosscheckRow {
  point: Record<string, number | string>;
  parameters: number;
  /** the record's capacity (the shared definition, app/capacity/definition.ts) */
  trained: number;
  trainedCapped: boolean;
  /** best restart at the smallest size not memorized (separate figure) */
  bestAccuracy: BestAccuracy | null;
  constructions: ConstructionRow[];
  statements: StatementCheck[];
  /** the trained capacity certified from the retrained weights (null: nothing recorded to retrain) */
  trainedCertified: { certified: number; of: number; lowerBound: number | null; verdict: string; certificate: string | null } | null;
  candidate?: { weights: string | null; exact: string };
}

export interface CrosscheckReport {
  paper: Paper;
  model: ModelName;
  grid: string;
  seed: number;
  rows: CrosscheckRow[];
  candidates: number;
  note: string;
}

export const CROSSCHECK_NOTE = "Trained capacities are float64 measurements of a stochastic optimizer (100% training accuracy in float); 'certified from training' re-derives them from the retrained weights as exact rationals (a certificate proofs-check VERIFIES: a certified lower bound); construction capacities are certified (interval/exact arithmetic); a flagged trained model is a CANDIDATE counterexample, confirmed only if its rationalized weights are certified to memorize every example.";

function constructionRows(paper: Paper, p: Record<string, number | string>, cfg: { d: number; dh: number; heads: number; vocab: number; seqLen: number }, seed: number, say: (s: string) => void): ConstructionRow[] {
  if (paper === "dana") {
    const T0 = cfg.heads * cfg.dh + cfg.d;
    if (T0 > cfg.vocab ** cfg.seqLen) return [{ what: "Dana et al. construction", certified: null, detail: `T₀ = H·d_h + d = ${T0} exceeds vocab^S = ${cfg.vocab ** cfg.seqLen}` }];
    say(`crosscheck: aot construction at T₀ = ${T0} for ${describePoint(p)} …`);
    const r = constructAot(randomLookupTable({ N: cfg.vocab, S: cfg.seqLen, T: T0, seed }), { d: cfg.d, dh: cfg.dh, H: cfg.heads, seed, decimalEnclosure: decimalLogitEnclosures, maxPrecision: 120 });
    const rows: ConstructionRow[] = [{ what: `Dana et al. construction, T₀ = H·d_h + d = ${T0} (random table, seed ${seed})`, certified: r.certified, detail: `${r.certified} certified, ${r.refuted} refuted, ${r.inconclusive} inconclusive at ${r.level}` }];
    if (T0 + 1 <= cfg.vocab ** cfg.seqLen) {
      try {
        const e = edgeOfCapacity({ N: cfg.vocab, S: cfg.seqLen, d: cfg.d, dh: cfg.dh, H: cfg.heads, seed, qkScale: 8, lambda: 1, K: 1 })[0]!;
        rows.push({ what: `edge: same construction at T₀ + 1 = ${e.T} (least squares)`, certified: e.certified, detail: `${e.certified} certified, ${e.refuted} refuted, ${e.inconclusive} inconclusive of ${e.T}` });
      } catch (err) {
        rows.push({ what: "edge T₀ + 1", certified: null, detail: `not computed: ${(err as Error).message}` });
      }
    }
    return rows;
  }
  if (paper === "mahdavi") {
    say(`crosscheck: mha capacity explorer for ${describePoint(p)} …`);
    const x = exploreCapacity({ d: cfg.d, n: cfg.seqLen, H: cfg.heads, dh: cfg.dh, context: "random", seed });
    return [
      { what: "Mahdavi et al. construction (explorer, random contexts)", certified: x.construction.largest, detail: `rank(Z) = T certified up to ${x.construction.largest}; Theorem 1 H(min(n,d_h)−1)+1 = ${x.theorem}; ceiling ${x.ceiling.value} (${x.ceiling.why})` },
      { what: "random attention + min-norm readout (explorer)", certified: x.random.largest, detail: `certified up to ${x.random.largest}` },
    ];
  }
  return [{ what: "Kajitsuka & Sato Theorem 4.1", certified: null, detail: "memorizes any N separated sequences (width 14, depth ≲ √(N log N) + …): no capacity number for a fixed trained shape; compare with `memcap construct ks`" }];
}

function statementRows(paper: Paper, rec: CapacityRecord, cfg: { d: number; dh: number; heads: number; vocab: number; seqLen: number; attention: string }): StatementCheck[] {
  const rows: StatementCheck[] = [thm43Check({ W: rec.parameters, n: cfg.seqLen, N: rec.capacity, hardmax: cfg.attention === "hardmax" })];
  if (paper === "dana") {
    const T0 = cfg.vocab ** cfg.seqLen;
    const b = danaBounds({ vocab: cfg.vocab, S: cfg.seqLen, d: cfg.d, dh: cfg.dh, H: cfg.heads, T: T0 });
    rows.push(lowerRow("dana-cor1", "Dana et al., Corollary 1", "H·d_h + d associations memorized", b.find((x) => x.id === "cor1-capacity")!.value, rec.capacity));
  } else if (paper === "mahdavi") {
    rows.push(lowerRow("mahdavi-thm1", "Mahdavi et al., Theorem 1", "H(min(n, d_h) − 1) + 1 examples", mahdaviCapacity({ H: cfg.heads, n: cfg.seqLen, dh: cfg.dh }), rec.capacity));
  }
  return rows;
}

/** The flagged record's retrained weights saved, and its certification (certifyCapacity) read as a verdict on the candidate. */
async function examineCandidate(paper: Paper, rec: CapacityRecord, c: CapacityCertification | null, out: string | undefined): Promise<{ weights: string | null; exact: string }> {
  if (!c) return { weights: null, exact: "no successful probe recorded at the reported capacity (planted or edited record): nothing to re-train" };
  const m = c.model;
  let weights: string | null = null;
  if (out) {
    const named: Record<string, { shape: number[]; values: number[] }> = {};
    for (const t of m.setup.program.graph.tensors.values()) if (t.role === "param") named[t.name] = { shape: t.shape, values: Array.from(m.params.subarray(t.offset, t.offset + t.size)) };
    weights = join(out, `candidate-${paper}-${rec.index}.json`);
    writeFileAtomic(weights, JSON.stringify({ record: rec, config: m.setup.config, seed: m.record.seed, float: m.record, params: named }, null, 1));
  }
  const where = `${c.arithmetic}; proofs-check ${c.verdict}${c.file ? `, certificate ${c.file}` : ""}`;
  if (rec.capacity !== c.n) throw new Error("internal: certification of another record");
  const exact =
    c.verdict !== "VERIFIED" ? `NOT confirmed: the certificate of the rationalized weights is ${c.verdict} (${c.detail})`
    : c.lowerBound !== null ? `CONFIRMED: rationalized weights memorize all ${c.n} (${where})`
    : `NOT confirmed: rationalized weights memorize ${c.certified}/${c.n}${c.undecided ? `, ${c.undecided} undecided` : ""} (${where}; not memorized: ${c.refuted.slice(0, 10).join(", ")})`;
  return { weights, exact };
}

/** Runs the crosscheck for one paper (see header). */
export async function crosscheck(o: CrosscheckOptions): Promise<CrosscheckReport> {
  const say = o.progress ?? (() => {});
  const { model } = PAPER_DEFAULTS[o.paper];
  const spec = o.grid ?? PAPER_DEFAULTS[o.paper].grid;
  const grid = parseGrid(spec, model);
  const settings: SearchSettings = { ...DEFAULT_SEARCH, steps: o.steps, seed: o.seed, restarts: o.restarts ?? DEFAULT_SEARCH.restarts, max: o.maxExamples ?? (model === "aot" ? 0 : 256), ...(o.backend && o.backend !== "cpu" ? { backend: o.backend } : {}), ...(o.batched ? { batched: true } : {}) };
  const records = o.records ?? (await runSweep({ grid, settings, shard: { index: 0, count: 1 }, out: o.out ? join(o.out, `capacity-${o.paper}.jsonl`) : undefined, workers: o.workers, onEvent: (e) => e.type === "done" && say(`crosscheck: trained ${e.point}: capacity ${e.record.capacity}`) })).records;
  const rows: CrosscheckRow[] = [];
  for (const rec of records) {
    const cfg = makeJob(model, rec.point, settings).config;
    // certified from training: the successful restart retrained from its seed, its rationalized weights certified
    if (rec.probes.some((p) => p.n === rec.capacity && p.ok)) say(`crosscheck: certifying the trained model of ${describePoint(rec.point)} at n = ${rec.capacity} …`);
    const cert = await certifyCapacity(makeJob(model, rec.point, settings), rec, o.out ? join(o.out, `trained-${o.paper}-${rec.index}.certificate.json`) : undefined);
    const trainedCertified = cert && { certified: cert.certified, of: cert.n, lowerBound: cert.lowerBound, verdict: cert.verdict, certificate: cert.file };
    // the record's figure was computed by the shared definition (searchCapacity → capacityOf)
    const row: CrosscheckRow = { point: rec.point, parameters: rec.parameters, trained: rec.capacity, trainedCapped: rec.capped, bestAccuracy: bestAccuracyAt(rec.probes), constructions: constructionRows(o.paper, rec.point, cfg, o.seed, say), statements: statementRows(o.paper, rec, cfg), trainedCertified };
    if (row.statements.some((s) => s.flagged)) row.candidate = await examineCandidate(o.paper, rec, cert, o.out);
    rows.push(row);
  }
  const report: CrosscheckReport = { paper: o.paper, model, grid: spec, seed: o.seed, rows, candidates: rows.filter((r) => r.candidate).length, note: CROSSCHECK_NOTE };
  if (o.out) writeFileAtomic(join(o.out, `crosscheck-${o.paper}.json`), JSON.stringify(report, null, 1));
  return report;
}

/** The report as text (one block per configuration). */
export function formatCrosscheck(r: CrosscheckReport): string {
  const lines = [`crosscheck ${r.paper} (model ${r.model}, grid "${r.grid}", seed ${r.seed})`, `(${CAPACITY_DEFINITION})`];
  for (const row of r.rows) {
    const tc = row.trainedCertified;
    const certText = !tc ? "" : tc.lowerBound !== null ? `, certified from training ${tc.lowerBound} (${tc.verdict})` : `, certified from training ${tc.certified}/${tc.of} (${tc.verdict}; the capacity stays float)`;
    lines.push(`- ${describePoint(row.point)}: parameters ${row.parameters}, trained capacity ${formatCapacity({ capacity: row.trained, capped: row.trainedCapped })} (float)${row.bestAccuracy ? `; best accuracy at n=${row.bestAccuracy.n}: ${row.bestAccuracy.correct}/${row.bestAccuracy.n} (float)` : ""}${certText}`);
    for (const c of row.constructions) lines.push(`    construction  ${c.what}: ${c.certified ?? "—"}  [${c.detail}]`);
    for (const s of row.statements) lines.push(`    ${s.kind === "upper" ? "upper bound " : "lower bound "} ${s.source}: ${s.statement} → ${s.kind === "upper" ? `allows ${s.value}, trained ${s.trained}` : `guarantees ${s.value}, trained ${s.trained}`}${s.flagged ? "  ** CANDIDATE COUNTEREXAMPLE **" : s.exceeded ? "  (exceeded, statement does not apply)" : ""}`);
    if (row.candidate) lines.push(`    candidate: weights ${row.candidate.weights ?? "(no --out)"}; exact re-check: ${row.candidate.exact}`);
  }
  lines.push(`${r.candidates} candidate counterexample(s).`, r.note);
  return lines.join("\n");
}
