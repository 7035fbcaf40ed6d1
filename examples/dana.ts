/**
 * Dana, Pydi & Chevaleyre (AISTATS 2025), headline claim (Corollary 1): an attention-only
 * Transformer with H rank-1 heads memorizes T₀ = H·d_h + d associations of any look-up table, and
 * no more in general. Run: `npx tsx examples/dana.ts [seed]`.
 *
 * At the sizes of the paper's Experiment 6 (vocabulary N = 10, S = 2, d = d_h = 2, H = 1, 5, …, 21)
 * it builds the construction at T₀, certifies every association's argmax by interval enclosure,
 * re-checks the certificate with proofs-check, then shows the edge of capacity: the same construction
 * with T₀ + 1 … T₀ + 3 sequences (least-squares readout) no longer certifies them all.
 */
import { randomLookupTable } from "../src/data/associations.ts";
import { certifyAot } from "../constructions/dana/certify.ts";
import { edgeOfCapacity } from "../constructions/dana/edge.ts";
import { countNetwork } from "../src/ir/count.ts";
import { recheckCertificate } from "../app/report/recheck.ts";
import { formatTextTable } from "../app/report/text-table.ts";

const seed = Number(process.argv[2] ?? 1);
const [N, S, d, dh] = [10, 2, 2, 2];
const rows: (string | number | null)[][] = [];
for (const H of [1, 5, 9, 13, 17, 21]) {
  const T0 = H * dh + d;
  const table = randomLookupTable({ N, S, T: T0, seed });
  const { result: r, certificate } = certifyAot(table, { d, dh, H, seed });
  const check = certificate === null ? "INCONCLUSIVE" : recheckCertificate(certificate, `H=${H}`).verdict.status;
  rows.push([H, T0, r.certified, r.refuted, r.inconclusive, check, countNetwork(r.network).parameters]);
}
console.log(`Dana et al., Corollary 1: N = ${N}, S = ${S}, d = d_h = ${d}, seed ${seed}`);
console.log(formatTextTable({ columns: ["H", "T₀ = H·d_h + d", "certified", "certified wrong", "undecided", "proofs-check", "parameters"], rows }));
const edge = edgeOfCapacity({ N, S, d, dh, H: 5, seed, qkScale: 8, lambda: 1, K: 3 });
console.log(`\nedge of capacity, H = 5 (T₀ = ${5 * dh + d}): the same construction on T₀ + k sequences`);
console.log(formatTextTable({ columns: ["T", "certified", "certified wrong", "undecided", "Corollary 2 accuracy bound"], rows: edge.map((e) => [e.T, e.certified, e.refuted, e.inconclusive, e.cor2]) }));
