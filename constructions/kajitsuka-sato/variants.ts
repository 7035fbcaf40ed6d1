/**
 * The three Kajitsuka–Sato networks memcap builds for one dataset (docs/kajitsuka-sato.md, "Variants"):
 *   compact   memcap's realization of Theorem 4.1 (theorem-4-1.ts): exact integer projections, packed
 *             Stage II, depth-minimizing group size — the default;
 *   paper     the proof's construction at the proof's constants (theorem-4-1-paper.ts);
 *   baseline  the same pipeline with plain one-hidden-layer lookups instead of Lemma C.1 (baseline.ts);
 *   bounded-bits  Theorem F.1 (p. 35): the paper variant with Lemma F.1's B²-point sub-networks, so that
 *             the bit complexity is Õ(B) instead of Õ(√N) (B defaults to ⌈N^{1/4}⌉).
 *
 * @example
 *   buildKsVariant(ds, { variant: "paper", seq2seq: false, seed: 1 }).info.variant // "paper"
 */
import type { Network } from "../../src/ir/network.ts";
import type { SequenceDataset } from "../../src/data/sequences.ts";
import { buildKsNetwork, type KsBuildInfo, type KsBuildOptions, type KsVariant } from "./theorem-4-1.ts";
import { buildKsPaperNetwork, defaultBitsB } from "./theorem-4-1-paper.ts";
import { buildKsBaselineNetwork } from "./baseline.ts";

export function buildKsVariant(ds: SequenceDataset, opts: KsBuildOptions & { variant: KsVariant }): { network: Network; info: KsBuildInfo } {
  switch (opts.variant) {
    case "compact":
      return buildKsNetwork(ds, opts);
    case "paper":
      if (opts.bitsB !== undefined) throw new RangeError("--bits-B applies to the bounded-bits variant (Theorem F.1)");
      if (opts.groupSize !== undefined) throw new RangeError("--group-size applies to the compact variant; the paper variant uses ⌈√(N/log₂N)⌉");
      return buildKsPaperNetwork(ds, opts);
    case "baseline":
      return buildKsBaselineNetwork(ds, opts);
    case "bounded-bits": {
      if (opts.groupSize !== undefined) throw new RangeError("--group-size applies to the compact variant");
      const N = ds.sequences.length;
      const B = opts.bitsB ?? defaultBitsB(N);
      if (B > Math.floor(Math.sqrt(N))) throw new RangeError(`Theorem F.1 takes B ∈ [√N]: B = ${B} exceeds ⌊√${N}⌋ = ${Math.floor(Math.sqrt(N))}`);
      return buildKsPaperNetwork(ds, { ...opts, bitsB: B });
    }
  }
}
