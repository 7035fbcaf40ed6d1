/**
 * The claims registry: every lemma, theorem precondition and stated bound memcap implements is a
 * claim with an id (`ks.lemma-B.2`, `mahdavi.prop-2`, `dana.cor-1`, …), the statement in words, a
 * fast-check arbitrary of valid inputs and a checker that decides the claim on one input.
 *
 * `searchCounterexample` runs the checker on random inputs (seeded) and, when it fails, lets
 * fast-check shrink the input to a minimal instance. Claims whose literal paper statement is known
 * to fail are registered with `expected: "fails"` and a `knownCounterexample`, and memcap's
 * constructions use a repaired step (the claim's `repair` says which).
 *
 * @example
 *   const r = searchCounterexample(getClaim("dana.prop-2"), { runs: 100, seed: 1 });
 *   r.found // false: no violation in 100 random inputs
 */
import fc from "fast-check";
import type { PaperId } from "../papers.ts";

/** The paper a claim comes from (src/papers.ts), memcap for claims about its own kernel, user for a claim from a user's module (`memcap claims --from`). */
export type Paper = PaperId | "memcap" | "user";

/** What a checker says about one input. `detail` explains a failure in words (which step, which values). */
export interface ClaimOutcome {
  holds: boolean;
  detail?: string;
}

export interface Claim<T = unknown> {
  id: string;
  paper: Paper;
  /** Where in the paper: "Lemma B.2", "Proposition 2", "Theorem 4.3 (final form)". */
  source: string;
  /** The statement, in words, as memcap checks it. */
  statement: string;
  /** Valid inputs for the statement (its preconditions hold on every generated value). */
  arbitrary: fc.Arbitrary<T>;
  check: (input: T) => ClaimOutcome;
  /** The input in words, for printing a counterexample. Defaults to JSON. */
  describe?: (input: T) => string;
  /**
   * "holds": memcap expects no counterexample; "fails": the literal statement is known to be false;
   * "open": a search target nobody has settled (an open question or a conjecture about a construction):
   * a search reports "searched, none found, budget B" or the object it found.
   */
  expected: "holds" | "fails" | "open";
  /** A recorded counterexample (minimized), replayed as a regression test. */
  knownCounterexample?: { input: T; seed: number; note: string };
  /** For claims that fail: the repaired step memcap's construction uses instead (claim id or words). */
  repair?: string;
  /** Default number of random inputs for the quick run (the test suite and `memcap claims --run`). */
  quickRuns?: number;
}

export interface SearchResult<T = unknown> {
  claimId: string;
  found: boolean;
  runs: number;
  seed: number;
  shrinks: number;
  counterexample?: T;
  detail?: string;
  /** When the checker threw instead of answering: the error, which is a bug in the claim or the code. */
  error?: string;
}

/** Wraps a claim so every registered claim has the same (erased) type. */
export function defineClaim<T>(claim: Claim<T>): Claim<unknown> {
  return claim as unknown as Claim<unknown>;
}

/**
 * Searches for a violation of `claim` on `runs` random inputs drawn with `seed`; a violation is
 * shrunk to a minimal one. A checker that throws counts as a failure with `error` set.
 */
export function searchCounterexample<T>(claim: Claim<T>, opts: { runs: number; seed: number }): SearchResult<T> {
  let lastDetail: string | undefined;
  const property = fc.property(claim.arbitrary, (input) => {
    const out = claim.check(input);
    if (!out.holds) lastDetail = out.detail;
    return out.holds;
  });
  const r = fc.check(property, { numRuns: opts.runs, seed: opts.seed, endOnFailure: false });
  if (!r.failed) return { claimId: claim.id, found: false, runs: r.numRuns, seed: opts.seed, shrinks: 0 };
  const ce = r.counterexample?.[0] as T;
  let detail: string | undefined;
  let error: string | undefined;
  try {
    const out = claim.check(ce);
    detail = out.detail ?? lastDetail;
  } catch (e) {
    error = (e as Error).message;
  }
  return { claimId: claim.id, found: true, runs: r.numRuns, seed: opts.seed, shrinks: r.numShrinks, counterexample: ce, detail, error };
}

/** JSON with bigints (and anything with toJSON) made printable. */
export function claimInputToJson(v: unknown): unknown {
  return JSON.parse(JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? x.toString() : x)));
}
