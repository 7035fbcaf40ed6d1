/**
 * Which modular elimination kernel (run: `npx tsx bench/modular-kernels.ts`): rank of a random
 * 300×300 matrix mod p, best of 7, three ways:
 *   - lazy reduction, p < 2^22.4 (lazyPrimeBound), WebAssembly SIMD inner loop (what memcap uses);
 *   - lazy reduction, same p, plain JavaScript inner loop;
 *   - a reduction after every multiply-add, p < 2^26 (fewer primes for CRT, 26 vs 22 bits each).
 * The CRT needs ~18% more primes at 22 bits than at 26; the lazy kernels must beat that margin.
 */
import { rankProfileMod, lazyPrimeBound, PrimeStream, reduce, invMod, mulMod } from "../src/linalg/modular.ts";
import { mulberry32 } from "../src/random.ts";

const n = 300;
function eagerRank(input: Float64Array, p: number): number {
  const a = input.slice();
  let r = 0;
  for (let c = 0; c < n && r < n; c++) {
    let piv = -1;
    for (let i = r; i < n; i++) if (a[i * n + c] !== 0) { piv = i; break; }
    if (piv < 0) continue;
    for (let j = 0; j < n; j++) { const t = a[piv * n + j]!; a[piv * n + j] = a[r * n + j]!; a[r * n + j] = t; }
    const inv = invMod(a[r * n + c]!, p);
    for (let i = r + 1; i < n; i++) {
      const x = a[i * n + c]!;
      if (x === 0) continue;
      const f = p - mulMod(x, inv, p);
      for (let j = c; j < n; j++) a[i * n + j] = reduce(a[i * n + j]! + f * a[r * n + j]!, p);
    }
    r++;
  }
  return r;
}
function lazyJsRank(input: Float64Array, p: number): number {
  const a = input.slice();
  let r = 0;
  for (let c = 0; c < n && r < n; c++) {
    let piv = -1;
    for (let i = r; i < n; i++) { a[i * n + c] = reduce(a[i * n + c]!, p); if (a[i * n + c] !== 0 && piv < 0) piv = i; }
    if (piv < 0) continue;
    for (let j = 0; j < n; j++) { const t = a[piv * n + j]!; a[piv * n + j] = a[r * n + j]!; a[r * n + j] = t; }
    for (let j = c; j < n; j++) a[r * n + j] = reduce(a[r * n + j]!, p);
    const inv = invMod(a[r * n + c]!, p);
    for (let i = r + 1; i < n; i++) {
      const x = a[i * n + c]!;
      if (x === 0) continue;
      const f = mulMod(x, inv, p);
      const ri = i * n, rr = r * n;
      for (let j = c + 1; j < n; j++) a[ri + j] = a[ri + j]! - f * a[rr + j]!;
    }
    r++;
  }
  return r;
}
const time = (f: () => number) => {
  let best = Infinity;
  for (let k = 0; k < 7; k++) { const t = performance.now(); if (f() !== n) throw new Error("rank"); best = Math.min(best, performance.now() - t); }
  return best;
};
const pl = new PrimeStream(lazyPrimeBound(n), 1).next();
const pe = new PrimeStream(2 ** 26, 1).next();
const uniform = mulberry32(20261124);
const rand = (p: number) => Float64Array.from({ length: n * n }, () => Math.floor(uniform() * p));
const al = rand(pl);
const ae = rand(pe);
console.log(`300×300 rank mod p, best of 7 (ms): lazy+wasm ${time(() => rankProfileMod(al, n, n, pl).rank).toFixed(1)}  lazy+js ${time(() => lazyJsRank(al, pl)).toFixed(1)}  eager p<2^26 ${time(() => eagerRank(ae, pe)).toFixed(1)}`);
