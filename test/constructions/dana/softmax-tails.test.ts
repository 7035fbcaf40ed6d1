/**
 * The builders' interval code must not print false rigorous figures at extreme score gaps either
 * (issue 14 class 2): decimal.js's exp underflows to exactly 0 below 10^(−9·10^15) even rounding
 * up, which made Dana's decimal softmax weight exactly 1. Here: Dana's decimal enclosure and
 * src/numbers/interval.ts's softmaxEnclosure keep the tail's upper end > 0 and the dominant
 * weight's lower end < 1 at gaps up to 10^30.
 */
import { describe, expect, it } from "vitest";
import { Decimal } from "decimal.js";
import { decimalLogitEnclosures } from "../../../constructions/dana/decimal-interval.ts";
import { IntervalArithmetic } from "../../../src/numbers/interval.ts";
import type { Network } from "../../../src/ir/network.ts";

/** Tokens 0, 1 embedded as (0, 1), (1, 0); one head with scores 0 and g on [0, 1]; logits = the two weights. */
const net = (g: string): Network =>
  ({
    format: "memcap-network",
    version: 1,
    input: { kind: "tokens", vocab: 2 },
    layers: [
      { type: "embedding", table: [[0, 1], [1, 0]] },
      { type: "positional", table: [[0, 0], [0, 0]] },
      { type: "attention", attention: "softmax", residual: false, queries: "last", keys: "all", heads: [{ WQ: [[g, 0]], WK: [[1, 0]], WV: [[0, 1], [1, 0]], WO: [[1, 0], [0, 1]] }] },
      { type: "affine", W: [[1, 0], [0, 1]] },
    ],
    output: { positions: "last", kind: "logits" },
  }) as Network;

describe("builders' softmax enclosures at extreme gaps", () => {
  for (const g of ["1e9", "1e17", "1e20", "1e30"])
    it(`Dana's decimal enclosure, gap ${g}: weights in (0, 1), the true values inside`, () => {
      const [L] = decimalLogitEnclosures(net(g), [[0, 1]], 30);
      // logit 0 = weight of key 0 = 1/(1 + e^g) > 0; logit 1 = 1/(1 + e^−g) < 1
      expect(L!.hi[0]!.gt(0)).toBe(true);
      expect(L!.lo[1]!.lt(1)).toBe(true);
      expect(L!.lo[0]!.gte(0) && L!.hi[1]!.gte(new Decimal(1).minus("1e-25"))).toBe(true);
    });
  it("src/numbers/interval.ts softmaxEnclosure, gaps 1e9 … 1e30", () => {
    const I = new IntervalArithmetic(30);
    for (const g of ["1e9", "1e17", "1e20", "1e30"]) {
      const [t, d] = I.softmaxEnclosure([I.point(0), I.point(g)]);
      expect(t!.hi.gt(0) && d!.lo.lt(1), g).toBe(true);
    }
  });
});
