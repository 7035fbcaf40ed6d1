/**
 * `memcap construct ks-next-token` and `memcap construct ks-seq2seq` (entries of the registry in
 * app/cli/commands/construct.ts): build Theorem 4.1's / Corollary 4.1's network for a dataset (a file or
 * the seeded generator), verify it exactly on every sequence with the shared evaluator, print the
 * measured counts next to the paper's expressions, re-check the certificate with proofs-check (in process,
 * after a JSON round trip; `--no-check` skips it), and optionally write the certificate or run a sweep.
 * `--variant` picks the network: compact (memcap's realization, default), paper (the proof's construction
 * at its constants), baseline (one-hidden-layer lookups instead of Lemma C.1): docs/kajitsuka-sato.md.
 *
 * @example
 *   memcap construct ks-next-token --variant paper --N 200 --n 6 --d 4 --classes 3 --seed 7 --out ks.json
 */
import { Option, type Command } from "commander";
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { runKs, runKsParallel, ksCertificate, type KsRun } from "../../../constructions/kajitsuka-sato/certify.ts";
import { KS_VARIANTS, type KsVariant } from "../../../constructions/kajitsuka-sato/theorem-4-1.ts";
import { crossover, fitExponentXY as fitExponent, type Crossover } from "../../../src/numbers/fit.ts";
import { recheckBytes } from "../../report/recheck.ts";
import { emit, intFlag } from "../output.ts";
import { UserError } from "../../../src/errors.ts";
import { writeJsonAtomic } from "../../../src/io/output.ts";
import { generateSequenceDataset, type SequenceDataset } from "../../../src/data/sequences.ts";
import type { ConstructionKind } from "../commands/construct.ts";
import { checkDataset, readSequenceDataFile } from "../../../constructions/kajitsuka-sato/data-file.ts";

interface KsOpts {
  data?: string;
  N?: number;
  n: number;
  d: number;
  classes: number;
  vocab: number;
  seed: number;
  groupSize?: number;
  bitsB?: number;
  variant: KsVariant;
  check: boolean;
  out?: string;
  json?: boolean;
  sweep?: string;
  threads?: number;
}

const progress = (msg: string) => process.stderr.write(`memcap: ${msg}\n`);

function configure(cmd: Command): Command {
  return cmd
    .option("--data <file>", 'dataset JSON {"tokens": [[…]], "sequences": [[…]], "labels": […]} (docs/kajitsuka-sato.md)')
    .option("--N <count>", "generator: number of sequences", intFlag("N", 1, 10_000_000))
    .option("--n <length>", "generator: sequence length", intFlag("n", 1, 100_000), 8)
    .option("--d <dim>", "generator: token dimension", intFlag("d", 1, 10_000), 4)
    .option("--classes <C>", "generator: number of label classes", intFlag("classes", 1, 1_000_000), 2)
    .option("--vocab <V>", "generator: vocabulary size", intFlag("vocab", 1, 1_000_000), 64)
    .option("--seed <seed>", "seed for the generator and every random choice of the construction", intFlag("seed", 0, 2 ** 31 - 1), 1)
    .addOption(new Option("--variant <v>", "compact: memcap's realization; paper: the proof's construction at its constants; baseline: plain lookups instead of Lemma C.1").choices([...KS_VARIANTS]).default("compact"))
    .option("--group-size <g>", "compact variant: Lemma C.1 group size (default: the depth-minimizing one)", intFlag("group-size", 1, 1_000_000))
    .option("--bits-B <B>", "bounded-bits variant: Theorem F.1's B ∈ [√N] (B² points per Lemma C.1 sub-network; default ⌈N^(1/4)⌉)", intFlag("bits-B", 1, 1_000_000))
    .option("--no-check", "skip re-checking the certificate with proofs-check")
    .option("--out <file>", "write a certificate (network, dataset, claims) for `memcap check`")
    .option("--threads <k>", "verify and re-check on k threads (default: the available cores; used from 1000 sequences on)", intFlag("threads", 1, 256))
    .option("--sweep <Ns>", "comma-separated N values: build and verify each with the generator, fit the growth of parameters")
    .option("--json", "print JSON");
}

function loadDataset(o: KsOpts, seq2seq: boolean): SequenceDataset {
  if (o.data !== undefined) return readSequenceDataFile(o.data, seq2seq);
  if (o.N === undefined) throw new UserError("give --data FILE or the generator's --N (with --n --d --classes --vocab --seed)");
  let ds: SequenceDataset;
  try {
    ds = generateSequenceDataset({ N: o.N, n: o.n, d: o.d, classes: o.classes, vocab: o.vocab, seed: o.seed, seq2seq });
  } catch (e) {
    throw new UserError((e as Error).message);
  }
  checkDataset(ds, "generated dataset");
  return ds;
}

const VARIANT_TEXT: Record<KsVariant, string> = {
  compact: "memcap's compact realization",
  paper: "the proof's construction at Theorem B.1's constants",
  baseline: "naive baseline: one-hidden-layer lookups instead of Lemma C.1",
  "bounded-bits": "Theorem F.1: the proof's construction with Lemma F.1's B²-point sub-networks",
};

function lowerBoundLine(run: KsRun): string {
  const b = Object.fromEntries(run.bounds.map((x) => [x.id, x]));
  const one = (id: "thm4.2" | "thm4.3-W", name: string, h: KsRun["lowerBoundHypotheses"]["thm42"]) => {
    const x = b[id]!;
    if (x.holds !== undefined) return `${name} = ${x.value}: hypotheses hold, parameters ${run.counts.parameters} ${x.holds ? "≥" : "<"} bound (${x.holds ? "HOLDS" : "FAILS"})`;
    return `${name} = ${x.value} (reference line, not compared: ${h.failed.map((f) => f.replace(/ \(.*\)$/, "")).join("; ")} — not met)`;
  };
  return [
    `lower bounds: ${one("thm4.2", "Theorem 4.2 Ω(√N), shown as √N with memcap's constant 1", run.lowerBoundHypotheses.thm42)}`,
    `  ${one("thm4.3-W", "Theorem 4.3 W ≥ √(nN/(9·log₂(48enN)))", run.lowerBoundHypotheses.thm43)}`,
  ].join("\n");
}

function variantLine(run: KsRun): string | null {
  const p = run.info.paper;
  if (p) {
    const call = (name: string, c: NonNullable<typeof p.phi>) =>
      `${name}: ${c.B !== undefined ? `Lemma F.1 with B = ${c.B}: ${c.subsets} sub-networks of ≤ B² = ${c.B * c.B} points, the first with ` : ""}g = ${c.g}, m = ${c.m}, ρ = LEN(⌊R⌋) = ${c.rho}, c = LEN(C) = ${c.c}; Lemma G.3 ${c.blocksG3} blocks (${c.subsets ? "Σ " : ""}3m + 2 = ${c.paperDepthG3}), Lemma G.6 ${c.blocksG6} blocks (${c.subsets ? "Σ " : ""}3g·max{ρ,c} + 2g + 2 = ${c.paperDepthG6})`;
    const b2 = p.lemmaB2 ? `Lemma B.2: the paper's f with G.1 direction no. ${p.lemmaB2.attempts} (${p.lemmaB2.literalFailures} direction(s) where the proof's f failed)` : "Lemma B.2: not needed (one multiset)";
    return [`paper constants (N → ${p.Nconst}): ⌊R₁⌋ = ${p.floorR1}, C₁ = ${p.C1}, ⌊r₂⌋ + 1 = ${p.r2Upper}, ⌊R₂⌋ = ${p.floorR2}; Lemma C.2 scales ${p.scaleTokens}, ${p.scaleF2}; ${b2}`, `  ${p.phi ? call("ϕ̃", p.phi) : "ϕ̃ ≡ 0"}`, `  ${call("F2", p.f2)}`, `  deviations from the text: ${p.deviations.length} (docs/kajitsuka-sato.md; the network's meta.deviations)`].join("\n");
  }
  if (run.info.baseline) return `baseline: ${run.info.baseline.hatsPhi / 3} + ${run.info.baseline.hatsF2 / 3} hat functions (3 ReLUs each) in two single blocks`;
  return null;
}

function textReport(run: KsRun): string {
  const c = run.counts;
  const b = Object.fromEntries(run.bounds.map((x) => [x.id, x]));
  const lines = [
    `${run.construction} --variant ${run.variant} (${VARIANT_TEXT[run.variant]}): N = ${run.N}, n = ${run.n}, d = ${run.d}, C = ${run.C}, r = ${run.r}, δ = ${run.delta}, seed ${run.seed}`,
    `memorized ${run.memorized}/${run.instances} ${run.construction === "ks-seq2seq" ? "(sequence, position) pairs" : "sequences"} (exact rational evaluation)`,
    `measured: width ${c.width}, depth ${c.depth}, parameters ${c.parameters} (nonzero ${c.nonzeroParameters}), bit complexity ${c.bitComplexity}, total bits ${c.totalBits}`,
    `${run.construction === "ks-seq2seq" ? "Corollary 4.1 (N → nN)" : "Theorem 4.1"} (constants 1 in ≲, memcap's yardstick): width 14; R = ${b.R!.value}, log₂R = ${b.logR!.value}, log₂C = ${b.logC!.value}, √(N log N) = ${b.sqrtNlogN!.value}, √(N/log N) = ${b["sqrtN/logN"]!.value}`,
    `  depth ≲ ${b.depth!.value} (measured ${c.depth}, ${b.depth!.holds ? "within" : "above"}); bit complexity ≲ ${b.bits!.value} (measured ${c.bitComplexity}, ${b.bits!.holds ? "within" : "above"})`,
    lowerBoundLine(run),
    `parts: |A| = ${run.info.sizeA} (Lemma B.1), max f = ${run.info.fMax} (Lemma B.2${run.variant === "paper" ? ", the paper's f" : ", repaired"}), max token id = ${run.info.tokenIdMax} (Lemma C.2)${run.variant === "compact" ? `, ϕ̃ ${run.info.phi ? `g=${run.info.phi.g} m=${run.info.phi.m} ρ=${run.info.phi.rho} c=${run.info.phi.c}` : "≡ 0"}, F2 g=${run.info.f2.g} m=${run.info.f2.m} ρ=${run.info.f2.rho} c=${run.info.f2.c} (paper g=${run.info.f2.paperG})` : ""}`,
    variantLine(run),
    `time: build ${run.seconds.build.toFixed(2)} s, exact verification ${run.seconds.verify.toFixed(2)} s`,
  ];
  return lines.filter((l) => l !== null).join("\n");
}

function crossoverText(c: Crossover, what: string): string {
  if (c.kind === "measured") return `${what} falls below the baseline's at N = ${c.N} (measured${c.previousN !== null ? `; above it at N = ${c.previousN}` : ""})`;
  if (c.kind === "extrapolated")
    return `${what} stays above the baseline's over the sweep; EXTRAPOLATED crossover N ≈ ${c.N.toExponential(2)} (float power-law fits: ${c.fit.small.a.toPrecision(3)}·N^${c.fit.small.k.toFixed(3)} vs ${c.fit.large.a.toPrecision(3)}·N^${c.fit.large.k.toFixed(3)})`;
  return `${what}: no crossover (${c.reason})`;
}

function runSweep(o: KsOpts, seq2seq: boolean): void {
  const Ns = o.sweep!.split(",").map((s) => {
    const v = Number(s.trim());
    if (!Number.isSafeInteger(v) || v < 2) throw new UserError(`--sweep: "${s}" is not an integer ≥ 2`);
    return v;
  });
  if (o.data !== undefined) throw new UserError("--sweep uses the generator; do not combine it with --data");
  if (o.out !== undefined) throw new UserError("--sweep writes no certificate (it builds one network per N); drop --out, or build one N with --out");
  const withBaseline = o.variant !== "baseline";
  const rows = Ns.map((N) => {
    const ds = loadDataset({ ...o, N }, seq2seq);
    const { run } = runKs(ds, { seq2seq, seed: o.seed, groupSize: o.groupSize, bitsB: o.bitsB, variant: o.variant }, progress);
    if (run.memorized !== run.instances) throw new UserError(`sweep N = ${N}: only ${run.memorized}/${run.instances} memorized (a construction bug)`);
    const base = withBaseline ? runKs(ds, { seq2seq, seed: o.seed, variant: "baseline" }, progress).run : null;
    if (base && base.memorized !== base.instances) throw new UserError(`sweep N = ${N}: the baseline memorized only ${base.memorized}/${base.instances} (a construction bug)`);
    return {
      N,
      parameters: run.counts.parameters,
      nonzero: run.counts.nonzeroParameters,
      depth: run.counts.depth,
      bitComplexity: run.counts.bitComplexity,
      totalBits: run.counts.totalBits,
      baselineParameters: base?.counts.parameters ?? null,
      baselineNonzero: base?.counts.nonzeroParameters ?? null,
      sqrtN: Math.sqrt(N),
      sqrtnN: Math.sqrt(run.n * N),
      seconds: run.seconds.build + run.seconds.verify,
      n: run.n,
    };
  });
  const fit = {
    parameters: fitExponent(Ns, rows.map((r) => r.parameters)),
    depth: fitExponent(Ns, rows.map((r) => r.depth)),
    bitComplexity: fitExponent(Ns, rows.map((r) => r.bitComplexity)),
    totalBits: fitExponent(Ns, rows.map((r) => r.totalBits)),
  };
  const cross = withBaseline
    ? {
        parameters: crossover(Ns, rows.map((r) => r.parameters), rows.map((r) => r.baselineParameters!)),
        nonzeroParameters: crossover(Ns, rows.map((r) => r.nonzero), rows.map((r) => r.baselineNonzero!)),
      }
    : null;
  emit(!!o.json, { construction: seq2seq ? "ks-seq2seq" : "ks-next-token", variant: o.variant, seed: o.seed, rows, fittedExponentInN: fit, crossoverWithBaseline: cross, float: "exponents and extrapolated crossovers are float least-squares fits on log-log" }, () => {
    const head = `N\tparameters\tnonzero\tdepth\tbits\ttotalBits${withBaseline ? "\tbaseline params\tbaseline nonzero" : ""}\t√N\tparams/√N\tseconds`;
    const body = rows.map((r) => [r.N, r.parameters, r.nonzero, r.depth, r.bitComplexity, r.totalBits, ...(withBaseline ? [r.baselineParameters, r.baselineNonzero] : []), r.sqrtN.toFixed(1), (r.parameters / r.sqrtN).toFixed(0), r.seconds.toFixed(1)].join("\t"));
    return [
      `${seq2seq ? "ks-seq2seq" : "ks-next-token"} --variant ${o.variant} (${VARIANT_TEXT[o.variant]})`,
      head,
      ...body,
      `fitted exponent (least squares on log-log, float): parameters ∝ N^${fit.parameters.toFixed(3)}, depth ∝ N^${fit.depth.toFixed(3)}, bit complexity ∝ N^${fit.bitComplexity.toFixed(3)}, total bits ∝ N^${fit.totalBits.toFixed(3)} (${seq2seq ? "Corollary 4.1: Õ(√(nN)) parameters, i.e. N^0.5 at fixed n" : "Theorem 4.1: Õ(√N) parameters"})`,
      ...(cross ? [crossoverText(cross.parameters, `the ${o.variant} variant's parameter count`), crossoverText(cross.nonzeroParameters, `its nonzero parameter count`)] : []),
    ].join("\n");
  });
}

function kind(seq2seq: boolean): ConstructionKind {
  return {
    name: seq2seq ? "ks-seq2seq" : "ks-next-token",
    aliases: [seq2seq ? "kajitsuka-sato-seq2seq" : "kajitsuka-sato-next-token"],
    summary: seq2seq
      ? "Kajitsuka & Sato Corollary 4.1: width-14 uniform-attention network giving every token its label (--variant compact|paper|baseline), verified exactly"
      : "Kajitsuka & Sato Theorem 4.1: width-14 network E_out∘F2∘F_UA∘F1∘E_in memorizing next-token labels (--variant compact|paper|baseline), verified exactly",
    configure,
    async run(raw: Record<string, unknown>) {
      const o = raw as unknown as KsOpts;
      if (o.variant !== "compact" && o.groupSize !== undefined) throw new UserError("--group-size applies to --variant compact only (the paper variant uses ⌈√(N/log₂N)⌉)");
      if (o.variant !== "bounded-bits" && o.bitsB !== undefined) throw new UserError("--bits-B applies to --variant bounded-bits only (Theorem F.1)");
      if (o.sweep !== undefined) return runSweep(o, seq2seq);
      const ds = loadDataset(o, seq2seq);
      if (o.bitsB !== undefined && o.bitsB > Math.floor(Math.sqrt(ds.sequences.length))) throw new UserError(`--bits-B ${o.bitsB}: Theorem F.1 takes B ∈ [√N], and ⌊√${ds.sequences.length}⌋ = ${Math.floor(Math.sqrt(ds.sequences.length))}`);
      const threads = o.threads ?? availableParallelism();
      const { run, certificateParts } = await runKsParallel(ds, { seq2seq, seed: o.seed, groupSize: o.groupSize, bitsB: o.bitsB, variant: o.variant, threads }, progress);
      const complete = run.memorized === run.instances;
      if (o.out !== undefined && !complete) throw new UserError(`only ${run.memorized}/${run.instances} memorized; no certificate written (a construction bug: please report)`, 1);
      const options = { data: o.data ?? null, N: run.N, n: run.n, d: run.d, classes: o.data ? null : o.classes, vocab: o.data ? null : o.vocab, groupSize: o.groupSize ?? null, bitsB: run.info.paper?.f2.B ?? null };
      const cert = complete ? ksCertificate(ds, run, certificateParts.network, options) : null;
      if (o.out !== undefined) writeJsonAtomic(o.out, cert);
      if (o.check && cert) progress("re-checking the certificate with proofs-check");
      // the checker reads the bytes written (or, without --out, the bytes --out would write)
      const bytes = () => (o.out !== undefined ? readFileSync(o.out) : Buffer.from(JSON.stringify(cert) + "\n"));
      const rc = o.check && cert ? await recheckBytes(bytes(), `${run.construction} --variant ${run.variant} N=${run.N}`, threads) : null;
      const check = rc ? { status: rc.verdict.status, detail: rc.verdict.detail, seconds: rc.seconds } : null;
      emit(!!o.json, { ...run, certificate: o.out ?? null, check }, () =>
        [textReport(run), ...(o.out ? [`certificate written to ${o.out}`] : []), ...(check ? [`time: proofs-check ${check.seconds.toFixed(2)} s`, `proofs-check: ${check.status} (${check.detail})`] : [])].join("\n"),
      );
      if (!complete || (check && check.status !== "VERIFIED")) process.exitCode = 1;
    },
  };
}

/** The Kajitsuka–Sato entries of the construct registry. */
export const KS_KINDS: ConstructionKind[] = [kind(false), kind(true)];
