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
 * In residual form one bit costs two blocks per stream (6 hidden units each):
 *   probe: a := step_{K₁}(z1 − ½), p := step_{K₂}(z2 − z1)         (old a, p cleared in the same block)
 *   emit : seg += ω·XOR(a, p);  z1 := ψ(z1), z2 := ψ(z2)
 * where ψ on [0, 1] is applied in one residual block as z += σ(z) − σ(4z − 2) (equal to Telgarsky's
 * two-layer ψ there because σ(2z) = 2z ≥ σ(4z − 2) on [0,1]; property-tested).
 *
 * @example
 *   bitSegment(0b101101n, 6, 2, 4) // 0b011n
 */
import { Rational } from "../../src/numbers/rational.ts";
import { Chamber, R, clear, unit, type Unit } from "./chamber.ts";

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
 * probe (6 units per stream) then emit (6 units per stream).
 */
export function emitTentBitStep(ch: Chamber, steps: StreamStep[], label: string): void {
  const active = steps.filter((s) => s.weight !== null);
  if (active.length === 0) return;
  const probe: Unit[] = [];
  const emit: Unit[] = [];
  for (const { regs: g, L, weight } of active) {
    const [K1, K2] = stepConstants(L);
    const k1 = R(K1);
    const k2 = R(K2);
    // a := step_{K1}(z1 − ½), p := step_{K2}(z2 − z1); the previous step's a, p are cleared here
    probe.push(unit([[g.z1, k1]], k1.mul(HALF).neg(), [[g.a, 1]]));
    probe.push(unit([[g.z1, k1]], k1.mul(HALF).neg().sub(Rational.ONE), [[g.a, -1]]));
    probe.push(unit([[g.z2, k2], [g.z1, k2.neg()]], 0, [[g.p, 1]]));
    probe.push(unit([[g.z2, k2], [g.z1, k2.neg()]], -1, [[g.p, -1]]));
    probe.push(clear(g.a), clear(g.p));
    // seg += ω·XOR(a, p); z := ψ(z) = z + σ(z) − σ(4z − 2)
    emit.push(unit([[g.a, 1], [g.p, -1]], 0, [[g.seg, weight!]]));
    emit.push(unit([[g.p, 1], [g.a, -1]], 0, [[g.seg, weight!]]));
    for (const z of [g.z1, g.z2]) {
      emit.push(unit([[z, 1]], 0, [[z, 1]]));
      emit.push(unit([[z, 4]], -2, [[z, -1]]));
    }
  }
  ch.block(`${label} probe: a := step(z1 − 1/2), p := step(z2 − z1)  [Lemma G.4]`, probe);
  ch.block(`${label} emit: seg += w·XOR(a, p); z := ψ(z)  [Lemma G.4]`, emit);
}
