// The checker's worker threads (proofs-check/parallel.ts) reach the same verdicts, with the same first
// failing example, as the one-thread checker, on a certificate large enough to be split.
import { beforeAll, describe, expect, it } from "vitest";
import { generateSequenceDataset } from "../../src/data/sequences.ts";
import { ksCertificate, runKs } from "../../constructions/kajitsuka-sato/certify.ts";
import { checkCertificate } from "../../proofs-check/check.ts";
import { checkBytesInParallel, PARALLEL_MIN_EXAMPLES, sharedBytes, threadsFor } from "../../proofs-check/parallel.ts";

const N = 240;
const split = { threads: 2, minExamples: 200 };
let text = "";
const bytesOf = (s: string) => sharedBytes(new TextEncoder().encode(s));

beforeAll(() => {
  const ds = generateSequenceDataset({ N, n: 4, d: 2, classes: 3, vocab: 64, seed: 5 });
  const { run, certificateParts } = runKs(ds, { seq2seq: false, seed: 5 });
  text = JSON.stringify(ksCertificate(ds, run, certificateParts.network, {}));
}, 120_000);

describe("checkBytesInParallel", () => {
  it("splits only exact certificates with enough examples", () => {
    expect(threadsFor(true, PARALLEL_MIN_EXAMPLES, 2)).toBe(2);
    expect(threadsFor(true, PARALLEL_MIN_EXAMPLES - 1, 2)).toBe(1);
    expect(threadsFor(false, 10 * PARALLEL_MIN_EXAMPLES, 4)).toBe(1);
    expect(threadsFor(true, 3000, 8)).toBe(3);
    expect(threadsFor(true, N, 2, 200)).toBe(2);
  });

  it("VERIFIED on 2 threads, with the one-thread report's claims", async () => {
    const one = checkCertificate(JSON.parse(text));
    const two = await checkBytesInParallel(bytesOf(text), split);
    expect(one.verdict).toBe("VERIFIED");
    expect(two).toEqual(one);
  }, 120_000);

  it("REJECTED at the same first example when a label in the second shard is wrong", async () => {
    const c = JSON.parse(text);
    const i = 133; // i ≡ 1 mod 2: evaluated by the second thread
    const y = BigInt(c.dataset.labels[i]);
    c.dataset.labels[i] = String(y === 0n ? 1n : y - 1n);
    const bad = JSON.stringify(c);
    const one = checkCertificate(JSON.parse(bad));
    const two = await checkBytesInParallel(bytesOf(bad), split);
    expect(one.verdict).toBe("REJECTED");
    expect(two.verdict).toBe("REJECTED");
    const first = (r: typeof one) => r.claims.find((k) => k.status === "rejected")!;
    expect(first(two).example).toBe(i);
    expect(first(two)).toEqual(first(one));
  }, 120_000);

  it("refuses malformed bytes before starting any thread", async () => {
    await expect(checkBytesInParallel(bytesOf(text.replace('"format"', '"format":1,"format"')), split)).rejects.toThrow(/duplicate key/);
  });
});
