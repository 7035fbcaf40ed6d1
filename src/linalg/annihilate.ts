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
