/**
 * Bit extraction with ReLUs — Kajitsuka & Sato, Lemma G.4 (after Vardi, Yehudai & Shamir 2022,
 * Lemma A.7), with Telgarsky's tent map ψ(z) = σ(σ(2z) − σ(4z − 2)).
 *
 * Encoding of an L-bit integer u (digest §(c)):  z1 = u/2^L + 2^{−L−1},  z2 = u/2^L + 2^{−L−2}.
 * With t = ψ^{(k−1)}(z1), s = ψ^{(k−1)}(z2):
 *     bit_k(u) = XOR([t > ½], [t < s])          ([t < s] is the parity of bits 1…k−1)
 * where the indicators are exact two-ReLU steps step_K(τ) = σ(Kτ) − σ(Kτ − 1) (= 1 for τ ≥ 1/K,
 * = 0 for τ ≤ 0) with K₁ = 2^{L+1} for τ = t − ½ (|t − ½| ≥ 2^{−L−1}) and K₂ = 2^{L+2} for
 * τ = s − t (|s − t| = 2^{k−L−3}·2 ≥ 2^{−L−2}), and XOR(a, b) = σ(a − b) + σ(b − a) on {0,1}.
 * Constants: bit complexity L + 3 (the steps' K), the tent map's weights 2 and 4.
 *
 In the chamber the registers hold Z = S·z with S = 2^{L+2} (the same network up to a rescaling of
 * two coordinates), so that every weight and every value is an integer: the encoding is
 * (Z1, Z2) = (4u + 2, 4u + 1), the margins become |Z1 − S/2| ≥ 2 and |Z2 − Z1| ≥ 1, the steps
 * step(Z1 − S/2 − 1) and step(Z2 − Z1) with K = 1, and ψ becomes Z ↦ 2Z − σ(4Z − 2S). One bit costs two
 * residual blocks per stream (6 hidden units each):
 *   probe: a := σ(Z1 − S/2 − 1) − σ(Z1 − S/2 − 2), p := σ(Z2 − Z1) − σ(Z2 − Z1 − 1)   (old a, p cleared here)
 *   emit : seg += ω·XOR(a, p);  Z := Z + σ(Z) − σ(4Z − 2S)                            (ψ, one block)
 * The one-block ψ equals Telgarsky's two-layer ψ on [0, 1] because σ(2z) = 2z ≥ σ(4z − 2) there, and the
 * scaled extraction equals the literal one (`bitSegmentScaled` = `bitSegment`): both property-tested.
 *
 * @example
 *   bitSegment(0b101101n, 6, 2, 4) // 0b011n
 */
import { Rational } from "../../src/numbers/rational.ts";
import { Chamber, clear, unit, type Unit } from "./chamber.ts";

const ZERO = Rational.ZERO;
const HALF = Rational.of(1, 2);

/** σ_R. @example relu(q(-1)) // 0 */
export function relu(z: Rational): Rational {
  return z.sign() > 0 ? z : ZERO;
}

/** Telgarsky's tent map ψ(z) = σ(σ(2z) − σ(4z − 2)), literally (two ReLU layers). @example tentMap(q("1/4")) // 1/2 */
export function tentMap(z: Rational): Rational {
  return relu(relu(z.mulPow2(1)).sub(relu(z.mulPow2(2).sub(Rational.of(2)))));
}

/** The one-residual-block form z + σ(z) − σ(4z − 2) used in the chamber (equals ψ on [0,1]). */
export function tentMapResidual(z: Rational): Rational {
  return z.add(relu(z)).sub(relu(z.mulPow2(2).sub(Rational.of(2))));
}

/** Exact step: σ(Kτ) − σ(Kτ − 1); 1 when τ ≥ 1/K, 0 when τ ≤ 0. @example stepUnit(q("1/8"), 8n) // 1 */
export function stepUnit(tau: Rational, K: bigint): Rational {
  const kt = tau.mul(Rational.fromBigInt(K));
  return relu(kt).sub(relu(kt.sub(Rational.ONE)));
}

/** XOR on {0,1}: σ(a − b) + σ(b − a). @example xorUnit(q(1), q(0)) // 1 */
export function xorUnit(a: Rational, b: Rational): Rational {
  return relu(a.sub(b)).add(relu(b.sub(a)));
}

/** The pair (z1, z2) encoding an L-bit integer for the tent-map extraction. */
export function bitEncoding(u: bigint, L: number): [Rational, Rational] {
  const base = Rational.of(u, 1n << BigInt(L));
  return [base.add(Rational.of(1n, 1n << BigInt(L + 1))), base.add(Rational.of(1n, 1n << BigInt(L + 2)))];
}

/** The step constants K₁ = 2^{L+1}, K₂ = 2^{L+2} of Lemma G.4 for an L-bit stream. */
export function stepConstants(L: number): [bigint, bigint] {
  return [1n << BigInt(L + 1), 1n << BigInt(L + 2)];
}

/**
 * Lemma G.4, as arithmetic: BIN_{i:j}(u), bits i…j (1-indexed from the most significant of L bits),
 * computed only with ψ, exact steps and XOR on the encoding (z1, z2).
 * @example bitSegment(0b101101n, 6, 1, 3) // 0b101n
 */
export function bitSegment(u: bigint, L: number, i: number, j: number): bigint {
  let [z1, z2] = bitEncoding(u, L);
  const [K1, K2] = stepConstants(L);
  let acc = 0n;
  for (let k = 1; k <= j; k++) {
    const a = stepUnit(z1.sub(HALF), K1);
    const p = stepUnit(z2.sub(z1), K2);
    const b = xorUnit(a, p);
    if (k >= i) acc = 2n * acc + b.floor();
    z1 = tentMap(z1);
    z2 = tentMap(z2);
  }
  return acc;
}

/**
 * Lemma G.4 in the chamber's integer coordinates Z = 2^{L+2}·z (see the header); must equal `bitSegment`.
 * @example bitSegmentScaled(0b101101n, 6, 2, 4) // 0b011n
 */
export function bitSegmentScaled(u: bigint, L: number, i: number, j: number): bigint {
  const S = 1n << BigInt(L + 2);
  const r = (v: bigint) => (v > 0n ? v : 0n);
  let Z1 = 4n * u + 2n;
  let Z2 = 4n * u + 1n;
  let acc = 0n;
  for (let k = 1; k <= j; k++) {
    const a = r(Z1 - S / 2n - 1n) - r(Z1 - S / 2n - 2n);
    const p = r(Z2 - Z1) - r(Z2 - Z1 - 1n);
    const b = r(a - p) + r(p - a);
    if (k >= i) acc = 2n * acc + b;
    Z1 = Z1 + r(Z1) - r(4n * Z1 - 2n * S);
    Z2 = Z2 + r(Z2) - r(4n * Z2 - 2n * S);
  }
  return acc;
}

/** The Stage II encoding in chamber coordinates: (Z1, Z2) = (4u + 2, 4u + 1). */
export function scaledEncoding(u: bigint): [bigint, bigint] {
  return [4n * u + 2n, 4n * u + 1n];
}

/** Registers of one extraction stream inside a chamber. */
export interface StreamRegisters {
  z1: number;
  z2: number;
  a: number;
  p: number;
  seg: number;
}

/** One stream's part of a bit step: its length L and the weight ω of the extracted bit in `seg` (null: idle this step). */
export interface StreamStep {
  regs: StreamRegisters;
  L: number;
  weight: Rational | null;
}

/**
 * Emits the two residual blocks of one Lemma G.4 bit step for every active stream (in parallel):
 * probe (6 units per stream) then emit (6 units per stream), in the integer coordinates Z = 2^{L+2}·z.
 */
export function emitTentBitStep(ch: Chamber, steps: StreamStep[], label: string): void {
  const active = steps.filter((s) => s.weight !== null);
  if (active.length === 0) return;
  const probe: Unit[] = [];
  const emit: Unit[] = [];
  for (const { regs: g, L, weight } of active) {
    const S = 1n << BigInt(L + 2);
    const half = S / 2n;
    // a := [z1 > 1/2] = σ(Z1 − S/2 − 1) − σ(Z1 − S/2 − 2);  p := [z2 > z1] = σ(Z2 − Z1) − σ(Z2 − Z1 − 1)
    probe.push(unit([[g.z1, 1]], -half - 1n, [[g.a, 1]]));
    probe.push(unit([[g.z1, 1]], -half - 2n, [[g.a, -1]]));
    probe.push(unit([[g.z2, 1], [g.z1, -1]], 0, [[g.p, 1]]));
    probe.push(unit([[g.z2, 1], [g.z1, -1]], -1, [[g.p, -1]]));
    probe.push(clear(g.a), clear(g.p));
    // seg += ω·XOR(a, p); Z := ψ(Z) = Z + σ(Z) − σ(4Z − 2S)
    emit.push(unit([[g.a, 1], [g.p, -1]], 0, [[g.seg, weight!]]));
    emit.push(unit([[g.p, 1], [g.a, -1]], 0, [[g.seg, weight!]]));
    for (const z of [g.z1, g.z2]) {
      emit.push(unit([[z, 1]], 0, [[z, 1]]));
      emit.push(unit([[z, 4]], -2n * S, [[z, -1]]));
    }
  }
  ch.block(`${label} probe: a := [z1 > 1/2], p := [z2 > z1] (exact steps, Z = 2^(L+2)·z)  [Lemma G.4]`, probe);
  ch.block(`${label} emit: seg += w·XOR(a, p); Z := ψ(Z) = 2Z − σ(4Z − 2^(L+3))  [Lemma G.4]`, emit);
}
