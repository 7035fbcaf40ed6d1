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
 * p-adic lifting of one random combination X·c gives the common denominator d (src/linalg/dixon.ts)
 * → W = d·X modulo just enough primes for its size → Chinese remaindering → check A·[W; d·I] = 0
 * (exactly: src/linalg/annihilate.ts — the verifier modulo primes whose product exceeds the proven
 * bound on the entries of A·V, the search's own exact option by packed BigInt sums, an independent
 * route). If the check fails although the
 * primes' product exceeds the Hadamard bound that guarantees the reconstruction, the rank must be
 * larger than r, and the search restarts with fresh primes.
 *
 * @example
 *   const { rank, certificate } = certifiedRank(ratMatrix([[1, 2], [2, 4]]));
 *   rank // 1
 *   verifyRankCertificate(ratMatrix([[1, 2], [2, 4]]), certificate) // true
 */
import type { Rational } from "../numbers/rational.ts";
import { gcd } from "../numbers/rational.ts";
import { IntMatrix } from "./intmatrix.ts";
import { annihilatesExactly, annihilatesModular } from "./annihilate.ts";
import { ratRecon } from "./ratrecon.ts";

export { ratRecon } from "./ratrecon.ts";
import { PrimeStream, detMod, invMod, isPrime, lazyPrimeBound, MAX_PRIME, mulMod, rankProfileMod, reduce, solveMod, workspace } from "./modular.ts";
import { dixonSolve } from "./dixon.ts";
import { SMALL_PRIME_MAX, detMod32, rankProfileMod32 } from "./modular32.ts";

/** Orders from which the first rank profiles use float32 primes below 2^8 (measured: 1.5× at 600, none at 300). */
const SMALL_PRIME_MIN_ORDER = 450;
import { mulberry32 } from "../random.ts";

/** A rank certificate. In JSON the null-vector entries are decimal strings; both forms verify. */
export interface RankCertificate {
  rank: number;
  /** Row indices of a nonsingular r×r minor. */
  rows: number[];
  /** Column indices of that minor. */
  cols: number[];
  /** A prime (< 2^26; below 2^8 for the float32 kernels) modulo which the minor's determinant is nonzero. */
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
  // Large matrices: the first profiles modulo primes below 2^8 in float32 (twice the SIMD lanes,
  // src/linalg/modular32.ts); such a prime is unlucky with probability about 1/p, and later
  // attempts use the double-precision primes.
  const small = full >= SMALL_PRIME_MIN_ORDER ? new PrimeStream(SMALL_PRIME_MAX + 1, (opts.seed ?? 1) * 40503) : null;
  // Try primes until the rank profile is proven: full rank needs only (a); otherwise (b) must verify.
  for (let attempt = 0; ; attempt++) {
    const p = small && attempt < 4 ? small.next() : primes.next();
    primesUsed++;
    const prof = p <= SMALL_PRIME_MAX ? rankProfileMod32(M.residues(p), m, n, p) : rankProfileMod(M.residues(p), m, n, p);
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
    const minor = M.residuesOf(cert.rows, cert.cols, p);
    if ((p <= SMALL_PRIME_MAX ? detMod32(minor, r, p) : detMod(minor, r, p)) === 0) return false;
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
  const parsed: bigint[][] = [];
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
    parsed.push(v);
  }
  return m === 0 || annihilatesModular(K, parsed);
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
 *
 * Two phases. (1) The common denominator d of X = −M⁻¹·A[rows, N]: one random integer combination
 * X·c of the columns, solved exactly by p-adic lifting (src/linalg/dixon.ts: one inversion mod p,
 * then a matrix–vector product per step); its denominator is d unless c is unlucky, which phase 2
 * detects and repairs. (2) W = d·X mod primes, Chinese-remaindered once the primes cover the size
 * of W (read off the combination) plus a 2^24 margin; as W is an integer vector this needs about
 * half the primes that reconstructing the fractions X would. A wrong guess at any point only costs
 * time: vectors are returned only after a check (exact, or modulo a fresh prime when the caller
 * verifies), and past the Hadamard bound the old, guaranteed reconstruction decides.
 */
function nullVectorsByCRT(
  M: IntMatrix,
  rows: number[],
  cols: number[],
  primes: PrimeStream,
  exact: boolean,
  onProgress?: CertifiedRankOptions["onProgress"],
): { vectors: bigint[][] | null; primes: number } {
  const { m, n } = M;
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
  // sanity margin of symmetricSmall and W = d·X (|W| ≤ H)
  const guaranteed = 2 * log2H + 2 + 64;
  let used = 0;

  // Phase 1: d from X·c = M⁻¹·(−A[rows, N]·c), c with random entries in ±[1, 128]
  const big = M.bigRows();
  const rng = mulberry32(primes.next());
  used++;
  const c = Array.from({ length: s }, () => BigInt((1 + Math.floor(rng() * 128)) * (rng() < 0.5 ? -1 : 1)));
  const rhs = rows.map((i) => {
    const row = big[i]!;
    let acc = 0n;
    for (let k = 0; k < s; k++) acc -= row[nonPivot[k]!]! * c[k]!;
    return acc;
  });
  const sol = dixonSolve(M, rows, cols, rhs, primes, guaranteed);
  used++;
  let d = sol ? sol.den : 1n;
  // bits of W·c bound those of W up to cancellation; the margin covers symmetricSmall's 2^21 check
  let target = sol ? sol.num.reduce((b, x) => Math.max(b, bitLen(x)), 0) + 24 : guaranteed;

  const augCols = [...cols, ...nonPivot]; // [M | A[rows, N]]
  const ps: number[] = [];
  const xs: Float64Array[] = [];
  let modulus = 1n;
  let log2Mod = 0;
  const toVectors = (W: bigint[], dd: bigint): bigint[][] => {
    const vectors: bigint[][] = [];
    for (let k = 0; k < s; k++) {
      const v = new Array<bigint>(n).fill(0n);
      for (let t = 0; t < r; t++) v[cols[t]!] = W[t * s + k]!;
      v[nonPivot[k]!] = dd;
      vectors.push(v);
    }
    return vectors;
  };
  const accepted = (vectors: bigint[][]): boolean =>
    exact ? annihilatesExactly(big, vectors) : vectorsAnnihilateMod(M, vectors, primes.next());

  // Phase 2
  for (;;) {
    const p = primes.next();
    used++;
    const X = solveMod(M.residuesOf(rows, augCols, p), r, s, p);
    if (!X) continue; // the minor is singular mod this prime: skip it
    for (let e = 0; e < E; e++) if (X[e] !== 0) X[e] = p - X[e]!; // X = −M⁻¹·A[rows, N]
    ps.push(p);
    xs.push(X);
    modulus *= BigInt(p);
    log2Mod += Math.log2(p);
    if (onProgress && ps.length % 16 === 0) onProgress({ phase: "null vectors", primes: ps.length, bits: Math.round(log2Mod) });
    if (log2Mod > guaranteed) {
      // past the Hadamard bound the reconstruction is exact if the rank is r: failure disproves r
      const dAll = lcmOfAllDenominators(ps, xs, E);
      const W = dAll === null ? null : symmetricSmall(crtValues(ps, scaledResidues(ps, xs, dAll), E), 1n, modulus);
      if (!W || !("values" in W)) return { vectors: null, primes: used };
      const vectors = toVectors(W.values, dAll!);
      return { vectors: accepted(vectors) ? vectors : null, primes: used };
    }
    if (log2Mod < target) continue;
    const raw = crtValues(ps, scaledResidues(ps, xs, d), E);
    let W = symmetricSmall(raw, 1n, modulus);
    // an entry too large for an integer: d may lack a small factor of some denominator (c was
    // unlucky); that entry as a fraction with a small denominator gives the factor. Kept only
    // if every entry then fits. (CRT is linear: the values for f·d are f·raw mod ∏ps.)
    let factor = 1n;
    for (let repair = 0; repair < 8 && !("values" in W); repair++) {
      const q = ratRecon(W.value, modulus, modulus >> 21n);
      if (!q || q[1] === 1n) break;
      factor *= q[1];
      W = symmetricSmall(raw, factor, modulus);
    }
    if ("values" in W) {
      d *= factor;
      const vectors = toVectors(W.values, d);
      if (accepted(vectors)) return { vectors, primes: used };
      // consistent-looking vectors that fail: most likely the rank exceeds r (both profile
      // primes were unlucky); a fresh profile settles that cheaply
      const q = primes.next();
      used++;
      if (rankProfileMod(M.residues(q), m, n, q).rank > r) return { vectors: null, primes: used };
    }
    target = log2Mod + Math.max(32, target / 16);
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

/**
 * A·v ≡ 0 modulo the prime q for the combination Σ_k c_k·v_k with random c (Freivalds): a fast
 * filter with a false pass probability about 1/q, not a proof (the proof is verifyRankCertificate).
 */
function vectorsAnnihilateMod(M: IntMatrix, vectors: bigint[][], q: number): boolean {
  const { m, n } = M;
  const qb = BigInt(q);
  const rng = mulberry32(q);
  const u = new Float64Array(n);
  for (const vec of vectors) {
    const ck = Math.floor(rng() * q);
    for (let j = 0; j < n; j++) {
      const x = vec[j]!;
      if (x === 0n) continue;
      let t = x % qb;
      if (t < 0n) t += qb;
      u[j] = reduce(u[j]! + mulMod(Number(t), ck, q), q);
    }
  }
  const R = M.residues(q);
  for (let i = 0; i < m; i++) {
    let acc = 0;
    for (let j = 0; j < n; j++) acc = reduce(acc + R[i * n + j]! * u[j]!, q);
    if (acc !== 0) return false;
  }
  return true;
}

/** The residues of d·X modulo each prime (entry e of xs[k] modulo ps[k]). */
function scaledResidues(ps: number[], xs: Float64Array[], d: bigint): Float64Array[] {
  return xs.map((X, k) => {
    const p = ps[k]!;
    const dm = Number(((d % BigInt(p)) + BigInt(p)) % BigInt(p));
    const out = new Float64Array(X.length);
    for (let e = 0; e < X.length; e++) out[e] = reduce(dm * X[e]!, p);
    return out;
  });
}

/**
 * The symmetric representatives of f·u mod `modulus` (u in [0, modulus)), or the first entry
 * beyond modulus/2^21 and its residue f·u mod modulus in [0, modulus): genuine values are far
 * smaller, so a large one means a wrong denominator or too few primes.
 */
function symmetricSmall(u: bigint[], f: bigint, modulus: bigint): { values: bigint[] } | { failedAt: number; value: bigint } {
  const half = modulus / 2n;
  const limit = modulus >> 21n;
  const out: bigint[] = new Array(u.length);
  for (let e = 0; e < u.length; e++) {
    const v = f === 1n ? u[e]! : (f * u[e]!) % modulus;
    const x = v > half ? v - modulus : v;
    if (x > limit || -x > limit) return { failedAt: e, value: v };
    out[e] = x;
  }
  return { values: out };
}

/**
 * The values in [0, ∏ps) with the given residues (entry e of xs[k] modulo ps[k]), by the explicit
 * Chinese remainder formula x = Σ_k c_k·(Q/q_k) − t·Q with c_k = x_k·(Q/q_k)⁻¹ mod q_k and
 * t = ⌊Σ_k c_k/q_k⌋ (Q = ∏ps). The big integers Q/q_k are split into b-bit limbs once, so the sum
 * is a product of small matrices in doubles (the WebAssembly kernel; every column sum stays below
 * K·q·2^b < 2^52, exact), followed by one carry pass and one hexadecimal conversion per entry.
 * A float error in t shows as a value just outside [0, Q) and is corrected exactly.
 */
function crtValues(ps: number[], xs: Float64Array[], E: number): bigint[] {
  const K = ps.length;
  const out: bigint[] = new Array(E);
  if (K === 0) return out.fill(0n);
  let Q = 1n;
  for (const p of ps) Q *= BigInt(p);
  const qmax = Math.max(...ps);
  const bits = Math.min(24, Math.floor((52 - Math.log2(K * qmax)) / 4) * 4);
  if (bits < 12) throw new RangeError(`crtValues: ${K} primes are too many for exact limb sums`);
  const beta = 2 ** bits;
  const Lq = Math.ceil((Q.toString(16).length * 4) / bits) + 1;
  const chars = bits / 4;
  const limbsOf = (x: bigint, into: Float64Array, at: number): void => {
    const hex = x.toString(16).padStart(Lq * chars, "0");
    for (let l = 0; l < Lq; l++) {
      const end = hex.length - l * chars;
      into[at + l] = parseInt(hex.slice(end - chars, end), 16);
    }
  };
  // one workspace: a block of B accumulators, then the limbs of Q/q_k (k < K) and of Q; the factors
  const B = 256;
  const { views, subRows } = workspace([B * Lq + (K + 1) * Lq, B]);
  const w = views[0]!;
  const fs = views[1]!;
  const qkOff = B * Lq;
  const inv = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    const q = BigInt(ps[k]!);
    const Qk = Q / q;
    inv[k] = invMod(Number(Qk % q), ps[k]!);
    limbsOf(Qk, w, qkOff + k * Lq);
  }
  const qOff = qkOff + K * Lq;
  limbsOf(Q, w, qOff);
  const hex = hexTable(bits);
  const top = BigInt(bits * Lq);
  const parts: string[] = new Array(Lq);
  const frac = new Float64Array(B);
  for (let e0 = 0; e0 < E; e0 += B) {
    const b = Math.min(B, E - e0);
    w.fill(0, 0, B * Lq);
    frac.fill(0);
    for (let k = 0; k < K; k++) {
      const p = ps[k]!;
      const xk = xs[k]!;
      const ik = inv[k]!;
      for (let i = 0; i < b; i++) {
        const c = mulMod(xk[e0 + i]!, ik, p);
        fs[i] = -c; // the kernel subtracts: accumulators gain +c·(Q/q_k)
        frac[i] = frac[i]! + c / p;
      }
      subRows(w, 0, Lq, qkOff + k * Lq, fs, 0, b, Lq);
    }
    for (let i = 0; i < b; i++) fs[i] = Math.floor(frac[i]!);
    subRows(w, 0, Lq, qOff, fs, 0, b, Lq); // − t·Q
    for (let i = 0; i < b; i++) {
      // carries: digits in [0, β), the sign in the final carry
      const base = i * Lq;
      let carry = 0;
      for (let l = 0; l < Lq; l++) {
        const v = w[base + l]! + carry;
        const dgt = v - Math.floor(v / beta) * beta;
        carry = (v - dgt) / beta;
        parts[Lq - 1 - l] = hex(dgt);
      }
      let x = BigInt("0x" + parts.join(""));
      if (carry !== 0) x += BigInt(carry) << top;
      if (x < 0n) x += Q;
      else if (x >= Q) x -= Q;
      out[e0 + i] = x;
    }
  }
  return out;
}

const hexTables = new Map<number, (d: number) => string>();
/** Fixed-width hexadecimal text of a `bits`-bit digit (bits ∈ {12, 16, 20, 24}), by table look-up. */
function hexTable(bits: number): (d: number) => string {
  const have = hexTables.get(bits);
  if (have) return have;
  const t12 = Array.from({ length: 4096 }, (_, i) => i.toString(16).padStart(3, "0"));
  const hiChars = (bits - 12) / 4;
  const thi = Array.from({ length: 1 << (bits - 12) }, (_, i) => i.toString(16).padStart(hiChars, "0"));
  const f = bits === 12 ? (d: number) => t12[d]! : (d: number) => thi[d >>> 12]! + t12[d & 4095]!;
  hexTables.set(bits, f);
  return f;
}
