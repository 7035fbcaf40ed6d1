/**
 * The claims registry's catalog: every claim memcap implements, from the kernel and each paper's
 * construction folder. `memcap claims` lists them; `memcap counterexample ID` attacks one.
 */
import type { Claim } from "../src/claims/claim.ts";
import { KERNEL_CLAIMS } from "../src/claims/kernel.ts";
import { KS_CLAIMS } from "./kajitsuka-sato/claims.ts";
import { MAHDAVI_CLAIMS } from "./mahdavi/claims.ts";
import { DANA_CLAIMS } from "./dana/claims.ts";

export const CLAIMS: Claim[] = [...KS_CLAIMS, ...MAHDAVI_CLAIMS, ...DANA_CLAIMS, ...KERNEL_CLAIMS];

const byId = new Map(CLAIMS.map((c) => [c.id, c]));
if (byId.size !== CLAIMS.length) throw new Error("duplicate claim ids in constructions/claims.ts");

/** The claim with this id, or undefined. @example getClaim("mahdavi.prop-2")?.source // "Proposition 2 [reconstructed]" */
export function getClaim(id: string): Claim | undefined {
  return byId.get(id);
}
