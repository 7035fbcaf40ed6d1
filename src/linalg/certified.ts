/**
 * Certified exact rank by a multi-modular route.
 *
 * The rank modulo a prime never exceeds the rank over Q, and equals it unless the prime divides
 * every maximal nonzero minor — improbable for a random prime. So memcap computes the rank profile
 * modulo random primes (fast, in doubles: src/linalg/modular.ts) and then *proves* the answer:
 *
 *   (a) rank ≥ r: the r×r minor on `rows`×`cols` has det ≢ 0 (mod `prime`), hence det ≠ 0 over Z;
 *   (b) rank ≤ r (needed only when r < min(m, n)): n − r integer vectors v with A·v = 0 exactly,
 *       one per non-pivot column c, with v[c] ≠ 0 and v[c'] = 0 at the other non-pivot columns c'.
 *       That "diagonal block" makes them independent by inspection, so nullity ≥ n − r.
 *
 * The null vectors solve M·X = −A[rows, N] for the nonsingular minor M (N = non-pivot columns):
 * X mod many primes → rational reconstruction of a few probe entries gives the common
 * denominator d → Chinese remaindering of W = d·X → exact check A·[W; d·I] = 0. If the check
 * fails although the primes' product exceeds the Hadamard bound that guarantees the
 * reconstruction, the rank must be larger than r, and the search restarts with fresh primes.
 *
 * @example
 *   const { rank, certificate } = certifiedRank(ratMatrix([[1, 2], [2, 4]]));
 *   rank // 1
 *   verifyRankCertificate(ratMatrix([[1, 2], [2, 4]]), certificate) // true
 */
import type { Rational } from "../numbers/rational.ts";
import { gcd } from "../numbers/rational.ts";
import { IntMatrix } from "./intmatrix.ts";
import { PrimeStream, detMod, invMod, isPrime, lazyPrimeBound, MAX_PRIME, rankProfileMod, reduce, solveMod } from "./modular.ts";

/** A rank certificate. In JSON the null-vector entries are decimal strings; both forms verify. */
export interface RankCertificate {
  rank: number;
  /** Row indices of a nonsingular r×r minor. */
  rows: number[];
  /** Column indices of that minor. */
  cols: number[];
  /** A prime (< 2^26) modulo which the minor's determinant is nonzero. */
  prime: number;
  /**
   * Present when rank < min(m, n). Side "right" (the default): n − rank integer vectors v with
   * A·v = 0, the k-th one nonzero at the k-th non-pivot column (increasing order) and zero at the
   * other non-pivot columns. Side "left" (chosen when m < n, as it is smaller): m − rank vectors y
   * with yᵀA = 0 and the same pattern on the non-pivot rows. A is the row-scaled integer matrix
   * (each row times the lcm of its denominators; the identity for integer input).
   */
  nullVectors?: (bigint | string)[][];
  side?: "right" | "left";
}

export interface CertifiedRank {
  rank: number;
  certificate: RankCertificate;
  /** Primes tried while computing (for the record; not part of the proof). */
  primesUsed: number;
}

export interface CertifiedRankOptions {
  /** Seed of the random primes (default 1). */
  seed?: number;
  /**
   * Check the null vectors exactly before returning (default true). With false the search only
   * checks A·v ≡ 0 modulo a fresh prime, and the caller MUST run verifyRankCertificate (the CLI
   * does): this avoids doing the exact check twice.
   */
  verify?: boolean;
  /** Called now and then during the null-space phase (for progress display on stderr). */
  onProgress?: (info: { phase: "null vectors"; primes: number; bits: number }) => void;
}

/**
 * Exact rank of a rational (or integer) matrix with a certificate that `verifyRankCertificate`
 * re-checks independently. Rows are scaled to integers first (rank and null space unchanged).
 *
 * @example
 *   certifiedRank(ratMatrix([[1, 0], [0, 1]])).certificate // { rank: 2, rows: [0, 1], cols: [0, 1], prime: … }
 */
export function certifiedRank(A: readonly (readonly Rational[])[] | IntMatrix, opts: CertifiedRankOptions = {}): CertifiedRank {
  const M = A instanceof IntMatrix ? A : IntMatrix.fromRationals(A).matrix;
  const { m, n } = M;
  const full = Math.min(m, n);
  const bound = lazyPrimeBound(Math.max(m, n));
  const primes = new PrimeStream(bound, (opts.seed ?? 1) * 2654435761);
  let primesUsed = 0;
  let best = { rank: -1, rows: [] as number[], cols: [] as number[], prime: 0 };
  // Try primes until the rank profile is proven: full rank needs only (a); otherwise (b) must verify.
  for (let attempt = 0; ; attempt++) {
    const p = primes.next();
    primesUsed++;
    const prof = rankProfileMod(M.residues(p), m, n, p);
    if (prof.rank > best.rank) best = { ...prof, prime: p }; // ranks mod p are lower bounds: keep the largest
    if (best.rank === full) return { rank: full, certificate: { rank: full, rows: best.rows, cols: best.cols, prime: best.prime }, primesUsed };
    // A second prime cheaply guards against an unlucky first one before the costly part (b).
    if (attempt === 0) continue;
    // rank ≤ r from whichever side needs fewer, shorter vectors: the left null space of A is the right one of Aᵀ
    const left = m < n;
    const res = left
      ? nullVectorsByCRT(M.transpose(), best.cols, best.rows, primes, opts.verify ?? true, opts.onProgress)
      : nullVectorsByCRT(M, best.rows, best.cols, primes, opts.verify ?? true, opts.onProgress);
    primesUsed += res.primes;
    if (res.vectors) {
      const certificate: RankCertificate = {
        rank: best.rank,
        rows: best.rows,
        cols: best.cols,
        prime: best.prime,
        nullVectors: res.vectors,
        ...(left ? { side: "left" as const } : {}),
      };
      return { rank: best.rank, certificate, primesUsed };
    }
    // (b) failed beyond the Hadamard bound: the rank is larger than best.rank; look again.
    if (attempt > 64) throw new Error("certifiedRank: no certificate after 64 rounds (bug)");
  }
}

/**
 * Independent re-check of a rank certificate: (a) the minor's determinant is nonzero modulo the
 * (re-tested) prime, computed by a separate plain elimination; (b) the null vectors have the
 * diagonal block on the non-pivot columns and A·v = 0 in exact integer arithmetic.
 *
 * @example
 *   verifyRankCertificate(A, { ...cert, rank: cert.rank + 1 }) // false
 */
export function verifyRankCertificate(A: readonly (readonly Rational[])[] | IntMatrix, cert: RankCertificate): boolean {
  const M = A instanceof IntMatrix ? A : IntMatrix.fromRationals(A).matrix;
  const { m, n } = M;
  const r = cert.rank;
  if (!Number.isInteger(r) || r < 0 || r > Math.min(m, n)) return false;
  if (!distinctIndices(cert.rows, r, m) || !distinctIndices(cert.cols, r, n)) return false;
  if (r > 0) {
    const p = cert.prime;
    if (!isPrime(p) || p >= MAX_PRIME) return false;
    if (detMod(M.residuesOf(cert.rows, cert.cols, p), r, p) === 0) return false;
  }
  if (r === Math.min(m, n)) return true;
  const side: unknown = cert.side ?? "right";
  if (side !== "right" && side !== "left") return false;
  // left null vectors of A are right null vectors of Aᵀ, with the pivot rows as pivot columns
  return nullVectorsProveRank(side === "left" ? M.transpose() : M, side === "left" ? cert.rows : cert.cols, cert.nullVectors);
}

/** The vectors are K.n − |pivots| in number, have the diagonal pattern off the pivots, and K·v = 0 exactly. */
function nullVectorsProveRank(K: IntMatrix, pivots: number[], vs: unknown): boolean {
  const { m, n } = K;
  if (!Array.isArray(vs) || vs.length !== n - pivots.length) return false;
  const isPivot = new Uint8Array(n);
  for (const c of pivots) isPivot[c] = 1;
  const nonPivot: number[] = [];
  for (let c = 0; c < n; c++) if (!isPivot[c]) nonPivot.push(c);
  const rows = K.bigRows();
  for (let k = 0; k < vs.length; k++) {
    const text: unknown = vs[k];
    if (!Array.isArray(text) || text.length !== n) return false;
    const v: bigint[] = [];
    for (const s of text) {
      if (typeof s === "bigint") v.push(s);
      else if (typeof s === "string" && /^-?\d+$/.test(s)) v.push(BigInt(s));
      else return false;
    }
    for (let t = 0; t < nonPivot.length; t++) if ((v[nonPivot[t]!]! !== 0n) !== (t === k)) return false;
    const support: number[] = [];
    for (let j = 0; j < n; j++) if (v[j] !== 0n) support.push(j);
    for (let i = 0; i < m; i++) {
      const row = rows[i]!;
      let s = 0n;
      for (const j of support) s += row[j]! * v[j]!;
      if (s !== 0n) return false;
    }
  }
  return true;
}

function distinctIndices(xs: unknown, r: number, limit: number): xs is number[] {
  if (!Array.isArray(xs) || xs.length !== r) return false;
  const seen = new Set<number>();
  for (const x of xs) {
    if (!Number.isInteger(x) || x < 0 || x >= limit || seen.has(x)) return false;
    seen.add(x);
  }
  return true;
}

/**
 * Part (b) of the certificate: integer null vectors [W; d·I] (in the column order of A) from the
 * minor (rows × cols), or null when they cannot exist, i.e. the true rank exceeds rows.length.
 */
function nullVectorsByCRT(
  M: IntMatrix,
  rows: number[],
  cols: number[],
  primes: PrimeStream,
  exact: boolean,
  onProgress?: CertifiedRankOptions["onProgress"],
): { vectors: bigint[][] | null; primes: number } {
  const { n } = M;
  const r = rows.length;
  const isPivot = new Uint8Array(n);
  for (const c of cols) isPivot[c] = 1;
  const nonPivot: number[] = [];
  for (let c = 0; c < n; c++) if (!isPivot[c]) nonPivot.push(c);
  const s = nonPivot.length;
  const E = r * s;
  // Hadamard: every Cramer numerator/denominator of X is at most the product of the r largest column norms.
  const norms = Array.from(M.log2ColumnNorms(), (x) => Math.max(0, x)).sort((a, b) => b - a);
  let log2H = 1;
  for (let k = 0; k < r; k++) log2H += norms[k]!;
  // product of primes beyond this: reconstruction is exact (2H² + 2), with room for the 2^21
  // sanity margin of crtSymmetric and W = d·X (|W| ≤ H)
  const guaranteed = 2 * log2H + 2 + 64;

  const augCols = [...cols, ...nonPivot]; // [M | A[rows, N]]
  const ps: number[] = [];
  const xs: Float64Array[] = [];
  // probes: a few entries whose denominators give the common denominator d
  const probeIdx = r === 0 ? [] : [...new Set([E - 1, 0, s - 1, (r - 1) * s, Math.floor(r / 2) * s + Math.floor(s / 2)])];
  const probeVal = probeIdx.map(() => 0n);
  let modulus = 1n;
  let log2Mod = 0;
  let nextTry = 8;
  let used = 0;
  // Build and check the vectors for a denominator d (null: recover d from every entry first).
  const build = (dIn: bigint | null, probeBits: number): bigint[][] | null => {
    let d = dIn;
    let W: bigint[] | null = null;
    if (d !== null) {
      let k = 0;
      let bits = 0;
      while (k < ps.length && bits < probeBits + 48) bits += Math.log2(ps[k++]!);
      if (bits < probeBits + 48) return null; // not enough primes yet
      W = crtSymmetric(ps.slice(0, k), xs.slice(0, k), d, E) ?? crtSymmetric(ps, xs, d, E);
    }
    if (!W) {
      // the probes missed a denominator (structured matrices): take the lcm over every entry
      d = lcmOfAllDenominators(ps, xs, E);
      if (d !== null) W = crtSymmetric(ps, xs, d, E);
    }
    if (!W || d === null) return null;
    const vectors: bigint[][] = [];
    for (let k = 0; k < s; k++) {
      const v = new Array<bigint>(n).fill(0n);
      for (let t = 0; t < r; t++) v[cols[t]!] = W[t * s + k]!;
      v[nonPivot[k]!] = d;
      vectors.push(v);
    }
    return (exact ? vectorsAnnihilate(M, vectors, rows) : vectorsAnnihilateMod(M, vectors, primes)) ? vectors : null;
  };
  // Early termination: reconstruct the probes; once two further primes agree, build.
  const reconstructProbes = (): { fracs: [bigint, bigint][]; d: bigint; bits: number } | null => {
    const fracs: [bigint, bigint][] = [];
    let d = 1n;
    let bits = 0;
    for (let t = 0; t < probeIdx.length; t++) {
      const q = ratRecon(probeVal[t]!, modulus);
      if (!q) return null;
      fracs.push(q);
      d = (d / gcd(d, q[1])) * q[1];
    }
    // size of the probes of W = d·X: |num|·d/den
    for (const [a, b] of fracs) bits = Math.max(bits, bitLen(a) + bitLen(d) - bitLen(b) + 1);
    return { fracs, d, bits };
  };
  let candidate: ReturnType<typeof reconstructProbes> = null;
  let confirmations = 0;

  for (;;) {
    const p = primes.next();
    used++;
    const X = solveMod(M.residuesOf(rows, augCols, p), r, s, p);
    if (!X) continue; // the minor is singular mod this prime: skip it
    for (let e = 0; e < E; e++) if (X[e] !== 0) X[e] = p - X[e]!; // X = −M⁻¹·A[rows, N]
    ps.push(p);
    xs.push(X);
    // incremental CRT of the probes
    const pb = BigInt(p);
    const inv = BigInt(invMod(Number(modulus % pb), p));
    for (let t = 0; t < probeIdx.length; t++) {
      const x = probeVal[t]!;
      const diff = (BigInt(X[probeIdx[t]!]!) - (x % pb) + pb) % pb;
      probeVal[t] = x + modulus * ((diff * inv) % pb);
    }
    modulus *= pb;
    log2Mod += Math.log2(p);
    if (onProgress && ps.length % 16 === 0) onProgress({ phase: "null vectors", primes: ps.length, bits: Math.round(log2Mod) });
    if (log2Mod > guaranteed) {
      // past the Hadamard bound the reconstruction is exact if the rank is r: failure disproves r
      const c = reconstructProbes();
      return { vectors: build(c ? c.d : null, c ? c.bits : 0), primes: used };
    }
    if (candidate) {
      const ok = candidate.fracs.every(([a, b], t) => (((a - b * BigInt(X[probeIdx[t]!]!)) % pb) + pb) % pb === 0n);
      if (!ok) candidate = null;
      else if (++confirmations >= 2) {
        const vs = build(candidate.d, candidate.bits);
        if (vs) return { vectors: vs, primes: used };
        candidate = null;
      }
    }
    if (!candidate && ps.length >= nextTry) {
      candidate = reconstructProbes();
      confirmations = 0;
      nextTry = ps.length + Math.max(2, Math.ceil(ps.length / 16));
    }
  }
}

function bitLen(x: bigint): number {
  return (x < 0n ? -x : x).toString(16).length * 4;
}

/** lcm of the reduced denominators of all entries (by Garner + rational reconstruction), or null if one fails. */
function lcmOfAllDenominators(ps: number[], xs: Float64Array[], E: number): bigint | null {
  const u = crtValues(ps, xs, E);
  let modulus = 1n;
  for (const p of ps) modulus *= BigInt(p);
  let d = 1n;
  for (const x of u) {
    const q = ratRecon(x, modulus);
    if (!q) return null;
    d = (d / gcd(d, q[1])) * q[1];
  }
  return d;
}

/** A·v = 0 for every vector, in exact integer arithmetic (rows of the minor first: they fail first). */
function vectorsAnnihilate(M: IntMatrix, vectors: bigint[][], firstRows: number[]): boolean {
  const rows = M.bigRows();
  const order = [...firstRows];
  const seen = new Set(firstRows);
  for (let i = 0; i < M.m; i++) if (!seen.has(i)) order.push(i);
  for (const v of vectors) {
    const support: number[] = [];
    for (let j = 0; j < v.length; j++) if (v[j] !== 0n) support.push(j);
    for (const i of order) {
      const row = rows[i]!;
      let acc = 0n;
      for (const j of support) acc += row[j]! * v[j]!;
      if (acc !== 0n) return false;
    }
  }
  return true;
}

/** A·v ≡ 0 modulo a fresh prime: a fast filter, not a proof (the proof is verifyRankCertificate). */
function vectorsAnnihilateMod(M: IntMatrix, vectors: bigint[][], primes: PrimeStream): boolean {
  const { m, n } = M;
  for (let t = 0; t < 1; t++) {
    const p = primes.next();
    const pb = BigInt(p);
    const R = M.residues(p);
    const v = new Float64Array(n);
    for (const vec of vectors) {
      const support: number[] = [];
      for (let j = 0; j < n; j++) {
        const x = vec[j]!;
        if (x === 0n) continue;
        v[j] = Number(((x % pb) + pb) % pb);
        support.push(j);
      }
      for (let i = 0; i < m; i++) {
        let acc = 0;
        for (const j of support) acc = reduce(acc + R[i * n + j]! * v[j]!, p);
        if (acc !== 0) return false;
      }
    }
  }
  return true;
}

/**
 * Rational reconstruction (Wang): the fraction a/b with |a|, b ≤ √(mod/2) and a ≡ u·b (mod mod),
 * or null when there is none.
 */
export function ratRecon(u: bigint, mod: bigint): [bigint, bigint] | null {
  const bound = sqrtBig(mod / 2n);
  let r0 = mod;
  let r1 = ((u % mod) + mod) % mod;
  let t0 = 0n;
  let t1 = 1n;
  while (r1 > bound) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [t0, t1] = [t1, t0 - q * t1];
  }
  if (t1 === 0n) return null;
  const b = t1 < 0n ? -t1 : t1;
  if (b > bound || gcd(r1, b) !== 1n) return null;
  return [t1 < 0n ? -r1 : r1, b];
}

/** ⌊√x⌋ by Newton's method from above. */
function sqrtBig(x: bigint): bigint {
  if (x < 2n) return x;
  let y = 1n << BigInt(Math.ceil(x.toString(2).length / 2)); // y ≥ √x
  for (;;) {
    const z = (y + x / y) >> 1n;
    if (z >= y) return y;
    y = z;
  }
}

/**
 * Chinese remaindering of W = d·X for all E entries, symmetric range. Returns null when some
 * value exceeds modulus/2^21 — genuine values are far smaller, so that is the sign of a wrong d
 * or too few primes.
 */
function crtSymmetric(ps: number[], xs: Float64Array[], d: bigint, E: number): bigint[] | null {
  const ws = xs.map((X, k) => {
    const p = ps[k]!;
    const dm = Number(((d % BigInt(p)) + BigInt(p)) % BigInt(p));
    const out = new Float64Array(E);
    for (let e = 0; e < E; e++) out[e] = reduce(dm * X[e]!, p);
    return out;
  });
  const u = crtValues(ps, ws, E);
  let modulus = 1n;
  for (const p of ps) modulus *= BigInt(p);
  const half = modulus / 2n;
  const limit = modulus >> 21n;
  for (let e = 0; e < E; e++) {
    let x = u[e]!;
    if (x > half) x -= modulus;
    if (x > limit || -x > limit) return null;
    u[e] = x;
  }
  return u;
}

/**
 * The values in [0, ∏ps) with the given residues (entry e of xs[k] modulo ps[k]): Garner's mixed
 * radix in doubles, then Horner in BigInt two primes at a time.
 */
function crtValues(ps: number[], xs: Float64Array[], E: number): bigint[] {
  const K = ps.length;
  // C[k] = (p_0 ⋯ p_{k−1})⁻¹ mod p_k
  const C = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    const p = ps[k]!;
    let prod = 1;
    for (let j = 0; j < k; j++) prod = reduce(prod * reduce(ps[j]!, p), p);
    C[k] = invMod(prod, p);
  }
  // mixed-radix digits, computed for all entries at once (one simple loop per (k, j) pair)
  const digits: Float64Array[] = [];
  const h = new Float64Array(E);
  for (let k = 0; k < K; k++) {
    const p = ps[k]!;
    h.fill(0);
    for (let j = k - 1; j >= 0; j--) hornerStep(h, ps[j]!, digits[j]!, p);
    const dk = new Float64Array(E);
    const xk = xs[k]!;
    const ck = C[k]!;
    for (let e = 0; e < E; e++) {
      let t = xk[e]! - h[e]!;
      if (t < 0) t += p;
      dk[e] = reduce(t * ck, p);
    }
    digits.push(dk);
  }
  const out: bigint[] = new Array(E);
  const pairs: bigint[] = [];
  for (let k = 0; k + 1 < K; k += 2) pairs.push(BigInt(ps[k]! * ps[k + 1]!));
  for (let e = 0; e < E; e++) {
    // x = v0 + p0·(v1 + p1·(v2 + …)), consumed from the top two digits at a time
    let x = 0n;
    let k = K - 1;
    if (K % 2 === 1) {
      x = BigInt(digits[k]![e]!);
      k--;
    }
    for (; k >= 1; k -= 2) x = x * pairs[(k - 1) / 2]! + BigInt(digits[k - 1]![e]! + ps[k - 1]! * digits[k]![e]!);
    out[e] = x;
  }
  return out;
}

/** h ← (h·q + d) mod p elementwise (h < p, q, d < 2^26: exact in doubles). */
function hornerStep(h: Float64Array, q: number, d: Float64Array, p: number): void {
  const pinv = 1 / p;
  for (let e = 0; e < h.length; e++) {
    const y = h[e]! * q + d[e]!;
    let r = y - Math.floor(y * pinv) * p;
    if (r < 0) r += p;
    else if (r >= p) r -= p;
    h[e] = r;
  }
}
