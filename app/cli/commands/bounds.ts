/**
 * `memcap bounds <paper> …`: prints a paper's bound expressions evaluated for a dataset shape, alone
 * (no network is built).
 *
 * HOW TO ADD A PAPER: add a `BoundFamily` (name, summary, configure(cmd) for its options incl. --json,
 * run(opts)) to `BOUND_FAMILIES`; the formulas themselves belong in src/bounds/<paper>.ts.
 *
 * @example
 *   memcap bounds ks --N 200 --n 6 --d 4 --classes 3
 */
import type { Command } from "commander";
import { Rational } from "../../../src/numbers/rational.ts";
import { ksBounds } from "../../../src/bounds/ks.ts";
import { DANA_BOUNDS } from "../constructions/dana.ts";
import { emit, intFlag } from "../output.ts";
import { UserError } from "../../../src/errors.ts";
import { PAPER_ALIASES } from "../../../src/papers.ts";
import { MHA_BOUNDS } from "../constructions/mahdavi.ts";

export interface BoundFamily {
  name: string;
  summary: string;
  configure(cmd: Command): Command;
  run(opts: Record<string, unknown>): void;
}

function rationalFlag(name: string) {
  return (v: string): Rational => {
    try {
      const r = Rational.parse(v);
      if (r.sign() <= 0) throw new RangeError("");
      return r;
    } catch {
      throw new UserError(`--${name} must be a positive rational like 2 or 1/8, got "${v}"`);
    }
  };
}

const KS: BoundFamily = {
  name: "kajitsuka-sato",
  summary: "Kajitsuka & Sato: Theorem 4.1 / Corollary 4.1 upper-bound expressions, Theorem 4.2 and 4.3 lower bounds",
  configure: (cmd) =>
    cmd
      .requiredOption("--N <count>", "number of sequences", intFlag("N", 2, Number.MAX_SAFE_INTEGER))
      .requiredOption("--n <length>", "sequence length", intFlag("n", 1, 1e9))
      .requiredOption("--d <dim>", "token dimension", intFlag("d", 1, 1e9))
      .option("--classes <C>", "number of label classes", intFlag("classes", 1, Number.MAX_SAFE_INTEGER), 2)
      .option("--r <r>", "token norm bound r (≥ 1)", rationalFlag("r"), Rational.ONE)
      .option("--delta <δ>", "token separation δ (≤ 1)", rationalFlag("delta"), Rational.ONE)
      .option("--seq2seq", "Corollary 4.1 (N → nN) instead of Theorem 4.1")
      .option("--json", "print JSON"),
  run(raw) {
    const o = raw as { N: number; n: number; d: number; classes: number; r: Rational; delta: Rational; seq2seq?: boolean; json?: boolean };
    // Theorem 4.1 takes (r, δ)-separated tokens with r ≥ 1 and 0 < δ ≤ 1 (its hypothesis 2, p. 6; Assumption 4.1): outside that range a flag is refused, never clamped
    if (o.r.lt(Rational.ONE)) throw new UserError(`--r ${o.r} is below 1: Kajitsuka & Sato's bounds take a token norm bound r ≥ 1 (any r' ≥ r also bounds the tokens; pass --r 1)`);
    if (o.delta.gt(Rational.ONE)) throw new UserError(`--delta ${o.delta} is above 1: Kajitsuka & Sato's bounds take a separation δ ≤ 1 (any δ' ≤ δ also separates; pass --delta 1)`);
    const r = o.r;
    const delta = o.delta;
    const bounds = ksBounds({ N: o.N, n: o.n, d: o.d, C: o.classes, r, delta }, !!o.seq2seq);
    emit(!!o.json, { paper: "Kajitsuka & Sato 2025", N: o.N, n: o.n, d: o.d, C: o.classes, r: r.toString(), delta: delta.toString(), seq2seq: !!o.seq2seq, width: 14, bounds }, () =>
      [
        `Kajitsuka & Sato bounds for N = ${o.N}, n = ${o.n}, d = ${o.d}, C = ${o.classes}, r = ${r}, δ = ${delta} (${o.seq2seq ? "Corollary 4.1" : "Theorem 4.1"}; constants 1 in ≲; log = log₂)`,
        `  width = 14`,
        ...bounds.map((b) => `  ${b.what}: ${b.value}   [${b.source.replace(/^Kajitsuka & Sato, /, "")}]`),
        `  (lower bounds: what a network must have if it shatters the set under the theorem's hypotheses; a reference line for any one network — \`construct ks-*\` says which hypotheses fail)`,
      ].join("\n"),
    );
  },
};

/** The registry: one entry per paper. */
export const BOUND_FAMILIES: BoundFamily[] = [KS, MHA_BOUNDS, DANA_BOUNDS];

export function register(program: Command): void {
  const bounds = program.command("bounds").description("print a paper's bound values for a dataset shape");
  for (const f of BOUND_FAMILIES) {
    const sub = bounds.command(f.name).description(f.summary);
    for (const [alias, paper] of Object.entries(PAPER_ALIASES)) if (paper === f.name) sub.alias(alias);
    f.configure(sub).action((opts: Record<string, unknown>) => f.run(opts));
  }
}
