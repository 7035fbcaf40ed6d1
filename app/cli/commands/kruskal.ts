/**
 * `memcap kruskal FILE`: Kruskal rank of the rows of the matrix in FILE (every k of them
 * independent), exact with a verified dependent witness, or `--estimate` over random k-subsets.
 *
 * @example
 *   memcap kruskal v.json                       # kruskal rank: 1 / witness rows: 0 3 …
 *   memcap kruskal v.json --estimate --samples 1000 --seed 7 --size 3
 */
import type { Command } from "commander";
import { intFlag, emit } from "../output.ts";
import { UserError } from "../../../src/errors.ts";
import { statSync } from "node:fs";
import { stepProgress } from "../progress.ts";

export function register(program: Command): void {
  program
    .command("kruskal")
    .description("Kruskal rank of the rows of the matrix in FILE (the largest k such that every k rows are independent), exact with a witness")
    .argument("<file>", "JSON matrix file; rows are the vectors")
    .option("--json", "machine-readable output")
    .option("--estimate", "randomized estimate: test random subsets instead of all")
    .option("--samples <k>", "number of random subsets for --estimate", intFlag("samples", 1, 1e9), 1000)
    .option("--size <k>", "subset size for --estimate (default min(#rows, #columns))", intFlag("size", 1, 1e9))
    .option("--seed <s>", "seed (random subsets and prime)", intFlag("seed", 0, 2 ** 31 - 1), 1)
    .option("--max-subsets <n>", "give up the exact search after this many subsets", intFlag("max-subsets", 1, 1e12), 20_000_000)
    .action(async (file: string, o: { json?: boolean; estimate?: boolean; samples: number; size?: number; seed: number; maxSubsets: number }) => {
      const { readMatrixFile } = await import("../../../src/linalg/read.ts");
      const { kruskalRank, kruskalEstimate } = await import("../../../src/linalg/kruskal.ts");
      const size = statSync(file, { throwIfNoEntry: false })?.size ?? 0;
      if (size > 1 << 20) process.stderr.write(`memcap: kruskal: reading ${file} (${(size / 2 ** 20).toFixed(0)} MB)\n`);
      const f = readMatrixFile(file);
      const V = f.rational();
      if (o.estimate) {
        const k = o.size ?? Math.min(f.m, f.n);
        if (k > f.m) throw new UserError(`--size ${k} exceeds the number of vectors (${f.m})`);
        const e = kruskalEstimate(V, k, o.samples, o.seed);
        emit(!!o.json, { estimate: true, ...e }, () =>
          [
            `kruskal estimate: ${e.fullRank} of ${e.samples} random ${e.k}-subsets are independent (fraction ${e.fraction}; seed ${e.seed})`,
            ...(e.witness ? [`dependent subset found: rows ${e.witness.join(" ")} (coefficients ${e.dependence!.join(" ")})`] : []),
          ].join("\n"),
        );
        return;
      }
      let r;
      try {
        const progress = stepProgress(`kruskal (${f.m} vectors in dimension ${f.n}, exact)`, o.maxSubsets, { unit: "subsets at most" });
        r = kruskalRank(V, { seed: o.seed, maxSubsets: o.maxSubsets, onProgress: (n, s) => progress.tick(`(size ${s})`, n) });
        progress.stop();
      } catch (e) {
        if (e instanceof RangeError) throw new UserError(`${file}: ${e.message}`);
        throw e;
      }
      emit(!!o.json, { kruskalRank: r.kruskalRank, witness: r.witness ?? [], dependence: r.dependence ?? [], subsetsChecked: r.subsetsChecked, vectors: f.m, dim: f.n }, () => {
        const lines = [`kruskal rank: ${r.kruskalRank}`];
        if (r.witness) {
          lines.push(`witness: rows ${r.witness.join(" ")} are dependent (exact): ${r.witness.map((i, t) => `(${r.dependence![t]})·v${i}`).join(" + ")} = 0`);
          for (const i of r.witness) lines.push(`  v${i} = [${V[i]!.join(", ")}]`);
        } else lines.push(`every ${r.kruskalRank} of the ${f.m} vectors are independent (${r.subsetsChecked} subsets checked)`);
        return lines.join("\n");
      });
    });
}
