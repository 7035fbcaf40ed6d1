import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Rational } from "../../src/numbers/rational.ts";
import {
  certifiedRank,
  verifyRankCertificate,
  rank,
  rref,
  solve,
  nullSpace,
  minNormSolve,
  det,
  inverse,
  matMul,
  matVec,
  dot,
  transpose,
  ratMatrix,
  floatRank,
  ratRecon,
  IntMatrix,
  type RankCertificate,
} from "../../src/linalg/index.ts";
import { rankProfileMod, detMod, isPrime, invMod, solveMod, lazyPrimeBound } from "../../src/linalg/modular.ts";

const small = fc.integer({ min: -6, max: 6 });
const ratEntry = fc.tuple(fc.integer({ min: -20, max: 20 }), fc.integer({ min: 1, max: 6 })).map(([a, b]) => Rational.of(a, b));
const matrixOf = (entry: fc.Arbitrary<Rational>, maxM = 6, maxN = 6) =>
  fc.tuple(fc.integer({ min: 1, max: maxM }), fc.integer({ min: 1, max: maxN })).chain(([m, n]) => fc.array(fc.array(entry, { minLength: n, maxLength: n }), { minLength: m, maxLength: m }));
const ratMatrices = matrixOf(ratEntry);
/** Sparse-ish integer matrices: many zeros make rank deficiency common. */
const sparseMatrices = matrixOf(fc.oneof(fc.constant(Rational.ZERO), fc.constant(Rational.ZERO), small.map((x) => Rational.of(x))), 7, 7);

const isZeroVec = (v: Rational[]) => v.every((x) => x.isZero());
const identity = (n: number) => Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? Rational.ONE : Rational.ZERO)));
const eqMat = (A: Rational[][], B: Rational[][]) => A.every((r, i) => r.every((x, j) => x.eq(B[i]![j]!)));

/**
 * A matrix of known rank k: L·U with L = [I_k; random] (m×k) and U = [I_k | random] (k×n),
 * rows and columns then permuted — full column/row rank factors, so the rank is exactly k.
 */
function knownRank(seedVals: number[], m: number, n: number, k: number, bits: number): Rational[][] {
  let t = 0;
  const rnd = () => {
    const x = seedVals[t++ % seedVals.length]!;
    return BigInt(x) * (1n << BigInt(bits)) + BigInt(t * 7919 % 1000);
  };
  const L = Array.from({ length: m }, (_, i) => Array.from({ length: k }, (_, j) => Rational.of(i < k ? (i === j ? 1n : 0n) : rnd())));
  const U = Array.from({ length: k }, (_, i) => Array.from({ length: n }, (_, j) => Rational.of(j < k ? (i === j ? 1n : 0n) : rnd())));
  const P = k === 0 ? Array.from({ length: m }, () => Array.from({ length: n }, () => Rational.ZERO)) : matMul(L, U);
  // deterministic shuffles from the values
  const rowOrder = [...P.keys()].sort((a, b) => ((a * 31 + seedVals[0]!) % m) - ((b * 31 + seedVals[0]!) % m) || a - b);
  const colOrder = [...Array(n).keys()].sort((a, b) => ((a * 17 + seedVals[1 % seedVals.length]!) % n) - ((b * 17 + seedVals[1 % seedVals.length]!) % n) || a - b);
  return rowOrder.map((i) => colOrder.map((j) => P[i]![j]!));
}

describe("modular kernels", () => {
  it("isPrime and invMod agree with definitions", () => {
    const primes = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29];
    for (let x = 0; x < 30; x++) expect(isPrime(x)).toBe(primes.includes(x));
    fc.assert(fc.property(fc.integer({ min: 1, max: 1000002 }), (a) => (a * invMod(a, 1000003)) % 1000003 === 1));
  });
  it("rank profile mod p gives a minor nonsingular mod p, and solveMod solves", () => {
    fc.assert(
      fc.property(sparseMatrices, (A) => {
        const M = IntMatrix.fromRationals(A).matrix;
        const p = 1000003;
        const prof = rankProfileMod(M.residues(p), M.m, M.n, p);
        const R = M.residues(p);
        const r = prof.rank;
        const minor = new Float64Array(r * r);
        prof.rows.forEach((i, a) => prof.cols.forEach((j, b) => (minor[a * r + b] = R[i * M.n + j]!)));
        if (r > 0) expect(detMod(minor.slice(), r, p)).not.toBe(0);
        // solve minor·X = minor (X = I)
        const aug = new Float64Array(r * 2 * r);
        for (let a = 0; a < r; a++) for (let b = 0; b < r; b++) aug[a * 2 * r + b] = aug[a * 2 * r + r + b] = minor[a * r + b]!;
        const X = solveMod(aug, r, r, p);
        if (r > 0) expect(Array.from(X!)).toEqual(Array.from(identity(r).flat(), (x) => Number(x.num)));
      }),
      { numRuns: 150 },
    );
    expect(lazyPrimeBound(300) ** 2 * 302).toBeLessThan(2 ** 53);
  });
  it("residues: limbs reduce to the same values as BigInt arithmetic, whole matrix or submatrix", () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.bigInt({ min: -(1n << 100n), max: 1n << 100n }), { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 4 }), fc.integer({ min: 2, max: 2 ** 26 - 1 }).filter(isPrime), (rows, p) => {
        const M = IntMatrix.fromBigInts(rows);
        const want = rows.flat().map((x) => Number(((x % BigInt(p)) + BigInt(p)) % BigInt(p)));
        expect(Array.from(M.residues(p))).toEqual(want);
        const sub = M.residuesOf([rows.length - 1, 0], [2, 0], p);
        expect(Array.from(sub)).toEqual([want[(rows.length - 1) * 3 + 2], want[(rows.length - 1) * 3], want[2], want[0]]);
      }),
      { numRuns: 100 },
    );
  });
  it("rational reconstruction recovers small fractions", () => {
    const mod = 1000003n * 999983n * 1000033n;
    fc.assert(
      fc.property(fc.integer({ min: -20000, max: 20000 }), fc.integer({ min: 1, max: 20000 }), (a, b) => {
        const g = Number(Rational.of(a, b).den);
        const x = Rational.of(a, b);
        const u = (((x.num % mod) + mod) % mod) * modInv(((x.den % mod) + mod) % mod, mod) % mod;
        const q = ratRecon(u, mod);
        return q !== null && q[0] === x.num && q[1] === x.den && g > 0;
      }),
    );
  });
});

function modInv(a: bigint, m: bigint): bigint {
  let [t, nt, r, nr] = [0n, 1n, m, a];
  while (nr !== 0n) {
    const q = r / nr;
    [t, nt] = [nt, t - q * nt];
    [r, nr] = [nr, r - q * nr];
  }
  return ((t % m) + m) % m;
}

describe("exact linear algebra over Q", () => {
  it("rref: pivot rows are unit vectors on the pivot columns and the null space is annihilated", () => {
    fc.assert(
      fc.property(ratMatrices, (A) => {
        const { R, pivots } = rref(A);
        pivots.forEach((c, k) => R.forEach((row, i) => expect(row[c]!.eq(i === k ? Rational.ONE : Rational.ZERO)).toBe(true)));
        const N = nullSpace(A);
        expect(N.length + pivots.length).toBe(A[0]!.length);
        for (const v of N) expect(isZeroVec(matVec(A, v))).toBe(true);
      }),
      { numRuns: 120 },
    );
  });
  it("solve: consistent systems are solved exactly; inconsistent ones come with yᵀA = 0, yᵀb = 1", () => {
    fc.assert(
      fc.property(sparseMatrices, fc.array(small, { minLength: 7, maxLength: 7 }), fc.boolean(), (A, bs, fromX) => {
        const n = A[0]!.length;
        // half the time b = A·x (consistent by construction), else arbitrary
        const b = fromX ? matVec(A, bs.slice(0, n).map((x) => Rational.of(x))) : bs.slice(0, A.length).map((x) => Rational.of(x));
        while (b.length < A.length) b.push(Rational.ONE);
        const s = solve(A, b);
        if (s.consistent) {
          expect(matVec(A, s.x).every((x, i) => x.eq(b[i]!))).toBe(true);
          for (const v of s.nullSpace) expect(isZeroVec(matVec(A, v))).toBe(true);
        } else {
          expect(fromX).toBe(false);
          expect(isZeroVec(matVec(transpose(A), s.witness))).toBe(true);
          expect(dot(s.witness, b).eq(Rational.ONE)).toBe(true);
        }
      }),
      { numRuns: 150 },
    );
  });
  it("minNormSolve: a solution orthogonal to the null space, no longer than the basic solution", () => {
    fc.assert(
      fc.property(matrixOf(ratEntry, 4, 7), fc.array(ratEntry, { minLength: 7, maxLength: 7 }), (A, xs) => {
        const b = matVec(A, xs.slice(0, A[0]!.length));
        const r = minNormSolve(A, b);
        expect(r.consistent).toBe(true);
        if (!r.consistent) return;
        expect(matVec(A, r.x).every((x, i) => x.eq(b[i]!))).toBe(true);
        for (const v of nullSpace(A)) expect(dot(r.x, v).isZero()).toBe(true);
        const s = solve(A, b);
        if (s.consistent) expect(dot(r.x, r.x).le(dot(s.x, s.x))).toBe(true);
      }),
      { numRuns: 100 },
    );
  });
  it("minNormSolve for full row rank equals Aᵀ(AAᵀ)⁻¹b", () => {
    const A = ratMatrix([[1, 2, 3], [0, 1, "1/2"]]);
    const b = ratMatrix([[4, -1]])[0]!;
    const G = inverse(matMul(A, transpose(A)))!;
    const expected = matVec(transpose(A), matVec(G, b));
    const r = minNormSolve(A, b);
    expect(r.consistent && r.x.every((x, i) => x.eq(expected[i]!))).toBe(true);
  });
  it("det is multiplicative and inverse inverts; singular ⇔ det = 0 ⇔ no inverse", () => {
    const square = fc.integer({ min: 1, max: 5 }).chain((n) => fc.tuple(...[0, 1].map(() => fc.array(fc.array(ratEntry, { minLength: n, maxLength: n }), { minLength: n, maxLength: n }))));
    fc.assert(
      fc.property(square, ([A, B]) => {
        expect(det(matMul(A!, B!)).eq(det(A!).mul(det(B!)))).toBe(true);
        const inv = inverse(A!);
        expect(inv === null).toBe(det(A!).isZero());
        expect(rank(A!) === A!.length).toBe(!det(A!).isZero());
        if (inv) expect(eqMat(matMul(A!, inv), identity(A!.length))).toBe(true);
      }),
      { numRuns: 100 },
    );
    expect(det(ratMatrix([[1, 2], [3, 4]])).toString()).toBe("-2");
    expect(det(ratMatrix([[0, 1], [1, 0]])).toString()).toBe("-1");
  });
});

describe("certified rank", () => {
  it("equals the rref rank, and its certificate verifies", () => {
    fc.assert(
      fc.property(fc.oneof(ratMatrices, sparseMatrices), fc.integer({ min: 0, max: 1000 }), (A, seed) => {
        const c = certifiedRank(A, { seed });
        expect(c.rank).toBe(rref(A).pivots.length);
        expect(verifyRankCertificate(A, c.certificate)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
  it("rank of products of known rank k, with large entries, equals k", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -1e6, max: 1e6 }), { minLength: 4, maxLength: 12 }),
        fc.integer({ min: 1, max: 14 }),
        fc.integer({ min: 1, max: 14 }),
        fc.integer({ min: 0, max: 14 }),
        fc.integer({ min: 0, max: 90 }),
        (vals, m, n, k0, bits) => {
          const k = Math.min(k0, m, n);
          const A = knownRank(vals, m, n, k, bits);
          const c = certifiedRank(A, { seed: vals[0]! >>> 0 });
          expect(c.rank).toBe(k);
          expect(verifyRankCertificate(A, c.certificate)).toBe(true);
          if (k < Math.min(m, n)) expect(c.certificate.nullVectors!.length).toBe(Math.min(m, n) - k); // the smaller side
        },
      ),
      { numRuns: 120 },
    );
  });
  it("a tampered certificate fails verification", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -50, max: 50 }), { minLength: 4, maxLength: 8 }), fc.integer({ min: 3, max: 7 }), fc.nat(), (vals, n, pick) => {
        const k = 2;
        const A = knownRank(vals, n, n, k, 3);
        const cert = certifiedRank(A).certificate;
        expect(verifyRankCertificate(A, cert)).toBe(true);
        const bad: RankCertificate[] = [
          { ...cert, rank: cert.rank + 1 },
          { ...cert, rank: cert.rank - 1, rows: cert.rows.slice(1), cols: cert.cols.slice(1) },
          { ...cert, prime: cert.prime + 1 }, // even: not a prime
          { ...cert, rows: [cert.rows[0]!, cert.rows[0]!] },
          { ...cert, nullVectors: cert.nullVectors!.slice(1) },
        ];
        // change one entry of one null vector
        const vs = cert.nullVectors!.map((v) => v.map((x) => BigInt(x)));
        const vi = pick % vs.length;
        let ei = (pick >> 3) % n;
        while (A.every((row) => row[ei]!.isZero())) ei = (ei + 1) % n; // a zero column would keep A·v = 0
        vs[vi]![ei] = vs[vi]![ei]! + 1n;
        bad.push({ ...cert, nullVectors: vs });
        // a zero vector is in the null space but breaks the independence block
        bad.push({ ...cert, nullVectors: cert.nullVectors!.map((v, t) => (t === 0 ? v.map(() => 0n) : v)) });
        for (const b of bad) expect(verifyRankCertificate(A, b)).toBe(false);
      }),
      { numRuns: 60 },
    );
  });
  it("wide matrices are certified by left null vectors (yᵀA = 0), and the side is part of what is checked", () => {
    const A = ratMatrix([[1, 2, 3, 4, 5], [2, 4, 6, 8, 10], [1, 0, 1, 0, 1]]);
    const c = certifiedRank(A).certificate;
    expect(c.rank).toBe(2);
    expect(c.side).toBe("left");
    expect(c.nullVectors!.length).toBe(1);
    expect(verifyRankCertificate(A, c)).toBe(true);
    expect(verifyRankCertificate(A, { ...c, side: "right" })).toBe(false);
  });
  it("a minor that is singular over Z is rejected whatever prime is named", () => {
    const A = ratMatrix([[1, 2], [2, 4]]);
    expect(verifyRankCertificate(A, { rank: 2, rows: [0, 1], cols: [0, 1], prime: 1000003 })).toBe(false);
    expect(verifyRankCertificate(A, { rank: 1, rows: [0], cols: [0], prime: 7, nullVectors: [["-2", "1"]] })).toBe(true);
    expect(verifyRankCertificate(A, { rank: 1, rows: [0], cols: [0], prime: 7, nullVectors: [["2", "1"]] })).toBe(false);
  });
  it("rational entries: rows are scaled, not rounded", () => {
    const A = ratMatrix([["1/3", "1/6"], [2, 1], ["0.125", "1/16"]]);
    expect(certifiedRank(A).rank).toBe(1);
    expect(certifiedRank(ratMatrix([["1/3", "1/6"], [2, "1.0000001"]])).rank).toBe(2);
  });
});

describe("float rank (labelled float)", () => {
  it("agrees with the exact rank on small well-conditioned integer matrices and says it is float", () => {
    fc.assert(
      fc.property(sparseMatrices, (A) => {
        const f = floatRank(A);
        expect(f.arithmetic).toBe("float64");
        expect(f.rank).toBe(rank(A));
      }),
      { numRuns: 100 },
    );
  });
});
