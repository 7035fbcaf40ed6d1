/**
 * The `rank` claim (docs/certificate.md): rank(Z) = r for the attention mixtures Z of one layer
 * (row i: per head h, Σ_j a^h_j x_j at the last query of sequence i; evaluate.ts `mixtures`).
 *
 *  - r > min(rows, columns): REJECTED.
 *  - Z exact (no softmax up to that layer): its rank by fraction-free (Bareiss) elimination over
 *    the integers, compared with r.
 *  - Z enclosed: rank ≥ r from an r×r minor A (rows and columns chosen by float64 complete
 *    pivoting on the midpoints — a heuristic; soundness does not rest on it) and an approximate
 *    inverse R of its midpoint (float64): if ‖I − R·A‖_∞ < 1 for every A in the enclosure, R·A and so
 *    A are nonsingular (Neumann series). The test is exact: the enclosure's ends rounded outward to
 *    fixed point 2^−F, R rounded to integers over 2^k, then integer arithmetic. rank ≤ r needs
 *    r = min(rows, columns) (an enclosure cannot show a smaller rank); if instead an (r+1)-minor
 *    passes, the claim is REJECTED, otherwise INCONCLUSIVE.
 *
 * @example
 *   checkRank(checked, { kind: "rank", id: "rank-Z", matrix: { of: "attention-mixtures", layer: 0 }, rank: 17 }, src, 30).status
 */
import type { Claim } from "../src/certificate/format.ts";
import { gcd, type Rational } from "../src/numbers/rational.ts";
import type { Decision, Enc, EnclosureSource } from "./source.ts";
import { Invalid, Undecided, type Checked } from "./validate.ts";

type RankClaim = Extract<Claim, { kind: "rank" }>;

/** floor(x·2^F) (up = false) or ceil(x·2^F) (up = true), exactly. */
function fixed(x: Rational, F: bigint, up: boolean): bigint {
  const n = x.num << F;
  const q = n / x.den;
  const exact = q * x.den === n;
  if (exact) return q;
  return up ? (n > 0n ? q + 1n : q) : n < 0n ? q - 1n : q;
}

/** Exact rank of a rational matrix (Bareiss elimination on the rows scaled to integers). */
export function exactRank(rows: Rational[][]): number {
  const M = rows.map((r) => {
    const L = r.reduce((l, x) => (l / gcd(l, x.den)) * x.den, 1n);
    return r.map((x) => x.num * (L / x.den));
  });
  const m = M.length;
  const n = m ? M[0]!.length : 0;
  let rank = 0;
  let prev = 1n;
  for (let col = 0; col < n && rank < m; col++) {
    const p = M.findIndex((r, i) => i >= rank && r[col] !== 0n);
    if (p < 0) continue;
    [M[rank], M[p]] = [M[p]!, M[rank]!];
    const P = M[rank]!;
    const piv = P[col]!;
    for (let i = rank + 1; i < m; i++) {
      const Ri = M[i]!;
      const f = Ri[col]!;
      for (let j = col + 1; j < n; j++) Ri[j] = (piv * Ri[j]! - f * P[j]!) / prev;
      Ri[col] = 0n;
    }
    prev = piv;
    rank++;
  }
  return rank;
}

/** Rows and columns of the first k pivots of float64 complete pivoting on the midpoints (fewer if it runs out). */
function pivots(mid: number[][], k: number): { rows: number[]; cols: number[] } {
  const A = mid.map((r) => r.slice());
  const rows: number[] = [];
  const cols: number[] = [];
  const usedR = new Set<number>();
  const usedC = new Set<number>();
  let scale = 0;
  for (const r of A) for (const v of r) scale = Math.max(scale, Math.abs(v));
  while (rows.length < k) {
    let bi = -1, bj = -1, best = 0;
    A.forEach((r, i) => { if (!usedR.has(i)) r.forEach((v, j) => { if (!usedC.has(j) && Math.abs(v) > best) (best = Math.abs(v)), (bi = i), (bj = j); }); });
    if (bi < 0 || best <= scale * 1e-13) break;
    rows.push(bi), cols.push(bj), usedR.add(bi), usedC.add(bj);
    const pr = A[bi]!;
    A.forEach((r, i) => {
      if (usedR.has(i)) return;
      const f = r[bj]! / pr[bj]!;
      if (f !== 0) for (let j = 0; j < r.length; j++) r[j]! -= f * pr[j]!;
    });
  }
  return { rows, cols };
}

/** Float64 inverse by Gauss–Jordan with partial pivoting, or null if it breaks down. */
function inverse(A: number[][]): number[][] | null {
  const n = A.length;
  const M = A.map((r, i) => [...r, ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let i = c + 1; i < n; i++) if (Math.abs(M[i]![c]!) > Math.abs(M[p]![c]!)) p = i;
    if (!(Math.abs(M[p]![c]!) > 0)) return null;
    [M[c], M[p]] = [M[p]!, M[c]!];
    const pr = M[c]!;
    const d = pr[c]!;
    for (let j = 0; j < 2 * n; j++) pr[j]! /= d;
    M.forEach((r, i) => {
      if (i === c || r[c] === 0) return;
      const f = r[c]!;
      for (let j = 0; j < 2 * n; j++) r[j]! -= f * pr[j]!;
    });
  }
  const R = M.map((r) => r.slice(n));
  return R.every((r) => r.every(Number.isFinite)) ? R : null;
}

/** Whether ‖I − R·A‖_∞ < 1 for every A in the enclosure of the minor (rows × cols of Z), exactly. */
function minorCertified(Z: Enc[][], mid: number[][], rows: number[], cols: number[], P: number): boolean {
  const r = rows.length;
  const Rf = inverse(rows.map((i) => cols.map((j) => mid[i]![j]!)));
  if (!Rf) return false;
  let mx = 0;
  for (const row of Rf) for (const v of row) mx = Math.max(mx, Math.abs(v));
  if (mx === 0) return false;
  const k = 52 - Math.ceil(Math.log2(mx));
  if (!Number.isFinite(2 ** k) || 2 ** k === 0) return false; // an inverse this far outside the float range is useless
  const R = Rf.map((row) => row.map((v) => BigInt(Math.round(v * 2 ** k))));
  const F = BigInt(Math.ceil(P * Math.log2(10)) + 16);
  // A ∈ [Mid2 − Rad2, Mid2 + Rad2] / 2^(F+1), from the ends rounded outward to 2^−F
  const Mid2: bigint[][] = [];
  const radRow: bigint[] = [];
  for (const i of rows) {
    const m: bigint[] = [];
    let rad = 0n;
    for (const j of cols) {
      const lo = fixed(Z[i]![j]!.lo, F, false);
      const hi = fixed(Z[i]![j]!.hi, F, true);
      m.push(lo + hi);
      rad += hi - lo;
    }
    Mid2.push(m);
    radRow.push(rad);
  }
  const S = 1n << (F + 1n + BigInt(Math.max(k, 0)));
  const shift = k < 0 ? BigInt(-k) : 0n; // R·2^k with k < 0: scale S instead of R
  const abs = (x: bigint) => (x < 0n ? -x : x);
  for (let a = 0; a < r; a++) {
    const Ra = R[a]!;
    let total = 0n;
    for (let j = 0; j < r; j++) total += abs(Ra[j]!) * radRow[j]!;
    if (shift) total <<= shift;
    for (let c = 0; c < r; c++) {
      let s = 0n;
      for (let j = 0; j < r; j++) if (Ra[j] !== 0n) s += Ra[j]! * Mid2[j]![c]!;
      total += abs((a === c ? S : 0n) - (shift ? s << shift : s));
    }
    if (total >= S) return false;
  }
  return true;
}

/** Decides a rank claim. */
export function checkRank(c: Checked, claim: RankClaim, src: EnclosureSource, P: number): Decision {
  const li = claim.matrix.layer;
  const L = c.layers[li];
  if (!L || L.type !== "attention") throw new Invalid(`claim ${claim.id}: network.layers[${li}] is not an attention layer`);
  const what = { mixtures: li };
  const r = claim.rank;
  let last = "";
  for (const cheap of [true, false]) {
    const Z: Enc[][] = [];
    for (let i = 0; i < c.sequences.length; i++) {
      const v = src.values(i, what, () => cheap);
      if (v instanceof Undecided) return { status: "inconclusive", detail: `row ${i} of Z: ${v.message}`, example: i };
      Z.push(v[0]!);
    }
    const m = Z.length;
    const n = Z[0]!.length;
    const full = Math.min(m, n);
    const shape = `Z (${m} × ${n}, attention mixtures of layer ${li})`;
    if (r > full) return { status: "rejected", detail: `rank ${r} exceeds min(rows, columns) = ${full} of ${shape}`, computed: `≤ ${full}`, claimed: String(r) };
    if (Z.every((row) => row.every((e) => e.lo.eq(e.hi)))) {
      const got = exactRank(Z.map((row) => row.map((e) => e.lo)));
      return { status: got === r ? "verified" : "rejected", detail: `rank of ${shape} = ${got} (exact)${got === r ? "" : `, claimed ${r}`}`, computed: String(got), claimed: String(r) };
    }
    const mid = Z.map((row) => row.map((e) => (e.lo.toNumber() + e.hi.toNumber()) / 2));
    const want = Math.min(r + 1, full);
    const pv = pivots(mid, want);
    const atLeast = (k: number) => k === 0 || (pv.rows.length >= k && minorCertified(Z, mid, pv.rows.slice(0, k), pv.cols.slice(0, k), P));
    if (!atLeast(r)) {
      last = `rank ≥ ${r} of ${shape} not certified at ${P} digits (no ${r}×${r} minor passed the Neumann test)`;
      continue;
    }
    if (r === full) return { status: "verified", detail: `rank of ${shape} = ${r}: a ${r}×${r} minor is certified nonsingular (‖I − R·A‖∞ < 1), and ${r} = min(rows, columns)` };
    if (atLeast(r + 1)) return { status: "rejected", detail: `rank of ${shape} ≥ ${r + 1} (a certified nonsingular minor), claimed ${r}`, computed: `≥ ${r + 1}`, claimed: String(r) };
    last = `rank ≥ ${r} of ${shape} certified, but an upper bound below min(rows, columns) = ${full} cannot be certified from an enclosure`;
    if (!cheap) break;
  }
  return { status: "inconclusive", detail: `${last}; rerun with a higher --precision` };
}
