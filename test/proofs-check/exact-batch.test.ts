// The checker's batched integer tail (proofs-check/exact-batch.ts) computes the same exact outputs as
// the one-example evaluator and as the tests' naive reference, on random integer tails whose values
// cross the two-double limits (2^53, 2^85) both ways, and on a Kajitsuka–Sato network.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { validateCertificate } from "../../proofs-check/validate.ts";
import { Evaluator } from "../../proofs-check/evaluate.ts";
import { exactArith, toRationals } from "../../proofs-check/exact.ts";
import { batchTail } from "../../proofs-check/exact-batch.ts";
import { checkBytesInParallel, sharedBytes } from "../../proofs-check/parallel.ts";
import { checkCertificate } from "../../proofs-check/check.ts";
import { Rational } from "../../src/numbers/rational.ts";
import { integerTailCert, refOutputs, rng } from "../fixtures/checker.ts";
import { generateSequenceDataset } from "../../src/data/sequences.ts";
import { ksCertificate, runKs } from "../../constructions/kajitsuka-sato/certify.ts";

const show = (vs: ReturnType<typeof toRationals>[]) => vs.map((v) => v.map(String).join(",")).join(";");

describe("batchTail", () => {
  it("equals the one-example evaluator and the naive reference on random integer tails", () => {
    let large = 0;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e9 }), fc.integer({ min: 1, max: 12 }), (seed, depth) => {
        const cert = integerTailCert(rng(seed), 9, depth, seed % 2 === 0);
        const c = validateCertificate(cert);
        const ev = new Evaluator(c, exactArith());
        const run = batchTail(c, ev);
        expect(run).not.toBeNull();
        const ids = [0, 1, 2, 3, 4, 5, 6, 7, 8];
        const batched = run!(ids);
        const ref = refOutputs(cert);
        ids.forEach((i, k) => {
          const got = show(batched[k]!.map(toRationals));
          expect(got).toBe(show(ev.outputs(i).map(toRationals)));
          expect(got).toBe(show(ref[i]!));
          if (ref[i]!.some((v) => v.some((x) => x.abs().gt(Rational.fromBigInt(1n << 60n))))) large++;
        });
      }),
      { numRuns: 150 },
    );
    expect(large).toBeGreaterThan(50); // the draws really reach beyond the two-double range
  });

  it("keeps a value with a zero low word (a multiple of 2^32) when combined with a BigInt column", () => {
    const cert = integerTailCert(rng(5), 6, 1);
    const diag = (a: string, b: string, c: string) => [[a, "0", "0"], ["0", b, "0"], ["0", "0", c]];
    cert.network.layers.splice(2, cert.network.layers.length - 2, { type: "affine", W: diag("4294967296", String(1n << 90n), "-8589934592") }, { type: "affine", W: [["1", "1", "1"]] });
    cert.dataset.labels = refOutputs(cert).map((o) => o[0]![0]!.toString());
    const c = validateCertificate(cert);
    const ev = new Evaluator(c, exactArith());
    const out = batchTail(c, ev)!([0, 1, 2, 3, 4, 5]);
    const ref = refOutputs(cert);
    out.forEach((o, i) => expect(show(o.map(toRationals))).toBe(show(ref[i]!)));
  });

  it("returns null without an integer tail (nothing to batch)", () => {
    const cert = integerTailCert(rng(3), 4, 2);
    cert.network.layers.push({ type: "affine", W: [["1/2"]] });
    const c = validateCertificate(cert);
    const run = batchTail(c, new Evaluator(c, exactArith()));
    expect(run).toBeNull();
  });

  it("equals the one-example evaluator on a Kajitsuka–Sato network; threaded and one-thread checks use it and agree with the core", async () => {
    const N = 600;
    const ds = generateSequenceDataset({ N, n: 4, d: 2, classes: 3, vocab: 64, seed: 9 });
    const { run, certificateParts } = runKs(ds, { seq2seq: false, seed: 9 });
    const cert = ksCertificate(ds, run, certificateParts.network, {});
    const c = validateCertificate(JSON.parse(JSON.stringify(cert)));
    const ev = new Evaluator(c, exactArith());
    const ids = Array.from({ length: N }, (_, i) => i);
    const batched = batchTail(c, ev)!(ids);
    for (const i of ids) expect(show(batched[i]!.map(toRationals))).toBe(show(ev.outputs(i).map(toRationals)));
    const bytes = (x: unknown) => sharedBytes(new TextEncoder().encode(JSON.stringify(x)));
    for (const threads of [1, 2]) expect((await checkBytesInParallel(bytes(cert), { threads, minExamples: 200 })).verdict).toBe("VERIFIED");
    // a wrong label is found by the batched paths at the core's first failing example
    const bad = JSON.parse(JSON.stringify(cert));
    for (const i of [257, 511]) bad.dataset.labels[i] = String(Number(bad.dataset.labels[i]) === 0 ? 1 : 0);
    const core = checkCertificate(JSON.parse(JSON.stringify(bad)), { decimalOnly: true });
    expect(core.verdict).toBe("REJECTED");
    for (const threads of [1, 2]) {
      const r = await checkBytesInParallel(bytes(bad), { threads, minExamples: 200 });
      expect(r.verdict).toBe("REJECTED");
      expect(JSON.stringify(r.claims)).toBe(JSON.stringify(core.claims));
    }
  }, 180_000);
});
