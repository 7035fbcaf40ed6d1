/**
 * Where the core (check.ts) gets the values it decides claims on: enclosures of a network's outputs
 * (or of a named intermediate) on one example, through ONE small interface, `EnclosureSource`.
 *
 * The core's only requirement of a source: every enclosure it returns contains the true real value.
 * `referenceSource` below is the core's own source — exact arithmetic (exact.ts) for networks
 * without softmax, decimal intervals (interval.ts) at P digits otherwise — and with it the checker is
 * sound by itself (`--decimal-only`). The accelerator (accelerate.ts: float64 fast path, precision
 * escalation) implements the same interface and falls back to this one whenever it cannot settle.
 *
 * @example
 *   const src = referenceSource(checked, 30);
 *   src.values(0, "outputs", () => false) // [[{ lo, hi }, …]] one list per read position
 */
import { MAX_PRECISION_DIGITS } from "../src/certificate/format.ts";
import type { Rational } from "../src/numbers/rational.ts";
import { Evaluator } from "./evaluate.ts";
import { exactArith, toRationals } from "./exact.ts";
import { intervalArith, type Iv } from "./interval.ts";
import { Undecided, type Checked } from "./validate.ts";

/** The largest interval precision the checker accepts (certificate or --precision), from the format. */
export { MAX_PRECISION_DIGITS };

/** How a claim was decided (check.ts adds the claim's id and kind). */
export interface Decision {
  status: "verified" | "rejected" | "inconclusive";
  detail: string;
  example?: number;
  computed?: string;
  claimed?: string;
  neededDigits?: number;
}

/** An enclosure [lo, hi] of rationals (lo = hi when evaluated exactly). */
export type Enc = { lo: Rational; hi: Rational };

/**
 * What is enclosed on example i: the network's outputs (one list per read position), or the
 * attention mixtures of layer `mixtures` (one list: the rank claim's matrix row, evaluate.ts).
 */
export type Tap = "outputs" | { mixtures: number };

export interface EnclosureSource {
  /**
   * Enclosures of `what` on example i, or Undecided (e.g. an undecided hardmax). `enough` says when
   * an enclosure suffices for the caller: a source may return a cheaper one that `enough` accepts;
   * when none does it returns its reference enclosure (so `() => false` asks for the reference).
   */
  values(i: number, what: Tap, enough: (v: Enc[][]) => boolean): Enc[][] | Undecided;
  /** Advisory only (never changes a verdict): digits at which `enough` would hold on example i. */
  neededDigits(i: number, what: Tap, enough: (v: Enc[][]) => boolean): number | undefined;
  /** How many examples needed the reference (decimal) arithmetic: the report's `decimalExamples`. */
  referenceExamples(): number;
}

const key = (i: number, what: Tap) => (what === "outputs" ? `o${i}` : `m${what.mixtures}:${i}`);

/** Evaluates `what` on example i with an evaluator, as enclosures. */
export function tapOf<V>(e: Evaluator<V, unknown, unknown>, i: number, what: Tap, toEnc: (v: V) => Enc[]): Enc[][] {
  return what === "outputs" ? e.outputs(i).map(toEnc) : [e.mixtures(i, what.mixtures).flatMap(toEnc)];
}

/** Softmax and layernorm (a square root) have no exact value: such networks need interval arithmetic. */
export const needsIntervals = (c: Checked): boolean => c.layers.some((L) => (L.type === "attention" && L.attention === "softmax") || L.type === "layernorm");

/** The reference enclosures at P digits (exact when the network needs no intervals), cached per example. */
export function referenceAt(c: Checked, P: number): (i: number, what: Tap) => Enc[][] | Undecided {
  const softmax = needsIntervals(c);
  let f: (i: number, what: Tap) => Enc[][];
  if (softmax) {
    const A = intervalArith(P);
    const e = new Evaluator(c, A);
    f = (i, what) => tapOf(e, i, what, (v: Iv[]) => v.map((x) => ({ lo: A.toRational(x.lo), hi: A.toRational(x.hi) })));
  } else {
    const e = new Evaluator(c, exactArith());
    f = (i, what) => tapOf(e, i, what, (v) => toRationals(v).map((r) => ({ lo: r, hi: r })));
  }
  const cache = new Map<string, Enc[][] | Undecided>();
  return (i, what) => {
    const k = key(i, what);
    let v = cache.get(k);
    if (!v) {
      try {
        v = f(i, what);
      } catch (err) {
        if (!(err instanceof Undecided)) throw err;
        v = err;
      }
      cache.set(k, v);
    }
    return v;
  };
}

/** The core's own source: the reference enclosures, whatever `enough` says. */
export function referenceSource(c: Checked, P: number): EnclosureSource {
  const at = referenceAt(c, P);
  const seen = new Set<number>();
  return {
    values: (i, what) => (seen.add(i), at(i, what)),
    neededDigits: () => undefined,
    referenceExamples: () => seen.size,
  };
}
