/**
 * `memcap claims` — every registered claim with its status from the last run;
 * `memcap counterexample CLAIM` — search for a violation, shrink it, print it, exit 1 if found.
 * With `--from FILE` both work on a user's module of claims instead (app/claims/user.ts); their
 * results are printed, not recorded in the registry's status file.
 */
import type { Command } from "commander";
import { STATUS_MEANING, claimInputToJson, claimStatus, replayKnownCounterexample, searchCounterexample, type SearchResult } from "../../../src/claims/claim.ts";
import { readStatuses, recordResults } from "../../claims/status.ts";
import { checkOutput, writeFileAtomic } from "../../../src/io/output.ts";
import { UserError } from "../../../src/errors.ts";
import { emit, intFlag } from "../output.ts";
import { loadUserClaims } from "../../claims/user.ts";
import { stepProgress } from "../progress.ts";

export function register(program: Command): void {
  program
    .command("claims")
    .description("list every registered claim (lemmas, theorem preconditions, bounds) with its status from the last run")
    .option("--run", "run every claim now with its quick budget and record the results")
    .option("--seed <n>", "seed for --run", intFlag("seed", 0, 2 ** 31 - 1), 1)
    .option("--from <file>", "list (and with --run, run) the claims of your module instead: its default export or `claims`, an array of defineClaim results")
    .option("--json", "machine-readable output")
    .action(async (opts: { run?: boolean; seed: number; from?: string; json?: boolean }) => {
      // the registry (every construction's claims) is loaded only when it is what is listed
      const CLAIMS = opts.from ? await loadUserClaims(opts.from) : (await import("../../../constructions/claims.ts")).CLAIMS;
      let st: ReturnType<typeof readStatuses> = opts.from ? {} : readStatuses();
      if (opts.run) {
        const progress = stepProgress("claims --run", CLAIMS.length, { unit: "claims" });
        const results = CLAIMS.map((c) => {
          const result = searchCounterexample(c, { runs: c.quickRuns ?? 50, seed: opts.seed }) as SearchResult;
          // a known-false claim the search missed: say whether its recorded counterexample still refutes it
          if (claimStatus(c, result) === "not-reproduced") {
            const replay = replayKnownCounterexample(c);
            if (replay) result.detail = `the search missed it; the recorded counterexample ${replay.refutes ? "still refutes it" : "NO LONGER refutes it"}${replay.detail ? `: ${replay.detail}` : ""}`;
          }
          progress.tick(`${c.id}: ${claimStatus(c, result)}`);
          return { claim: c, result };
        });
        progress.stop();
        if (opts.from) {
          const at = new Date().toISOString();
          st = Object.fromEntries(results.map(({ claim, result: r }) => [r.claimId, { status: claimStatus(claim, r), runs: r.runs, seed: r.seed, at, ...(r.detail || r.error ? { detail: r.error ?? r.detail } : {}) }]));
        } else {
          recordResults(results);
          st = readStatuses();
        }
      }
      const rows = CLAIMS.map((c) => ({
        id: c.id,
        paper: c.paper,
        source: c.source,
        cite: c.cite,
        statement: c.statement,
        expected: c.expected,
        rigor: c.rigor ?? "exact",
        quantifier: c.quantifier ?? "universal",
        ...(c.literalFailure ? { literalFailure: c.literalFailure } : {}),
        ...(c.repair ? { repair: c.repair } : {}),
        status: st[c.id]?.status ?? "not run",
        ...(st[c.id] ? { runs: st[c.id]!.runs, seed: st[c.id]!.seed, at: st[c.id]!.at, ...(st[c.id]!.detail ? { detail: st[c.id]!.detail } : {}) } : {}),
      }));
      emit(!!opts.json, { claims: rows }, () => {
        const w = Math.max(...rows.map((r) => r.id.length));
        const lines = rows.map((r) => {
          const found = ["refuted", "builder-failed", "float-violation", "inconclusive", "reproduced", "open-found", "error"].includes(r.status);
          const s = r.status === "not run" ? "not run" : `${r.status.toUpperCase()} (${found ? `at input ${r.runs}` : `${r.runs} inputs`}, seed ${r.seed})`;
          const tag = r.expected === "fails" ? `[literal text known false: ${r.literalFailure?.kind ?? "?"}] ` : r.expected === "open" ? "[open: search target] " : "";
          return `${r.id.padEnd(w)}  ${s.padEnd(40)}  ${r.rigor === "float" && !r.statement.startsWith("FLOAT") ? "FLOAT " : ""}${tag}${r.statement}  (${r.source}${r.cite ? `; ${r.cite}` : ""})`;
        });
        const used = [...new Set(rows.map((r) => r.status))].filter((s): s is keyof typeof STATUS_MEANING => s in STATUS_MEANING);
        return [`${rows.length} claims`, ...lines, "", ...used.map((s) => `${s.toUpperCase()}: ${STATUS_MEANING[s]}`)].join("\n");
      });
    });

  program
    .command("counterexample")
    .description("search random valid inputs for a violation of CLAIM; a violation is shrunk to a minimal instance (exit 1 when found, 0 when none)")
    .argument("<claim>", "claim id, e.g. ks.lemma-B.2 (see `memcap claims`)")
    .option("--runs <k>", "number of random inputs", intFlag("runs", 1, 10_000_000), 200)
    .option("--seed <s>", "seed of the search", intFlag("seed", 0, 2 ** 31 - 1), 1)
    .option("--out <file>", "write the minimized counterexample as JSON")
    .option("--from <file>", "look CLAIM up in your module of claims (see `memcap claims --from`)")
    .option("--json", "machine-readable output")
    .action(async (id: string, opts: { runs: number; seed: number; out?: string; from?: string; json?: boolean }) => {
      const claim = opts.from ? (await loadUserClaims(opts.from)).find((c) => c.id === id) : (await import("../../../constructions/claims.ts")).getClaim(id);
      if (!claim) throw new UserError(`unknown claim "${id}" (see \`memcap claims${opts.from ? ` --from ${opts.from}` : ""}\` for the ids)`);
      if (opts.out !== undefined) checkOutput(opts.out, { what: "counterexample file" }); // before the search
      const r = searchCounterexample(claim, { runs: opts.runs, seed: opts.seed });
      if (!opts.from) recordResults([{ claim, result: r }]);
      const status = claimStatus(claim, r);
      const record = {
        claim: claim.id,
        source: claim.source,
        cite: claim.cite,
        statement: claim.statement,
        status,
        found: r.found,
        runs: r.runs,
        seed: r.seed,
        ...(r.found ? { shrinks: r.shrinks, failure: r.failure, counterexample: claimInputToJson(r.counterexample), detail: r.detail, error: r.error } : {}),
      };
      if (r.found && opts.out) writeFileAtomic(opts.out, JSON.stringify(record, null, 2) + "\n");
      emit(!!opts.json, record, () =>
        r.found
          ? [
              `${r.failure === "builder-failed" ? "memcap's construction failed (the statement is not refuted) on an input of" : r.failure === "float" ? "FLOAT deviation (a measurement, not a refutation) for" : r.failure === "inconclusive" ? "an undecided (INCONCLUSIVE) input for" : "counterexample to"} ${claim.id} (${claim.source}${claim.cite ? `; ${claim.cite}` : ""}) found within ${r.runs} runs, seed ${r.seed}, shrunk ${r.shrinks} times:`,
              `  statement: ${claim.statement}`,
              `  status: ${status.toUpperCase()} — ${STATUS_MEANING[status]}`,
              ...(claim.literalFailure ? [`  what fails (${claim.literalFailure.kind}): ${claim.literalFailure.what}`] : []),
              `  input: ${claim.describe ? claim.describe(r.counterexample) : JSON.stringify(claimInputToJson(r.counterexample))}`,
              `  why it fails: ${r.error ? `checker error: ${r.error}` : r.detail ?? "(no detail)"}`,
              ...(claim.repair ? [`  memcap uses instead: ${claim.repair}`] : []),
              ...(opts.out ? [`  written to ${opts.out}`] : []),
            ].join("\n")
          : claim.expected === "open"
            ? `searched, none found: ${claim.id} survived ${r.runs} random inputs (seed ${r.seed}); the question stays open`
            : claim.expected === "fails"
              ? `NOT-REPRODUCED: no counterexample to ${claim.id} in ${r.runs} random inputs (seed ${r.seed}); the recorded one (${claim.describe ? claim.describe(claim.knownCounterexample!.input) : JSON.stringify(claimInputToJson(claim.knownCounterexample!.input))}) ${replayKnownCounterexample(claim)?.refutes ? "still refutes it" : "NO LONGER refutes it"}`
              : `no counterexample to ${claim.id} in ${r.runs} random inputs (seed ${r.seed}); status ${status.toUpperCase()}: ${STATUS_MEANING[status]}`,
      );
      if (r.found) process.exitCode = 1;
    });
}
