/**
 * The `memcap construct aot` and `memcap construct aot-distribution` kinds (registry entries for
 * app/cli/commands/construct.ts) and the `memcap bounds dana` family. Reports follow the issue: associations
 * certified against H·d_h + d, measured parameters (countNetwork) against d(S + 2N + 4(T₀ − d)) and Remark 2's
 * d(S + 2N + 2(d_h + 1)H), Corollary 2's accuracy bound, conditioning (float) and weight norms.
 *
 * @example
 *   memcap construct aot --N 10 --S 2 --d 2 --dh 2 --H 49 --seed 1 --out aot.json
 */
import type { Command } from "commander";
import { randomLookupTable, readLookupTable, type LookupTable } from "../../../src/data/associations.ts";
import { danaBounds, type DanaShape } from "../../../src/bounds/dana.ts";
import { countNetwork, type NetworkCounts } from "../../../src/ir/count.ts";
import { writeJsonAtomic } from "../../../src/io/output.ts";
import { emit, intFlag, numberFlag } from "../output.ts";
import { UserError } from "../../../src/errors.ts";
import { fastVerdicts, type AotResult } from "../../../constructions/dana/association.ts";
import { certifyAot, danaBoundsMeasured } from "../../../constructions/dana/certify.ts";
import { edgeOfCapacity } from "../../../constructions/dana/edge.ts";
import { constructAotDistribution, distributionReport, type DistributionOptions } from "../../../constructions/dana/distribution.ts";

const progress = (line: string) => process.stderr.write(`aot: ${line}\n`);

/** Shape options shared by both kinds. */
export function shapeOptions(cmd: Command): Command {
  return cmd
    .option("--data <file>", "look-up table / conditionals JSON (docs/dana.md); replaces --N/--S/--T")
    .option("--N <vocab>", "vocabulary size N", intFlag("N", 2, 100000))
    .option("--S <length>", "context length S", intFlag("S", 1, 64), 2)
    .option("--d <dim>", "embedding dimension d", intFlag("d", 2, 4096), 2)
    .option("--dh <dim>", "head dimension d_h (≤ d)", intFlag("dh", 1, 4096), 2)
    .option("--H <heads>", "number of rank-1 heads H", intFlag("H", 1, 100000), 1)
    .option("--T <count>", "number of sequences (default H·d_h + d)", intFlag("T", 1, 50_000_000))
    .option("--seed <seed>", "seed for the table and the generic weights", intFlag("seed", 0, 2 ** 31 - 1), 1)
    .option("--qk-scale <s>", "q_h ~ N(0, (s/d)²): attention sharpness (conditioning of M)", numberFlag("qk-scale", 1e-6, 1e6), 8)
    .option("--max-precision <digits>", "largest decimal precision tried before INCONCLUSIVE", intFlag("max-precision", 30, 5000), 200)
    .option("--decimal-solve-limit <T>", "largest T for a decimal.js re-solve", intFlag("decimal-solve-limit", 1, 100000), 400)
    .option("--out <file>", "write a certificate for `memcap check`")
    .option("--json", "print JSON");
}

/** The shape flags both kinds share (`shapeOptions`): the distribution builder's options less its fit budget. */
type ShapeOpts = Omit<DistributionOptions, "fitSteps"> & { out?: string; json?: boolean };

function checkShape(o: ShapeOpts): void {
  if (o.dh > o.d) throw new UserError(`--dh ${o.dh} must be ≤ --d ${o.d} (heads of inner dimension d_h ≤ d)`);
}

function tableFrom(o: ShapeOpts): LookupTable {
  if (o.data) return readLookupTable(o.data);
  if (o.N === undefined) throw new UserError("give --data FILE or --N (with --S, --d, --dh, --H)");
  return randomLookupTable({ N: o.N, S: o.S, T: o.T ?? o.H * o.dh + o.d, seed: o.seed });
}

function shapeOf(r: AotResult, o: ShapeOpts): DanaShape {
  return { vocab: r.table.N, S: r.table.S, d: o.d, dh: o.dh, H: o.H, T: r.table.sequences.length };
}

const fmt = (x: number) => (Number.isFinite(x) ? x.toExponential(3) : String(x));

function aotText(r: AotResult, o: ShapeOpts, counts: NetworkCounts, bounds: ReturnType<typeof danaBoundsMeasured>, extra: string[]): string {
  const T = r.table.sequences.length;
  const b = Object.fromEntries(bounds.map((x) => [x.id, x]));
  const lines = [
    `Dana et al. attention-only Transformer: N = ${r.table.N}, S = ${r.table.S}, d = ${o.d}, d_h = ${o.dh}, H = ${o.H} rank-1 heads, seed ${o.seed}`,
    `${r.certified} of ${T} associations certified (T₀ = H·d_h + d = ${r.capacity}) — certified argmax by rigorous interval enclosure of the logits (${r.level === "float64" ? "float64 intervals, outward rounded" : `decimal.js intervals at ${r.level}`})`,
  ];
  if (r.refuted) lines.push(`  ${r.refuted} associations certified NOT memorized (another logit certified larger)`);
  if (r.inconclusive) lines.push(`  INCONCLUSIVE: ${r.inconclusive} associations undecided — ${r.reason ?? "precision insufficient"}`);
  lines.push(`  precision search: ${r.attempts.map((a) => `${a.level}: ${a.certified}/${T} certified in ${a.seconds.toFixed(1)} s`).join("; ")}`);
  lines.push(`  solve: ${String(r.network.meta?.solve)} (${r.solveShape}${r.relResidual !== null ? `, relative residual ${fmt(r.relResidual)} (float)` : ""}); weights to ${String(r.network.meta?.weightDigits)} significant digits`);
  if (r.conditioning) lines.push(`  conditioning of M (float estimate, power/inverse iteration): σ_max = ${fmt(r.conditioning.sigmaMax)}, σ_min = ${fmt(r.conditioning.sigmaMin)}, σ_min/σ_max = ${fmt(r.conditioning.ratio)}`);
  lines.push(`  weight norms (float): ‖W_U‖_F = ${fmt(r.norms.WU)}, ‖W_O‖_F = ${fmt(r.norms.WO)}, max|W_O| = ${fmt(r.norms.WOmaxAbs)}; target margin λ·min gap = ${r.encoderMargin.toFixed(4)}`);
  lines.push(`  parameters (countNetwork) ${counts.parameters}; Remark 2 d(S + 2N + 2(d_h + 1)H) = ${b["rem2-parameters"]!.value}; Theorem 1 d(S + 2N + 4(T₀ − d)) = ${b["thm1-parameters"]!.value} (measured ≤: ${b["thm1-parameters"]!.holds}; measured = Remark 2: ${String(counts.parameters) === b["rem2-parameters"]!.value.replace(/\.0+$/, "")})`);
  lines.push(`  Corollary 2 accuracy bound 1/N + (1 − 1/N)(H·d_h + d)/T₀ = ${b["cor2-accuracy"]!.value}; certified accuracy ${(r.certified / T).toFixed(4)}`);
  return [...lines, ...extra].join("\n");
}

export const AOT_KIND = {
  name: "aot",
  aliases: ["dana"],
  summary: "Dana et al. Corollary 1: attention-only Transformer memorizing H·d_h + d associations, certified argmax",
  configure: (cmd: Command) =>
    shapeOptions(cmd)
      .option("--lambda <λ>", "target scale: E(t) = λ·W_{g(t)}", numberFlag("lambda", 1e-6, 1e6), 1)
      .option("--weight-digits <digits>", "significant digits of W_U and W_O at the float64 level", intFlag("weight-digits", 17, 1000), 20)
      .option("--edge <K>", "also rebuild for T₀ + 1 … T₀ + K sequences (least squares) and tabulate what is certified", intFlag("edge", 1, 1000)),
  run(raw: Record<string, unknown>) {
    const o = raw as unknown as ShapeOpts & { lambda: number; weightDigits: number; edge?: number };
    checkShape(o);
    if (o.edge && o.N !== undefined && (o.T ?? o.H * o.dh + o.d) + o.edge > o.N ** o.S)
      throw new UserError(`--edge ${o.edge} needs T₀ + ${o.edge} ≤ N^S = ${o.N ** o.S} distinct sequences (use fewer heads or a larger N)`);
    const table = tableFrom(o);
    const options = { N: table.N, S: table.S, d: o.d, dh: o.dh, H: o.H, T: table.sequences.length, qkScale: o.qkScale, lambda: o.lambda, data: o.data ?? null };
    const c = certifyAot(table, { d: o.d, dh: o.dh, H: o.H, seed: o.seed, qkScale: o.qkScale, lambda: o.lambda, weightDigits: o.weightDigits, maxPrecision: o.maxPrecision, decimalSolveLimit: o.decimalSolveLimit, progress, certificateOptions: options, certificateSeed: o.data ? null : o.seed });
    const r = c.result;
    const counts = countNetwork(r.network);
    const shape = shapeOf(r, o);
    const bounds = danaBoundsMeasured(shape, counts);
    const extra: string[] = [];
    let edge: ReturnType<typeof edgeOfCapacity> | null = null;
    if (o.edge) {
      if (o.data) throw new UserError("--edge needs a random table (--N …), not --data");
      edge = edgeOfCapacity({ N: table.N, S: table.S, d: o.d, dh: o.dh, H: o.H, seed: o.seed, qkScale: o.qkScale, lambda: o.lambda, K: o.edge, progress });
      extra.push("edge of capacity (same construction, least-squares solve Z = E·Mᵀ(M·Mᵀ)⁻¹ in decimal.js):");
      extra.push("     T   certified   not memorized   inconclusive   Corollary 2 bound");
      for (const e of edge) extra.push(`  ${String(e.T).padStart(4)}   ${String(e.certified).padStart(9)}   ${String(e.refuted).padStart(13)}   ${String(e.inconclusive).padStart(12)}   ${e.cor2}`);
    }
    if (o.out) {
      if (c.certified.length === 0) throw new UserError("no association certified: no certificate written", 3);
      if (c.certificate === null) throw new UserError(`decimal intervals up to ${o.maxPrecision} digits do not confirm the float64 verdicts: no certificate written (INCONCLUSIVE)`, 3);
      writeJsonAtomic(o.out, c.certificate);
      extra.push(`certificate written to ${o.out} (interval evaluation at ${c.digits} digits)`);
    }
    emit(
      !!o.json,
      { kind: "aot", N: table.N, S: table.S, d: o.d, dh: o.dh, H: o.H, seed: o.seed, T: table.sequences.length, capacity: r.capacity, certified: r.certified, notMemorized: r.refuted, inconclusive: r.inconclusive, reason: r.reason ?? null, level: r.level, attempts: r.attempts, conditioningFloat: r.conditioning, normsFloat: r.norms, relResidualFloat: r.relResidual, counts, bounds, edge, certificate: o.out ?? null },
      () => aotText(r, o, counts, bounds, extra),
    );
    if (r.inconclusive > 0) process.exitCode = 3;
    else if (r.refuted > 0) process.exitCode = 1;
  },
};

export const AOT_DISTRIBUTION_KIND = {
  name: "aot-distribution",
  aliases: ["dana-distribution"],
  summary: "Dana et al. Theorem 1 (ε ≥ 0): fit full-support conditionals π in KL with a rank-d encoder, rigorous d_KL(π, T) bounds",
  configure: (cmd: Command) => shapeOptions(cmd).option("--fit-steps <n>", "Adam steps of the rank-d encoder fit", intFlag("fit-steps", 0, 1e6), 2000),
  run(raw: Record<string, unknown>) {
    const o = raw as unknown as ShapeOpts & { fitSteps: number };
    checkShape(o);
    const r = constructAotDistribution(o, progress);
    emit(!!o.json, r.json, () => distributionReport(r));
    if (o.out) {
      writeJsonAtomic(o.out, r.certificate);
      if (!o.json) process.stdout.write(`certificate written to ${o.out}\n`);
    }
  },
};

export const AOT_KINDS = [AOT_KIND, AOT_DISTRIBUTION_KIND];
export { fastVerdicts };

/** `memcap bounds dana`: the four formulas of src/bounds/dana.ts for a shape (no network built). */
export const DANA_BOUNDS = {
  name: "dana",
  summary: "Dana et al.: capacity H·d_h + d, parameter counts (Theorem 1, Remark 2), Corollary 2 accuracy",
  configure: (cmd: Command) =>
    cmd
      .requiredOption("--N <vocab>", "vocabulary size N", intFlag("N", 2, 1e9))
      .option("--S <length>", "context length S", intFlag("S", 1, 1e9), 2)
      .requiredOption("--d <dim>", "embedding dimension d", intFlag("d", 1, 1e9))
      .requiredOption("--dh <dim>", "head dimension d_h", intFlag("dh", 1, 1e9))
      .requiredOption("--H <heads>", "number of heads H", intFlag("H", 1, 1e9))
      .option("--T <count>", "number of associations T₀ (default H·d_h + d)", intFlag("T", 1, Number.MAX_SAFE_INTEGER))
      .option("--json", "print JSON"),
  run(raw: Record<string, unknown>) {
    const o = raw as { N: number; S: number; d: number; dh: number; H: number; T?: number; json?: boolean };
    const shape = { vocab: o.N, S: o.S, d: o.d, dh: o.dh, H: o.H, T: o.T ?? o.H * o.dh + o.d };
    const bounds = danaBounds(shape);
    emit(!!o.json, { paper: "Dana, Pydi & Chevaleyre 2025", ...shape, bounds }, () =>
      [`Dana et al. bounds for N = ${o.N}, S = ${o.S}, d = ${o.d}, d_h = ${o.dh}, H = ${o.H}, T₀ = ${shape.T}`, ...bounds.map((b) => `  ${b.what} (${b.source}): ${b.value}`)].join("\n"),
    );
  },
};
