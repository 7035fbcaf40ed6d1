/**
 * Claims about memcap's own kernel that every certificate leans on: certified rank and Kruskal-rank
 * witnesses. Registered beside the papers' claims so `memcap counterexample` can attack them too.
 */
import fc from "fast-check";
import { defineClaim, type Claim } from "./claim.ts";
import { Rational } from "../numbers/rational.ts";
import { certifiedRank, kruskalRank, matMul, rank, verifyRankCertificate } from "../linalg/index.ts";

/** An m×n integer matrix of rank ≤ r, as the product of random m×r and r×n factors. */
const lowRankProduct = fc
  .record({ m: fc.integer({ min: 1, max: 8 }), n: fc.integer({ min: 1, max: 8 }), r: fc.integer({ min: 0, max: 8 }), seed: fc.integer({ min: 0, max: 1e6 }), bits: fc.integer({ min: 1, max: 64 }) })
  .map(({ m, n, r, seed, bits }) => {
    let s = BigInt(seed) + 1n;
    const next = () => {
      s = (s * 6364136223846793005n + 1442695040888963407n) & ((1n << 64n) - 1n);
      return (s >> 1n) % (1n << BigInt(bits)) - (1n << BigInt(bits - 1));
    };
    const rr = Math.min(r, m, n);
    const A = Array.from({ length: m }, () => Array.from({ length: rr }, () => Rational.fromBigInt(next())));
    const B = Array.from({ length: rr }, () => Array.from({ length: n }, () => Rational.fromBigInt(next())));
    const M = rr === 0 ? Array.from({ length: m }, () => Array.from({ length: n }, () => Rational.ZERO)) : matMul(A, B);
    return { M, r: rr };
  });

export const KERNEL_CLAIMS: Claim[] = [
  defineClaim({
    id: "memcap.certified-rank",
    paper: "memcap",
    source: "src/linalg/certified.ts",
    cite: "memcap's own kernel (docs: src/linalg/certified.ts header)",
    rigor: "exact",
    quantifier: "universal",
    statement: "the multi-modular rank comes with a certificate (nonsingular minor mod p, exact null vectors) that the independent verifier accepts, agrees with exact elimination, and a product of rank-r factors has rank ≤ r",
    arbitrary: lowRankProduct,
    check: ({ M, r }) => {
      const c = certifiedRank(M);
      if (!verifyRankCertificate(M, c.certificate)) return { holds: false, detail: `certificate for rank ${c.rank} rejected by the verifier` };
      const e = rank(M);
      if (e !== c.rank) return { holds: false, detail: `certified rank ${c.rank} ≠ exact elimination ${e}` };
      return c.rank <= r ? { holds: true } : { holds: false, detail: `rank ${c.rank} > ${r}` };
    },
    expected: "holds",
    quickRuns: 100,
  }),
  defineClaim({
    id: "memcap.kruskal-witness",
    paper: "memcap",
    source: "src/linalg/kruskal.ts",
    cite: "memcap's own kernel (docs: src/linalg/kruskal.ts header)",
    rigor: "exact",
    quantifier: "universal",
    statement: "the exact Kruskal rank k is ≤ the rank, and when k < min(#vectors, dim) the witness is k + 1 vectors with an exact nonzero dependence Σ c_i v_i = 0",
    arbitrary: lowRankProduct,
    check: ({ M }) => {
      const k = kruskalRank(M);
      const rk = rank(M);
      if (k.kruskalRank > rk) return { holds: false, detail: `Kruskal rank ${k.kruskalRank} > rank ${rk}` };
      const full = Math.min(M.length, M[0]?.length ?? 0);
      if (k.kruskalRank < full) {
        if (!k.witness || !k.dependence || k.witness.length !== k.kruskalRank + 1) return { holds: false, detail: "no witness of size k + 1" };
        if (k.dependence.every((c) => c.isZero())) return { holds: false, detail: "trivial dependence" };
        const n = M[0]!.length;
        for (let j = 0; j < n; j++) {
          let s = Rational.ZERO;
          k.witness.forEach((i, t) => (s = s.add(k.dependence![t]!.mul(M[i]![j]!))));
          if (!s.isZero()) return { holds: false, detail: `Σ c_i v_i has entry ${j} = ${s}` };
        }
      }
      return { holds: true };
    },
    expected: "holds",
    quickRuns: 100,
  }),
];
