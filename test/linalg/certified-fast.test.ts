import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Rational } from "../../src/numbers/rational.ts";
import { certifiedRank, verifyRankCertificate, IntMatrix, solve, ratMatrix, ratRecon } from "../../src/linalg/index.ts";
import { dixonSolve } from "../../src/linalg/dixon.ts";
import { annihilatesExactly, annihilatesModular } from "../../src/linalg/annihilate.ts";
import { PrimeStream, detMod, lazyPrimeBound, rankProfileMod } from "../../src/linalg/modular.ts";
import { detMod32, rankProfileMod32 } from "../../src/linalg/modular32.ts";
import { Mulberry32 } from "../../src/random.ts";

const bigEntry = fc.oneof(
  fc.integer({ min: -9, max: 9 }).map(BigInt),
  fc.bigInt({ min: -(1n << 70n), max: 1n << 70n }), // several base-10^7 limbs
);

/** A seeded product A·B of rank ≤ k (entries of A, B in [−lim, lim]). */
function product(seed: number, m: number, n: number, k: number, lim: number): bigint[][] {
  const rng = new Mulberry32(seed);
  const r = () => BigInt(rng.int(2 * lim + 1) - lim);
  const A = Array.from({ length: m }, () => Array.from({ length: k }, r));
  const B = Array.from({ length: k }, () => Array.from({ length: n }, r));
  return A.map((row) => B[0]!.map((_, j) => row.reduce((s, a, t) => s + a * B[t]![j]!, 0n)));
}

describe("p-adic (Dixon) solve", () => {
  it("returns the exact solution of nonsingular systems, entries of one or several limbs", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 7 }), fc.array(bigEntry, { minLength: 56, maxLength: 56 }), fc.nat(), (r, vals, seed) => {
        const rows = Array.from({ length: r }, (_, i) => Array.from({ length: r }, (_, j) => vals[(i * r + j) % vals.length]! + (i === j ? 1n << 40n : 0n)));
        const b = Array.from({ length: r }, (_, i) => vals[(i * 7 + 3) % vals.length]!);
        const M = IntMatrix.fromBigInts(rows);
        const idx = [...Array(r).keys()];
        const sol = dixonSolve(M, idx, idx, b, new PrimeStream(lazyPrimeBound(r), seed + 1), 20000);
        expect(sol).not.toBeNull();
        expect(sol!.den > 0n).toBe(true);
        // against the exact rational solver
        const exact = solve(
          rows.map((row) => row.map((x) => Rational.of(x))),
          b.map((x) => Rational.of(x)),
        );
        expect(exact.consistent).toBe(true);
        if (exact.consistent) exact.x.forEach((x, i) => expect(x.eq(Rational.of(sol!.num[i]!, sol!.den))).toBe(true));
      }),
      { numRuns: 60 },
    );
  });
  it("solves on a sub-minor given by rows and columns, and gives up (null) within the bit budget on a singular one", () => {
    const M = IntMatrix.fromBigInts([
      [5n, 1n, 2n],
      [7n, 3n, 4n],
      [1n, 2n, 4n],
    ]);
    // rows [0, 2] × cols [1, 2]: [[1, 2], [2, 4]] is singular
    expect(dixonSolve(M, [0, 2], [1, 2], [1n, 1n], new PrimeStream(1 << 20, 3), 200)).toBeNull();
    // rows [1, 0] × cols [0, 2]: [[7, 4], [5, 2]]·x = [1, 1] → x = (1/3, −1/3)
    const s = dixonSolve(M, [1, 0], [0, 2], [1n, 1n], new PrimeStream(1 << 20, 3), 200)!;
    expect([s.num, s.den]).toEqual([[1n, -1n], 3n]);
  });
});

describe("rational reconstruction with a numerator bound", () => {
  it("recovers a large numerator over a small denominator that the balanced bound cannot", () => {
    const mod = (1n << 127n) - 1n; // a prime
    const a = (1n << 100n) + 12345n;
    const b = 101n;
    const inv = (x: bigint): bigint => {
      let [r0, r1, t0, t1] = [mod, x % mod, 0n, 1n];
      while (r1 !== 0n) {
        const q = r0 / r1;
        [r0, r1, t0, t1] = [r1, r0 - q * r1, t1, t0 - q * t1];
      }
      return ((t0 % mod) + mod) % mod;
    };
    const u = (a * inv(b)) % mod;
    expect(ratRecon(u, mod)).not.toEqual([a, b]); // |a| > √(mod/2)
    expect(ratRecon(u, mod, mod >> 21n)).toEqual([a, b]);
    expect(ratRecon(-u, mod, mod >> 21n)).toEqual([-a, b]);
  });
});

describe("packed exact null-vector check", () => {
  it("agrees with the entry-by-entry check, with negative and multi-slot entries", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 6 }),
        fc.array(fc.bigInt({ min: -(1n << 90n), max: 1n << 90n }), { minLength: 30, maxLength: 30 }),
        fc.array(fc.bigInt({ min: -(1n << 300n), max: 1n << 300n }), { minLength: 36, maxLength: 36 }),
        fc.boolean(),
        (m, n, av, vv, makeNull) => {
          const rows = Array.from({ length: m }, (_, i) => Array.from({ length: n }, (_, j) => av[(i * n + j) % av.length]!));
          let vs = Array.from({ length: 6 }, (_, k) => Array.from({ length: n }, (_, j) => vv[(k * n + j) % vv.length]!));
          if (makeNull && n >= 2) {
            // v = (row-0-orthogonal combination) for a one-row matrix: a_1·e_0 − a_0·e_1 scaled
            const one = [rows[0]!];
            vs = vs.map((v) => {
              const w = new Array<bigint>(n).fill(0n);
              w[0] = one[0]![1]! * v[0]!;
              w[1] = -one[0]![0]! * v[0]!;
              return w;
            });
            expect(annihilatesExactly(one, vs)).toBe(true);
          }
          const plain = vs.every((v) => rows.every((row) => row.reduce((s, a, j) => s + a * v[j]!, 0n) === 0n));
          expect(annihilatesExactly(rows, vs)).toBe(plain);
          expect(annihilatesModular(IntMatrix.fromBigInts(rows), vs)).toBe(plain);
        },
      ),
      { numRuns: 150 },
    );
  });
  it("slots cannot borrow from each other: values that would cancel across a too-narrow slot are rejected", () => {
    // A = [1]; v0 = [2^64], v1 = [−1]: packed with a 64-bit slot, 2^64 + (−1)·2^64 would be 0
    expect(annihilatesExactly([[1n]], [[1n << 64n], [-1n]])).toBe(false);
    expect(annihilatesExactly([[1n]], [[-1n], [1n << 64n]])).toBe(false);
    expect(annihilatesExactly([[1n, -1n]], [[1n << 64n, 1n << 64n], [-1n, -1n]])).toBe(true);
  });
});

describe("modular exact null-vector check (proven bound)", () => {
  it("a vector that agrees with a null vector modulo the primes the true bound needs is still rejected", () => {
    // A = [[3, 5]], v = (5, −3); v + Q·e_0 ≡ v modulo every prime dividing Q, but the check
    // sizes its primes from the vector it is given, so Q·e_0 is seen
    const A = IntMatrix.fromBigInts([[3n, 5n]]);
    const Q = 2n ** 400n * 3n ** 100n;
    expect(annihilatesModular(A, [[5n, -3n]])).toBe(true);
    expect(annihilatesModular(A, [[5n + Q, -3n]])).toBe(false);
    // and with the product of the very primes it would use for the honest vector
    const primes: bigint[] = [];
    for (let c = 4194301; primes.length < 3; c -= 2) {
      let prime = true;
      for (let d = 3; d * d <= c; d += 2) if (c % d === 0) prime = false;
      if (prime) primes.push(BigInt(c));
    }
    const P = primes.reduce((x, y) => x * y, 1n);
    expect(annihilatesModular(A, [[5n + P, -3n]])).toBe(false);
    expect(annihilatesModular(A, [[5n * P, -3n * P]])).toBe(true);
  });
  it("entries of 64 bits and more (Kᵀ by limbs rather than doubles)", () => {
    const big = 1n << 80n;
    const A = IntMatrix.fromBigInts([[big, 1n, 0n], [2n * big, 2n, 0n]]);
    expect(annihilatesModular(A, [[1n, -big, 0n], [0n, 0n, 5n]])).toBe(true);
    expect(annihilatesModular(A, [[1n, -big + 1n, 0n]])).toBe(false);
  });
});

describe("certified rank, rank-deficient (p-adic denominator, then CRT of W = d·X)", () => {
  it("certifies products of known rank, and uses about as many primes as the null vectors' size needs", () => {
    for (const [seed, m, n, k] of [
      [11, 30, 30, 20],
      [3, 24, 40, 15],
      [5, 40, 24, 15],
      [8, 45, 45, 44],
    ] as const) {
      const A = IntMatrix.fromBigInts(product(seed, m, n, k, 1000));
      const c = certifiedRank(A, { seed, verify: false });
      expect(c.rank).toBe(k);
      expect(verifyRankCertificate(A, c.certificate)).toBe(true);
      const bits = Math.max(...c.certificate.nullVectors!.flat().map((x) => BigInt(x).toString(2).length));
      // primes are ≥ 2^20 here; the null-space phase needs ≈ (bits + 24) / 20 of them, not the
      // 2× that reconstructing fractions would (2 profile primes, the lifting and filter primes aside)
      expect(c.primesUsed).toBeLessThanOrEqual(Math.ceil((bits + 24) / 20) + 8);
    }
  });
  it("the verifier rejects a wrong null vector in a rank-deficient certificate", () => {
    const A = IntMatrix.fromBigInts(product(7, 40, 40, 25, 1000));
    const cert = certifiedRank(A).certificate;
    expect(cert.rank).toBe(25);
    expect(verifyRankCertificate(A, cert)).toBe(true);
    const vs = cert.nullVectors!.map((v) => v.map((x) => BigInt(x)));
    const pivot = cert.cols[3]!;
    const tamper = (f: (v: bigint[]) => void) => {
      const copy = vs.map((v) => v.slice());
      f(copy[4]!);
      return { ...cert, nullVectors: copy };
    };
    expect(verifyRankCertificate(A, tamper((v) => (v[pivot] = v[pivot]! + 1n)))).toBe(false);
    // off by a huge multiple: agrees with the true vector modulo many primes, still wrong
    expect(verifyRankCertificate(A, tamper((v) => (v[pivot] = v[pivot]! + (1n << 4000n) * 3n ** 200n)))).toBe(false);
    // a vector of another certificate position (breaks the independence pattern)
    expect(verifyRankCertificate(A, tamper((v) => v.splice(0, v.length, ...vs[5]!)))).toBe(false);
    // scaling a correct vector keeps it a null vector: still accepted
    expect(verifyRankCertificate(A, tamper((v) => v.forEach((x, j) => (v[j] = -7n * x))))).toBe(true);
  });
  it("rational input and tiny cases still work (rank 0, rank 1, a zero column)", () => {
    expect(certifiedRank(ratMatrix([[0, 0], [0, 0]])).rank).toBe(0);
    const c = certifiedRank(ratMatrix([["1/2", 1, 0], [1, 2, 0]]));
    expect(c.rank).toBe(1);
    expect(verifyRankCertificate(ratMatrix([["1/2", 1, 0], [1, 2, 0]]), c.certificate)).toBe(true);
  });
});

describe("float32 kernels modulo primes below 2^8", () => {
  const residues = (seed: number, m: number, n: number, p: number, zeroRows = 0) => {
    const rng = new Mulberry32(seed);
    const out = new Float64Array(m * n);
    for (let i = zeroRows; i < m; i++) for (let j = 0; j < n; j++) out[i * n + j] = rng.int(p);
    return out;
  };
  it("rank profile and determinant agree with the double-precision kernels, past the periodic reduction", () => {
    // 300 pivot steps cross the float32 budget (268 steps for p = 251): the trailing block is reduced mid-way
    for (const [seed, m, n, p] of [
      [1, 300, 300, 251],
      [2, 290, 310, 241],
      [3, 40, 25, 131],
      [4, 7, 9, 2],
    ] as const) {
      const R = residues(seed, m, n, p);
      expect(rankProfileMod32(R, m, n, p)).toEqual(rankProfileMod(R, m, n, p));
      const k = Math.min(m, n);
      const sq = R.slice(0, k * k);
      expect(detMod32(sq, k, p)).toBe(detMod(sq, k, p));
    }
    // rank-deficient: a duplicated row and a zero block
    const D = residues(5, 60, 60, 199, 10);
    D.copyWithin(20 * 60, 30 * 60, 31 * 60);
    expect(rankProfileMod32(D, 60, 60, 199)).toEqual(rankProfileMod(D, 60, 60, 199));
    expect(detMod32(D, 60, 199)).toBe(0);
  });
  it("finds full rank in float32 and refuses a prime above 251", () => {
    const p = 251;
    const R = residues(9, 120, 130, p);
    const viaKernel = rankProfileMod32(R, 120, 130, p);
    expect(viaKernel.rank).toBe(120);
    expect(detMod32(R.slice(0, 120 * 120), 120, p)).toBe(detMod(R.slice(0, 120 * 120), 120, p));
    expect(() => detMod32(R, 2, 256)).toThrow(RangeError);
  });
  it("large matrices are certified modulo a small prime, and the verifier re-checks that minor in float32", () => {
    const rng = new Mulberry32(21);
    const n = 460;
    const rows = Array.from({ length: n }, () => Array.from({ length: n }, () => BigInt(rng.int(1 << 30)) - (1n << 29n)));
    const A = IntMatrix.fromBigInts(rows);
    const c = certifiedRank(A, { verify: false });
    expect(c.rank).toBe(n);
    expect(c.certificate.prime).toBeLessThanOrEqual(251);
    expect(verifyRankCertificate(A, c.certificate)).toBe(true);
    // make row 7 a copy of row 3: the same certificate now names a singular minor
    const B = IntMatrix.fromBigInts(rows.map((r, i) => (i === 7 ? rows[3]!.slice() : r)));
    expect(verifyRankCertificate(B, c.certificate)).toBe(false);
  });
});
