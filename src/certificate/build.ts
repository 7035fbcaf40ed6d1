/**
 * Assembling a certificate for a network a user built (the library's entry; the claims come from
 * ./claims.ts, the home of claim assembly): the memorization claim over the given
 * examples (every example by default) and one count claim per measured quantity. The builder is
 * untrusted: `checkCertificate` (proofs-check) re-derives every claim from the network and data.
 *
 * @example
 *   const cert = buildCertificate({ network, dataset: { sequences: [[0, 1]], labels: ["1"] }, criterion: { type: "exact" } });
 *   checkCertificate(cert).verdict // "VERIFIED" when the network maps [0, 1] to exactly 1
 */
import { countNetwork } from "../ir/count.ts";
import type { Network } from "../ir/network.ts";
import { CERTIFICATE_FORMAT, CERTIFICATE_VERSION, type Certificate, type Claim, type Criterion, type Dataset } from "./format.ts";
import { countClaims } from "./claims.ts";

export interface CertificateInput {
  network: Network;
  dataset: Dataset;
  criterion: Criterion;
  /** Indices of the examples claimed memorized; every example when absent. */
  examples?: number[];
  /** Who built it and how (shown by `memcap check`); a "user" construction when absent. */
  construction?: Certificate["construction"];
  /** "exact" for piecewise-linear networks; softmax networks need intervals at some precision. */
  evaluation?: Certificate["evaluation"];
  /** Extra claims (bounds, …) appended after the memorization and count claims. */
  claims?: Claim[];
}

export function buildCertificate(o: CertificateInput): Certificate {
  const counts = countNetwork(o.network);
  const softmax = o.network.layers.some((l) => l.type === "attention" && l.attention === "softmax");
  const examples = o.examples ? [...new Set(o.examples)].sort((a, b) => a - b) : "all";
  return {
    format: CERTIFICATE_FORMAT,
    version: CERTIFICATE_VERSION,
    construction: o.construction ?? { id: "user", paper: "user", options: {}, seed: null },
    network: o.network,
    dataset: o.dataset,
    evaluation: o.evaluation ?? (softmax ? { mode: "interval", precisionDigits: 30 } : { mode: "exact" }),
    claims: [
      { kind: "memorizes", id: "memorizes", criterion: o.criterion, examples, count: examples === "all" ? o.dataset.sequences.length : examples.length },
      ...countClaims(counts),
      ...(o.claims ?? []),
    ],
  };
}
