/**
 * The one definition of a TRAINED capacity that `memcap capacity`, `memcap crosscheck` and the report's
 * training section share:
 *
 *   capacity = the largest training-set size n that was memorized 100% — some restart (best of R, not an
 *   average) classified every one of its n training examples correctly (or met the loss criterion) —
 *   among the sizes probed; `capped` when that size is the largest size the search could try, so the
 *   true capacity may be larger (printed as "n+").
 *
 * It is a float measurement of a float model, never a certificate. "Best accuracy at a size" (how
 * close the best restart came at the first size that was NOT memorized) is a different figure and is
 * always labelled as such, never called a capacity.
 *
 * @example
 *   capacityOf([{ n: 4, ok: true }, { n: 8, ok: false }], 16) // { capacity: 4, capped: false, largestTried: 8 }
 */

export interface ProbeLike {
  n: number;
  ok: boolean;
  restarts?: { correct: number; accuracy: number }[];
}

export interface CapacityFigure {
  /** largest n memorized 100% (0: not even the smallest size probed) */
  capacity: number;
  /** the memorized size is the largest the search could try: the true capacity may be larger */
  capped: boolean;
  /** largest size probed */
  largestTried: number;
}

export const CAPACITY_DEFINITION =
  "capacity = largest training-set size memorized 100% (best of the restarts: some restart classified every example correctly; float measurement); '+' = capped: the largest size tried was memorized, the true capacity may be larger";

/**
 * The capacity figure of a set of probes; `largestAllowed` is the largest size the search may try.
 * @example capacityOf([{ n: 16, ok: true }], 16).capped === true
 */
export function capacityOf(probes: readonly ProbeLike[], largestAllowed: number): CapacityFigure {
  let capacity = 0, largestTried = 0;
  for (const p of probes) {
    largestTried = Math.max(largestTried, p.n);
    if (p.ok) capacity = Math.max(capacity, p.n);
  }
  return { capacity, capped: capacity > 0 && capacity >= largestAllowed, largestTried };
}

export interface BestAccuracy {
  n: number;
  correct: number;
  accuracy: number;
}

/**
 * "Best accuracy at a size": the best restart at the smallest size NOT memorized (null when every
 * probed size was memorized). A separate, labelled figure — 35/36 is not a capacity of 35.
 * @example bestAccuracyAt([{ n: 36, ok: false, restarts: [{ correct: 35, accuracy: 35 / 36 }] }]) // { n: 36, correct: 35, … }
 */
export function bestAccuracyAt(probes: readonly ProbeLike[]): BestAccuracy | null {
  const failed = probes.filter((p) => !p.ok).sort((a, b) => a.n - b.n)[0];
  if (!failed || !failed.restarts || failed.restarts.length === 0) return null;
  const best = failed.restarts.reduce((a, b) => (b.correct > a.correct ? b : a));
  return { n: failed.n, correct: best.correct, accuracy: best.accuracy };
}

/** "24", "16+" (capped) or "0". @example formatCapacity({ capacity: 16, capped: true, largestTried: 16 }) === "16+" */
export function formatCapacity(f: { capacity: number; capped: boolean }): string {
  return `${f.capacity}${f.capped ? "+" : ""}`;
}
