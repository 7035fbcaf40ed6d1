/**
 * The status of each claim from the last run (`memcap counterexample`, `memcap claims --run`),
 * kept in .memcap/claims-status.json under the working directory (or $MEMCAP_HOME).
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
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../io/json-input.ts";
import type { Claim, SearchResult } from "./registry.ts";

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

export interface ClaimStatus {
  status: ClaimStatusWord;
  runs: number;
  seed: number;
  at: string;
  detail?: string;
}

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

export function statusPath(): string {
  return join(process.env.MEMCAP_HOME ?? join(process.cwd(), ".memcap"), "claims-status.json");
}

export function readStatuses(): Record<string, ClaimStatus> {
  const p = statusPath();
  if (!existsSync(p)) return {};
  try {
    return JSON.parse(readFileSync(p, "utf8")) as Record<string, ClaimStatus>;
  } catch {
    return {}; // a corrupt status file only loses history; the next run rewrites it
  }
}

export function recordResults(results: { claim: Pick<Claim, "expected" | "rigor" | "quantifier">; result: SearchResult }[]): void {
  const all = readStatuses();
  const at = new Date().toISOString();
  for (const { claim, result: r } of results) {
    all[r.claimId] = {
      status: claimStatus(claim, r),
      runs: r.runs,
      seed: r.seed,
      at,
      ...(r.detail || r.error ? { detail: r.error ?? r.detail } : {}),
    };
  }
  writeFileAtomic(statusPath(), JSON.stringify(all, null, 2) + "\n");
}
