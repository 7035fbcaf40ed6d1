/**
 * The accelerator: an `EnclosureSource` (source.ts) that is faster than the core's reference source
 * and never needed for soundness. Audit it after the core; with `decimalOnly` it is not used at all.
 *
 *  - float64 fast path (float.ts): exact arithmetic up to each softmax, float64 intervals after it.
 *    Its enclosure is returned when the caller's `enough` accepts it; otherwise (not settled,
 *    non-finite, undecided float hardmax, a weight outside the float range) the reference one is.
 *  - precision escalation, advisory only: for an INCONCLUSIVE claim, the smallest of 2P, 4P, 8P
 *    (≤ MAX_PRECISION_DIGITS) digits at which the reference enclosure would settle it.
 *
 * Networks without softmax have no fast path: the reference source is already exact.
 *
 * @example
 *   const src = acceleratedSource(checked, 20);
 *   src.values(0, "outputs", (v) => true) // the float64 enclosure of example 0's outputs
 */
import { Evaluator } from "./evaluate.ts";
import { toRationals } from "./exact.ts";
import { fastArith, toRational } from "./float.ts";
import { MAX_PRECISION_DIGITS, needsIntervals, referenceAt, referenceSource, tapOf, type Enc, type EnclosureSource, type Tap } from "./source.ts";
import { Undecided, type Checked } from "./validate.ts";

/** The float64 fast path as enclosures, or null where it fails (non-finite, undecided, out of float range). */
function fastPath(c: Checked): ((i: number, what: Tap) => Enc[][] | null) | null {
  let e: Evaluator<unknown, unknown, unknown>;
  try {
    e = new Evaluator(c, fastArith()) as Evaluator<unknown, unknown, unknown>;
  } catch (err) {
    if (err instanceof RangeError) return null;
    throw err;
  }
  const toEnc = (v: unknown): Enc[] => {
    if (!(v instanceof Float64Array)) return toRationals(v as Parameters<typeof toRationals>[0]).map((r) => ({ lo: r, hi: r }));
    if (!v.every(Number.isFinite)) throw new Undecided("non-finite float64 value");
    return Array.from({ length: v.length / 2 }, (_, k) => ({ lo: toRational(v[2 * k]!), hi: toRational(v[2 * k + 1]!) }));
  };
  return (i, what) => {
    try {
      return tapOf(e, i, what, toEnc);
    } catch (err) {
      if (err instanceof Undecided || err instanceof RangeError) return null;
      throw err;
    }
  };
}

/** The accelerated source at P digits (`progress` is called once per example the fast path evaluates). */
export function acceleratedSource(c: Checked, P: number, progress?: (done: number, total: number) => void): EnclosureSource {
  if (!needsIntervals(c)) return referenceSource(c, P);
  const reference = referenceAt(c, P);
  const fast = fastPath(c);
  const fcache = new Map<string, Enc[][] | null>();
  const decimal = new Set<number>();
  const levels = new Map<number, ReturnType<typeof referenceAt>>();
  return {
    values(i, what, enough) {
      if (fast) {
        const k = what === "outputs" ? `o${i}` : `m${what.mixtures}:${i}`;
        if (!fcache.has(k)) fcache.set(k, fast(i, what)), what === "outputs" && progress?.(fcache.size, c.sequences.length);
        const f = fcache.get(k);
        if (f && enough(f)) return f;
      }
      decimal.add(i);
      return reference(i, what);
    },
    neededDigits(i, what, enough) {
      for (let digits = 2 * P; digits <= Math.min(8 * P, MAX_PRECISION_DIGITS); digits *= 2) {
        let at = levels.get(digits);
        if (!at) levels.set(digits, (at = referenceAt(c, digits)));
        const v = at(i, what);
        if (!(v instanceof Undecided) && enough(v)) return digits;
      }
      return undefined;
    },
    referenceExamples: () => decimal.size,
  };
}
