/**
 * Kajitsuka & Sato, Lemma C.1 (p. 28–31) at the paper's constants, step by step, for `--variant paper`:
 *
 *  Stage I   (Lemma C.2, p. 28): F(x) = c·vᵀx + c·r + 2 with c = ⌈2V²·√(πd/8)/δ⌉ and a Lemma G.1 direction
 *            v (‖v‖ ≤ 1), so that the V points land in [2, R] with gaps ≥ 2. `lemmaC2PaperProjection`.
 *  Stage II  (Lemma G.3, p. 37, depth 3m + 2, twice in parallel for u and w): the N labelled points, sorted,
 *            in m = ⌈N/g⌉ groups of g = ⌈√(N/log₂N)⌉ consecutive points (eqs. (99)–(100), p. 29); group j
 *            stores u_j = its ⌊x_i⌋ in ρ-bit slots and w_j = its labels in c-bit slots. Per group three
 *            blocks: the Lemma G.2 interval indicator (two) and eq. (152)'s y += w_j·F̃_j(x) (one); plus
 *            the lemma's input and output layers (H, G), identities in residual form.
 *  Stage III (Lemma G.6, p. 38–39, depth 3g·max{ρ, c} + 2g + 2): H (eq. (161)) writes the Lemma G.4
 *            encodings of u and w; per slot i, max{ρ, c} Lemma G.4 bit steps of three blocks each (the
 *            exact-step probe, the XOR together with the tent map's first layer, the tent map's second
 *            layer), then two blocks for Lemma G.5 and F^y (eq. (158)); G outputs the label.
 *
 * Deviations from the text, each named in the emitted block's formula where it happens:
 *  - G.6 is called with ρ = LEN(⌊R⌋) (u's slots hold ⌊x⌋ ≤ R) and c = LEN(C) (w's slots hold labels in
 *    [C]): the text of Lemma C.1 (p. 30) calls it with ρ = log C and c = log R — swapped — and "log C"
 *    bits is one short when C is a power of two (LEN(C) = ⌊log₂C⌋ + 1).
 *  - G.6's eq. (153) writes the output as BIN_{ρj+1:ρ(j+1)}(w); w's slots are c bits wide, and the
 *    proof (eq. (163), p. 39) gives BIN_{jc+1:(j+1)c}(w), which is what Stage III extracts.
 *  - Lemma C.2's two layers (depth 2, p. 28) are not separate blocks: the ReLU is the identity on the
 *    points' range (c·vᵀx + c·r ≥ 0), so the projection is an affine map (E_in, or one block of F2).
 *  - G.5's output layer is merged into F^y: σ(2^{c+1}·1[x ∈ [u, u+1]] − 2^{c+1} + w) is computed as
 *    σ(w − 2^{c+2}·(σ(u − x) + σ(x − u − 1))), equal on every input the lemma admits (x ∈ [u, u+1] or
 *    |x − ½ − u| > 1) — the paper counts 2 layers per slot for G.5 and F^y together.
 *  - The tent map ψ(z) = σ(σ(2z) − σ(4z − 2)) takes σ(2z) = 2z (z ≥ 0 on the encodings), and all
 *    G.4 coordinates are held scaled by S = 2^{L+2} (bit-extraction.ts) so that weights are integers.
 *  - The group size and the group count are rounded up: g = ⌈√(N/log₂N)⌉, m = ⌈N/g⌉.
 *
 * Registers: x, out and 12 scratch (width 14 with the token id and the average, Theorem B.1 p. 21).
 *
 * @example
 *   const plan = planLemmaC1Paper([q(2), q(6)], [1n, 2n], [], { floorR: 100n, C: 2n });
 *   plan.g // 2 (= ⌈√(2/log₂2)⌉)
 */
import { Rational } from "../../src/numbers/rational.ts";
import { gaussian, mulberry32 } from "../../src/random.ts";
import { Chamber, R, clear, unit, type Unit } from "./chamber.ts";
import { lemmaC2Scale, len } from "./paper-constants.ts";

const cmpQ = (a: Rational, b: Rational) => a.cmp(b);

export interface C2Projection {
  /** The affine map x ↦ row·x + bias (= c·vᵀx + c·r + 2). */
  row: Rational[];
  bias: Rational;
  /** Its values on the given points. */
  values: Rational[];
  /** c, the direction v (rationals with denominator 2^24, ‖v‖ ≤ 1), and how many directions were tried. */
  scale: bigint;
  direction: Rational[];
  attempts: number;
}

/**
 * Lemma C.2 (p. 28) with the paper's scale for V points: c = ⌈2V²·√(πd/8)/δ⌉, F(x) = c·vᵀx + c·r + 2
 * ("a slight modification to the bias" makes the values ≥ 2). The Lemma G.1 direction is sampled
 * (seeded Gaussian, rounded to 24 binary digits, shrunk until ‖v‖ ≤ 1 exactly) until the points'
 * distinct values are ≥ 2 apart, checked exactly. `r` must bound every point's norm (checked).
 */
export function lemmaC2PaperProjection(points: Rational[][], r: Rational, delta: Rational, V: number, seed: number): C2Projection {
  const d = points[0]!.length;
  const r2 = r.mul(r);
  for (const p of points) {
    const n2 = p.reduce((s, x) => s.add(x.mul(x)), Rational.ZERO);
    if (n2.gt(r2)) throw new RangeError(`Lemma C.2: a point has norm above r = ${r}`);
  }
  const c = lemmaC2Scale(V, d, delta);
  const C = Rational.fromBigInt(c);
  const rand = mulberry32(seed ^ 0xc2c2);
  const D = 1n << 24n;
  for (let attempt = 1; attempt <= 200; attempt++) {
    const g = Array.from({ length: d }, () => gaussian(rand));
    const norm = Math.hypot(...g) || 1;
    const num = g.map((x) => BigInt(Math.round((x / norm) * Number(D))));
    // ‖v‖² ≤ 1 exactly: shrink the largest coordinate towards 0 until it holds
    while (num.reduce((s, x) => s + x * x, 0n) > D * D) {
      let k = 0;
      for (let i = 1; i < d; i++) if ((num[i]! < 0n ? -num[i]! : num[i]!) > (num[k]! < 0n ? -num[k]! : num[k]!)) k = i;
      num[k] = num[k]! > 0n ? num[k]! - 1n : num[k]! + 1n;
    }
    const v = num.map((x) => Rational.of(x, D));
    const row = v.map((vi) => vi.mul(C));
    const bias = C.mul(r).add(Rational.of(2));
    const values = points.map((p) => p.reduce((s, x, i) => s.add(x.mul(row[i]!)), bias));
    const sorted = [...values].sort(cmpQ);
    let ok = true;
    for (let i = 1; i < sorted.length && ok; i++) {
      const gap = sorted[i]!.sub(sorted[i - 1]!);
      if (!gap.isZero() && gap.lt(Rational.of(2))) ok = false;
    }
    if (ok) return { row, bias, values, scale: c, direction: v, attempts: attempt };
  }
  throw new Error("Lemma C.2: no sampled direction gives gaps ≥ 2 in 200 tries");
}

export interface C1PaperGroup {
  /** Lemma G.2's interval [a, b] = [⌊x_first⌋, ⌊x_last + 1⌋] (p. 37). */
  a: bigint;
  b: bigint;
  /** Eqs. (99)–(100): ⌊x_i⌋ in ρ-bit slots, labels in c-bit slots, first point most significant. */
  u: bigint;
  w: bigint;
}

export interface C1PaperPlan {
  points: Rational[];
  labels: bigint[];
  extras: Rational[];
  /** g = ⌈√(N/log₂N)⌉ points per group, m = ⌈N/g⌉ groups, ρ = LEN(⌊R⌋), c = LEN(C). */
  g: number;
  m: number;
  rho: number;
  c: number;
  floorR: bigint;
  C: bigint;
  groups: C1PaperGroup[];
  /** The paper's depth formulas for this call: Lemma G.3 3m + 2, Lemma G.6 3g·max{ρ,c} + 2g + 2. */
  depthG3: number;
  depthG6: number;
}

/** The paper's group size ⌈√(N/log₂N)⌉ (eq. (99), p. 29); 1 for N = 1. */
export function paperGroupSize(N: number): number {
  if (N < 2) return 1;
  return Math.ceil(Math.sqrt(N / Math.log2(N)));
}

/**
 * Lays out Lemma C.1's Stage II at the paper's constants. Throws a RangeError naming the hypothesis
 * when a point is below 2, two points (or extras) are closer than 2, a point's floor exceeds ⌊R⌋ or a
 * label is outside [0, C].
 */
export function planLemmaC1Paper(points: Rational[], labels: bigint[], extras: Rational[], k: { floorR: bigint; C: bigint }): C1PaperPlan {
  if (points.length !== labels.length || points.length === 0) throw new RangeError("Lemma C.1: one label per point, at least one point");
  const order = points.map((_, i) => i).sort((i, j) => cmpQ(points[i]!, points[j]!));
  const xs = order.map((i) => points[i]!);
  const ys = order.map((i) => labels[i]!);
  const all = [...xs, ...extras].sort(cmpQ);
  const two = Rational.of(2);
  for (let i = 0; i < all.length; i++) {
    if (all[i]!.lt(two)) throw new RangeError(`Lemma C.1: point ${all[i]} is below 2`);
    if (i > 0 && all[i]!.sub(all[i - 1]!).lt(two)) throw new RangeError(`Lemma C.1: points ${all[i - 1]} and ${all[i]} are closer than 2`);
    if (all[i]!.floor() > k.floorR) throw new RangeError(`Lemma C.1: point ${all[i]} is above R (⌊R⌋ = ${k.floorR})`);
  }
  for (const y of ys) if (y < 0n || y > k.C) throw new RangeError(`Lemma C.1: label ${y} is outside [0, C = ${k.C}]`);
  const P = xs.length;
  const rho = len(k.floorR);
  const c = len(k.C);
  const g = Math.min(paperGroupSize(P), P);
  const m = Math.ceil(P / g);
  const groups: C1PaperGroup[] = [];
  for (let j = 0; j < m; j++) {
    let u = 0n;
    let w = 0n;
    for (let i = 0; i < g; i++) {
      const idx = j * g + i;
      u = (u << BigInt(rho)) + (idx < P ? xs[idx]!.floor() : 0n);
      w = (w << BigInt(c)) + (idx < P ? ys[idx]! : 0n);
    }
    const last = Math.min((j + 1) * g, P) - 1;
    groups.push({ a: xs[j * g]!.floor(), b: xs[last]!.add(Rational.ONE).floor(), u, w });
  }
  const depthG3 = 3 * m + 2;
  const depthG6 = 3 * g * Math.max(rho, c) + 2 * g + 2;
  return { points: xs, labels: ys, extras: [...extras], g, m, rho, c, floorR: k.floorR, C: k.C, groups, depthG3, depthG6 };
}

/** Registers of the paper's Lemma C.1 chamber: x, out and twelve scratch registers (all 0 on entry and exit). */
export interface C1PaperRegisters {
  x: number;
  out: number;
  /** Stage III streams: the two G.4 coordinates, the probe bits, the extracted segment. */
  u: { z1: number; z2: number; a: number; p: number; seg: number };
  w: { z1: number; z2: number; a: number; p: number; seg: number };
  r1: number;
  r2: number;
}

export function c1PaperRegisters(x: number, out: number, free: number[]): C1PaperRegisters {
  if (free.length < 12) throw new Error("Lemma C.1 needs 12 scratch registers");
  const f = free;
  return { x, out, u: { z1: f[0]!, z2: f[1]!, a: f[2]!, p: f[3]!, seg: f[4]! }, w: { z1: f[5]!, z2: f[6]!, a: f[7]!, p: f[8]!, seg: f[9]! }, r1: f[10]!, r2: f[11]! };
}

/**
 * Lemma G.3 (p. 37), F2u and F2w in parallel: 3m + 2 blocks. Stage II accumulates u_j into u.seg and
 * w_j into w.seg (the registers that eq. (161)'s H reads next); s1, s2, t live in r1, r2, u.a.
 * Returns the number of blocks emitted.
 */
export function emitLemmaG3(ch: Chamber, regs: C1PaperRegisters, plan: C1PaperPlan, label: string): number {
  const start = ch.layers.length;
  const [s1, s2, t] = [regs.r1, regs.r2, regs.u.a];
  const [accU, accW] = [regs.u.seg, regs.w.seg];
  ch.identity(`${label} Lemma G.3 input layer H: x ↦ (x, 0) (the identity in residual form; kept for the paper's depth 3m + 2, p. 37)`);
  plan.groups.forEach((gr, j) => {
    ch.block(`${label} Lemma G.3 group ${j}: s1 := σ(a_j − x), s2 := σ(x − b_j), [a_j, b_j] = [${gr.a}, ${gr.b}]  [Lemma G.2 layer 1, p. 37]`, [
      unit([[regs.x, -1]], gr.a, [[s1, 1]]),
      unit([[regs.x, 1]], -gr.b, [[s2, 1]]),
    ]);
    ch.block(`${label} Lemma G.3 group ${j}: t := σ(1 − 2s1 − 2s2); clear s1, s2  [Lemma G.2 layer 2]`, [unit([[s1, -2], [s2, -2]], 1, [[t, 1]]), clear(s1), clear(s2)]);
    ch.block(`${label} Lemma G.3 group ${j}: (y_u, y_w) += (u_j, w_j)·t; clear t  [eq. (152)]`, [unit([[t, 1]], 0, [[accU, gr.u], [accW, gr.w], [t, -1]])]);
  });
  ch.identity(`${label} Lemma G.3 output layer: (u, w) (the identity in residual form; kept for the paper's depth 3m + 2)`);
  return ch.layers.length - start;
}

type Stream = C1PaperRegisters["u"];

/** One Lemma G.4 bit step (p. 37) in three blocks for the active streams; see the file header. */
function emitBitStep(ch: Chamber, active: { s: Stream; L: number; weight: Rational }[], label: string): void {
  const probe: Unit[] = [];
  const xorPsi1: Unit[] = [];
  const psi2: Unit[] = [];
  for (const { s, L, weight } of active) {
    const S = 1n << BigInt(L + 2);
    const half = S / 2n;
    probe.push(unit([[s.z1, 1]], -half - 1n, [[s.a, 1]]), unit([[s.z1, 1]], -half - 2n, [[s.a, -1]]));
    probe.push(unit([[s.z2, 1], [s.z1, -1]], 0, [[s.p, 1]]), unit([[s.z2, 1], [s.z1, -1]], -1, [[s.p, -1]]));
    // seg += ω·XOR(a, p); then a, p are replaced by ψ's first layer σ(4Z − 2S) for Z1, Z2
    xorPsi1.push(unit([[s.a, 1], [s.p, -1]], 0, [[s.seg, weight]]), unit([[s.p, 1], [s.a, -1]], 0, [[s.seg, weight]]));
    xorPsi1.push(clear(s.a), clear(s.p));
    xorPsi1.push(unit([[s.z1, 4]], -2n * S, [[s.a, 1]]), unit([[s.z2, 4]], -2n * S, [[s.p, 1]]));
    // ψ's second layer: Z := σ(2Z − σ(4Z − 2S)); clear the temporaries
    for (const [z, q] of [[s.z1, s.a], [s.z2, s.p]] as const) {
      psi2.push(unit([[z, 2], [q, -1]], 0, [[z, 1]]), clear(z), clear(q));
    }
  }
  ch.block(`${label} probe: a := [z1 > 1/2], p := [z2 > z1] (exact steps, Z = 2^(L+2)·z)  [Lemma G.4, p. 37]`, probe);
  ch.block(`${label} seg += ω·XOR(a, p); (a, p) := σ(4Z − 2^(L+3)) for Z1, Z2  [Lemma G.4; ψ layer 1 with σ(2z) = 2z on z ≥ 0]`, xorPsi1);
  ch.block(`${label} Z := σ(2Z − σ(4Z − 2^(L+3))) = ψ(Z)  [Lemma G.4; ψ layer 2]`, psi2);
}

/**
 * Lemma G.6 (p. 38–39): 3g·max{ρ, c} + 2g + 2 blocks. Reads u, w from u.seg, w.seg (Stage II's output);
 * adds the label of x to `out`; every scratch register is 0 at the end. Returns the number of blocks.
 */
export function emitLemmaG6(ch: Chamber, regs: C1PaperRegisters, plan: C1PaperPlan, label: string): number {
  const start = ch.layers.length;
  const { g, rho, c } = plan;
  const Lu = g * rho;
  const Lw = g * c;
  // H (eq. (161)): the G.4 encodings (u/2^L + 2^{−L−1}, u/2^L + 2^{−L−2}) scaled by 2^{L+2}: (4u + 2, 4u + 1)
  ch.block(
    `${label} Lemma G.6 H: (Z_u1, Z_u2, Z_w1, Z_w2) := (4u + 2, 4u + 1, 4w + 2, 4w + 1), the eq. (161) encodings scaled by 2^(L+2); clear u, w`,
    [
      unit([[regs.u.seg, 1]], 0, [[regs.u.z1, 4], [regs.u.z2, 4], [regs.u.seg, -1]]),
      unit([[regs.w.seg, 1]], 0, [[regs.w.z1, 4], [regs.w.z2, 4], [regs.w.seg, -1]]),
    ],
    [[regs.u.z1, 2], [regs.u.z2, 1], [regs.w.z1, 2], [regs.w.z2, 1]],
  );
  const steps = Math.max(rho, c);
  const big = -(1n << BigInt(c + 2));
  for (let i = 0; i < g; i++) {
    for (let j = 0; j < steps; j++) {
      const active: { s: Stream; L: number; weight: Rational }[] = [];
      if (j < rho) active.push({ s: regs.u, L: Lu, weight: R(1n << BigInt(rho - 1 - j)) });
      if (j < c) active.push({ s: regs.w, L: Lw, weight: R(1n << BigInt(c - 1 - j)) });
      emitBitStep(ch, active, `${label} Lemma G.6 slot ${i} bit ${j}:`);
    }
    ch.block(`${label} Lemma G.6 slot ${i}: r1 := σ(u_i − x), r2 := σ(x − u_i − 1), u_i = BIN_{iρ+1:(i+1)ρ}(u)  [Lemma G.5 layer 1, p. 38]`, [
      unit([[regs.u.seg, 1], [regs.x, -1]], 0, [[regs.r1, 1]]),
      unit([[regs.x, 1], [regs.u.seg, -1]], -1, [[regs.r2, 1]]),
    ]);
    ch.block(
      `${label} Lemma G.6 slot ${i}: out += σ(w_i − 2^(c+2)·(r1 + r2)), w_i = BIN_{ic+1:(i+1)c}(w) (eq. (163), not eq. (153)'s BIN_{ρi+1:ρ(i+1)}(w)); clear r1, r2, u_i, w_i  [Lemma G.5 layer 2 merged into F^y, eq. (158)]`,
      [unit([[regs.w.seg, 1], [regs.r1, big], [regs.r2, big]], 0, [[regs.out, 1]]), clear(regs.r1), clear(regs.r2), clear(regs.u.seg), clear(regs.w.seg)],
    );
  }
  ch.block(`${label} Lemma G.6 G: output y (clear the four G.4 coordinates)`, [regs.u.z1, regs.u.z2, regs.w.z1, regs.w.z2].map(clear));
  return ch.layers.length - start;
}

/** Stages II and III of Lemma C.1 on a chamber whose register `x` already holds Stage I's value. */
export function emitLemmaC1Paper(ch: Chamber, regs: C1PaperRegisters, plan: C1PaperPlan, label: string): { g3: number; g6: number } {
  const g3 = emitLemmaG3(ch, regs, plan, label);
  const g6 = emitLemmaG6(ch, regs, plan, label);
  return { g3, g6 };
}

/**
 * Lemma F.1 (p. 34–35, Theorem F.1's bounded-bit-complexity memorizer): the N sorted labelled points are
 * cut into ⌈N/B²⌉ consecutive subsets of B² points; each subset gets its own Lemma C.1 network (Stages
 * II–III at the same constants) with label 0 at every other point — all other labelled points and the
 * extras — and the sub-networks' outputs are summed (eq. (140)). Each sub-network packs only the
 * ⌈√(B²/log₂B²)⌉ points of one group into a weight, so the bit complexity is about √(B²/log B²)·max{ρ, c}
 * instead of √(N/log N)·max{ρ, c}. In residual form the sum needs no extra register (the paper's
 * width 13 = 12 + the running sum): every sub-network adds into `out`.
 * Returns the sub-plans and the blocks emitted for Lemmas G.3 and G.6 in total.
 */
export function emitLemmaF1(
  ch: Chamber,
  regs: C1PaperRegisters,
  points: Rational[],
  labels: bigint[],
  extras: Rational[],
  k: { floorR: bigint; C: bigint },
  B: number,
  label: string,
): { plans: C1PaperPlan[]; g3: number; g6: number } {
  if (!Number.isSafeInteger(B) || B < 1) throw new RangeError("Lemma F.1: B must be a positive integer");
  const order = points.map((_, i) => i).sort((i, j) => cmpQ(points[i]!, points[j]!));
  const size = B * B;
  const plans: C1PaperPlan[] = [];
  let g3 = 0;
  let g6 = 0;
  for (let s = 0; s * size < order.length; s++) {
    const idx = order.slice(s * size, (s + 1) * size);
    const inSubset = new Set(idx);
    const others = order.filter((i) => !inSubset.has(i)).map((i) => points[i]!);
    const plan = planLemmaC1Paper(idx.map((i) => points[i]!), idx.map((i) => labels[i]!), [...others, ...extras], k);
    const b = emitLemmaC1Paper(ch, regs, plan, `${label} Lemma F.1 subset ${s}:`);
    plans.push(plan);
    g3 += b.g3;
    g6 += b.g6;
  }
  return { plans, g3, g6 };
}
