/**
 * A byte-level reader for the common shape of big matrix files: a JSON array of rows whose entries
 * are all integers (JSON numbers of at most 15 digits, or strings of decimal digits with an
 * optional sign). It fills an IntMatrix straight from the bytes — no JSON.parse, no strings, no
 * BigInt — which is what makes `memcap rank` on a 300×300 matrix of 64-bit integers fast.
 *
 * Anything else (fractions, decimals, escapes, whitespace inside strings, a malformed file) returns
 * null, and the caller takes the general path (JSON.parse + toRationalMatrix), which accepts the
 * full format and words the errors. So the fast path never changes what a file means.
 *
 * @example
 *   scanIntegerMatrix(Buffer.from('[["1","-2"],[3,4]]'))?.get(0, 1) // -2n
 */
import { IntMatrix } from "./intmatrix.ts";

const WS = new Uint8Array(256);
WS[0x20] = WS[0x09] = WS[0x0a] = WS[0x0d] = 1;

export function scanIntegerMatrix(buf: Uint8Array): IntMatrix | null {
  const len = buf.length;
  // entries: start of the first digit, number of digits, sign
  let cap = 1024;
  let starts = new Int32Array(cap);
  let counts = new Int32Array(cap);
  let negs = new Uint8Array(cap);
  let e = 0;
  let rows = 0;
  let width = -1;
  let maxDigits = 1;
  let i = 0;
  while (i < len && WS[buf[i]!]) i++;
  if (buf[i] !== 0x5b) return null; // [
  i++;
  for (;;) {
    while (i < len && WS[buf[i]!]) i++;
    if (buf[i] !== 0x5b) return null; // each row is an array (an empty matrix goes to the general path)
    i++;
    let inRow = 0;
    for (;;) {
      while (i < len && WS[buf[i]!]) i++;
      let quoted = false;
      if (buf[i] === 0x22) {
        quoted = true;
        i++;
      }
      let neg = 0;
      const c = buf[i];
      if (c === 0x2d) {
        neg = 1;
        i++;
      } else if (c === 0x2b) {
        if (!quoted) return null;
        i++;
      }
      const start = i;
      while (i < len && buf[i]! >= 0x30 && buf[i]! <= 0x39) i++;
      const digits = i - start;
      if (digits === 0) return null;
      if (quoted) {
        if (buf[i] !== 0x22) return null;
        i++;
      } else if (digits > 15 || (digits > 1 && buf[start] === 0x30)) return null; // JSON.parse would round or reject
      if (e === cap) {
        cap *= 2;
        const s2 = new Int32Array(cap);
        s2.set(starts);
        starts = s2;
        const c2 = new Int32Array(cap);
        c2.set(counts);
        counts = c2;
        const n2 = new Uint8Array(cap);
        n2.set(negs);
        negs = n2;
      }
      starts[e] = start;
      counts[e] = digits;
      negs[e] = neg;
      e++;
      inRow++;
      if (digits > maxDigits) maxDigits = digits;
      while (i < len && WS[buf[i]!]) i++;
      if (buf[i] === 0x2c) {
        i++;
        continue;
      }
      if (buf[i] === 0x5d) {
        i++;
        break;
      }
      return null;
    }
    if (width < 0) width = inRow;
    else if (inRow !== width) return null;
    rows++;
    while (i < len && WS[buf[i]!]) i++;
    if (buf[i] === 0x2c) {
      i++;
      continue;
    }
    if (buf[i] === 0x5d) {
      i++;
      break;
    }
    return null;
  }
  while (i < len && WS[buf[i]!]) i++;
  if (i !== len) return null;
  const L = Math.ceil(maxDigits / 7);
  const { limbs, neg } = fillLimbs(buf, starts, counts, negs, e, L);
  return IntMatrix.fromLimbs(rows, width, L, limbs, neg);
}

/** Second pass: the digits of each entry into L base-10^7 limbs (a separate function: V8 optimizes it on its own). */
function fillLimbs(buf: Uint8Array, starts: Int32Array, counts: Int32Array, negs: Uint8Array, e: number, L: number): { limbs: Float64Array; neg: Uint8Array } {
  const limbs = new Float64Array(e * L);
  const neg = new Uint8Array(e);
  for (let k = 0; k < e; k++) {
    let end = starts[k]! + counts[k]!;
    const start = starts[k]!;
    let nonzero = false;
    for (let l = L - 1; l >= 0 && end > start; l--) {
      const from = end - 7 > start ? end - 7 : start;
      let v = 0;
      for (let t = from; t < end; t++) v = v * 10 + (buf[t]! - 48);
      limbs[k * L + l] = v;
      if (v !== 0) nonzero = true;
      end = from;
    }
    neg[k] = negs[k]! && nonzero ? 1 : 0;
  }
  return { limbs, neg };
}
