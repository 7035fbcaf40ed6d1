/**
 * The claims registry's quick run (the same search as `memcap claims --run`, without recording
 * state): every registered lemma, precondition and bound is checked on its quick budget of random
 * valid inputs; a violation is shrunk to a minimal input and shown in words.
 */
import { z } from "zod";
import { CLAIMS } from "../../../constructions/claims.ts";
import { STATUS_MEANING, claimStatus, replayKnownCounterexample, searchCounterexample, type ClaimStatusWord } from "../../../src/claims/claim.ts";
import type { Section, Verdict } from "../types.ts";

export const ClaimsOptions = z
  .object({
    /** Claim id prefixes to run (e.g. "ks." or "dana.cor-1"); empty: every claim. */
    only: z.array(z.string().min(1)).default([]),
    /** Cap on the random inputs per claim (0: each claim's own quick budget). */
    maxRuns: z.number().int().min(0).max(100_000).default(0),
  })
  .strict();
export type ClaimsOptions = z.infer<typeof ClaimsOptions>;

export const claimsSection: Section<ClaimsOptions> = {
  id: "claims",
  title: "Claims registry: quick run",
  description:
    "Every registered claim (the papers' theorems, corollaries, propositions and lemmas, each cited by page and equation) checked on its quick budget of random valid inputs and given one status word: exact or enclosed checks say HELD/WITNESSED/REFUTED, claims marked FLOAT only measure, an existential claim whose witness memcap could not build says BUILDER-FAILED, and a literal statement known to be false says REPRODUCED or NOT-REPRODUCED. A violation is shrunk to a minimal input.",
  options: ClaimsOptions,
  quick: { maxRuns: 2 },
  async run(o, ctx) {
    const claims = CLAIMS.filter((c) => o.only.length === 0 || o.only.some((p) => c.id.startsWith(p)));
    if (claims.length === 0) throw new Error(`options.claims.only matches no claim (ids: ${CLAIMS.map((c) => c.id).join(", ")})`);
    ctx.progress.total(claims.length);
    const rows: (string | number)[][] = [];
    const verdicts: Verdict[] = [];
    const results: (Omit<ReturnType<typeof searchCounterexample>, "counterexample"> & { status: ClaimStatusWord; expected: string; rigor: string; quantifier: string; cite: string; seconds: number })[] = [];
    const statusVerdict: Record<ClaimStatusWord, Verdict["status"]> = {
      held: "HELD",
      witnessed: "HELD",
      "float-held": "FLOAT",
      refuted: "COUNTEREXAMPLE",
      "builder-failed": "INCONCLUSIVE",
      "float-violation": "FLOAT",
      inconclusive: "INCONCLUSIVE",
      reproduced: "COUNTEREXAMPLE",
      "not-reproduced": "INCONCLUSIVE",
      "open-none-found": "HELD",
      "open-found": "COUNTEREXAMPLE",
      error: "ERROR",
    };
    for (const c of claims) {
      const runs = o.maxRuns > 0 ? Math.min(o.maxRuns, c.quickRuns ?? 50) : (c.quickRuns ?? 50);
      const t0 = performance.now();
      const r = searchCounterexample(c, { runs, seed: ctx.seed });
      const seconds = (performance.now() - t0) / 1000;
      const status = claimStatus(c, r);
      const { counterexample: _dropped, ...rest } = r;
      results.push({ ...rest, expected: c.expected, rigor: c.rigor ?? "exact", quantifier: c.quantifier ?? "universal", cite: c.cite ?? "", status, seconds });
      const replay = status === "not-reproduced" ? replayKnownCounterexample(c) : undefined;
      const why = r.error ? `checker error: ${r.error}` : replay ? `the search missed it; the recorded counterexample ${replay.refutes ? "still refutes it" : "NO LONGER refutes it"}${replay.detail ? `: ${replay.detail}` : ""}` : (r.detail ?? "");
      rows.push([c.id, `${c.source} (${c.cite ?? "no citation"})`, c.rigor === "float" ? "FLOAT" : (c.rigor ?? "exact"), c.expected === "fails" ? `known false (${c.literalFailure?.kind ?? "?"})` : c.expected, status.toUpperCase(), r.found || replay ? why : "", c.repair ?? "", seconds.toFixed(2)]);
      verdicts.push({
        subject: `${c.id} (${c.source}; ${c.cite})`,
        status: statusVerdict[status],
        detail: `${status.toUpperCase()}: ${STATUS_MEANING[status]}. ${replay ? `${why}. ` : ""}${r.found ? `${why} (seed ${ctx.seed}, shrunk ${r.shrinks} times${c.repair ? `; memcap uses instead: ${c.repair}` : ""})` : `${r.runs} random inputs (seed ${ctx.seed}): ${c.statement}`}${c.literalFailure ? ` [what fails, ${c.literalFailure.kind}: ${c.literalFailure.what}]` : ""}`,
      });
      ctx.progress.tick(`${c.id}: ${status}`);
    }
    const count = (...w: ClaimStatusWord[]) => results.filter((r) => w.includes(r.status)).length;
    const stated = results.filter((r) => r.expected === "holds");
    const knownFalse = results.filter((r) => r.expected === "fails");
    const open = results.filter((r) => r.expected === "open");
    return {
      summary:
        `${stated.length} claims expected to hold: ${count("held")} held, ${count("witnessed")} witnessed, ${count("float-held")} FLOAT-held, ${count("refuted")} refuted, ${count("builder-failed")} builder-failed, ${count("float-violation")} FLOAT violations, ${count("inconclusive")} inconclusive; ` +
        `${knownFalse.length} literal statements known false: ${count("reproduced")} reproduced, ${count("not-reproduced")} not reproduced` +
        (open.length ? `; ${open.length} open search target${open.length === 1 ? "" : "s"}, ${count("open-found")} found` : "") +
        (count("error") ? `; ${count("error")} checker errors` : ""),
      notes: [
        `Seed ${ctx.seed}${o.maxRuns ? `, at most ${o.maxRuns} inputs per claim` : ", each claim's own quick budget"}. Reproduce one with \`memcap counterexample ID --seed ${ctx.seed}\`; \`memcap claims\` lists the statements.`,
      ],
      tables: [{ title: "Claims", columns: ["claim", "source (page, equation)", "rigor", "expected", "status", "failing input (minimized) and why", "repair used by memcap", "seconds"], rows }],
      plots: [],
      verdicts,
      json: { options: o, seed: ctx.seed, results },
    };
  },
};
