/**
 * Scale benchmark for `memcap construct mha` (issue: d = 64, n = 32, H = 8, T = 249 built and
 * certified in under 60 s). Prints build+certify time against T for H = 2, 4, 8 (the peer rows of
 * the same run give the growth ratio), for shared and per-example contexts, plus precision, c and
 * cond(Z) (float estimate). Assumption checks are included in the time.
 *
 * @example
 *   npx tsx bench/mha-scale.ts            # full (H = 2, 4, 8)
 *   npx tsx bench/mha-scale.ts --quick    # H = 8 only
 */
import { generateMhaDataset } from "../src/data/mha.ts";
import { mahdaviCapacity } from "../src/bounds/mahdavi.ts";
import { buildMha } from "../constructions/mahdavi/build.ts";
import { checkAssumptions } from "../constructions/mahdavi/assumptions.ts";

const quick = process.argv.includes("--quick");
const d = 64;
const n = 32;
const rows: { context: string; H: number; T: number; seconds: number; status: string; digits: number; c: number; cond: number; sigmaMin: number }[] = [];
for (const context of ["random", "shared"] as const) {
  for (const H of quick ? [8] : [2, 4, 8]) {
    const T = mahdaviCapacity({ H, n, dh: n });
    const ds = generateMhaDataset({ d, n, T, context, seed: 1 });
    const t0 = performance.now();
    checkAssumptions(ds, { seed: 1, samples: 200 });
    const b = buildMha(ds, { H, dh: n, seed: 1, progress: (m) => process.stderr.write(`${m}\n`) });
    const seconds = (performance.now() - t0) / 1000;
    rows.push({ context, H, T, seconds, status: b.status, digits: b.precisionDigits, c: b.c, cond: b.cond?.cond ?? NaN, sigmaMin: b.rank?.sigmaMinLower ?? 0 });
    const r = rows.at(-1)!;
    console.log(`${context.padEnd(7)} d=${d} n=${n} H=${H} T=${T}: ${r.status} in ${seconds.toFixed(1)} s at ${r.digits} digits; c = ${r.c}; cond(Z) ≈ ${r.cond.toExponential(2)} (float); σ_min ≥ ${r.sigmaMin.toExponential(2)} (certified)`);
  }
}
for (const context of ["random", "shared"]) {
  const rs = rows.filter((r) => r.context === context);
  if (rs.length > 1) {
    const a = rs[0]!;
    const z = rs.at(-1)!;
    console.log(`${context}: T ×${(z.T / a.T).toFixed(2)} → time ×${(z.seconds / a.seconds).toFixed(2)} (T=${a.T} → ${z.T})`);
  }
}
const target = rows.filter((r) => r.H === 8);
const ok = target.every((r) => r.status === "CERTIFIED" && r.seconds < 60);
console.log(`target d=64, n=32, H=8 (T=249) certified in < 60 s: ${ok ? "yes" : "NO"} (${target.map((r) => `${r.context} ${r.seconds.toFixed(1)} s`).join(", ")})`);
if (!ok) process.exitCode = 1;
