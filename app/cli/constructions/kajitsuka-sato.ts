/**
 * `memcap construct ks-next-token` and `memcap construct ks-seq2seq` (entries of the registry in
 * src/cli/commands/construct.ts): build Theorem 4.1's / Corollary 4.1's network for a dataset (a file or
 * the seeded generator), verify it exactly on every sequence with the shared evaluator, print the
 * measured counts next to the paper's expressions, and optionally write a certificate or run a sweep.
 *
 * @example
 *   memcap construct ks-next-token --N 200 --n 6 --d 4 --classes 3 --seed 7 --out ks.json
 */
import type { Command } from "commander";
import { runKs, ksCertificate, type KsRun } from "../../../constructions/kajitsuka-sato/certify.ts";
import { fitExponentXY as fitExponent } from "../../../src/numbers/fit.ts";
import { emit, intFlag } from "../output.ts";
import { UserError } from "../../../src/errors.ts";
import { writeFileAtomic } from "../../../src/io/output.ts";
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
  out?: string;
  json?: boolean;
  sweep?: string;
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
    .option("--group-size <g>", "Lemma C.1 group size (default: the depth-minimizing one)", intFlag("group-size", 1, 1_000_000))
    .option("--out <file>", "write a certificate (network, dataset, claims) for `memcap check`")
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

function textReport(run: KsRun): string {
  const c = run.counts;
  const b = Object.fromEntries(run.bounds.map((x) => [x.id, x]));
  const lines = [
    `${run.construction}: N = ${run.N}, n = ${run.n}, d = ${run.d}, C = ${run.C}, r = ${run.r}, δ = ${run.delta}, seed ${run.seed}`,
    `memorized ${run.memorized}/${run.instances} ${run.construction === "ks-seq2seq" ? "(sequence, position) pairs" : "sequences"} (exact rational evaluation)`,
    `measured: width ${c.width}, depth ${c.depth}, parameters ${c.parameters} (nonzero ${c.nonzeroParameters}), bit complexity ${c.bitComplexity}, total bits ${c.totalBits}`,
    `${run.construction === "ks-seq2seq" ? "Corollary 4.1 (N → nN)" : "Theorem 4.1"} (constants 1 in ≲): width 14; log₂R = ${b.logR!.value}, log₂C = ${b.logC!.value}, √(N log N) = ${b.sqrtNlogN!.value}, √(N/log N) = ${b["sqrtN/logN"]!.value}`,
    `  depth ≲ ${b.depth!.value} (measured ${c.depth}, ${b.depth!.holds ? "within" : "above"}); bit complexity ≲ ${b.bits!.value} (measured ${c.bitComplexity}, ${b.bits!.holds ? "within" : "above"})`,
    `lower bounds: Theorem 4.2 Ω(√N) = ${b["thm4.2"]!.value}; Theorem 4.3 (hardmax seq2seq, nN ≤ 9W²·log₂(48enN)) W ≥ ${b["thm4.3-W"]!.value}; measured parameters ${c.parameters}`,
    `parts: |A| = ${run.info.sizeA} (Lemma B.1), max f = ${run.info.fMax} (Lemma B.2, repaired), max token id = ${run.info.tokenIdMax} (Lemma C.2), ϕ̃ ${run.info.phi ? `g=${run.info.phi.g} m=${run.info.phi.m} ρ=${run.info.phi.rho} c=${run.info.phi.c}` : "≡ 0"}, F2 g=${run.info.f2.g} m=${run.info.f2.m} ρ=${run.info.f2.rho} c=${run.info.f2.c} (paper g=${run.info.f2.paperG})`,
    `time: build ${run.seconds.build.toFixed(2)} s, exact verification ${run.seconds.verify.toFixed(2)} s`,
  ];
  return lines.join("\n");
}

function runSweep(o: KsOpts, seq2seq: boolean): void {
  const Ns = o.sweep!.split(",").map((s) => {
    const v = Number(s.trim());
    if (!Number.isSafeInteger(v) || v < 2) throw new UserError(`--sweep: "${s}" is not an integer ≥ 2`);
    return v;
  });
  if (o.data !== undefined) throw new UserError("--sweep uses the generator; do not combine it with --data");
  if (o.out !== undefined) throw new UserError("--sweep writes no certificate (it builds one network per N); drop --out, or build one N with --out");
  const rows = Ns.map((N) => {
    const ds = loadDataset({ ...o, N }, seq2seq);
    const { run } = runKs(ds, seq2seq, o.seed, o.groupSize, progress);
    if (run.memorized !== run.instances) throw new UserError(`sweep N = ${N}: only ${run.memorized}/${run.instances} memorized (a construction bug)`);
    return { N, parameters: run.counts.parameters, nonzero: run.counts.nonzeroParameters, depth: run.counts.depth, bitComplexity: run.counts.bitComplexity, totalBits: run.counts.totalBits, sqrtN: Math.sqrt(N), sqrtnN: Math.sqrt(run.n * N), seconds: run.seconds.build + run.seconds.verify, n: run.n };
  });
  const fit = {
    parameters: fitExponent(Ns, rows.map((r) => r.parameters)),
    depth: fitExponent(Ns, rows.map((r) => r.depth)),
    bitComplexity: fitExponent(Ns, rows.map((r) => r.bitComplexity)),
    totalBits: fitExponent(Ns, rows.map((r) => r.totalBits)),
  };
  emit(!!o.json, { construction: seq2seq ? "ks-seq2seq" : "ks-next-token", seed: o.seed, rows, fittedExponentInN: fit, float: "exponents are float least-squares fits on log-log" }, () => {
    const head = "N\tparameters\tnonzero\tdepth\tbits\ttotalBits\t√N\t√(nN)\tparams/√N\tparams/√(nN)\tseconds";
    const body = rows.map((r) => [r.N, r.parameters, r.nonzero, r.depth, r.bitComplexity, r.totalBits, r.sqrtN.toFixed(1), r.sqrtnN.toFixed(1), (r.parameters / r.sqrtN).toFixed(0), (r.parameters / r.sqrtnN).toFixed(0), r.seconds.toFixed(1)].join("\t"));
    return [head, ...body, `fitted exponent (least squares on log-log, float): parameters ∝ N^${fit.parameters.toFixed(3)}, depth ∝ N^${fit.depth.toFixed(3)}, bit complexity ∝ N^${fit.bitComplexity.toFixed(3)}, total bits ∝ N^${fit.totalBits.toFixed(3)} (${seq2seq ? "Corollary 4.1: Õ(√(nN)) parameters, i.e. N^0.5 at fixed n" : "Theorem 4.1: Õ(√N) parameters"})`].join("\n");
  });
}

function kind(seq2seq: boolean): ConstructionKind {
  return {
    name: seq2seq ? "ks-seq2seq" : "ks-next-token",
    aliases: [seq2seq ? "kajitsuka-sato-seq2seq" : "kajitsuka-sato-next-token"],
    summary: seq2seq
      ? "Kajitsuka & Sato Corollary 4.1: width-14 uniform-attention network giving every token its label, verified exactly"
      : "Kajitsuka & Sato Theorem 4.1: width-14 network E_out∘F2∘F_UA∘F1∘E_in memorizing next-token labels, verified exactly",
    configure,
    run(raw: Record<string, unknown>) {
      const o = raw as unknown as KsOpts;
      if (o.sweep !== undefined) return runSweep(o, seq2seq);
      const ds = loadDataset(o, seq2seq);
      const { run, certificateParts } = runKs(ds, seq2seq, o.seed, o.groupSize, progress);
      if (o.out !== undefined) {
        if (run.memorized !== run.instances) throw new UserError(`only ${run.memorized}/${run.instances} memorized; no certificate written (a construction bug: please report)`, 1);
        const options = { data: o.data ?? null, N: run.N, n: run.n, d: run.d, classes: o.data ? null : o.classes, vocab: o.data ? null : o.vocab, groupSize: o.groupSize ?? null };
        writeFileAtomic(o.out, JSON.stringify(ksCertificate(ds, run, certificateParts.network, options)) + "\n");
      }
      emit(!!o.json, { ...run, certificate: o.out ?? null }, () => textReport(run) + (o.out ? `\ncertificate written to ${o.out}` : ""));
      if (run.memorized !== run.instances) process.exitCode = 1;
    },
  };
}

/** The Kajitsuka–Sato entries of the construct registry. */
export const KS_KINDS: ConstructionKind[] = [kind(false), kind(true)];
