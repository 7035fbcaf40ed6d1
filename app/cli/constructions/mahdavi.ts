/**
 * `memcap construct mha` and `memcap bounds mha` (registry entries; docs/mahdavi.md).
 *
 * @example
 *   memcap construct mha --d 16 --n 5 --H 4 --dh 5 --context shared --seed 3 --out mha.json
 *   memcap construct mha --d 16 --n 5 --H 4 --dh 5 --explore
 *   memcap bounds mha --d 64 --n 32 --H 8 --dh 32
 */
import type { Command } from "commander";
import { emit, intFlag } from "../output.ts";
import { UserError } from "../../../src/errors.ts";
import { readJsonFile } from "../../../src/io/json-input.ts";
import { writeJsonAtomic } from "../../../src/io/output.ts";
import { Rational } from "../../../src/numbers/rational.ts";
import { generateMhaDataset, parseMhaDataset, type MhaDataset } from "../../../src/data/mha.ts";
import { MAHDAVI_RECONSTRUCTION_SOURCES, mahdaviCapacity, paperParameterCount, irParameterCount, irParameterFormula, parameterOrder, proposition2Bound } from "../../../src/bounds/mahdavi.ts";
import type { ConstructionKind } from "../commands/construct.ts";
import type { BoundFamily } from "../commands/bounds.ts";
import { certifyMha } from "../../../constructions/mahdavi/certify.ts";
import type { MhaBuild } from "../../../constructions/mahdavi/build.ts";
import { checkAssumptions, formatAssumptions, type AssumptionReport } from "../../../constructions/mahdavi/assumptions.ts";
import { exploreCapacity, formatExploration } from "../../../constructions/mahdavi/explore.ts";
import { findCounterexample, formatCounterexample } from "../../../constructions/mahdavi/counterexample.ts";

interface MhaOpts {
  data?: string;
  d?: number;
  n?: number;
  H: number;
  dh?: number;
  T?: number;
  context: string;
  seed: number;
  classes?: number;
  bits: number;
  epsilon: string;
  precision?: number;
  maxPrecision: number;
  c?: number;
  force?: boolean;
  samples: number;
  out?: string;
  json?: boolean;
  explore?: boolean;
  counterexample?: boolean;
}

const progress = (msg: string) => process.stderr.write(`memcap: ${msg}\n`);

function positiveNumber(name: string) {
  return (v: string): number => {
    const x = Number(v);
    if (!Number.isFinite(x) || x <= 0) throw new UserError(`--${name} must be a positive number, got "${v}"`);
    return x;
  };
}

function epsilonFlag(v: string): string {
  try {
    if (Rational.parse(v).sign() > 0) return v.trim();
  } catch {
    /* fall through */
  }
  throw new UserError(`--epsilon must be a positive number like 1e-9, got "${v}"`);
}

function configure(cmd: Command): Command {
  return cmd
    .option("--data <file>", "dataset JSON {queries, context | contexts, labels[, classes]} (docs/mahdavi.md#data)")
    .option("--d <dim>", "generator: token dimension d", intFlag("d", 2, 4096))
    .option("--n <tokens>", "generator: context length n", intFlag("n", 1, 4096))
    .option("--H <heads>", "number of heads H (required except with --counterexample)", intFlag("H", 1, 4096))
    .option("--dh <dim>", "head dimension d_h (default n)", intFlag("dh", 1, 4096))
    .option("--T <examples>", "generator: number of examples (default H(min(n,d_h)−1)+1)", intFlag("T", 1, 1_000_000))
    .option("--context <mode>", "generator: shared | random (one context per example)", "shared")
    .option("--seed <seed>", "seed of the generator and of every random choice of the construction", intFlag("seed", 0, 2 ** 31 - 1), 1)
    .option("--classes <K>", "generator: K class labels (certified argmax) instead of U[0,1] regression labels", intFlag("classes", 2, 1000))
    .option("--bits <b>", "generator: coordinates on the grid 2^-b", intFlag("bits", 1, 30), 16)
    .option("--epsilon <eps>", "regression claim |output − label| ≤ ε", epsilonFlag, "1e-9")
    .option("--precision <digits>", "enclosure precision in decimal digits (default: automatic from 30, doubling)", intFlag("precision", 10, 5000))
    .option("--max-precision <digits>", "limit of the automatic precision search", intFlag("max-precision", 10, 5000), 240)
    .option("--c <c>", "saturation constant c (default: the sufficient bound, rounded up to a power of two)", positiveNumber("c"))
    .option("--force", "build even when Assumption 1, Assumption 2 or n < d is violated")
    .option("--samples <k>", "random subsets per Kruskal-rank estimate when the exact search is too large", intFlag("samples", 1, 10_000_000), 1000)
    .option("--explore", "capacity explorer: largest T certified by this construction and by random attention + solve")
    .option("--counterexample", "drop Assumption 1: search and minimize a dataset on which the construction fails")
    .option("--out <file>", "write the certificate for `memcap check`")
    .option("--json", "print JSON");
}

function loadDataset(o: MhaOpts): { ds: MhaDataset; dh: number } {
  if (o.context !== "shared" && o.context !== "random") throw new UserError(`--context must be shared or random, got "${o.context}"`);
  if (o.data !== undefined) {
    const ds = parseMhaDataset(readJsonFile(o.data), o.data);
    return { ds, dh: o.dh ?? ds.n };
  }
  if (o.d === undefined || o.n === undefined) throw new UserError("give --data FILE or the generator's --d and --n (with --H, --dh, --T, --context, --seed)");
  const dh = o.dh ?? o.n;
  const T = o.T ?? mahdaviCapacity({ H: o.H, n: o.n, dh });
  return { ds: generateMhaDataset({ d: o.d, n: o.n, T, context: o.context, seed: o.seed, classes: o.classes, bits: o.bits }), dh };
}

/** Refuses (exit 2, one line with the witness) when a hypothesis is violated, unless --force. */
function enforceAssumptions(rep: AssumptionReport, force: boolean): string[] {
  const violated = [rep.a1, rep.a2, rep.nLessD].filter((a) => a.holds === false);
  if (violated.length && !force) {
    const lines = formatAssumptions(rep).filter((_, i) => [rep.a1, rep.a2, rep.nLessD][i]?.holds === false);
    throw new UserError(`hypothesis of Theorem 1 violated, refusing to build (use --force to build anyway): ${lines.join("; ")}`);
  }
  return violated.map((a) => `warning: ${a.name} is violated; building anyway (--force): the theorem does not apply, only the certificate decides`);
}

function summary(b: MhaBuild, ds: MhaDataset, o: MhaOpts, rep: AssumptionReport, warnings: string[]): string {
  const m = b.m;
  const lines = [
    `Mahdavi et al. one-layer MHA construction [reconstruction]: d = ${b.d}, n = ${b.n}, H = ${b.H}, d_h = ${b.dh}, ${ds.shared ? "shared context" : "one context per example"}, ${ds.labels.kind === "classes" ? `${ds.labels.classes} classes` : "regression labels"}, seed ${o.seed}`,
    `[R] Theorem 1's count and this construction are ${MAHDAVI_RECONSTRUCTION_SOURCES}`,
    ...formatAssumptions(rep).map((l) => `  ${l}`),
    ...warnings,
    `T = ${b.T} examples; theorem: T = ${b.capacity} = H(min(n,d_h)−1)+1 = ${b.H}·(${m}−1)+1${b.T === b.capacity ? "" : b.T < b.capacity ? " (fewer asked)" : " (MORE than the theorem guarantees)"}`,
    `saturation constant c = ${b.c} (${b.cSource}; min gap g = ${b.saturation.minGap.toExponential(3)}, σ_min(Z_∞) ≈ ${b.saturation.sigmaInf.toExponential(3)} float)`,
  ];
  if (b.status === "CERTIFIED") {
    const crit = ds.labels.kind === "classes" ? `argmax = label (smallest certified margin ${b.outputs!.worst.toExponential(3)})` : `|output − label| ≤ ${o.epsilon} (largest certified bound ${b.outputs!.worst.toExponential(3)})`;
    lines.push(
      `CERTIFIED at ${b.precisionDigits} digits: all ${b.T} examples memorized, ${crit}; ${b.saturatedWeights} attention weights enclosed as saturated (< 2^-${Math.ceil(b.precisionDigits * Math.log2(10))})`,
      `rank(Z) = ${b.T} CERTIFIED (‖I − Z·R‖_F ≤ ${b.rank!.eta.toExponential(3)} < 1 over the enclosure; σ_min(Z) ≥ ${b.rank!.sigmaMinLower.toExponential(3)}); cond₂(Z) ≈ ${b.cond!.cond.toExponential(3)} (float64 estimate, σ_max ≈ ${b.cond!.sigmaMax.toExponential(3)})`,
      `readout: minimum-norm solution, ${b.refinement!.iterations.join("/")} refinement steps with exact residuals (final max residual ${Math.max(...b.refinement!.residual).toExponential(2)})`,
      `parameters: ${b.parameters!.measured} measured (countNetwork) = ${b.parameters!.irFormula} = ${b.parameters!.irFormulaValue}; paper ${b.parameters!.paperFormula} = ${b.parameters!.paperFormulaValue} = ${parameterOrder({ d: b.d, dh: b.dh, dv: b.parameters!.dv })} for the attention layer alone`,
    );
  } else {
    lines.push(`INCONCLUSIVE: ${b.reason}`);
  }
  lines.push(...b.attempts.map((a) => `  precision ${a.digits} digits: ${a.outcome} — ${a.detail} (${a.seconds.toFixed(2)} s)`));
  lines.push(`time ${b.seconds.toFixed(2)} s`);
  return lines.join("\n");
}

export const MHA_KIND: ConstructionKind = {
  name: "mha",
  aliases: ["mahdavi"],
  summary: "Mahdavi et al.: one H-head softmax attention layer memorizing H(min(n,d_h)−1)+1 examples (certified with intervals)",
  configure,
  run(raw) {
    const o = raw as unknown as MhaOpts;
    if (o.explore) {
      if (o.H === undefined) throw new UserError("--H is required");
      if (o.d === undefined || o.n === undefined) throw new UserError("--explore needs --d and --n (and --H, --dh, --context)");
      if (o.context !== "shared" && o.context !== "random") throw new UserError(`--context must be shared or random, got "${o.context}"`);
      const r = exploreCapacity({ d: o.d, n: o.n, H: o.H, dh: o.dh ?? o.n, context: o.context, seed: o.seed, progress });
      emit(!!o.json, r, () => formatExploration(r));
      return;
    }
    if (o.counterexample) {
      const r = findCounterexample({ seed: o.seed, progress });
      emit(!!o.json, r, () => formatCounterexample(r));
      if (r.found) process.exitCode = 1; // as memcap counterexample: 1 = a counterexample was found
      return;
    }
    if (o.H === undefined) throw new UserError("--H is required");
    const { ds, dh } = loadDataset(o);
    const T = ds.queries.length;
    if (ds.labels.kind === "classes" && ds.labels.classes > ds.d) throw new UserError(`${ds.labels.classes} classes > d = ${ds.d}: the read-out needs K ≤ d (logits carried in the token dimension)`);
    const cap = mahdaviCapacity({ H: o.H, n: ds.n, dh });
    if (T > cap && !o.force) throw new UserError(`T = ${T} exceeds the construction's capacity H(min(n,d_h)−1)+1 = ${cap}; use --explore to probe beyond it, or --force`);
    progress("mha: checking the assumptions…");
    const rep = checkAssumptions(ds, { seed: o.seed, samples: o.samples });
    const warnings = enforceAssumptions(rep, !!o.force);
    for (const w of warnings) progress(w);
    const b = certifyMha(ds, { H: o.H, dh, seed: o.seed, c: o.c, epsilon: o.epsilon, precision: o.precision, maxPrecision: o.maxPrecision, progress });
    if (b.status === "CERTIFIED" && o.out) {
      writeJsonAtomic(o.out, b.certificate);
    }
    const { network: _n, certificate: _c, ...rest } = b;
    emit(!!o.json, { ...rest, assumptions: rep, warnings, certificateFile: b.status === "CERTIFIED" ? (o.out ?? null) : null }, () =>
      summary(b, ds, o, rep, warnings) + (o.out ? (b.status === "CERTIFIED" ? `\ncertificate written to ${o.out}` : `\nno certificate written (${o.out}): nothing certified to claim`) : ""),
    );
    if (b.status !== "CERTIFIED") process.exitCode = 3;
  },
};

export const MHA_BOUNDS: BoundFamily = {
  name: "mahdavi",
  summary: "Mahdavi et al.: Theorem 1 capacity H(min(n,d_h)−1)+1, parameter counts, Proposition 2 rank bound",
  configure: (cmd) =>
    cmd
      .requiredOption("--d <dim>", "token dimension d", intFlag("d", 1, 1e9))
      .requiredOption("--n <tokens>", "context length n", intFlag("n", 1, 1e9))
      .requiredOption("--H <heads>", "number of heads", intFlag("H", 1, 1e9))
      .option("--dh <dim>", "head dimension (default n)", intFlag("dh", 1, 1e9))
      .option("--dv <dim>", "value dimension (default 1)", intFlag("dv", 1, 1e9), 1)
      .option("--json", "print JSON"),
  run(raw) {
    const o = raw as { d: number; n: number; H: number; dh?: number; dv: number; json?: boolean };
    const dh = o.dh ?? o.n;
    const r = {
      paper: "Mahdavi, Liao & Thrampoulidis (ICLR 2024)",
      d: o.d,
      n: o.n,
      H: o.H,
      dh,
      dv: o.dv,
      capacity: mahdaviCapacity({ H: o.H, n: o.n, dh }),
      proposition2: proposition2Bound({ H: o.H, n: o.n }),
      paperParameters: paperParameterCount({ H: o.H, d: o.d, dh, dv: o.dv }),
      irParameters: irParameterCount({ H: o.H, d: o.d, dh, dv: o.dv, dout: o.dv }),
      irFormula: irParameterFormula(),
      Hd: o.H * o.d,
    };
    emit(!!o.json, r, () =>
      [
        `Mahdavi et al. bounds for d = ${o.d}, n = ${o.n}, H = ${o.H}, d_h = ${dh}, d_v = ${o.dv}`,
        `  Theorem 1 [R]: T = H(min(n,d_h)−1)+1 = ${r.capacity} examples${o.n < o.d ? "" : " (needs n < d)"}`,
        `  Proposition 2 [R]: shared context ⇒ rank(Z) ≤ H(n−1)+1 = ${r.proposition2}; per-example contexts: rank(Z) ≤ min(T, Hd) = Hd = ${r.Hd}`,
        `  parameters: paper 2Hd·d_h + 2Hd·d_v = ${r.paperParameters} = ${parameterOrder({ d: o.d, dh, dv: o.dv })}; memcap's layer ${r.irFormula} = ${r.irParameters}`,
        `  [R] Theorem 1 and Proposition 2 are ${MAHDAVI_RECONSTRUCTION_SOURCES}`,
      ].join("\n"),
    );
  },
};
