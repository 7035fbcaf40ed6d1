/**
 * The claims registry's quick run (the same search as `memcap claims --run`, without recording
 * state): every registered lemma, precondition and bound is checked on its quick budget of random
 * valid inputs; a violation is shrunk to a minimal input and shown in words.
 */
import { z } from "zod";
import { CLAIMS } from "../../../constructions/claims.ts";
import { searchCounterexample } from "../../../src/claims/claim.ts";
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
    "Every registered claim (lemmas, theorem preconditions, stated bounds) searched for a violation on its quick budget of random valid inputs, each decided with exact arithmetic; a violation is shrunk to a minimal input.",
  options: ClaimsOptions,
  quick: { maxRuns: 5 },
  async run(o, ctx) {
    const claims = CLAIMS.filter((c) => o.only.length === 0 || o.only.some((p) => c.id.startsWith(p)));
    if (claims.length === 0) throw new Error(`options.claims.only matches no claim (ids: ${CLAIMS.map((c) => c.id).join(", ")})`);
    ctx.progress.total(claims.length);
    const rows: (string | number)[][] = [];
    const verdicts: Verdict[] = [];
    const results = [];
    for (const c of claims) {
      const runs = o.maxRuns > 0 ? Math.min(o.maxRuns, c.quickRuns ?? 50) : (c.quickRuns ?? 50);
      const t0 = performance.now();
      const r = searchCounterexample(c, { runs, seed: ctx.seed });
      const seconds = (performance.now() - t0) / 1000;
      results.push({ ...r, counterexample: undefined, expected: c.expected, seconds });
      const outcome = r.found
        ? c.expected === "fails"
          ? "counterexample (expected: literal statement known false)"
          : c.expected === "open"
            ? "FOUND (open search target)"
            : "COUNTEREXAMPLE (unexpected)"
        : c.expected === "open"
          ? `searched, none found, budget ${r.runs}`
          : `held on ${r.runs} inputs`;
      rows.push([c.id, c.source, c.expected, outcome, r.found ? (r.error ? `checker error: ${r.error}` : (r.detail ?? "")) : "", c.repair ?? "", seconds.toFixed(2)]);
      verdicts.push({
        subject: `${c.id} (${c.source})`,
        status: r.found ? "COUNTEREXAMPLE" : "HELD",
        detail: r.found
          ? `${c.expected === "fails" ? "known: " : c.expected === "open" ? "open search target, found: " : "UNEXPECTED: "}${r.error ? `checker error: ${r.error}` : (r.detail ?? "no detail")} (seed ${ctx.seed}, shrunk ${r.shrinks} times${c.repair ? `; memcap uses instead: ${c.repair}` : ""})`
          : c.expected === "open"
            ? `open question, searched, none found, budget ${r.runs} random inputs (seed ${ctx.seed}): ${c.statement}`
            : `no violation in ${r.runs} random inputs (seed ${ctx.seed}): ${c.statement}`,
      });
      ctx.progress.tick(`${c.id}: ${r.found ? "counterexample" : "held"}`);
    }
    const unexpected = results.filter((r) => r.found && r.expected === "holds").length;
    const known = results.filter((r) => r.found && r.expected === "fails").length;
    const open = results.filter((r) => r.expected === "open");
    const stated = results.filter((r) => r.expected !== "open");
    return {
      summary:
        `${stated.filter((r) => !r.found).length}/${stated.length} held; ${known} known literal failures reproduced; ${unexpected} unexpected counterexample${unexpected === 1 ? "" : "s"}` +
        (open.length ? `; ${open.length} open search target${open.length === 1 ? "" : "s"}, ${open.filter((r) => r.found).length} found` : ""),
      notes: [
        `Seed ${ctx.seed}${o.maxRuns ? `, at most ${o.maxRuns} inputs per claim` : ", each claim's own quick budget"}. Reproduce one with \`memcap counterexample ID --seed ${ctx.seed}\`; \`memcap claims\` lists the statements.`,
      ],
      tables: [{ title: "Claims", columns: ["claim", "source", "expected", "outcome", "counterexample (minimized)", "repair used by memcap", "seconds"], rows }],
      plots: [],
      verdicts,
      json: { options: o, seed: ctx.seed, results },
    };
  },
};
