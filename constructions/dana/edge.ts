/**
 * Edge of capacity: the same construction with T = T₀ + 1, …, T₀ + K sequences (nested random tables,
 * same generic weights), where M (H·d_h + d rows, T columns) can no longer be inverted; the readout is the
 * least-squares solution Z = E·Mᵀ(M·Mᵀ)⁻¹, solved in decimal.js (the Gram system squares the conditioning).
 * Each association is then certified memorized, certified NOT memorized, or inconclusive.
 *
 * @example
 *   edgeOfCapacity({ N: 10, S: 2, d: 2, dh: 2, H: 24, seed: 1, qkScale: 8, lambda: 1, K: 2 }).map((e) => e.T) // [51, 52]
 */
import { randomLookupTable, type LookupTable } from "../../src/data/associations.ts";
import type { Network } from "../../src/ir/network.ts";
import type { Verdict } from "./fast-interval.ts";
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

export interface EdgeOptions {
  N: number;
  S: number;
  d: number;
  dh: number;
  H: number;
  seed: number;
  qkScale: number;
  lambda: number;
  digits?: number;
  progress?: (l: string) => void;
}

/** The construction on the first T sequences of the seeded table (T may exceed T₀: least squares), with the builder's verdicts. */
export function edgePoint(o: EdgeOptions, T: number): { table: LookupTable; network: Network; verdicts: Verdict[]; digits: number } {
  const digits = o.digits ?? 50;
  o.progress?.(`edge: T = ${T} (least squares in decimal.js at ${digits + 20} digits) …`);
  const table = randomLookupTable({ N: o.N, S: o.S, T, seed: o.seed });
  const built = buildAssociationNetwork(table, { d: o.d, dh: o.dh, H: o.H, seed: o.seed, qkScale: o.qkScale, lambda: o.lambda }, { kind: "decimal", digits: digits + 20 }, digits);
  const v = fastVerdicts(built.network, table);
  const open = v.map((x, i) => (x === "inconclusive" ? i : -1)).filter((i) => i >= 0);
  const dec = decimalVerdicts(open.length ? decimalLogitEnclosures(built.network, open.map((i) => table.sequences[i]!), digits) : [], open.map((i) => table.next[i]!));
  open.forEach((i, j) => (v[i] = dec[j]!));
  return { table, network: built.network, verdicts: v, digits };
}

export function edgeOfCapacity(o: EdgeOptions & { K: number }): EdgeRow[] {
  const T0 = o.H * o.dh + o.d;
  const rows: EdgeRow[] = [];
  for (let k = 1; k <= o.K; k++) {
    const T = T0 + k;
    const { verdicts: v } = edgePoint(o, T);
    const cor2 = danaBounds({ vocab: o.N, S: o.S, d: o.d, dh: o.dh, H: o.H, T }).find((b) => b.id === "cor2-accuracy")!.value;
    rows.push({ T, certified: v.filter((x) => x === "certified").length, refuted: v.filter((x) => x === "refuted").length, inconclusive: v.filter((x) => x === "inconclusive").length, cor2 });
  }
  return rows;
}

/**
 * Capacity found: the largest T ≤ T₀ + K at which the builder certifies every one of the T associations
 * (searched upward from T₀ + 1, stopping at the first T that is not fully certified), with that network and
 * table so that a certificate can be written and re-checked. null when none beyond T₀ is fully certified.
 */
export function largestFullyCertified(o: EdgeOptions & { K: number }): { T: number; table: LookupTable; network: Network; digits: number; tried: number } | null {
  const T0 = o.H * o.dh + o.d;
  let best: { T: number; table: LookupTable; network: Network; digits: number; tried: number } | null = null;
  for (let k = 1; k <= o.K && T0 + k <= o.N ** o.S; k++) {
    const p = edgePoint(o, T0 + k);
    if (!p.verdicts.every((x) => x === "certified")) return best ? { ...best, tried: T0 + k } : null;
    best = { T: T0 + k, table: p.table, network: p.network, digits: p.digits, tried: T0 + k };
  }
  return best;
}
