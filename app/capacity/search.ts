/**
 * The capacity search: the largest number of training examples n for which a probe succeeds,
 * by an exponential phase (n = min, 2·min, 4·min, … until a failure or max) and then a binary
 * search between the last success and the first failure.
 *
 * The search ASSUMES the success predicate is monotone in n (a model that memorizes n examples of a
 * nested dataset also memorizes its first n − 1). For trained models this is a float measurement of a
 * stochastic optimizer and can fail (restarts make it less likely, not impossible). By construction every
 * probed success lies below every probed failure, so the probes cannot reveal a violation; every probe
 * is returned with its seed so that any one of them can be re-run.
 *
 * @example
 *   const r = await searchCapacity(async (n) => ({ n, ok: n <= 37 }), { min: 1, max: 1000 });
 *   r.capacity === 37 // probes 1, 2, 4, …, 64, then bisection in (32, 64)
 */

import { UserError } from "../../src/errors.ts";
import { capacityOf } from "./definition.ts";

export interface ProbeOutcome {
  n: number;
  ok: boolean;
}

export interface SearchResult<P extends ProbeOutcome> {
  /** largest n whose probe succeeded (0: none did, not even min) */
  capacity: number;
  /** true when the probe at `max` succeeded: the true capacity may be larger */
  capped: boolean;
  probes: P[];
}

/**
 * Runs the exponential-then-binary search. Each size is probed at most once.
 * @example await searchCapacity(async (n) => ({ n, ok: n < 5 }), { min: 1, max: 8 }) // capacity 4
 */
export async function searchCapacity<P extends ProbeOutcome>(probe: (n: number) => Promise<P>, range: { min: number; max: number }): Promise<SearchResult<P>> {
  const { min, max } = range;
  if (!(Number.isInteger(min) && Number.isInteger(max) && 1 <= min && min <= max)) throw new UserError(`search range must satisfy 1 ≤ min ≤ max, got [${min}, ${max}]`);
  const probes: P[] = [];
  const run = async (n: number) => {
    const p = await probe(n);
    probes.push(p);
    return p.ok;
  };
  let good = 0, bad = -1;
  for (let n = min; ; n = Math.min(max, 2 * n)) {
    if (await run(n)) {
      good = n;
      if (n === max) break;
    } else {
      bad = n;
      break;
    }
  }
  if (bad !== -1 && good !== 0) {
    while (bad - good > 1) {
      const mid = good + Math.floor((bad - good) / 2);
      if (await run(mid)) good = mid;
      else bad = mid;
    }
  }
  // the figure itself comes from the shared definition (largest size memorized 100%, capped at max)
  const { capacity, capped } = capacityOf(probes, max);
  return { capacity, capped, probes };
}
