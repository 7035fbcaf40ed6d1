/**
 * Exact solution of a nonsingular integer system M·x = b by p-adic lifting (Dixon, 1982), in
 * double arithmetic.
 *
 * Why: a multi-modular solve pays one Gaussian elimination (r³/3 operations) per prime, and a
 * rational solution whose numerators and denominator have h bits each needs about 2h bits of
 * primes. Lifting inverts M modulo one prime p once and then gains log2 p bits per step for a
 * matrix–vector product (r² per limb of M), so one exact right-hand side costs little more than
 * one elimination. memcap's certified rank uses it to find the common denominator of the null
 * vectors cheaply; the multi-modular part then needs only h bits instead of 2h.
 *
 * The step: x_k = C·(b_k mod p) mod p with C = M⁻¹ mod p, then b_{k+1} = (b_k − M·x_k)/p, exactly.
 * After K steps Σ x_k·p^k ≡ M⁻¹·b (mod p^K); rational reconstruction recovers the fraction once
 * p^K > 2·|num|·den, and a candidate is accepted only when M·num = den·b holds exactly.
 *
 * Exactness in doubles: C·v sums r products below p² (p < lazyPrimeBound(r)); M·x is done limb
 * plane by plane (|limb| < 10^7) with x split into two 13-bit halves, so each sum stays below
 * r·10^7·2^13 < 2^53 for r ≤ 100 000; the planes are combined in BigInt.
 *
 * @example
 *   const M = IntMatrix.fromBigInts([[2n, 1n], [1n, 3n]]);
 *   dixonSolve(M, [0, 1], [0, 1], [1n, 2n], new PrimeStream(1 << 20, 5), 64) // { num: [1n, 3n], den: 5n, … }
 */
import { IntMatrix, LIMB_BASE } from "./intmatrix.ts";
import { PrimeStream, reduce, solveMod, workspace } from "./modular.ts";
import { ratRecon, sqrtBig } from "./ratrecon.ts";

export interface ExactSolution {
  /** x = num / den, den > 0. */
  num: bigint[];
  den: bigint;
  /** The lifting prime and the number of steps taken (for the record). */
  prime: number;
  steps: number;
}

const SPLIT = 8192; // 2^13: x = hi·SPLIT + lo with hi, lo < 2^13 for p < 2^26
const MAX_ORDER = 100_000; // r·10^7·2^13 < 2^53

/**
 * The exact solution of M[rows, cols]·x = b (square, nonsingular over Q), or null when no
 * solution was found within `maxBits` bits of p-adic precision (a Hadamard-type bound on
 * 2·|num|·den makes that impossible for a nonsingular M) or M is singular modulo 32 primes in a
 * row. Primes come from `primes` (which must give primes below lazyPrimeBound(rows.length)).
 */
export function dixonSolve(
  M: IntMatrix,
  rows: readonly number[],
  cols: readonly number[],
  b: readonly bigint[],
  primes: PrimeStream,
  maxBits: number,
): ExactSolution | null {
  const r = rows.length;
  if (cols.length !== r || b.length !== r) throw new RangeError("dixonSolve: M must be square and b match it");
  if (r === 0) return { num: [], den: 1n, prime: 0, steps: 0 };
  if (r > MAX_ORDER) throw new RangeError(`dixonSolve: order ${r} exceeds ${MAX_ORDER} (exactness of the double products)`);

  // C = M⁻¹ mod p for a prime not dividing det M, by solving M·C = I
  let p = 0;
  let inv: Float64Array | null = null;
  for (let tries = 0; tries < 32 && !inv; tries++) {
    p = primes.next();
    const Mp = M.residuesOf(rows, cols, p);
    const aug = new Float64Array(r * 2 * r);
    for (let i = 0; i < r; i++) {
      aug.set(Mp.subarray(i * r, (i + 1) * r), i * 2 * r);
      aug[i * 2 * r + r + i] = 1;
    }
    inv = solveMod(aug, r, r, p);
  }
  if (!inv) return null;

  // one kernel workspace: C column-major, the limb planes of M (column-major), three r-vectors
  const planes = M.signedLimbPlanes(rows, cols);
  const L = planes.length;
  const rr = r * r;
  const yOff = rr * (1 + L);
  const hOff = yOff + r;
  const lOff = hOff + r;
  const { views, sub } = workspace([lOff + r]);
  const w = views[0]!;
  for (let i = 0; i < r; i++) for (let j = 0; j < r; j++) w[j * r + i] = inv[i * r + j]!;
  planes.forEach((plane, l) => w.set(plane, rr * (1 + l)));

  const pb = BigInt(p);
  const bigBase = BigInt(LIMB_BASE);
  const bigSplit = BigInt(SPLIT);
  const res = b.slice();
  const digits: Float64Array[] = [];
  const bm = new Float64Array(r);
  const hi = new Float64Array(r);
  const lo = new Float64Array(r);
  const acc: bigint[] = new Array(r);
  const maxSteps = Math.ceil(maxBits / Math.log2(p)) + 2;
  // entry 0 tracked p-adically every step: a cheap first sign that the precision suffices
  let x0 = 0n;
  let pk = 1n;
  let cand: [bigint, bigint] | null = null;
  let survived = 0;
  let nextRecon = 2;
  let nextFull = 0;
  for (let k = 0; k < maxSteps; k++) {
    for (let i = 0; i < r; i++) {
      let t = res[i]! % pb;
      if (t < 0n) t += pb;
      bm[i] = Number(t);
    }
    // x = C·bm mod p (the workspace accumulates −C·bm, |·| ≤ r·p² < 2^53)
    w.fill(0, yOff, hOff);
    for (let j = 0; j < r; j++) if (bm[j] !== 0) sub(w, yOff, j * r, bm[j]!, r);
    const x = new Float64Array(r);
    for (let i = 0; i < r; i++) {
      const v = reduce(-w[yOff + i]!, p);
      x[i] = v;
      hi[i] = Math.floor(v / SPLIT);
      lo[i] = v - hi[i]! * SPLIT;
    }
    digits.push(x);
    // acc = −M·x exactly: Horner over the limb planes, each product in doubles
    acc.fill(0n);
    for (let l = 0; l < L; l++) {
      const base = rr * (1 + l);
      w.fill(0, hOff, lOff + r);
      for (let j = 0; j < r; j++) {
        if (hi[j] !== 0) sub(w, hOff, base + j * r, hi[j]!, r);
        if (lo[j] !== 0) sub(w, lOff, base + j * r, lo[j]!, r);
      }
      for (let i = 0; i < r; i++) {
        const part = BigInt(w[hOff + i]!) * bigSplit + BigInt(w[lOff + i]!);
        acc[i] = l === 0 ? part : acc[i]! * bigBase + part;
      }
    }
    for (let i = 0; i < r; i++) {
      const t = res[i]! + acc[i]!;
      const q = t / pb;
      if (q * pb !== t) throw new Error("dixonSolve: residual not divisible by p (bug)");
      res[i] = q;
    }
    x0 += BigInt(x[0]!) * pk;
    pk *= pb;
    const steps = k + 1;
    if (cand) {
      if ((cand[0] - cand[1] * x0) % pk === 0n) survived++;
      else cand = null;
    }
    if (!cand && steps >= nextRecon) {
      cand = ratRecon(x0, pk);
      survived = 0;
      nextRecon = Math.ceil(steps * 1.25);
    }
    if (cand && survived >= 2 && steps >= nextFull) {
      const sol = reconstructAll(digits, p, pk, r);
      if (sol && checkSolution(M, rows, cols, sol.num, sol.den, b)) return { ...sol, prime: p, steps };
      nextFull = steps + Math.max(4, Math.ceil(steps / 8));
    }
  }
  return null;
}

/** All entries from their p-adic digits, reconstructed over one growing common denominator. */
function reconstructAll(digits: Float64Array[], p: number, P: bigint, r: number): { num: bigint[]; den: bigint } | null {
  const pb = BigInt(p);
  const half = P / 2n;
  const bound = sqrtBig(half);
  const num: bigint[] = [];
  let den = 1n;
  for (let i = 0; i < r; i++) {
    let u = 0n;
    for (let t = digits.length - 1; t >= 0; t--) u = u * pb + BigInt(digits[t]![i]!);
    let y = (den * u) % P;
    if (y > half) y -= P;
    if (y <= bound && -y <= bound) {
      num.push(y);
      continue;
    }
    const q = ratRecon(y, P);
    if (!q) return null;
    for (let t = 0; t < num.length; t++) num[t] = num[t]! * q[1];
    den *= q[1];
    num.push(q[0]);
    if (den > bound) return null;
  }
  return { num, den };
}

/** M[rows, cols]·num = den·b, exactly. */
function checkSolution(M: IntMatrix, rows: readonly number[], cols: readonly number[], num: bigint[], den: bigint, b: readonly bigint[]): boolean {
  const big = M.bigRows();
  for (let a = 0; a < rows.length; a++) {
    const row = big[rows[a]!]!;
    let s = 0n;
    for (let t = 0; t < cols.length; t++) s += row[cols[t]!]! * num[t]!;
    if (s !== den * b[a]!) return false;
  }
  return true;
}
