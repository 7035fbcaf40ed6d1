/**
 * Kajitsuka & Sato, Lemma C.1 (extending Vardi, Yehudai & Shamir 2022, Thm 3.1): a width-12 stack of
 * residual ReLU blocks that maps N sorted, separated scalars x₁ < … < x_N (integers ≥ 2 here, gaps ≥ 2)
 * to labels y_i ∈ {0,…,2^c − 1}, and every "extra" point (also ≥ 2 and ≥ 2 away from all others) to 0.
 *
 *  Stage II (Lemma G.3): m = ⌈N/g⌉ groups of g consecutive points. Group j stores
 *     u_j = concatenation of its ⌊x_i⌋ (ρ bits each),   w_j = concatenation of its labels (c bits each),
 *  selected by the Lemma G.2 interval indicator 1_j(x) = σ(1 − 2σ(a_j − x) − 2σ(x − b_j)) on
 *  [a_j, b_j] = [⌊x_first⌋, ⌊x_last + 1⌋] (1 there, 0 outside [a_j − ½, b_j + ½]); the selected pair is
 *  written directly in the Lemma G.4 encoding (u/2^{gρ} + 2^{−gρ−1}, u/2^{gρ} + 2^{−gρ−2}, same for w),
 *  held in the chamber as the integers (4u + 2, 4u + 1) (coordinates scaled by 2^{gρ+2}, see
 *  bit-extraction.ts). Four groups share one pair of blocks (8 scratch registers). Bit complexity about gρ + 4.
 *  Stage III (Lemma G.6): for each of the g slots i, extract the i-th ρ-bit segment u_i of u and c-bit
 *  segment w_i of w (Lemma G.4, both streams in lockstep, max(ρ, c) steps), then
 *     out += σ(1[x ∈ [u_i, u_i + 1]]·2^{c+1} − 2^{c+1} + w_i)
 *  with the Lemma G.5 indicator 1[x ∈ [u, u+1]] = σ(1 − 2σ(u − x) − 2σ(x − u − 1)).
 *  Depth per slot 2·max(ρ, c) + 3.
 *
 * Registers (14 = the input x, the output, 2 × 5 for the two streams, 2 scratch):
 *   x, out, (z1,z2,a,p,seg) for u, (z1,z2,a,p,seg) for w, r1, r2.
 *
 * Repaired step (COUNTEREXAMPLES.md, "G.6 ρ/c swap"): the paper's text calls Lemma G.6 with
 * ρ = log C and c = log R; segments of u must be ρ = ⌈log R⌉ bits wide and those of w c = ⌈log C⌉.
 * `planLemmaC1(…, { swapWidths: true })` keeps the literal reading for the regression test.
 *
 * The group size g: the paper takes g = √(N/log N) (asymptotics); by default we take the g that
 * minimizes the depth of this realization, ⌈m/4⌉·2 + g·(2·max(ρ,c) + 3), and record both.
 *
 * @example
 *   const plan = planLemmaC1([2n, 6n, 10n], [1n, 0n, 1n]);
 *   lemmaC1Reference(plan, 6n) // 0n
 */
import { Rational } from "../../src/numbers/rational.ts";
import { bitLength } from "../../src/numbers/rational.ts";
import { Chamber, R, clear, unit, type Unit } from "./chamber.ts";
import { bitSegment, emitTentBitStep, relu, scaledEncoding, type StreamRegisters } from "./bit-extraction.ts";

/** Lemma G.2 interval indicator σ(1 − 2σ(a − x) − 2σ(x − b)). @example intervalIndicator(q(3), q(2), q(5)) // 1 */
export function intervalIndicator(x: Rational, a: Rational, b: Rational): Rational {
  return relu(Rational.ONE.sub(relu(a.sub(x)).mulPow2(1)).sub(relu(x.sub(b)).mulPow2(1)));
}

/** Lemma G.5 indicator of [u, u + 1]. @example segmentIndicator(q(4), q(4)) // 1 */
export function segmentIndicator(x: Rational, u: Rational): Rational {
  return intervalIndicator(x, u, u.add(Rational.ONE));
}

export interface C1Group {
  /** Interval [a, b] = [⌊x_first⌋, ⌊x_last + 1⌋]. */
  a: bigint;
  b: bigint;
  /** Concatenated ⌊x⌋ (ρ bits each, first point most significant) and labels (c bits each). */
  u: bigint;
  w: bigint;
}

export interface C1Plan {
  points: bigint[];
  labels: bigint[];
  extras: bigint[];
  /** Group size g, number of groups m, segment widths ρ (for u) and c (for w). */
  g: number;
  m: number;
  rho: number;
  c: number;
  /** The paper's g = ⌈√(N/log₂ N)⌉, for comparison. */
  paperG: number;
  groups: C1Group[];
  swapWidths: boolean;
}

export interface C1Options {
  /** Group size; default: the depth-minimizing one. */
  groupSize?: number;
  /** Literal (wrong) reading of G.6's call: u in c-bit slots, w in ρ-bit slots. Only for the regression test. */
  swapWidths?: boolean;
}

/** Depth of the chamber realization for given sizes (Stage II + Stage III + cleanup). */
export function lemmaC1Depth(P: number, g: number, rho: number, c: number): number {
  const m = Math.ceil(P / g);
  return 2 * Math.ceil(m / 4) + g * (2 * Math.max(rho, c) + 3) + 1;
}

/**
 * Validates the input of Lemma C.1 and lays out Stage II's groups.
 * Throws a RangeError when a point is < 2, two points (or extras) are closer than 2, or a label is negative.
 */
export function planLemmaC1(points: bigint[], labels: bigint[], extras: bigint[] = [], opts: C1Options = {}): C1Plan {
  if (points.length !== labels.length) throw new RangeError("Lemma C.1: one label per point");
  if (points.length === 0) throw new RangeError("Lemma C.1: no points");
  const order = points.map((_, i) => i).sort((i, j) => (points[i]! < points[j]! ? -1 : points[i]! > points[j]! ? 1 : 0));
  const xs = order.map((i) => points[i]!);
  const ys = order.map((i) => labels[i]!);
  const all = [...xs, ...extras].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (let i = 0; i < all.length; i++) {
    if (all[i]! < 2n) throw new RangeError(`Lemma C.1: point ${all[i]} is below 2`);
    if (i > 0 && all[i]! - all[i - 1]! < 2n) throw new RangeError(`Lemma C.1: points ${all[i - 1]} and ${all[i]} are closer than 2`);
  }
  for (const y of ys) if (y < 0n) throw new RangeError(`Lemma C.1: negative label ${y}`);
  const P = xs.length;
  const rhoTrue = bitLength(xs[P - 1]!);
  const cTrue = Math.max(1, bitLength(ys.reduce((a, b) => (a > b ? a : b), 0n)));
  const [rho, c] = opts.swapWidths ? [cTrue, rhoTrue] : [rhoTrue, cTrue];
  const paperG = Math.max(1, Math.ceil(Math.sqrt(P / Math.max(1, Math.log2(P)))));
  let g = opts.groupSize ?? 0;
  if (!g) {
    let best = Infinity;
    for (let t = 1; t <= P; t++) {
      const dpt = lemmaC1Depth(P, t, rho, c);
      if (dpt < best) {
        best = dpt;
        g = t;
      }
    }
  }
  g = Math.min(Math.max(1, g), P);
  const m = Math.ceil(P / g);
  const groups: C1Group[] = [];
  for (let j = 0; j < m; j++) {
    let u = 0n;
    let w = 0n;
    for (let i = 0; i < g; i++) {
      const idx = j * g + i;
      u = (u << BigInt(rho)) + (idx < P ? xs[idx]! : 0n); // may overflow a slot only in the literal swapped reading
      w = (w << BigInt(c)) + (idx < P ? ys[idx]! : 0n);
    }
    const last = Math.min((j + 1) * g, P) - 1;
    groups.push({ a: xs[j * g]!, b: xs[last]! + 1n, u, w });
  }
  return { points: xs, labels: ys, extras: [...extras], g, m, rho, c, paperG, groups, swapWidths: !!opts.swapWidths };
}

/**
 * Lemma C.1 as arithmetic (Stage II selection by the G.2 indicator, Stage III scan by G.4 segments and
 * the G.5 indicator): the function the emitted blocks must realize. @example lemmaC1Reference(plan, 6n)
 */
export function lemmaC1Reference(plan: C1Plan, x: bigint): bigint {
  const X = Rational.fromBigInt(x);
  let u = Rational.ZERO;
  let w = Rational.ZERO;
  for (const gr of plan.groups) {
    const ind = intervalIndicator(X, R(gr.a), R(gr.b));
    u = u.add(ind.mul(R(gr.u)));
    w = w.add(ind.mul(R(gr.w)));
  }
  // the indicator is exactly 0 or 1 on separated points; a fractional value would not be an integer code
  if (!u.isInteger() || !w.isInteger()) throw new Error(`Stage II selected a fractional code at x = ${x}`);
  const { g, rho, c } = plan;
  const two = Rational.fromBigInt(1n << BigInt(c + 1));
  let out = Rational.ZERO;
  for (let i = 0; i < g; i++) {
    const ui = bitSegment(u.num, g * rho, i * rho + 1, (i + 1) * rho);
    const wi = bitSegment(w.num, g * c, i * c + 1, (i + 1) * c);
    const ind = segmentIndicator(X, R(ui));
    out = out.add(relu(ind.mul(two).sub(two).add(R(wi))));
  }
  return out.floor();
}

/** Register assignment of the Lemma C.1 chamber. */
export interface C1Registers {
  x: number;
  out: number;
  u: StreamRegisters;
  w: StreamRegisters;
  r1: number;
  r2: number;
}

/** The 14-register layout [x, out, u(z1,z2,a,p,seg), w(z1,z2,a,p,seg), r1, r2] starting at `base`. */
export function c1Registers(x: number, out: number, free: number[]): C1Registers {
  if (free.length < 12) throw new Error("Lemma C.1 needs 12 scratch registers");
  const f = free;
  return {
    x,
    out,
    u: { z1: f[0]!, z2: f[1]!, a: f[2]!, p: f[3]!, seg: f[4]! },
    w: { z1: f[5]!, z2: f[6]!, a: f[7]!, p: f[8]!, seg: f[9]! },
    r1: f[10]!,
    r2: f[11]!,
  };
}

/** Stage II (Lemma G.3 with the G.2 indicator): writes the selected group's G.4 encodings. */
export function emitStageII(ch: Chamber, regs: C1Registers, plan: C1Plan, label = "Stage II"): void {
  const scratch: [number, number][] = [
    [regs.u.a, regs.u.p],
    [regs.u.seg, regs.w.a],
    [regs.w.p, regs.w.seg],
    [regs.r1, regs.r2],
  ];
  for (let j0 = 0; j0 < plan.m; j0 += scratch.length) {
    const batch = plan.groups.slice(j0, j0 + scratch.length);
    const A: Unit[] = [];
    const B: Unit[] = [];
    batch.forEach((gr, q) => {
      const [s1, s2] = scratch[q]!;
      A.push(unit([[regs.x, -1]], gr.a, [[s1, 1]]));
      A.push(unit([[regs.x, 1]], -gr.b, [[s2, 1]]));
      // the G.4 encodings in chamber coordinates Z = 2^{L+2}·z (bit-extraction.ts)
      const [zu1, zu2] = scaledEncoding(gr.u);
      const [zw1, zw2] = scaledEncoding(gr.w);
      B.push(
        unit([[s1, -2], [s2, -2]], 1, [
          [regs.u.z1, zu1],
          [regs.u.z2, zu2],
          [regs.w.z1, zw1],
          [regs.w.z2, zw2],
        ]),
      );
      B.push(clear(s1), clear(s2));
    });
    const names = batch.map((_, q) => j0 + q).join(",");
    ch.block(`${label} groups ${names}: s1 := σ(a_j − x), s2 := σ(x − b_j)  [Lemma G.2]`, A);
    ch.block(`${label} groups ${names}: (z_u, z_w) += enc(u_j, w_j)·σ(1 − 2s1 − 2s2)  [Lemmas G.2, G.3]`, B);
  }
}

/** Stage III (Lemma G.6 with G.4 segments and the G.5 indicator), then the cleanup of every scratch register. */
export function emitStageIII(ch: Chamber, regs: C1Registers, plan: C1Plan, label = "Stage III"): void {
  const { g, rho, c } = plan;
  const steps = Math.max(rho, c);
  const two = R(1n << BigInt(c + 1));
  for (let i = 0; i < g; i++) {
    for (let j = 0; j < steps; j++) {
      emitTentBitStep(
        ch,
        [
          { regs: regs.u, L: g * rho, weight: j < rho ? R(1n << BigInt(rho - 1 - j)) : null },
          { regs: regs.w, L: g * c, weight: j < c ? R(1n << BigInt(c - 1 - j)) : null },
        ],
        `${label} slot ${i} bit ${j}`,
      );
    }
    ch.block(`${label} slot ${i}: r1 := σ(u_i − x), r2 := σ(x − u_i − 1)  [Lemma G.5]`, [
      unit([[regs.u.seg, 1], [regs.x, -1]], 0, [[regs.r1, 1]]),
      unit([[regs.x, 1], [regs.u.seg, -1]], -1, [[regs.r2, 1]]),
    ]);
    ch.block(`${label} slot ${i}: r1 := σ(1 − 2r1 − 2r2)  [Lemma G.5]`, [
      unit([[regs.r1, -2], [regs.r2, -2]], 1, [[regs.r1, 1]]),
      clear(regs.r1),
      clear(regs.r2),
    ]);
    ch.block(`${label} slot ${i}: out += σ(2^(c+1)·r1 − 2^(c+1) + w_i); clear r1, u_i, w_i  [Lemma G.6]`, [
      unit([[regs.r1, two], [regs.w.seg, 1]], two.neg(), [[regs.out, 1]]),
      clear(regs.r1),
      clear(regs.u.seg),
      clear(regs.w.seg),
    ]);
  }
  ch.block(`${label}: clear the extraction registers`, [regs.u.z1, regs.u.z2, regs.u.a, regs.u.p, regs.w.z1, regs.w.z2, regs.w.a, regs.w.p].map(clear));
}

/** The whole Lemma C.1 network on a chamber: x (≥ 2, unchanged) ↦ out += label(x); scratch registers 0 → 0. */
export function emitLemmaC1(ch: Chamber, regs: C1Registers, plan: C1Plan, label = "Lemma C.1"): void {
  emitStageII(ch, regs, plan, `${label} Stage II`);
  emitStageIII(ch, regs, plan, `${label} Stage III`);
}
