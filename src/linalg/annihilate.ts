/**
 * Exact check that integer vectors lie in the right null space of an integer matrix, A·v = 0,
 * done with few, large BigInt operations instead of one per entry.
 *
 * Why: a rank certificate's null vectors have entries of thousands of bits, and the plain check
 * Σ_j a_ij·v_j costs one BigInt multiply and add per (row, entry, vector) — millions of small
 * operations whose fixed cost dominates. Packing g vectors side by side into one integer per
 * coordinate, Q_j = Σ_t v_t[j]·2^(S·t), turns the g dot products of row i into one sum
 * T_i = Σ_j a_ij·Q_j = Σ_t (A·v_t)_i·2^(S·t), with the same digits of work but g times fewer
 * operations.
 *
 * Why it is exact: with S chosen so that every |(A·v_t)_i| < 2^(S−1) (from the largest entries,
 * computed exactly), the balanced base-2^S expansion is unique, so T_i = 0 if and only if every
 * (A·v_t)_i = 0. If some slot is nonzero, take the highest such t₀: the lower slots add up to at
 * most (2^(S−1) − 1)·(2^(S·t₀) − 1)/(2^S − 1) < 2^(S·t₀) ≤ |(A·v_t₀)_i|·2^(S·t₀) in absolute value,
 * so T_i ≠ 0.
 *
 * @example
 *   annihilatesExactly([[1n, 2n], [2n, 4n]], [[-2n, 1n]]) // true
 *   annihilatesExactly([[1n, 2n], [2n, 4n]], [[2n, 1n]])  // false
 */
import type { IntMatrix } from "./intmatrix.ts";
import { isPrime, lazyPrimeBound, reduce, workspace } from "./modular.ts";

/** Bits of |x| (0 for 0). */
function bitLength(x: bigint): number {
  if (x < 0n) x = -x;
  if (x === 0n) return 0;
  const hex = x.toString(16);
  return (hex.length - 1) * 4 + (32 - Math.clz32(parseInt(hex[0]!, 16)));
}

/** Σ_t xs[t]·2^(S·t) for S a multiple of 4 and every |xs[t]| < 2^S, built from hexadecimal text (linear time). */
function pack(xs: readonly bigint[], S: number): bigint {
  const width = S / 4;
  const zero = "0".repeat(width);
  let pos = "";
  let neg = "";
  let anyNeg = false;
  for (let t = xs.length - 1; t >= 0; t--) {
    const x = xs[t]!;
    if (x === 0n) {
      pos += zero;
      neg += zero;
    } else if (x > 0n) {
      pos += x.toString(16).padStart(width, "0");
      neg += zero;
    } else {
      pos += zero;
      neg += (-x).toString(16).padStart(width, "0");
      anyNeg = true;
    }
  }
  const p = BigInt("0x" + pos);
  return anyNeg ? p - BigInt("0x" + neg) : p;
}

/**
 * True iff rows·v = 0 exactly for every vector v (all of length n = row length).
 * `rows` is the matrix as BigInt rows; vectors of the wrong length make the answer false.
 */
export function annihilatesExactly(rows: readonly (readonly bigint[])[], vectors: readonly (readonly bigint[])[]): boolean {
  const m = rows.length;
  if (vectors.length === 0 || m === 0) return true;
  const n = rows[0]!.length;
  if (vectors.some((v) => v.length !== n)) return false;
  let maxA = 0n;
  for (const row of rows) for (const a of row) if ((a < 0n ? -a : a) > maxA) maxA = a < 0n ? -a : a;
  if (maxA === 0n) return true;
  let maxV = 0n;
  for (const v of vectors) for (const x of v) if ((x < 0n ? -x : x) > maxV) maxV = x < 0n ? -x : x;
  if (maxV === 0n) return true;
  // |(A·v)_i| ≤ n·maxA·maxV < 2^(S−1); S a multiple of 4 for the hexadecimal packing
  const bound = BigInt(n) * maxA * maxV;
  const S = Math.ceil((bitLength(bound) + 1) / 4) * 4;
  // about 2^15 bits per packed integer: few operations, operands still cache-resident
  const g = Math.max(1, Math.min(vectors.length, Math.floor(32768 / S)));
  const slot: bigint[] = new Array(g);
  for (let k0 = 0; k0 < vectors.length; k0 += g) {
    const group = vectors.slice(k0, k0 + g);
    const Q: bigint[] = new Array(n);
    const support: number[] = [];
    for (let j = 0; j < n; j++) {
      let any = false;
      for (let t = 0; t < group.length; t++) {
        slot[t] = group[t]![j]!;
        if (slot[t] !== 0n) any = true;
      }
      if (!any) continue;
      Q[j] = pack(slot.slice(0, group.length), S);
      support.push(j);
    }
    for (let i = 0; i < m; i++) {
      const row = rows[i]!;
      let T = 0n;
      for (const j of support) {
        const a = row[j]!;
        if (a !== 0n) T += a * Q[j]!;
      }
      if (T !== 0n) return false;
    }
  }
  return true;
}

/**
 * The same decision as `annihilatesExactly` — K·v = 0 exactly for every vector — reached modulo
 * primes: every entry x of K·V is an integer with |x| ≤ B = (support size)·max|K|·max|V|
 * (computed exactly), so x ≡ 0 modulo distinct primes whose product exceeds B forces x = 0
 * (their product divides x, and |x| is smaller). Each prime costs one product Vᵀ·Kᵀ mod q in
 * doubles, one WebAssembly call per support column (all vectors at once, lazy reduction:
 * (support + 1)·q² < 2^53), which moves far less memory than BigInt sums of long integers.
 */
export function annihilatesModular(K: IntMatrix, vectors: readonly (readonly bigint[])[]): boolean {
  const { m, n } = K;
  const s = vectors.length;
  if (s === 0 || m === 0) return true;
  if (vectors.some((v) => v.length !== n)) return false;
  const big = K.bigRows();
  let maxA = 0n;
  for (const row of big) for (const a of row) if ((a < 0n ? -a : a) > maxA) maxA = a < 0n ? -a : a;
  const support: number[] = [];
  let maxV = 0n;
  for (let j = 0; j < n; j++) {
    let any = false;
    for (let k = 0; k < s; k++) {
      const x = vectors[k]![j]!;
      if (x === 0n) continue;
      any = true;
      if ((x < 0n ? -x : x) > maxV) maxV = x < 0n ? -x : x;
    }
    if (any) support.push(j);
  }
  if (maxA === 0n || maxV === 0n) return true;
  const S = support.length;
  const bound = BigInt(S) * maxA * maxV;
  // distinct primes below the lazy bound, largest first, until their product exceeds the bound
  const qs: number[] = [];
  let Q = 1n;
  for (let c = lazyPrimeBound(S + 1) - 1; Q <= bound; c--) {
    if (c < 3) throw new RangeError("annihilatesModular: ran out of primes");
    if (isPrime(c)) {
      qs.push(c);
      Q *= BigInt(c);
    }
  }
  // Kᵀ on the support columns: as doubles when every entry is below 2^53, else by limbs per prime
  const small = maxA < 1n << 53n;
  const KT = small ? new Float64Array(S * m) : null;
  if (KT) for (let a = 0; a < S; a++) for (let i = 0; i < m; i++) KT[a * m + i] = Number(big[i]![support[a]!]!);
  const Kt = small ? null : K.transpose();
  const allRows = Array.from({ length: m }, (_, i) => i);
  // V mod every prime at once (one table per prime, entry a·s + k), before the product's workspace
  const Vmod = residuesModPrimes(support.map((j) => vectors.map((v) => v[j]!)).flat(), qs);
  const { views, subRows } = workspace([s * m + S * m, S * s]);
  const w = views[0]!;
  const Vq = views[1]!;
  const ktOff = s * m;
  for (let t = 0; t < qs.length; t++) {
    const q = qs[t]!;
    if (KT) for (let e = 0; e < S * m; e++) w[ktOff + e] = reduce(KT[e]!, q);
    else w.set(Kt!.residuesOf(support, allRows, q), ktOff);
    Vq.set(Vmod[t]!);
    w.fill(0, 0, s * m);
    // row k of (K·V)ᵀ accumulates −Σ_a V[a, k]·Kᵀ[a, :]
    for (let a = 0; a < S; a++) subRows(w, 0, m, ktOff + a * m, Vq, a * s, s, m);
    for (let e = 0; e < s * m; e++) if (reduce(w[e]!, q) !== 0) return false;
  }
  return true;
}

/**
 * xs[e] mod qs[t] for every entry and prime (result[t][e] in [0, q)), without BigInt division:
 * each |x| is split into 16-bit limbs (from its hexadecimal text) and Σ_l limb_l·(2^(16l) mod q)
 * is a small matrix product in doubles (the WebAssembly kernel, a block of entries at a time;
 * each partial sum stays below 2^52 and is reduced every `chunk` limbs), then the sign is applied.
 */
function residuesModPrimes(xs: readonly bigint[], qs: readonly number[]): Float64Array[] {
  const E = xs.length;
  const K = qs.length;
  const out = qs.map(() => new Float64Array(E));
  let maxHex = 1;
  const hexes = xs.map((x) => {
    const h = (x < 0n ? -x : x).toString(16);
    if (h.length > maxHex) maxHex = h.length;
    return h;
  });
  const Lw = Math.ceil(maxHex / 4);
  const qmax = Math.max(...qs);
  const chunk = Math.max(1, Math.floor(2 ** 52 / (65536 * qmax)));
  const B = 256;
  const { views, subRows } = workspace([B * K + Lw * K, Lw * B]);
  const w = views[0]!;
  const limbs = views[1]!;
  const pwOff = B * K;
  for (let t = 0; t < K; t++) {
    let pw = 1;
    for (let l = 0; l < Lw; l++) {
      w[pwOff + l * K + t] = pw;
      pw = reduce(pw * 65536, qs[t]!);
    }
  }
  for (let e0 = 0; e0 < E; e0 += B) {
    const b = Math.min(B, E - e0);
    limbs.fill(0);
    for (let i = 0; i < b; i++) {
      const h = hexes[e0 + i]!;
      // 4 hexadecimal digits per limb, from the right (char codes: '0'–'9' = 48–57, 'a'–'f' = 97–102)
      for (let l = 0, end = h.length; end > 0; l++, end -= 4) {
        let v = 0;
        for (let c = Math.max(0, end - 4); c < end; c++) {
          const ch = h.charCodeAt(c);
          v = v * 16 + (ch <= 57 ? ch - 48 : ch - 87);
        }
        limbs[l * B + i] = v;
      }
    }
    w.fill(0, 0, B * K);
    for (let l = 0; l < Lw; l++) {
      // acc row i −= limb_l(entry i)·(2^(16l) mod q_t) for every prime t
      subRows(w, 0, K, pwOff + l * K, limbs, l * B, b, K);
      if ((l + 1) % chunk === 0) for (let i = 0; i < b; i++) for (let t = 0; t < K; t++) w[i * K + t] = reduce(w[i * K + t]!, qs[t]!);
    }
    for (let i = 0; i < b; i++) {
      const negative = xs[e0 + i]! < 0n;
      for (let t = 0; t < K; t++) {
        const q = qs[t]!;
        const r = reduce(-w[i * K + t]!, q); // the kernel accumulated −|x|
        out[t]![e0 + i] = negative && r !== 0 ? q - r : r;
      }
    }
  }
  return out;
}
