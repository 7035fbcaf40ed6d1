/**
 * The `kl` claim (docs/certificate.md): for the target distribution π the claim carries,
 *   d_KL(π, T) = Σ_t π(t) · KL(π(·|t) ‖ softmax(z_t)) lies in the claimed [lo, hi],
 * z_t the network's logits on dataset sequence t (output kind "logits", positions "last").
 *
 * Enclosure, with M = max_j hi(z_j) and d_j = z_j − M ≤ 0 (Σ_j p_j = 1 lets the shift cancel):
 *   KL_t = Σ_j p_j ln p_j − Σ_j p_j d_j + ln Σ_j exp(d_j),   terms with p_j = 0 are 0,
 * each piece with outward rounding at P digits (decimal.js; ln and exp trusted to one unit in the
 * last place and widened by a relative 10^(1−P); exp tail-safe, interval.ts). VERIFIED when the
 * enclosure lies inside [lo, hi], REJECTED when it is disjoint from it, else INCONCLUSIVE. The
 * logits come first from the cheapest enclosure the source has, then from its reference one.
 *
 * @example
 *   checkKl(checked, claim, src, 30).status // "verified"
 */
import { Decimal } from "decimal.js";
import type { Claim } from "../src/certificate/format.ts";
import { Rational } from "../src/numbers/rational.ts";
import { intervalArith } from "./interval.ts";
import type { Decision, Enc, EnclosureSource } from "./source.ts";
import { Invalid, Undecided, type Checked } from "./validate.ts";

type KlClaim = Extract<Claim, { kind: "kl" }>;

/** π as exact rationals, validated against the certificate (Invalid on any defect). */
function target(c: Checked, claim: KlClaim): { w: Rational[]; p: Rational[][] } {
  const fail = (m: string): never => {
    throw new Invalid(`claim ${claim.id}: ${m}`);
  };
  const o = c.raw.network.output;
  if (o.kind !== "logits" || o.positions !== "last") fail(`a kl claim needs output kind "logits" at positions "last"`);
  const N = c.sequences.length;
  const q = (v: unknown, where: string): Rational => {
    let r: Rational;
    try {
      r = Rational.from(v);
    } catch {
      return fail(`${where}: not a rational number: ${JSON.stringify(v)}`);
    }
    if (r.sign() < 0) fail(`${where}: negative probability ${r}`);
    return r;
  };
  const one = (xs: Rational[], where: string) => xs.reduce((s, x) => s.add(x), Rational.ZERO).eq(Rational.ONE) || fail(`${where} does not sum to exactly 1`);
  const { weights, conditionals } = claim.target;
  if (weights.length !== N || conditionals.length !== N) fail(`target has ${weights.length} weights and ${conditionals.length} conditionals, the dataset ${N} sequences`);
  const w = weights.map((v, t) => q(v, `target.weights[${t}]`));
  one(w, "target.weights");
  const p = conditionals.map((row, t) => {
    if (row.length !== c.outDim) fail(`target.conditionals[${t}] has ${row.length} entries, the network ${c.outDim} logits`);
    const r = row.map((v, j) => q(v, `target.conditionals[${t}][${j}]`));
    one(r, `target.conditionals[${t}]`);
    return r;
  });
  return { w, p };
}

/** The enclosure [lo, hi] of d_KL(π, T) from logit enclosures, or Undecided. */
function enclosure(P: number, w: Rational[], p: Rational[][], logits: (t: number) => Enc[] | Undecided): [Decimal, Decimal] | Undecided {
  const A = intervalArith(P);
  const { DN, UP } = A;
  const eps = UP.pow(10, 1 - P);
  const dn = (r: Rational) => DN.div(r.num.toString(), r.den.toString());
  const up = (r: Rational) => UP.div(r.num.toString(), r.den.toString());
  const lnLo = (x: Decimal) => { const r = DN.ln(x); return DN.sub(r, UP.mul(r.abs(), eps)); };
  const lnHi = (x: Decimal) => { const r = UP.ln(x); return UP.add(r, UP.mul(r.abs(), eps)); };
  let lo = new DN(0);
  let hi = new UP(0);
  for (let t = 0; t < p.length; t++) {
    const z = logits(t);
    if (z instanceof Undecided) return z;
    let M = up(z[0]!.hi);
    for (const e of z) M = UP.max(M, up(e.hi));
    let a = new DN(0); // KL_t ≥ a
    let b = new UP(0); // KL_t ≤ b
    let sLo = new DN(0);
    let sHi = new UP(0);
    p[t]!.forEach((pj, j) => {
      const d = { lo: DN.sub(dn(z[j]!.lo), M), hi: UP.sub(up(z[j]!.hi), M) }; // ⊆ (−∞, 0]
      const e = A.exp({ lo: DN.min(d.lo, 0), hi: UP.min(d.hi, 0) });
      sLo = DN.add(sLo, e.lo);
      sHi = UP.add(sHi, e.hi);
      if (pj.isZero()) return;
      const pl = dn(pj);
      const ph = up(pj);
      // p ln p with p > 0, ln p ≤ 0: in [p⁺·ln⁻, p⁻·ln⁺]; − p·d with −d ≥ 0: in [p⁻·(−d⁺), p⁺·(−d⁻)]
      a = DN.add(a, DN.add(DN.mul(ph, DN.min(lnLo(pl), 0)), DN.mul(pl, DN.max(d.hi.neg(), 0))));
      b = UP.add(b, UP.add(UP.mul(pl, UP.min(lnHi(ph), 0)), UP.mul(ph, d.lo.neg())));
    });
    if (!sLo.gt(0)) return new Undecided(`example ${t}: the logit enclosure is too wide to bound ln Σ exp`);
    a = DN.add(a, lnLo(sLo));
    b = UP.add(b, lnHi(sHi));
    const wl = dn(w[t]!);
    const wh = up(w[t]!);
    lo = DN.add(lo, a.gte(0) ? DN.mul(wl, a) : DN.mul(wh, a));
    hi = UP.add(hi, b.gte(0) ? UP.mul(wh, b) : UP.mul(wl, b));
  }
  return [DN.max(lo, 0), hi];
}

/** The enclosure is a pure function of (source, P, pass, π): remembered, for callers that decide many variants of one claim. */
const memos = new WeakMap<EnclosureSource, Map<string, [Decimal, Decimal] | Undecided>>();
function memo(src: EnclosureSource, key: string, f: () => [Decimal, Decimal] | Undecided): [Decimal, Decimal] | Undecided {
  let m = memos.get(src);
  if (!m) memos.set(src, (m = new Map()));
  let v = m.get(key);
  if (!v) {
    if (m.size > 64) m.clear();
    m.set(key, (v = f()));
  }
  return v;
}

/** Decides a kl claim. */
export function checkKl(c: Checked, claim: KlClaim, src: EnclosureSource, P: number): Decision {
  const { w, p } = target(c, claim);
  let cLo: Decimal, cHi: Decimal;
  try {
    cLo = new Decimal(claim.lo.trim());
    cHi = new Decimal(claim.hi.trim());
  } catch {
    throw new Invalid(`claim ${claim.id}: lo "${claim.lo}" and hi "${claim.hi}" must be decimal numbers`);
  }
  if (!cLo.isFinite() || !cHi.isFinite() || cLo.gt(cHi)) throw new Invalid(`claim ${claim.id}: [${claim.lo}, ${claim.hi}] is not an interval`);
  const claimed = `[${claim.lo}, ${claim.hi}]`;
  let last: [Decimal, Decimal] | Undecided = new Undecided("not evaluated");
  for (const cheap of [true, false]) {
    last = memo(src, JSON.stringify([P, cheap, claim.target]), () =>
      enclosure(P, w, p, (t) => {
        const v = src.values(t, "outputs", () => cheap);
        return v instanceof Undecided ? v : v[0]!;
      }),
    );
    if (last instanceof Undecided) continue;
    const [lo, hi] = last;
    const computed = `[${lo.toSignificantDigits(12, Decimal.ROUND_FLOOR)}, ${hi.toSignificantDigits(12, Decimal.ROUND_CEIL)}]`;
    if (cLo.lte(lo) && hi.lte(cHi)) return { status: "verified", detail: `d_KL(π, T) ∈ ${computed} ⊆ claimed ${claimed}`, computed, claimed };
    if (hi.lt(cLo) || lo.gt(cHi)) return { status: "rejected", detail: `d_KL(π, T) ∈ ${computed}, disjoint from the claimed ${claimed}`, computed, claimed };
  }
  if (last instanceof Undecided) return { status: "inconclusive", detail: `${last.message} at ${P} digits; rerun with a higher --precision`, claimed };
  const computed = `[${last[0].toString()}, ${last[1].toString()}]`;
  return { status: "inconclusive", detail: `d_KL(π, T) ∈ ${computed} at ${P} digits is not inside the claimed ${claimed}; rerun with a higher --precision`, computed, claimed };
}
