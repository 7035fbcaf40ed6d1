/**
 * `memcap construct aot-distribution`: Theorem 1 of Dana et al. with ε ≥ 0 for full-support conditionals π
 * (Assumption 2). Steps: fit the best rank-d encoder f(t) = W E(t) of log π (encoders.ts, a heuristic upper
 * bound on d_KL(π, L(N,S,d)), exact 0 when d ≥ N − 1 by Proposition 2); keep the T_ε most probable sequences
 * that fit the capacity H·d_h + d (ε = the probability mass left out); build the AoT whose logits equal
 * W E(t) on them (aot.ts); then enclose d_KL(π, T) = Σ_t π(t) KL(π_t ‖ softmax T(t)) RIGOROUSLY:
 * the logits by decimal.js intervals, ln and exp with directed rounding, π as exact rationals.
 * Reported next to it: the fitted encoder's KL (float), the theorem's slack d_KL(π,T) − d_KL(π,L) and the
 * term ε·‖WE‖₂ that the theorem multiplies by its constant C.
 *
 * @example
 *   constructAotDistribution({ N: 6, S: 2, d: 3, dh: 2, H: 8, seed: 2, … }, () => {}).klNetwork // [lo, hi]
 */
import { Decimal } from "decimal.js";
import { randomConditionals, readConditionals, type Conditionals } from "../../src/data/associations.ts";
import { Rational } from "../../src/numbers/rational.ts";
import { countNetwork } from "../../src/ir/count.ts";
import { UserError } from "../../src/errors.ts";
import { danaBounds } from "../../src/bounds/dana.ts";
import { absorbSkipConnection, aotNetwork, conditioningFloat, genericWeights, solveReadout } from "./aot.ts";
import { fitLowRankEncoder } from "./encoders.ts";
import { decimalLogitEnclosures } from "./decimal-interval.ts";
import { decimalVerdicts } from "./association.ts";
import { aotCertificate } from "./certify.ts";
import { floatRank } from "../../src/linalg/float.ts";

export interface DistributionOptions {
  data?: string;
  N?: number;
  S: number;
  d: number;
  dh: number;
  H: number;
  T?: number;
  seed: number;
  qkScale: number;
  maxPrecision: number;
  decimalSolveLimit: number;
  fitSteps: number;
}

/**
 * Rigorous enclosure of Σ_t w_t KL(π_t ‖ softmax(z_t)) from logit enclosures, at `digits` digits.
 *
 * @example
 *   klEnclosure([[q("1/2"), q("1/2")]], [q(1)], [{ lo: [D(0), D(0)], hi: [D(0), D(0)] }], 30) // [≈0, ≈0]
 */
export function klEnclosure(pi: Rational[][], w: Rational[], logits: { lo: Decimal[]; hi: Decimal[] }[], digits: number): [Decimal, Decimal] {
  const Dn = Decimal.clone({ precision: digits, rounding: Decimal.ROUND_FLOOR });
  const Up = Decimal.clone({ precision: digits, rounding: Decimal.ROUND_CEIL });
  const q = (C: typeof Decimal, r: Rational) => C.div(r.num.toString(), r.den.toString());
  let lo = new Dn(0);
  let hi = new Up(0);
  pi.forEach((p, t) => {
    const L = logits[t]!;
    // KL_t = Σ p ln p − Σ p z + ln Σ e^z ; lower ends with floors, upper ends with ceilings
    let a = new Dn(0);
    let b = new Up(0);
    let za = new Dn(0);
    let zb = new Up(0);
    p.forEach((pj, j) => {
      // p ln p with p ∈ [p⁻, p⁺] > 0 and ln p ∈ [l⁻, l⁺] ≤ 0: min = p⁺·l⁻, max = p⁻·l⁺
      a = Dn.add(a, Dn.mul(q(Up, pj), Dn.ln(q(Dn, pj))));
      b = Up.add(b, Up.mul(q(Dn, pj), Up.ln(q(Up, pj))));
      za = Dn.add(za, Dn.exp(L.lo[j]!));
      zb = Up.add(zb, Up.exp(L.hi[j]!));
      a = Dn.sub(a, Up.mul(q(Up, pj), L.hi[j]!).gte(0) ? Up.mul(q(Up, pj), L.hi[j]!) : Up.mul(q(Dn, pj), L.hi[j]!));
      b = Up.sub(b, Dn.mul(q(Dn, pj), L.lo[j]!).lte(0) ? Dn.mul(q(Up, pj), L.lo[j]!) : Dn.mul(q(Dn, pj), L.lo[j]!));
    });
    a = Dn.add(a, Dn.ln(za));
    b = Up.add(b, Up.ln(zb));
    const wl = q(Dn, w[t]!);
    const wu = q(Up, w[t]!);
    lo = Dn.add(lo, a.gte(0) ? Dn.mul(wl, a) : Dn.mul(wu, a));
    hi = Up.add(hi, b.gte(0) ? Up.mul(wu, b) : Up.mul(wl, b));
  });
  return [Dn.max(lo, 0), hi];
}

export interface DistributionResult {
  json: Record<string, unknown>;
  certificate: ReturnType<typeof aotCertificate>;
  text: string[];
}

export function constructAotDistribution(o: DistributionOptions, say: (l: string) => void): DistributionResult {
  let c: Conditionals;
  if (o.data) c = readConditionals(o.data);
  else {
    if (o.N === undefined) throw new UserError("give --data FILE or --N (with --S, --d, --dh, --H)");
    c = randomConditionals({ N: o.N, S: o.S, T: o.T ?? o.H * o.dh + o.d, seed: o.seed });
  }
  const T = c.sequences.length;
  const capacity = o.H * o.dh + o.d;
  const piF = c.conditionals.map((r) => r.map((v) => v.toNumber()));
  const wF = c.weights.map((v) => v.toNumber());
  say(`fitting a rank-${o.d} encoder of log π on ${T} sequences …`);
  const fit = fitLowRankEncoder(piF, wF, o.d, { steps: o.fitSteps, seed: o.seed });
  // T_ε: the most probable sequences that fit the capacity (ties: file order)
  const order = c.sequences.map((_, i) => i).sort((a, b) => c.weights[b]!.cmp(c.weights[a]!) || a - b);
  const kept = order.slice(0, Math.min(T, capacity)).sort((a, b) => a - b);
  const eps = Rational.ONE.sub(kept.reduce((s, i) => s.add(c.weights[i]!), Rational.ZERO));
  const w = genericWeights({ N: c.N, S: c.S, d: o.d, dh: o.dh, H: o.H, seed: o.seed, qkScale: o.qkScale });
  const seqK = kept.map((i) => c.sequences[i]!);
  const E = Array.from({ length: o.d }, (_, a) => kept.map((i) => fit.E[i]![a]!));
  const useDecimal = kept.length <= o.decimalSolveLimit;
  // M = [x(t,S); W_V·A(t)]: its d skip rows depend only on the last token, so k distinct last tokens give
  // rank M ≤ k + H·d_h whatever the weights; the solve is then singular (claim dana.construction-rank.literal)
  const lastTokens = [...new Set(seqK.map((s) => s[s.length - 1]!))].sort((a, b) => a - b);
  const rankBound = Math.min(lastTokens.length, o.d) + o.H * o.dh;
  if (rankBound < kept.length)
    throw new UserError(
      `aot-distribution, step 5 (the readout solve Z·M = E): M = [x(t,S); W_V·A(t)] is singular for the ${kept.length} kept sequences — they end in only ${lastTokens.length} distinct token(s) (${lastTokens.join(", ")}) < d = ${o.d}, so the d skip rows x(t,S) = e(t_S) + pos_S span ${lastTokens.length} dimension(s) and rank M ≤ ${lastTokens.length} + H·d_h = ${rankBound} < ${kept.length} for any weights (the gap of claim dana.construction-rank.literal); use a table whose most probable sequences end in ≥ d distinct tokens, or a smaller --d`,
    );
  say(`solving Z·M = E for ${kept.length} sequences (${useDecimal ? "decimal.js, 60 digits" : "float64 + refinement"}) …`);
  let rd: ReturnType<typeof solveReadout>;
  try {
    rd = solveReadout(w, seqK, E, useDecimal ? { kind: "decimal", digits: 60 } : { kind: "float64" });
  } catch (e) {
    throw new UserError(`aot-distribution, step 5 (the readout solve Z·M = E, ${kept.length} sequences, M of size ${o.d + o.H * o.dh} × ${kept.length}): ${(e as Error).message}; the kept sequences end in ${lastTokens.length} distinct tokens, so rank M ≤ ${rankBound} is not the obstruction — the generic heads (seed ${o.seed}) lost rank numerically: try another --seed or a larger --qk-scale`);
  }
  const digitsW = useDecimal ? 40 : 20;
  let WU: Decimal[][];
  let WO: Decimal[][];
  try {
    ({ WU, WO } = absorbSkipConnection(fit.W, rd.Z, digitsW));
  } catch (e) {
    const targetRank = floatRank(E.map((r) => r.map((v) => Rational.from(v)))).rank;
    throw new UserError(
      `aot-distribution, step 4 (absorbing the skip connection, W_O = R⁻¹·Z′ with R = Z[:, :d]): ${(e as Error).message} — R is singular${targetRank < o.d ? ` because the fitted targets E(t) of the kept sequences span only ${targetRank} < d = ${o.d} dimensions (float rank of the ${o.d} × ${kept.length} target matrix)` : " although the targets E(t) span d dimensions (float rank): the readout Z lost rank numerically"}; try a smaller --d or another --seed`,
    );
  }
  const net = aotNetwork(w, WU, WO, digitsW, { construction: "Dana, Pydi & Chevaleyre 2025, Theorem 1 (ε ≥ 0)", T, capacity, fit: fit.method });
  // rigorous d_KL(π, T): raise the precision until the enclosure is tight (width ≤ 1e-9 + 1e-6·value) or the limit
  let digits = 30;
  let kl: [Decimal, Decimal] = [new Decimal(0), new Decimal(Infinity)];
  let enc: { lo: Decimal[]; hi: Decimal[] }[] = [];
  for (; digits <= o.maxPrecision; digits = Math.round(digits * 1.6)) {
    say(`enclosing d_KL(π, T) with ${digits}-digit intervals …`);
    enc = decimalLogitEnclosures(net, c.sequences, digits);
    kl = klEnclosure(c.conditionals, c.weights, enc, digits);
    if (kl[1].minus(kl[0]).lte(kl[1].abs().times(1e-6).plus(1e-9))) break;
  }
  digits = Math.min(digits, o.maxPrecision);
  const tight = kl[1].minus(kl[0]).lte(kl[1].abs().times(1e-6).plus(1e-9));
  // the mode of each π_t, certified argmax where the network's logits decide it
  const modes = c.conditionals.map((p) => {
    let m = 0;
    p.forEach((v, j) => v.gt(p[m]!) && (m = j));
    return p.filter((v) => v.eq(p[m]!)).length === 1 ? m : -1;
  });
  const verdicts = decimalVerdicts(enc, modes.map((m) => Math.max(m, 0)));
  const certifiedModes = verdicts.map((v, i) => (v === "certified" && modes[i]! >= 0 ? i : -1)).filter((i) => i >= 0);
  const WEnorm = Math.max(...fit.E.map((e) => Math.hypot(...fit.W.map((wr) => wr.reduce((a, v, i) => a + v * e[i]!, 0)))));
  const counts = countNetwork(net);
  const shape = { vocab: c.N, S: c.S, d: o.d, dh: o.dh, H: o.H, T };
  const cond = kept.length === capacity && capacity <= 3000 ? conditioningFloat(w, seqK) : null;
  const slackHi = kl[1].minus(fit.kl);
  const epsN = eps.toNumber();
  const table = { N: c.N, S: c.S, sequences: c.sequences, next: modes.map((m) => Math.max(m, 0)) };
  const certificate = aotCertificate("aot-distribution", { N: c.N, S: c.S, d: o.d, dh: o.dh, H: o.H, T, qkScale: o.qkScale, data: o.data ?? null, claim: "argmax of the network = mode of π_t" }, o.data ? null : o.seed, net, table, certifiedModes.length ? certifiedModes : [0], Math.max(20, digits), shape);
  if (!certifiedModes.length) certificate.claims = certificate.claims.filter((cl) => cl.kind !== "memorizes");
  const b = Object.fromEntries(danaBounds(shape).map((x) => [x.id, x]));
  const text = [
    `Dana et al. Theorem 1 (ε ≥ 0): N = ${c.N}, S = ${c.S}, d = ${o.d}, d_h = ${o.dh}, H = ${o.H}, T = ${T} sequences with full-support π, seed ${o.seed}`,
    `  kept T_ε = ${kept.length} most probable sequences (capacity H·d_h + d = ${capacity}); ε = ${eps.toString()} ≈ ${epsN.toPrecision(6)}`,
    `  d_KL(π, T) ∈ [${kl[0].toSignificantDigits(12).toString()}, ${kl[1].toSignificantDigits(12).toString()}] (rigorous: decimal.js intervals at ${digits} digits${tight ? "" : ", INCONCLUSIVE: enclosure not tight at --max-precision"})`,
    `  d_KL(π, L(N,S,d)) ≤ ${fit.kl.toExponential(6)} (float; ${fit.method})`,
    `  slack d_KL(π,T) − d_KL(π,L) ≤ ${slackHi.toSignificantDigits(6).toString()} (against the fitted encoder); ε·‖WE‖₂ = ${(epsN * WEnorm).toExponential(4)} (‖WE‖₂ = max_t ‖W E(t)‖₂ = ${WEnorm.toExponential(4)}, float)${epsN > 0 ? `; implied C ≥ ${(slackHi.toNumber() / (epsN * WEnorm)).toExponential(3)}` : ""}`,
    `  modes of π_t certified as the network's argmax: ${certifiedModes.length} of ${T}`,
    cond ? `  conditioning of M (float estimate): σ_min/σ_max = ${cond.ratio.toExponential(3)}` : `  M is ${o.d + o.H * o.dh} × ${kept.length} (${rd.shape} solve)`,
    `  parameters (countNetwork) ${counts.parameters}; Remark 2 d(S + 2N + 2(d_h + 1)H) = ${b["rem2-parameters"]!.value}; Theorem 1 d(S + 2N + 4(T₀ − d)) = ${b["thm1-parameters"]!.value}`,
  ];
  return {
    json: { kind: "aot-distribution", N: c.N, S: c.S, d: o.d, dh: o.dh, H: o.H, T, kept: kept.length, capacity, epsilon: eps.toString(), klNetwork: [kl[0].toString(), kl[1].toString()], klTight: tight, precisionDigits: digits, klEncoderFloat: fit.kl, klEncoderSvdFloat: fit.klSvd, fitMethod: fit.method, WEnormFloat: WEnorm, modesCertified: certifiedModes.length, conditioningFloat: cond, counts, bounds: danaBounds(shape) },
    certificate,
    text,
  };
}

export function distributionReport(r: DistributionResult): string {
  return r.text.join("\n");
}
