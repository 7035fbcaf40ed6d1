/**
 * `memcap assumptions FILE` — the hypotheses the constructions need, checked on a dataset:
 *   sequence data ({"tokens","sequences","labels"}, Kajitsuka–Sato): r and δ of token-wise separation
 *     (exact r², δ²), duplicate tokens, label consistency (eq. 5) with the offending pair;
 *   Mahdavi data ("format": "memcap-mha-data"): Assumption 1 (Kruskal rank of the queries ≥ n, exact
 *     with witness or a seeded estimate), Assumption 2 (rank of every context), n < d, General Position;
 *   a plain matrix (array of rows): Kruskal rank and General Position of the rows.
 * `memcap assumptions --violate KIND` generates a dataset violating exactly one assumption, runs the
 * construction on it and shows the first step that breaks.
 */
import type { Command } from "commander";
import { readJsonFile, toRationalMatrix } from "../../../src/io/json-input.ts";
import { separation, findInconsistency, generateSequenceDataset, type SequenceDataset } from "../../../src/data/sequences.ts";
import { parseSequenceData } from "../../../constructions/kajitsuka-sato/data-file.ts";
import { buildKsNetwork } from "../../../constructions/kajitsuka-sato/theorem-4-1.ts";
import { parseMhaDataset, generateMhaDataset } from "../../../src/data/mha.ts";
import { checkAssumptions, formatAssumptions, type AssumptionReport } from "../../../constructions/mahdavi/assumptions.ts";
import { plantKruskalViolation } from "../../../constructions/mahdavi/counterexample.ts";
import { buildMha } from "../../../constructions/mahdavi/build.ts";
import { kruskalRank, kruskalEstimate } from "../../../src/linalg/index.ts";
import { Rational } from "../../../src/numbers/rational.ts";
import { UserError } from "../../../src/errors.ts";
import { emit, intFlag } from "../output.ts";
import { statSync } from "node:fs";

interface Row {
  assumption: string;
  holds: boolean | "estimated";
  method: string;
  detail: string;
  witness?: unknown;
}

function sequenceRows(ds: SequenceDataset): Row[] {
  const sep = separation(ds.tokens);
  const dup = sep.duplicates[0];
  const bad = findInconsistency(ds);
  return [
    { assumption: "token norm ‖x‖ ≤ r (Assumption 4.1)", holds: true, method: "exact", detail: `r² = ${sep.rSquared} (r used by the theorems: ${sep.r})` },
    {
      assumption: "token-wise δ-separation, δ > 0 (Assumption 4.1)",
      holds: !dup,
      method: "exact",
      detail: dup ? `tokens ${dup[0]} and ${dup[1]} are the same vector` : `δ² = ${sep.deltaSquared} (δ used by the theorems: ${sep.delta})`,
      ...(dup ? { witness: { tokens: dup } } : {}),
    },
    {
      assumption: "label consistency (eq. 5)",
      holds: !bad,
      method: "exact",
      detail: bad ? bad.message : `${ds.sequences.length} sequences, no two with the same multiset and labelled token but different labels`,
      ...(bad ? { witness: { sequences: [bad.i, bad.j], position: bad.position } } : {}),
    },
  ];
}

function mhaRows(r: AssumptionReport): Row[] {
  const lines = formatAssumptions(r);
  return [r.a1, r.a2, r.nLessD, r.generalPosition].map((a, i) => ({ assumption: a.name, holds: a.holds, method: a.method, detail: lines[i]!.slice(a.name.length + 2), ...(a.witness ? { witness: a.witness } : {}) }));
}

function matrixRows(rows: Rational[][], seed: number, samples: number): Row[] {
  const K = Math.min(rows.length, rows[0]!.length);
  if (rows.length <= 40) {
    const k = kruskalRank(rows, { seed });
    return [
      { assumption: "Kruskal rank of the rows", holds: true, method: "exact", detail: `kruskal rank = ${k.kruskalRank}`, ...(k.witness ? { witness: { rows: k.witness, dependence: k.dependence!.map(String) } } : {}) },
      { assumption: `General Position (every ${K} rows independent)`, holds: k.kruskalRank >= K, method: "exact", detail: `kruskal rank ${k.kruskalRank} vs ${K}` },
    ];
  }
  const e = kruskalEstimate(rows, K, samples, seed);
  return [{ assumption: `General Position (every ${K} rows independent)`, holds: e.witness ? false : "estimated", method: "randomized", detail: `${e.fullRank}/${e.samples} random ${K}-subsets independent (seed ${seed})` }];
}

/** The datasets `--violate` can generate, each breaking exactly one assumption, and what it shows. */
const VIOLATIONS: Record<string, (seed: number) => { dataset: string; rows: Row[]; outcome: string }> = {
  "ks:consistency": (seed) => {
    const ds = generateSequenceDataset({ N: 8, n: 3, d: 2, classes: 2, vocab: 4, seed });
    // permute sequence 0 into a new sequence with the same multiset and last token, and flip its label
    const s = ds.sequences[0]!;
    const twin = [s[1]!, s[0]!, s[2]!];
    const labels = [...(ds.labels as bigint[]), 1n - (ds.labels as bigint[])[0]!];
    const bad: SequenceDataset = { ...ds, sequences: [...ds.sequences, twin], labels };
    let outcome: string;
    try {
      buildKsNetwork(bad, { seq2seq: false, seed });
      outcome = "the build did not stop (unexpected)";
    } catch (e) {
      outcome = `first step that breaks: ${(e as Error).message} — the uniform-attention layer maps both sequences to the same point s_n, so Lemma C.1 (F2) would need two labels at one input; no permutation-equivariant network can memorize both (claim ks.eq-5.permutation-equivariance)`;
    }
    return { dataset: `seed ${seed}: 8 random sequences + sequence ${ds.sequences.length} = permutation of sequence 0 (same last token) with the other label`, rows: sequenceRows(bad), outcome };
  },
  "mha:A1": (seed) => {
    const H = 2, n = 2, d = 3;
    const base = generateMhaDataset({ d, n, T: H * (n - 1) + 1, context: "shared", seed });
    const ds = plantKruskalViolation(base, H, n, "duplicate");
    const r = checkAssumptions(ds, { seed });
    const b = buildMha(ds, { H, dh: n, seed });
    return {
      dataset: `seed ${seed}: d = ${d}, n = ${n}, H = ${H}, shared context, query ${n} := query 0 with a different label`,
      rows: mhaRows(r),
      outcome: b.status === "CERTIFIED" ? "the construction still certified (unexpected)" : `construction ${b.status}: ${b.reason ?? ""} — two identical inputs with different labels: no network memorizes both`,
    };
  },
  "mha:A2": (seed) => {
    const H = 2, n = 3, d = 5;
    const base = generateMhaDataset({ d, n, T: H * (n - 1) + 1, context: "random", seed });
    const E0 = base.contexts[0]!;
    const degenerate = [E0[0]!, E0[1]!, E0[0]!.map((v, i) => v.add(E0[1]![i]!))]; // row 2 = row 0 + row 1: rank 2 < n
    const ds = { ...base, contexts: [degenerate, ...base.contexts.slice(1)] };
    const r = checkAssumptions(ds, { seed });
    const b = buildMha(ds, { H, dh: n, seed });
    return {
      dataset: `seed ${seed}: d = ${d}, n = ${n}, H = ${H}, per-example contexts, context 0 has a row equal to the sum of the other two`,
      rows: mhaRows(r),
      outcome: `interpolation lemma: E(0)·v = ℓ has no solution for generic logits ℓ (E(0) has rank 2 < n), so head 1 cannot place example 0's attention freely; the build ${b.status === "CERTIFIED" ? "still CERTIFIED (the readout solve does not need arbitrary logits: Assumption 2 is a proof device here)" : `is ${b.status}: ${b.reason ?? ""}`}`,
    };
  },
};

export function register(program: Command): void {
  program
    .command("assumptions")
    .description("check the constructions' assumptions on a dataset (separation, consistency, Kruskal rank, context ranks, general position), or generate a violation with --violate")
    .argument("[file]", "dataset JSON: K&S sequence data, Mahdavi data (format memcap-mha-data), or a matrix (array of rows)")
    .option("--violate <kind>", `generate a dataset violating one assumption and show what breaks: ${Object.keys(VIOLATIONS).join(", ")}`)
    .option("--seed <s>", "seed for estimates and generated datasets", intFlag("seed", 0, 2 ** 31 - 1), 1)
    .option("--samples <k>", "random subsets for Kruskal-rank estimates", intFlag("samples", 1, 10_000_000), 1000)
    .option("--json", "machine-readable output")
    .action((file: string | undefined, opts: { violate?: string; seed: number; samples: number; json?: boolean }) => {
      let kind: string;
      let rows: Row[];
      let extra: Record<string, unknown> = {};
      if (opts.violate) {
        const v = VIOLATIONS[opts.violate];
        if (!v) throw new UserError(`unknown --violate "${opts.violate}" (choose one of ${Object.keys(VIOLATIONS).join(", ")})`);
        const r = v(opts.seed);
        kind = `generated violation ${opts.violate}`;
        rows = r.rows;
        extra = { dataset: r.dataset, outcome: r.outcome };
      } else {
        if (!file) throw new UserError("give a dataset FILE, or --violate KIND");
        const size = statSync(file, { throwIfNoEntry: false })?.size ?? 0;
        // large inputs take a while (exact ranks, Kruskal ranks): say what is happening
        if (size > 1 << 20) process.stderr.write(`memcap: assumptions: reading and checking ${file} (${(size / 2 ** 20).toFixed(0)} MB; exact ranks can take a while)\n`);
        const data = readJsonFile(file);
        if (Array.isArray(data)) {
          kind = "matrix";
          rows = matrixRows(toRationalMatrix(data, file), opts.seed, opts.samples);
        } else if (data && typeof data === "object" && (data as { format?: unknown }).format === "memcap-mha-data") {
          kind = "mahdavi";
          rows = mhaRows(checkAssumptions(parseMhaDataset(data, file), { seed: opts.seed, samples: opts.samples }));
        } else if (data && typeof data === "object" && "tokens" in data && "sequences" in data) {
          kind = "kajitsuka-sato";
          const labels = (data as { labels?: unknown[] }).labels;
          const seq2seq = Array.isArray(labels) && Array.isArray(labels[0]);
          rows = sequenceRows(parseSequenceData(data, file, seq2seq, false));
        } else throw new UserError(`${file}: not a dataset memcap knows (K&S {"tokens","sequences","labels"}, Mahdavi "format": "memcap-mha-data", or an array of rows)`);
      }
      const allHold = rows.every((r) => r.holds !== false);
      // a user's dataset that violates an assumption exits 1 (a claim false); --violate generates one on purpose
      if (!allHold && !opts.violate) process.exitCode = 1;
      emit(!!opts.json, { kind, seed: opts.seed, assumptions: rows, allHold, ...extra }, () => {
        const w = Math.max(...rows.map((r) => r.assumption.length));
        const mark = (h: Row["holds"]) => (h === true ? "holds   " : h === false ? "VIOLATED" : "estimate");
        return [
          `${kind}${file && !opts.violate ? ` (${file})` : ""}`,
          ...(extra.dataset ? [`dataset: ${extra.dataset}`] : []),
          ...rows.map((r) => `${r.assumption.padEnd(w)}  ${mark(r.holds)}  ${r.detail} [${r.method}]${r.witness ? `  witness ${JSON.stringify(r.witness)}` : ""}`),
          ...(extra.outcome ? [`what breaks: ${extra.outcome}`] : []),
        ].join("\n");
      });
    });
}
