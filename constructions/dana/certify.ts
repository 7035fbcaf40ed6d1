/**
 * Dana, Pydi & Chevaleyre's certificate recipe in one place: build Corollary 1's network (association.ts),
 * keep the associations the builder certified, find the smallest decimal precision at which decimal
 * intervals confirm them, and assemble the certificate (argmax claims, counts from the built network,
 * the paper's formulas as bound claims). The builder is untrusted: proofs-check re-derives every claim.
 *
 * @example
 *   const { certificate } = certifyAot(randomLookupTable({ N: 6, S: 2, T: 6, seed: 1 }), { d: 2, dh: 2, H: 2, seed: 1 });
 */
import { CERTIFICATE_FORMAT, CERTIFICATE_VERSION, type Certificate, type Claim } from "../../src/certificate/format.ts";
import { boundClaim, countClaims } from "../../src/certificate/claims.ts";
import type { LookupTable } from "../../src/data/associations.ts";
import { danaBoundHolds, danaBounds, type DanaShape } from "../../src/bounds/dana.ts";
import { countNetwork, type NetworkCounts } from "../../src/ir/count.ts";
import type { Network } from "../../src/ir/network.ts";
import { constructAot, decimalVerdicts, type AotOptions, type AotResult } from "./association.ts";
import { decimalLogitEnclosures } from "./decimal-interval.ts";

export const DANA_PAPER = "Dana, Pydi & Chevaleyre 2025 (arXiv 2411.10115)";

/** The smallest decimal precision (≥ 20) at which decimal intervals certify the listed associations; null: none up to `max`. */
export function certificatePrecision(net: Network, table: LookupTable, examples: number[], start: number, max: number, say: (line: string) => void = () => {}): number | null {
  for (let p = Math.max(20, start); p <= max; p = p < 30 ? 30 : Math.round(p * 1.6)) {
    say(`certificate: checking the claimed associations with ${p}-digit decimal intervals …`);
    const v = decimalVerdicts(decimalLogitEnclosures(net, examples.map((i) => table.sequences[i]!), p), examples.map((i) => table.next[i]!));
    if (v.every((x) => x === "certified")) return p;
  }
  return null;
}

/** The paper's formulas for a shape, each with the measured count it is compared against. */
export function danaBoundsMeasured(shape: DanaShape, counts: NetworkCounts) {
  return danaBounds(shape).map((b) => ({ ...b, measured: b.compare ? counts.parameters : undefined, holds: danaBoundHolds(b, shape, counts.parameters) }));
}

/** The certificate: argmax claims for the certified associations, counts, the paper's formulas. */
export function aotCertificate(id: string, options: Record<string, unknown>, seed: number | null, net: Network, table: LookupTable, examples: number[], digits: number, shape: DanaShape): Certificate {
  const counts = countNetwork(net);
  const claims: Claim[] = [
    { kind: "memorizes", id: "memorizes-certified", criterion: { type: "argmax" }, examples: examples.length === table.sequences.length ? "all" : examples, count: examples.length },
  ];
  claims.push(...countClaims(counts), ...danaBoundsMeasured(shape, counts).map(boundClaim));
  return {
    format: CERTIFICATE_FORMAT,
    version: CERTIFICATE_VERSION,
    construction: { id, paper: DANA_PAPER, options, seed },
    network: net,
    dataset: { sequences: table.sequences, labels: table.next },
    evaluation: { mode: "interval", precisionDigits: digits },
    claims,
  };
}

export interface CertifiedAot {
  result: AotResult;
  shape: DanaShape;
  /** Indices of the associations the builder certified (argmax = the table's next token). */
  certified: number[];
  /** Decimal digits at which the certificate's claims were confirmed; null: not confirmed up to maxPrecision. */
  digits: number | null;
  /** null when nothing was certified or the decimal confirmation failed (INCONCLUSIVE). */
  certificate: Certificate | null;
}

/**
 * Corollary 1 end to end: construct, certify, confirm in decimal, write the certificate.
 * Verdicts obtained only at decimal levels need no second pass; float64 verdicts are re-confirmed in decimal.
 */
export function certifyAot(table: LookupTable, o: AotOptions & { id?: string; certificateOptions?: Record<string, unknown>; certificateSeed?: number | null }): CertifiedAot {
  const say = o.progress ?? (() => {});
  const maxPrecision = o.maxPrecision ?? 200;
  const result = constructAot(table, { decimalEnclosure: decimalLogitEnclosures, ...o });
  const shape: DanaShape = { vocab: table.N, S: table.S, d: o.d, dh: o.dh, H: o.H, T: table.sequences.length };
  const certified = result.verdicts.flatMap((v, i) => (v === "certified" ? [i] : []));
  if (certified.length === 0) return { result, shape, certified, digits: null, certificate: null };
  const a = result.attempts;
  const allDecimal = result.precisionDigits !== null && a.length > 1 && a[a.length - 2]!.certified === 0 && a[0]!.certified === 0;
  const digits = allDecimal ? result.precisionDigits : certificatePrecision(result.network, table, certified, result.precisionDigits ?? 20, maxPrecision, say);
  const options = o.certificateOptions ?? { N: table.N, S: table.S, d: o.d, dh: o.dh, H: o.H, T: table.sequences.length };
  const seed = o.certificateSeed === undefined ? o.seed : o.certificateSeed;
  const certificate = digits === null ? null : aotCertificate(o.id ?? "aot", options, seed, result.network, table, certified, digits, shape);
  return { result, shape, certified, digits, certificate };
}
