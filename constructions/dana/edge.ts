/**
 * Edge of capacity: the same construction with T = T₀ + 1, …, T₀ + K sequences (nested random tables,
 * same generic weights), where M (H·d_h + d rows, T columns) can no longer be inverted; the readout is the
 * least-squares solution Z = E·Mᵀ(M·Mᵀ)⁻¹, solved in decimal.js (the Gram system squares the conditioning).
 * Each association is then certified memorized, certified NOT memorized, or inconclusive.
 *
 * @example
 *   edgeOfCapacity({ N: 10, S: 2, d: 2, dh: 2, H: 24, seed: 1, qkScale: 8, lambda: 1, K: 2 }).map((e) => e.T) // [51, 52]
 */
import { randomLookupTable } from "../../src/data/associations.ts";
import { danaBounds } from "../../src/bounds/dana.ts";
import { buildAssociationNetwork, decimalVerdicts, fastVerdicts } from "./association.ts";
import { decimalLogitEnclosures } from "./decimal-interval.ts";

export interface EdgeRow {
  T: number;
  certified: number;
  refuted: number;
  inconclusive: number;
  cor2: string;
}

export function edgeOfCapacity(o: { N: number; S: number; d: number; dh: number; H: number; seed: number; qkScale: number; lambda: number; K: number; digits?: number; progress?: (l: string) => void }): EdgeRow[] {
  const T0 = o.H * o.dh + o.d;
  const digits = o.digits ?? 50;
  const rows: EdgeRow[] = [];
  for (let k = 1; k <= o.K; k++) {
    const T = T0 + k;
    o.progress?.(`edge: T = ${T} (least squares in decimal.js at ${digits + 20} digits) …`);
    const table = randomLookupTable({ N: o.N, S: o.S, T, seed: o.seed });
    const built = buildAssociationNetwork(table, { d: o.d, dh: o.dh, H: o.H, seed: o.seed, qkScale: o.qkScale, lambda: o.lambda }, { kind: "decimal", digits: digits + 20 }, digits);
    const v = fastVerdicts(built.network, table);
    const open = v.map((x, i) => (x === "inconclusive" ? i : -1)).filter((i) => i >= 0);
    const dec = decimalVerdicts(open.length ? decimalLogitEnclosures(built.network, open.map((i) => table.sequences[i]!), digits) : [], open.map((i) => table.next[i]!));
    open.forEach((i, j) => (v[i] = dec[j]!));
    const cor2 = danaBounds({ vocab: o.N, S: o.S, d: o.d, dh: o.dh, H: o.H, T }).find((b) => b.id === "cor2-accuracy")!.value;
    rows.push({ T, certified: v.filter((x) => x === "certified").length, refuted: v.filter((x) => x === "refuted").length, inconclusive: v.filter((x) => x === "inconclusive").length, cor2 });
  }
  return rows;
}
