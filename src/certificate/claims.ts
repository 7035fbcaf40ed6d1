/**
 * Claim assembly shared by every builder's certify.ts: the count claims of a built network and a
 * paper's formula as a bound claim (docs/certificate.md). Builders are untrusted; the checker
 * re-derives each claim from the network and dataset.
 *
 * @example
 *   const claims = [...countClaims(countNetwork(net)), boundClaim({ id: "depth", source: "Thm 4.1", expression: "N", variables: { N: "N" }, value: "7" })];
 */
import { QUANTITIES, type Claim } from "./format.ts";
import type { NetworkCounts } from "../ir/count.ts";

/** One count claim per quantity, with the values measured on the built network. */
export function countClaims(counts: NetworkCounts): Claim[] {
  return QUANTITIES.map((q) => ({ kind: "count", id: `count-${q}`, quantity: q, value: counts[q] }));
}

/** A paper's formula evaluated on the claim's variables, optionally compared with a measured quantity. */
export interface BoundForClaim {
  id: string;
  source: string;
  expression: string;
  variables: Record<string, string>;
  value: string;
  compare?: { quantity: string; relation: "<=" | ">=" };
  /** Whether the comparison holds, as the builder measured it (the checker decides again). */
  holds?: boolean;
}

/** The bound claim `bound-<id>`; a comparison is claimed only when the bound has one. */
export function boundClaim(b: BoundForClaim): Claim {
  return {
    kind: "bound",
    id: `bound-${b.id}`,
    source: b.source,
    expression: b.expression,
    variables: b.variables,
    value: b.value,
    ...(b.compare ? { compare: { quantity: b.compare.quantity, relation: b.compare.relation, holds: !!b.holds } } : {}),
  } as Claim;
}
