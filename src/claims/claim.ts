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

/**
 * How a claim's check decides: "exact" (rational/integer arithmetic), "enclosed" (rigorous outward-rounded
 * intervals; a decision is made only when the enclosure decides it) or "float" (a measurement: its
 * outcomes are reported as FLOAT, never as held or refuted).
 */
export type Rigor = "exact" | "enclosed" | "float";

/**
 * The logical form of the paper's statement, which fixes what a failed check means:
 * "universal" (for all inputs …): a failing input is a counterexample;
 * "existential" (there exists a network/function …): memcap's check builds a witness, and a failure
 *   only says memcap's witness failed ("builder-failed") unless the check proves that none exists;
 * "asymptotic" (Õ, Ω, ≲ with unspecified constants): no finite check can refute it; memcap checks the
 *   finite parts (hypotheses, the construction at the stated width) and says so in the statement.
 */
export type Quantifier = "universal" | "existential" | "asymptotic";

/**
 * What a failed check established: "refuted" (a rigorous counterexample: an exact witness or a
 * certified argument that no network of the stated shape does it), "builder-failed" (memcap's own
 * construction or witness search failed on the input; the statement is not refuted), "float" (a float
 * measurement disagrees), "inconclusive" (the enclosure could not decide).
 */
export type FailureKind = "refuted" | "builder-failed" | "float" | "inconclusive";

/** For a claim whose literal text is known to be false: what exactly fails. */
export interface LiteralFailure {
  /** "proof-step": a step of the proof fails but the stated result survives; "misprint": the text says
   * something the proof does not (a swapped symbol, an index); "statement": the stated result itself is
   * false on the counterexample; "proof-gap": the proof needs a hypothesis the paper never states. */
  kind: "proof-step" | "misprint" | "statement" | "proof-gap";
  /** The failing text and what survives, in words. */
  what: string;
}

/** What a checker says about one input. `detail` explains a failure in words (which step, which values). */
export interface ClaimOutcome {
  holds: boolean;
  detail?: string;
  /** What a failure establishes (default: "float" for float claims, else "refuted"). */
  failure?: FailureKind;
}

export interface Claim<T = unknown> {
  id: string;
  paper: Paper;
  /** Where in the paper: "Lemma B.2", "Proposition 2", "Theorem 4.3 (final form)". */
  source: string;
  /** The statement, in words, as memcap checks it. */
  statement: string;
  /**
   * Page and equation in the paper's full text (shared/papers/fulltext/), e.g. "p. 16, eq. (16); proof p. 18".
   * Every registry claim has one (test/app/claims/registry.test.ts); optional for a user's own claims.
   */
  cite?: string;
  /** How the check decides (see Rigor); default "exact". */
  rigor?: Rigor;
  /** The logical form of the statement (see Quantifier); default "universal". */
  quantifier?: Quantifier;
  /** Required when expected is "fails": which kind of failure and what survives. */
  literalFailure?: LiteralFailure;
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
  /** What the (shrunk) failure establishes. */
  failure?: FailureKind;
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
  let failure: FailureKind | undefined;
  try {
    const out = claim.check(ce);
    detail = out.detail ?? lastDetail;
    failure = failureOf(claim, out);
  } catch (e) {
    error = (e as Error).message;
  }
  return { claimId: claim.id, found: true, runs: r.numRuns, seed: opts.seed, shrinks: r.numShrinks, counterexample: ce, detail, error, ...(failure ? { failure } : {}) };
}

/**
 * For a claim registered as false: does its recorded counterexample still refute it rigorously? (Reported
 * next to a NOT-REPRODUCED search, which is about the random search, not about the counterexample.)
 */
export function replayKnownCounterexample<T>(claim: Claim<T>): { refutes: boolean; detail?: string } | undefined {
  if (!claim.knownCounterexample) return undefined;
  try {
    const out = claim.check(claim.knownCounterexample.input);
    return { refutes: !out.holds && failureOf(claim, out) === "refuted", ...(out.detail ? { detail: out.detail } : {}) };
  } catch (e) {
    return { refutes: false, detail: `checker error: ${(e as Error).message}` };
  }
}

/** What a failed outcome establishes: its own word, else "float" for float claims, else "refuted". */
export function failureOf<T>(claim: Claim<T>, out: ClaimOutcome): FailureKind | undefined {
  if (out.holds) return undefined;
  return out.failure ?? (claim.rigor === "float" ? "float" : "refuted");
}

/** JSON with bigints (and anything with toJSON) made printable. */
export function claimInputToJson(v: unknown): unknown {
  return JSON.parse(JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? x.toString() : x)));
}

/**
 * The status word of a search result for its claim (what `memcap claims --run` records and the report counts).
 *
 * Status words (one per outcome, so a reader never mistakes a measurement or a builder failure for a
 * proof or a refutation):
 *   held             universal claim, exact/enclosed checks, no violation on the random inputs
 *   witnessed        existential claim, memcap built and rigorously checked a witness on every input
 *   float-held       float claim, no deviation measured (FLOAT: evidence only)
 *   refuted          a rigorous counterexample to a claim memcap expected to hold
 *   builder-failed   memcap's construction/witness failed on an input; the statement is not refuted
 *   float-violation  a float measurement disagrees with the statement (FLOAT)
 *   inconclusive     the enclosure could not decide an input
 *   reproduced       a literal statement known to be false: the search found a rigorous counterexample again
 *   not-reproduced   a literal statement known to be false: the search did not find one this time
 *   open-none-found / open-found   open search targets
 *   error            the checker threw (a bug)
 */
export const CLAIM_STATUSES = [
  "held",
  "witnessed",
  "float-held",
  "refuted",
  "builder-failed",
  "float-violation",
  "inconclusive",
  "reproduced",
  "not-reproduced",
  "open-none-found",
  "open-found",
  "error",
] as const;
export type ClaimStatusWord = (typeof CLAIM_STATUSES)[number];


/**
 * The status word of one search result for its claim.
 *
 * @example
 *   claimStatus({ expected: "fails", rigor: "exact", quantifier: "universal" }, { found: false }) // "not-reproduced"
 */
export function claimStatus(claim: Pick<Claim, "expected" | "rigor" | "quantifier">, r: Pick<SearchResult, "found" | "error" | "failure">): ClaimStatusWord {
  if (r.error) return "error";
  if (claim.expected === "open") return r.found ? "open-found" : "open-none-found";
  if (claim.expected === "fails") return r.found && (r.failure ?? "refuted") === "refuted" ? "reproduced" : "not-reproduced";
  if (!r.found) return claim.rigor === "float" ? "float-held" : claim.quantifier === "existential" ? "witnessed" : "held";
  switch (r.failure ?? (claim.rigor === "float" ? "float" : "refuted")) {
    case "refuted":
      return "refuted";
    case "builder-failed":
      return "builder-failed";
    case "float":
      return "float-violation";
    case "inconclusive":
      return "inconclusive";
  }
}

/** One line per status word, for people: what the word means. */
export const STATUS_MEANING: Record<ClaimStatusWord, string> = {
  held: "no violation on the random inputs (exact/enclosed checks; evidence, not a proof)",
  witnessed: "memcap built and rigorously checked a witness on every input",
  "float-held": "FLOAT: no deviation measured in floating point",
  refuted: "a rigorous counterexample to a claim expected to hold",
  "builder-failed": "memcap's construction failed on an input; the paper's statement is not refuted",
  "float-violation": "FLOAT: a floating-point measurement disagrees",
  inconclusive: "the enclosure could not decide an input",
  reproduced: "known-false literal statement: a rigorous counterexample found again",
  "not-reproduced": "known-false literal statement: the search did not find a counterexample this time",
  "open-none-found": "open search target: searched, none found",
  "open-found": "open search target: found one",
  error: "the checker threw (a bug)",
};

