/**
 * Mahdavi, Liao & Thrampoulidis's certificate, assembled in one place (memcap's reconstruction of their
 * Theorem 1: the paper's full text is not available here, see docs/mahdavi.md): the memorization claim
 * (argmax for classes, |output − label| ≤ ε for regression), the parameter count of the built network,
 * and the reconstructed capacity and parameter formulas as bound claims. `certifyMha` is the entry point:
 * dataset and options in, network and certificate out (build.ts does the construction and the enclosures).
 * The builder is untrusted: proofs-check re-derives every claim.
 */
import type { MhaDataset } from "../../src/data/mha.ts";
import { mhaSequences } from "../../src/data/mha.ts";
import type { Network } from "../../src/ir/network.ts";
import { CERTIFICATE_FORMAT, CERTIFICATE_VERSION, type Certificate, type Claim } from "../../src/certificate/format.ts";
import {
  MAHDAVI_SOURCE,
  irParameterCount,
  irParameterFormula,
  mahdaviCapacityExpression,
  paperParameterCount,
  paperParameterExpression,
} from "../../src/bounds/mahdavi.ts";
import { formatBoundValue } from "../../src/bounds/format.ts";
import { buildMha, type MhaBuild, type MhaBuildOptions } from "./build.ts";

/** Builds, certifies and assembles the certificate (present when status is CERTIFIED and every output is decided). */
export function certifyMha(ds: MhaDataset, o: MhaBuildOptions): MhaBuild {
  const b = buildMha(ds, o);
  if (b.status !== "CERTIFIED" || !b.network || !b.outputs || b.outputs.undecided.length > 0) return b;
  const dv = ds.labels.kind === "classes" ? ds.labels.classes : 1;
  const certificate = mhaCertificate(ds, o, b.network, b.precisionDigits, o.epsilon ?? "1e-9", { c: b.c, capacity: b.capacity, parameters: b.parameters!.measured, dv });
  return { ...b, certificate };
}

/** The certificate for a built network whose outputs were all certified at `digits`. */
export function mhaCertificate(
  ds: MhaDataset,
  o: MhaBuildOptions,
  network: Network,
  digits: number,
  epsText: string,
  k: { c: number; capacity: number; parameters: number; dv: number },
): Certificate {
  const { vocabulary, sequences } = mhaSequences(ds);
  const T = ds.queries.length;
  const labels = ds.labels.kind === "classes" ? ds.labels.values : ds.labels.values.map((v) => v.toString());
  const paper = paperParameterCount({ H: o.H, d: ds.d, dh: o.dh, dv: k.dv });
  const exact = irParameterCount({ H: o.H, d: ds.d, dh: o.dh, dv: k.dv, dout: k.dv });
  const claims: Claim[] = [
    {
      kind: "memorizes",
      id: "memorizes-all",
      criterion: ds.labels.kind === "classes" ? { type: "argmax" } : { type: "abs-error", epsilon: epsText },
      examples: "all",
      count: T,
    },
    { kind: "count", id: "parameters", quantity: "parameters", value: k.parameters },
    {
      kind: "bound",
      id: "theorem1-capacity",
      source: MAHDAVI_SOURCE + ": T = H(min(n, d_h) − 1) + 1",
      expression: mahdaviCapacityExpression({ H: o.H, n: ds.n, dh: o.dh }),
      variables: {},
      value: formatBoundValue(k.capacity),
      // T = capacity is the typical case: an equality the checker cannot decide by comparison, so
      // the value is claimed here and T itself by the memorizes claim's count (both re-derived)
      ...(T !== k.capacity ? { compare: { quantity: "N", relation: ">=" as const, holds: T >= k.capacity } } : {}),
    },
    {
      kind: "bound",
      id: "parameters-exact-formula",
      source: `memcap IR layer: ${irParameterFormula()} with H = ${o.H}, d_h = ${o.dh}, d_v = d_out = ${k.dv}`,
      expression: `${o.H} * (2 * d * ${o.dh} + 2 * d * ${k.dv}) + ${k.dv} * d`,
      variables: { d: "d" },
      value: formatBoundValue(exact),
      // equal to the measured count (claim "parameters"): stated as a value, see theorem1-capacity
      ...(k.parameters !== exact ? { compare: { quantity: "parameters", relation: "<=" as const, holds: k.parameters <= exact } } : {}),
    },
    {
      kind: "bound",
      id: "parameters-paper-layer",
      source: MAHDAVI_SOURCE + ": parameters 2Hd·d_h + 2Hd·d_v = Θ(Hd(d_h + d_v)) of the attention layer (memcap adds a d_out × d read-out)",
      expression: paperParameterExpression({ H: o.H, dh: o.dh, dv: k.dv }),
      variables: { d: "d" },
      value: formatBoundValue(paper),
      compare: { quantity: "parameters", relation: ">=", holds: k.parameters >= paper },
    },
  ];
  return {
    format: CERTIFICATE_FORMAT,
    version: CERTIFICATE_VERSION,
    construction: {
      id: "mahdavi-mha",
      paper: "Mahdavi, Liao & Thrampoulidis, Memorization Capacity of Multi-Head Attention in Transformers (ICLR 2024)",
      options: { H: o.H, dh: o.dh, c: k.c, epsilon: epsText, weightBits: o.weightBits ?? 52, data: ds.origin, context: ds.shared ? "shared" : "per-example" },
      seed: o.seed,
    },
    network,
    dataset: { vocabulary, sequences, labels },
    evaluation: { mode: "interval", precisionDigits: Math.max(digits, 30) },
    claims,
  };
}
