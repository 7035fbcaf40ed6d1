/**
 * The status of each claim from the last run (`memcap counterexample`, `memcap claims --run`),
 * kept in .memcap/claims-status.json under the working directory (or $MEMCAP_HOME). The status words
 * and their meaning are the kernel's (src/claims/claim.ts: claimStatus, STATUS_MEANING).
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../../src/io/output.ts";
import { claimStatus, type Claim, type ClaimStatusWord, type SearchResult } from "../../src/claims/claim.ts";

export interface ClaimStatus {
  status: ClaimStatusWord;
  runs: number;
  seed: number;
  at: string;
  detail?: string;
}

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
