/**
 * Kajitsuka & Sato's Theorem 4.1 / Corollary 4.1 in one call for library users: build, verify
 * exactly and assemble the certificate (the CLI's `construct ks-next-token` / `ks-seq2seq` do the same steps).
 *
 * @example
 *   const ds = generateSequenceDataset({ N: 20, n: 4, d: 3, classes: 2, vocab: 16, seed: 1 });
 *   const { run, certificate } = certifyKs(ds, { seed: 1 });
 *   run.memorized // 20
 */
import type { SequenceDataset } from "../src/data/sequences.ts";
import type { Certificate } from "../src/certificate/format.ts";
import { ksCertificate, runKs, runKsParallel, type KsRun } from "../constructions/kajitsuka-sato/certify.ts";
import type { KsVariant } from "../constructions/kajitsuka-sato/theorem-4-1.ts";

export { ksCertificate, runKs, runKsParallel, type KsRun, type KsVariant };

/** `variant`: "compact" (default), "paper" (the proof's construction at its constants), "bounded-bits" (Theorem F.1, with `bitsB`), "baseline". */
export function certifyKs(
  ds: SequenceDataset,
  o: { seed: number; seq2seq?: boolean; groupSize?: number; variant?: KsVariant; bitsB?: number; options?: Record<string, unknown> },
): { run: KsRun; certificate: Certificate } {
  const seq2seq = o.seq2seq ?? Array.isArray(ds.labels[0]);
  const { run, certificateParts } = runKs(ds, { seq2seq, seed: o.seed, groupSize: o.groupSize, variant: o.variant, bitsB: o.bitsB });
  return { run, certificate: ksCertificate(ds, run, certificateParts.network, o.options ?? { N: ds.sequences.length, seq2seq }) };
}
