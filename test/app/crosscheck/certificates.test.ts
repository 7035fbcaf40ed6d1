// Builders and the independent checker agree: on a certificate written from a builder's own verdicts,
// proofs-check verifies exactly the set the builder certified (and rejects one example more).
import { describe, expect, it } from "vitest";
import { randomLookupTable } from "../../../src/data/associations.ts";
import { constructAot } from "../../../constructions/dana/association.ts";
import { aotCertificate } from "../../../constructions/dana/certify.ts";
import { decimalLogitEnclosures } from "../../../constructions/dana/decimal-interval.ts";
import { checkCertificate } from "../../../proofs-check/check.ts";

describe("builder and checker agree example by example", () => {
  it("Dana et al. beyond capacity (T₀ + 2): the checker verifies the builder's certified set, and only it", () => {
    const H = 5, d = 2, dh = 2, T = H * dh + d + 2;
    const table = randomLookupTable({ N: 10, S: 2, T, seed: 3 });
    const r = constructAot(table, { d, dh, H, seed: 3, decimalEnclosure: decimalLogitEnclosures, maxPrecision: 80 });
    expect(r.inconclusive).toBe(0);
    const certified = r.verdicts.flatMap((v, i) => (v === "certified" ? [i] : []));
    const refuted = r.verdicts.flatMap((v, i) => (v === "refuted" ? [i] : []));
    expect(certified.length + refuted.length).toBe(T);
    expect(refuted.length).toBeGreaterThan(0); // seed 3: 6 certified, 8 certified wrong — both sides are exercised
    const shape = { vocab: 10, S: 2, d, dh, H, T };
    const digits = r.precisionDigits ?? 30;
    const cert = aotCertificate("aot", {}, 3, r.network, table, certified, digits, shape);
    expect(checkCertificate(cert).verdict).toBe("VERIFIED");
    const more = [...certified, refuted[0]!].sort((a, b) => a - b);
    expect(checkCertificate(aotCertificate("aot", {}, 3, r.network, table, more, digits, shape)).verdict).toBe("REJECTED");
  }, 120_000);
});
