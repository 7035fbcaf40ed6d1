/**
 * Scale benchmark for the Dana et al. construction (issue: Dana et al., "Scale").
 *   1. N = 10, S = 2, d = d_h = 2, H = 49 (T₀ = 100): certified (float64 intervals, then decimal.js fallback)
 *   2. N = 50, S = 2, d = d_h = 10, H = 249 (T₀ = 2500, every pair of tokens): certified; target < 120 s
 * Prints wall time per phase. The peer in the same run is the decimal.js interval evaluator on a sample of
 * sequences (time per sequence, extrapolated to all), as the ratio the fast float64 path buys.
 *
 * Run: npx tsx bench/aot-scale.ts
 */
import { randomLookupTable } from "../src/data/associations.ts";
import { constructAot } from "../constructions/dana/association.ts";
import { decimalLogitEnclosures } from "../constructions/dana/decimal-interval.ts";
import { countNetwork } from "../src/ir/count.ts";

const cases = [
  { N: 10, d: 2, dh: 2, H: 49 },
  { N: 50, d: 10, dh: 10, H: 249 },
];
for (const c of cases) {
  const T = c.H * c.dh + c.d;
  const t0 = performance.now();
  const table = randomLookupTable({ N: c.N, S: 2, T, seed: 1 });
  const r = constructAot(table, { d: c.d, dh: c.dh, H: c.H, seed: 1, decimalEnclosure: decimalLogitEnclosures, progress: (l) => process.stderr.write(`  ${((performance.now() - t0) / 1000).toFixed(1)} s: ${l}\n`) });
  const total = (performance.now() - t0) / 1000;
  const fastSeconds = r.attempts[0]!.seconds;
  const sample = table.sequences.slice(0, 5);
  const t1 = performance.now();
  decimalLogitEnclosures(r.network, sample, 30);
  const decPerSeq = (performance.now() - t1) / 1000 / sample.length;
  console.log(
    `N=${c.N} S=2 d=${c.d} d_h=${c.dh} H=${c.H}: ${r.certified}/${T} certified (level ${r.level}), total ${total.toFixed(1)} s; ` +
      `σ_min/σ_max ≈ ${r.conditioning?.ratio.toExponential(2)} (float); parameters ${countNetwork(r.network).parameters}; ` +
      `float64 level (solve + certify) ${fastSeconds.toFixed(1)} s; decimal 30-digit intervals ${decPerSeq.toFixed(3)} s/sequence ⇒ ${(decPerSeq * T).toFixed(0)} s for all (ratio ${((decPerSeq * T) / fastSeconds).toFixed(1)}×)`,
  );
}
