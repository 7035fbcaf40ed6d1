/**
 * Integer matrices in a form that is cheap to reduce modulo many primes: every entry is a sign
 * and a fixed number `L` of base-10^7 limbs (most significant first) in one Float64Array.
 *
 * Why base 10^7: decimal strings from JSON split into limbs by slicing, with no BigInt at all, and a
 * Horner step r·10^7 + limb stays below 2^53 for r < 2^26, so residues cost L double operations.
 * BigInt values are built only when exact arithmetic needs them (null-space certificates).
 * A rational matrix enters by clearing denominators row by row; row scaling changes neither the
 * rank nor the right null space.
 *
 * @example
 *   const M = IntMatrix.fromBigInts([[1n, -2n], [3n, 10n ** 30n]]);
 *   M.get(1, 1) // 10n ** 30n
 *   M.residues(101) // Float64Array of the four entries mod 101
 */
import { Rational, gcd } from "../numbers/rational.ts";

const BASE = 1e7;
/** The limb base as exported for exact limb arithmetic elsewhere (10^7). */
export const LIMB_BASE = BASE;
const DIGITS = 7;
const INT_RE = /^[+-]?\d+$/;

export class IntMatrix {
  private bigCache: bigint[][] | null = null;

  private constructor(
    readonly m: number,
    readonly n: number,
    /** Limbs per entry. */
    readonly L: number,
    /** (i·n + j)·L + l, most significant limb first, each in [0, 10^7). */
    readonly limbs: Float64Array,
    /** 1 where the entry is negative. */
    readonly neg: Uint8Array,
  ) {}

  /** From raw limbs (see the class comment for the layout); used by the byte-level reader. */
  static fromLimbs(m: number, n: number, L: number, limbs: Float64Array, neg: Uint8Array): IntMatrix {
    if (limbs.length !== m * n * L || neg.length !== m * n) throw new RangeError("IntMatrix.fromLimbs: sizes do not match");
    return new IntMatrix(m, n, L, limbs, neg);
  }

  /**
   * From decimal integer strings ("-12", "+7", "000"), all already known to match /^[+-]?\d+$/
   * (see `isIntegerText`).
   */
  static fromDecimalStrings(rows: readonly (readonly string[])[]): IntMatrix {
    const m = rows.length;
    const n = m ? rows[0]!.length : 0;
    let maxDigits = 1;
    for (const row of rows)
      for (const s of row) {
        const d = s.length - (s.charCodeAt(0) === 43 || s.charCodeAt(0) === 45 ? 1 : 0);
        if (d > maxDigits) maxDigits = d;
      }
    const L = Math.ceil(maxDigits / DIGITS);
    const limbs = new Float64Array(m * n * L);
    const neg = new Uint8Array(m * n);
    for (let i = 0; i < m; i++) {
      const row = rows[i]!;
      for (let j = 0; j < n; j++) {
        const s = row[j]!;
        const e = i * n + j;
        let start = 0;
        const c0 = s.charCodeAt(0);
        if (c0 === 45 || c0 === 43) start = 1;
        // limbs from the right end of the digit string
        let end = s.length;
        let nonzero = false;
        for (let l = L - 1; l >= 0 && end > start; l--) {
          const from = Math.max(start, end - DIGITS);
          let v = 0;
          for (let k = from; k < end; k++) v = v * 10 + (s.charCodeAt(k) - 48);
          limbs[e * L + l] = v;
          if (v !== 0) nonzero = true;
          end = from;
        }
        neg[e] = c0 === 45 && nonzero ? 1 : 0;
      }
    }
    return new IntMatrix(m, n, L, limbs, neg);
  }

  static fromBigInts(rows: readonly (readonly bigint[])[]): IntMatrix {
    const M = IntMatrix.fromDecimalStrings(rows.map((r) => r.map((x) => x.toString())));
    M.bigCache = rows.map((r) => r.slice());
    return M;
  }

  /**
   * Clears denominators row by row: row i is multiplied by the lcm of its denominators, so the
   * result has the same rank and right null space as A. Returns the matrix and the row scales.
   */
  static fromRationals(A: readonly (readonly Rational[])[]): { matrix: IntMatrix; scales: bigint[] } {
    const scales: bigint[] = [];
    const rows = A.map((row) => {
      let l = 1n;
      for (const x of row) if (x.den !== 1n) l = (l / gcd(l, x.den)) * x.den;
      scales.push(l);
      return row.map((x) => (l === 1n ? x.num : x.num * (l / x.den)));
    });
    return { matrix: IntMatrix.fromBigInts(rows), scales };
  }

  /** The transpose (n×m). */
  transpose(): IntMatrix {
    const { m, n, L, limbs, neg } = this;
    const tl = new Float64Array(limbs.length);
    const tn = new Uint8Array(neg.length);
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        const src = i * n + j;
        const dst = j * m + i;
        tn[dst] = neg[src]!;
        for (let l = 0; l < L; l++) tl[dst * L + l] = limbs[src * L + l]!;
      }
    return new IntMatrix(n, m, L, tl, tn);
  }

  /** Entry (i, j) as a BigInt. */
  get(i: number, j: number): bigint {
    return this.bigRows()[i]![j]!;
  }

  /** All rows as BigInts (built once, then cached). */
  bigRows(): bigint[][] {
    if (this.bigCache) return this.bigCache;
    const { m, n, L, limbs, neg } = this;
    const out: bigint[][] = [];
    const bigBase = BigInt(BASE);
    for (let i = 0; i < m; i++) {
      const row: bigint[] = new Array(n);
      for (let j = 0; j < n; j++) {
        const e = i * n + j;
        let v: bigint;
        if (L <= 2) v = BigInt((L === 2 ? limbs[e * L]! * BASE : 0) + limbs[e * L + L - 1]!);
        else {
          v = 0n;
          for (let l = 0; l < L; l++) v = v * bigBase + BigInt(limbs[e * L + l]!);
        }
        row[j] = neg[e] ? -v : v;
      }
      out.push(row);
    }
    this.bigCache = out;
    return out;
  }

  /** Entry e (row-major) modulo p in [0, p): limbs folded in with one float reduction each (exact below 2^53). */
  private residueAt(e: number, p: number, pinv: number): number {
    const { L, limbs } = this;
    const off = e * L;
    let r = L === 1 ? limbs[off]! : limbs[off]! * BASE + limbs[off + 1]!;
    r -= Math.floor(r * pinv) * p;
    for (let l = 2; l < L; l++) {
      r = r * BASE + limbs[off + l]!;
      r -= Math.floor(r * pinv) * p;
    }
    if (r < 0) r += p;
    else if (r >= p) r -= p;
    return this.neg[e] && r !== 0 ? p - r : r;
  }

  /**
   * The submatrix on `rows` × `cols` (in the given orders) modulo p (p < 2^26), row-major, in [0, p).
   * One reduction per entry for up to 14 digits (two limbs combine exactly below 2^53).
   */
  residuesOf(rows: readonly number[], cols: readonly number[], p: number): Float64Array {
    const { n } = this;
    const w = cols.length;
    const out = new Float64Array(rows.length * w);
    const pinv = 1 / p;
    for (let a = 0; a < rows.length; a++) {
      const base = rows[a]! * n;
      for (let b = 0; b < w; b++) {
        out[a * w + b] = this.residueAt(base + cols[b]!, p, pinv);
      }
    }
    return out;
  }

  /**
   * The submatrix on `rows` × `cols` as L signed limb planes, column-major: plane l holds
   * ±(limb l of entry (rows[a], cols[b])) at b·rows.length + a, so the entry is
   * Σ_l plane_l·10^(7·(L−1−l)). Exact small integers for double arithmetic (p-adic lifting).
   */
  signedLimbPlanes(rows: readonly number[], cols: readonly number[]): Float64Array[] {
    const { n, L, limbs, neg } = this;
    const h = rows.length;
    const planes = Array.from({ length: L }, () => new Float64Array(h * cols.length));
    for (let b = 0; b < cols.length; b++)
      for (let a = 0; a < h; a++) {
        const e = rows[a]! * n + cols[b]!;
        const sign = neg[e] ? -1 : 1;
        for (let l = 0; l < L; l++) planes[l]![b * h + a] = sign * limbs[e * L + l]!;
      }
    return planes;
  }

  /** All entries modulo p (p < 2^26), row-major, in [0, p). Same arithmetic as `residuesOf`. */
  residues(p: number): Float64Array {
    const size = this.m * this.n;
    const out = new Float64Array(size);
    const pinv = 1 / p;
    for (let e = 0; e < size; e++) {
      out[e] = this.residueAt(e, p, pinv);
    }
    return out;
  }

  /** log2 |entry e| rounded up a little (−Infinity for 0); never overflows, whatever the size. */
  private entryLog2(e: number): number {
    const { L, limbs } = this;
    let l = 0;
    while (l < L && limbs[e * L + l] === 0) l++;
    if (l === L) return -Infinity;
    const head = limbs[e * L + l]! + 1; // +1: an upper bound for the remaining limbs
    return Math.log2(head) + (L - 1 - l) * Math.log2(BASE) + 1e-9;
  }

  /** Upper bound on log2 of the largest |entry| (−Infinity for the zero matrix). */
  log2MaxAbs(): number {
    let best = -Infinity;
    for (let e = 0; e < this.m * this.n; e++) best = Math.max(best, this.entryLog2(e));
    return best;
  }

  /** Upper bounds on log2 of the Euclidean norms of the columns (for Hadamard bounds). */
  log2ColumnNorms(): Float64Array {
    const { m, n } = this;
    const out = new Float64Array(n);
    const logs = new Float64Array(m);
    for (let j = 0; j < n; j++) {
      let maxLog = -Infinity;
      for (let i = 0; i < m; i++) {
        logs[i] = this.entryLog2(i * n + j);
        if (logs[i]! > maxLog) maxLog = logs[i]!;
      }
      if (maxLog === -Infinity) {
        out[j] = -Infinity;
        continue;
      }
      let s = 0;
      for (let i = 0; i < m; i++) s += 2 ** (2 * (logs[i]! - maxLog));
      out[j] = maxLog + 0.5 * Math.log2(s) + 1e-6;
    }
    return out;
  }
}

/** True for decimal integer text: optional sign, digits only. */
export function isIntegerText(s: string): boolean {
  return INT_RE.test(s);
}
