/**
 * Kajitsuka & Sato's certificate recipe in one place: build Theorem 4.1's (next-token) or Corollary 4.1's
 * (seq2seq) network for a dataset, verify it exactly on every sequence, measure it (counts from the built
 * network), compare the paper's expressions, and assemble the certificate. The builder is untrusted:
 * proofs-check re-derives every claim.
 *
 * @example
 *   const { run, certificateParts } = runKs(ds, { seq2seq: false, seed: 1, variant: "paper" });
 *   const cert = ksCertificate(ds, run, certificateParts.network, {});
 */
import { Rational } from "../../src/numbers/rational.ts";
import { countNetwork, type NetworkCounts } from "../../src/ir/count.ts";
import { compileExact } from "../../src/eval/exact.ts";
import { evaluateExactInParallel } from "../../src/eval/exact-parallel.ts";
import { CERTIFICATE_FORMAT, CERTIFICATE_VERSION, type Certificate, type Claim } from "../../src/certificate/format.ts";
import { boundClaim, countClaims } from "../../src/certificate/claims.ts";
import { separation, type SequenceDataset } from "../../src/data/sequences.ts";
import { ksBounds, type BoundValue } from "../../src/bounds/ks.ts";
import { boundHolds } from "../../src/bounds/expression.ts";
import { lowerBoundHypotheses, type LowerBoundHypotheses } from "../../src/bounds/ks-hypotheses.ts";
import type { KsBuildInfo, KsVariant } from "./theorem-4-1.ts";
import { buildKsVariant } from "./variants.ts";

export const KS_PAPER = "Kajitsuka & Sato, On the Optimal Memorization Capacity of Transformers (ICLR 2025)";

export interface KsRun {
  construction: string;
  /** Which network was built: compact (memcap's, default), paper (the proof's at its constants), baseline. */
  variant: KsVariant;
  seed: number;
  N: number;
  n: number;
  d: number;
  C: number;
  r: string;
  delta: string;
  instances: number;
  memorized: number;
  counts: NetworkCounts;
  bounds: (BoundValue & { measured?: number; holds?: boolean })[];
  /** Theorems 4.2 and 4.3: which hypotheses hold for this network and dataset (a lower bound is compared only if all do). */
  lowerBoundHypotheses: { thm42: LowerBoundHypotheses; thm43: LowerBoundHypotheses };
  info: KsBuildInfo;
  seconds: { build: number; verify: number };
}

/** Builds, verifies exactly and measures one dataset. */
export interface KsRunOptions {
  seq2seq: boolean;
  seed: number;
  /** Default "compact". */
  variant?: KsVariant;
  /** Compact variant only: the Lemma C.1 group size. */
  groupSize?: number;
  /** Bounded-bits variant only: Theorem F.1's B. */
  bitsB?: number;
}

export function runKs(ds: SequenceDataset, o: KsRunOptions, progress: (line: string) => void = () => {}): { run: KsRun; certificateParts: { network: Certificate["network"] } } {
  const built = buildStep(ds, o, progress);
  let lastNote = performance.now();
  const out = compileExact(built.network).evaluate(ds.sequences, ds.tokens, {
    onProgress: (p) => {
      const now = performance.now();
      if (now - lastNote < 2000) return;
      lastNote = now;
      progress(`verifying: stage ${p.stage + 1}/${p.stages}, ${p.done}/${p.total} vectors`);
    },
  });
  return finishRun(ds, o, built, out);
}

/**
 * `runKs` with the exact verification split across `threads` worker threads (src/eval/exact-parallel.ts):
 * the same network, the same exact values, for large N.
 */
export async function runKsParallel(ds: SequenceDataset, o: KsRunOptions & { threads: number }, progress: (line: string) => void = () => {}): Promise<{ run: KsRun; certificateParts: { network: Certificate["network"] } }> {
  const built = buildStep(ds, o, progress);
  const N = ds.sequences.length;
  const out = await evaluateExactInParallel(built.network, ds.sequences, ds.tokens, { threads: o.threads, onProgress: (done) => progress(`verifying on ${o.threads} threads: ${done}/${N} sequences`) });
  return finishRun(ds, o, built, out);
}

interface Built {
  network: Certificate["network"];
  info: KsBuildInfo;
  variant: KsVariant;
  t0: number;
  t1: number;
}

function buildStep(ds: SequenceDataset, o: KsRunOptions, progress: (line: string) => void): Built {
  const { seq2seq, seed, groupSize, bitsB } = o;
  const variant = o.variant ?? "compact";
  const t0 = performance.now();
  progress(`building the ${variant} ${seq2seq ? "Corollary 4.1" : "Theorem 4.1"} network for N = ${ds.sequences.length}`);
  const { network, info } = buildKsVariant(ds, { seq2seq, seed, groupSize, bitsB, variant });
  const t1 = performance.now();
  progress(`built ${network.layers.length} layers in ${((t1 - t0) / 1000).toFixed(1)} s; verifying exactly`);
  return { network, info, variant, t0, t1 };
}

function finishRun(ds: SequenceDataset, o: KsRunOptions, built: Built, out: Rational[][][]): { run: KsRun; certificateParts: { network: Certificate["network"] } } {
  const { seq2seq, seed } = o;
  const { network, info, variant, t0, t1 } = built;
  let memorized = 0;
  let instances = 0;
  out.forEach((o, i) => {
    const lab = ds.labels[i]!;
    const labs = Array.isArray(lab) ? lab : [lab];
    o.forEach((v, k) => {
      instances++;
      if (v.length === 1 && v[0]!.eq(Rational.fromBigInt(labs[k]!))) memorized++;
    });
  });
  const t2 = performance.now();
  const counts = countNetwork(network);
  const sep = separation(ds.tokens);
  const labelSet = new Set<string>();
  for (const l of ds.labels) for (const y of Array.isArray(l) ? l : [l]) labelSet.add(y.toString());
  const C = labelSet.size; // as the checker measures it: the number of distinct label values
  const N = ds.sequences.length;
  const n = info.n;
  const d = info.d;
  const vars = { N, n, d, C };
  const hyp = lowerBoundHypotheses(network, ds, { shatters: false });
  const bounds = ksBounds({ N, n, d, C, r: sep.r, delta: sep.delta }, seq2seq).map((b) => {
    // a lower bound is compared only where the theorem's hypotheses hold (ks-hypotheses.ts)
    const compare = b.compare ?? (b.lowerBound && hyp[b.lowerBound.theorem === "thm4.2" ? "thm42" : "thm43"].applies ? { quantity: b.lowerBound.quantity, relation: b.lowerBound.relation } : undefined);
    if (!compare) return b;
    const measured = counts[compare.quantity];
    const scope: Record<string, number> = {};
    for (const k of Object.keys(b.variables)) scope[k] = vars[k as keyof typeof vars];
    return { ...b, compare, measured, holds: boundHolds(b.expression, scope, measured, compare.relation) };
  });
  const run: KsRun = {
    construction: seq2seq ? "ks-seq2seq" : "ks-next-token",
    variant,
    seed,
    N,
    n,
    d,
    C,
    r: sep.r.toString(),
    delta: sep.delta.toString(),
    instances,
    memorized,
    counts,
    bounds,
    lowerBoundHypotheses: hyp,
    info,
    seconds: { build: (t1 - t0) / 1000, verify: (t2 - t1) / 1000 },
  };
  return { run, certificateParts: { network } };
}

const hypothesesOf = (run: KsRun, t: "thm4.2" | "thm4.3") => run.lowerBoundHypotheses[t === "thm4.2" ? "thm42" : "thm43"];

/** The certificate for a verified run (format: src/certificate/format.ts). */
export function ksCertificate(ds: SequenceDataset, run: KsRun, network: Certificate["network"], options: Record<string, unknown>): Certificate {
  const claims: Claim[] = [{ kind: "memorizes", id: "memorizes-all", criterion: { type: "exact" }, examples: "all", count: ds.sequences.length }];
  const sourced = (b: KsRun["bounds"][number]) =>
    b.lowerBound && !b.compare ? { ...b, source: `${b.source} — reference line, not compared: hypotheses not met (${hypothesesOf(run, b.lowerBound.theorem).failed.join("; ")})` } : b;
  claims.push(...countClaims(run.counts), ...run.bounds.map((b) => boundClaim(sourced(b))));
  return {
    format: CERTIFICATE_FORMAT,
    version: CERTIFICATE_VERSION,
    construction: { id: run.construction, paper: KS_PAPER, options: { variant: run.variant, ...options }, seed: run.seed },
    network,
    dataset: {
      vocabulary: ds.tokens.map((row) => row.map((v) => v.toString())),
      sequences: ds.sequences,
      labels: ds.labels.map((l) => (Array.isArray(l) ? l.map((y) => y.toString()) : l.toString())),
    },
    evaluation: { mode: "exact" },
    claims,
  };
}

