/**
 * Sizes the exact Kruskal search handles in under a second (run: `npx tsx bench/kruskal-sizes.ts`).
 *
 * Worst case for the search: generic vectors (random integers), where every subset of size ≤ dim
 * is independent and all of them must be checked. For each dimension d the number of vectors N is
 * increased until one exact search takes more than a second; the last N under a second is printed
 * with its time and the number of subsets checked. Also a set with a planted dependency of 4 vectors (the search
 * checks every subset of size ≤ 3 first, then stops at the first dependent 4-subset).
 */
import { Rational } from "../src/numbers/rational.ts";
import { kruskalRank } from "../src/linalg/kruskal.ts";
import { Mulberry32 } from "../src/random.ts";

const rng = new Mulberry32(3);
const vectors = (N: number, d: number) => Array.from({ length: N }, () => Array.from({ length: d }, () => Rational.of(rng.int(2 ** 30) - 2 ** 29)));

console.log("dim  largest N under 1 s  time(s)  subsets checked  kruskal rank");
for (const d of [2, 3, 4, 5, 6, 8, 10, 12, 16]) {
  let last: { N: number; t: number; checked: number; k: number } | null = null;
  for (let N = d + 1; N <= 5000; N = Math.max(N + 1, Math.ceil(N * 1.15))) {
    const V = vectors(N, d);
    const t0 = performance.now();
    const r = kruskalRank(V, { maxSubsets: 50_000_000 });
    const t = (performance.now() - t0) / 1000;
    if (t > 1) break;
    last = { N, t, checked: r.subsetsChecked, k: r.kruskalRank };
  }
  if (last) console.log(`${String(d).padStart(3)}  ${String(last.N).padStart(19)}  ${last.t.toFixed(3).padStart(7)}  ${String(last.checked).padStart(15)}  ${last.k}`);
}
const V = vectors(300, 8);
V[299] = V[0]!.map((x, j) => x.add(V[1]![j]!).add(V[2]![j]!));
const t0 = performance.now();
const r = kruskalRank(V);
console.log(`planted 4-term dependency among 300 vectors in dim 8: kruskal rank ${r.kruskalRank}, witness ${r.witness?.join(",")}, ${r.subsetsChecked} subsets, ${((performance.now() - t0) / 1000).toFixed(3)} s`);
