/**
 * A "chamber" is a fixed set of named registers (the token's coordinates, width ≤ 14) through which
 * a stack of residual FFN blocks (eq. (3) of Kajitsuka & Sato, IR layer "ffn")
 *
 *     x ↦ x + W2·ReLU(W1·x + b1) + b2
 *
 * runs a small program, tracr-style. Every block is written as a list of hidden units, each
 * "unit = ReLU(Σ cᵢ·regᵢ + bias)" together with the registers it adds itself to (with a coefficient),
 * and the block records the formula it implements as its IR `name`. A plain ReLU layer is emulated
 * inside residual blocks by two conventions that every emitter in this folder keeps:
 *   - a scratch register is 0 when a program step starts using it, and is 0 again when it is done;
 *   - a register known to be ≥ 0 is cleared by the unit ReLU(reg) added to itself with coefficient −1
 *     (ReLU(reg) = reg), which is how "overwrite" is spelled in residual form.
 *
 * @example
 *   const ch = new Chamber(3);
 *   ch.block("r2 := ReLU(r0 − r1)", [unit([[0, 1], [1, -1]], 0, [[2, 1]])]);
 *   ch.layers[0].type // "ffn"
 */
import { Rational } from "../../src/numbers/rational.ts";
import type { Layer } from "../../src/ir/network.ts";

export type Num = Rational | bigint | number;
export const R = (v: Num): Rational => (v instanceof Rational ? v : typeof v === "bigint" ? Rational.fromBigInt(v) : Rational.fromNumber(v));

/** One hidden unit of a residual block: h = ReLU(Σ terms + bias), then reg += coef·h for each `out`. */
export interface Unit {
  terms: [number, Rational][];
  bias: Rational;
  out: [number, Rational][];
}

/** Builds a hidden unit. @example unit([[0, 2]], -1, [[1, 1]]) // r1 += ReLU(2·r0 − 1) */
export function unit(terms: [number, Num][], bias: Num, out: [number, Num][]): Unit {
  return { terms: terms.map(([r, c]) => [r, R(c)]), bias: R(bias), out: out.map(([r, c]) => [r, R(c)]) };
}

/** The unit that clears a register known to be ≥ 0 (reg −= ReLU(reg)). @example clear(3) */
export function clear(reg: number): Unit {
  return unit([[reg, 1]], 0, [[reg, -1]]);
}

/** The unit that adds a register known to be ≥ 0 to others (copy/move in residual form). */
export function copyUnit(from: number, to: [number, Num][]): Unit {
  return unit([[from, 1]], 0, to);
}

export class Chamber {
  readonly layers: Layer[] = [];
  constructor(
    readonly width: number,
    readonly maxHidden = width,
  ) {}

  /** Emits one residual FFN block; `shift` is b2 (constants added to registers). Empty blocks are skipped. */
  block(formula: string, units: Unit[], shift: [number, Num][] = []): void {
    if (units.length === 0 && shift.length === 0) return;
    if (units.length > this.maxHidden) throw new Error(`block "${formula}" needs ${units.length} hidden units (> ${this.maxHidden})`);
    const w = this.width;
    const h = Math.max(units.length, 1);
    const W1 = Array.from({ length: h }, () => new Array<string>(w).fill("0"));
    const b1 = new Array<string>(h).fill("0");
    const W2 = Array.from({ length: w }, () => new Array<string>(h).fill("0"));
    const b2 = new Array<string>(w).fill("0");
    units.forEach((u, j) => {
      for (const [r, c] of u.terms) W1[j]![r] = Rational.parse(W1[j]![r]!).add(c).toString();
      b1[j] = u.bias.toString();
      for (const [r, c] of u.out) W2[r]![j] = Rational.parse(W2[r]![j]!).add(c).toString();
    });
    for (const [r, c] of shift) b2[r] = Rational.parse(b2[r]!).add(R(c)).toString();
    this.layers.push({ type: "ffn", W1, b1, W2, b2, name: formula });
  }

  /**
   * Emits an all-zero residual block (one hidden unit): the identity. Used only where a construction
   * reproduces a paper's layer count and that layer does nothing in residual form (its formula says so).
   */
  identity(formula: string): void {
    const w = this.width;
    this.layers.push({
      type: "ffn",
      W1: [new Array<string>(w).fill("0")],
      b1: ["0"],
      W2: Array.from({ length: w }, () => ["0"]),
      b2: new Array<string>(w).fill("0"),
      name: formula,
    });
  }
}
