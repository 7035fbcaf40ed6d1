/**
 * The hypotheses of Kajitsuka & Sato's two lower bounds, checked for one network and one dataset, so
 * that `parameters ≥ bound` is compared only where the theorem says something about that network:
 *
 *   Theorem 4.2 (p. 8; proof p. 23): a Transformer of eq. (4) (softmax self-attention; uniform attention
 *     is softmax with W_K = 0, p. 20) in the next-token setting, shattering N distinct input sequences
 *     with X_{:,k} = X_{:,1} (every sequence one repeated token) — for EVERY labeling in {0,1}^N some
 *     parameters of the same architecture memorize it.
 *   Theorem 4.3 (p. 10; proof p. 24–28): a Transformer of eq. (4) with hard attention (eq. (12), p. 9;
 *     averaging is hard attention with W_K = W_Q = 0, p. 9) in the seq2seq setting, all nN tokens
 *     pairwise distinct, shattering the set with labels in {0,1}ⁿ.
 *
 * Shattering is a property of an architecture over all labelings; a network memcap built to memorize
 * one labeling does not establish it (and memcap's constructions change shape with the labels), so
 * callers pass `shatters: false` unless they have shown it. A failed hypothesis makes the bound a
 * reference line: nothing is claimed to HOLD or FAIL.
 *
 * @example
 *   lowerBoundHypotheses(net, { tokens, sequences }, { shatters: false }).thm42.applies // false
 */
import type { Network } from "../ir/network.ts";
import type { Rational } from "../numbers/rational.ts";

export interface Hypothesis {
  id: string;
  text: string;
  holds: boolean;
  detail: string;
}

export interface LowerBoundHypotheses {
  theorem: "thm4.2" | "thm4.3";
  source: string;
  hypotheses: Hypothesis[];
  /** All hypotheses hold: the bound may be compared with the network's parameter count. */
  applies: boolean;
  /** The failed hypotheses' texts, for one line of output. */
  failed: string[];
}

export interface HypothesisData {
  tokens: Rational[][];
  sequences: number[][];
}

const vecKey = (v: Rational[]) => v.map((x) => x.toString()).join(",");

function attentionKinds(net: Network): Set<string> {
  const kinds = new Set<string>();
  for (const l of net.layers) if (l.type === "attention") kinds.add(l.attention ?? "softmax");
  return kinds;
}

function finish(theorem: "thm4.2" | "thm4.3", source: string, hypotheses: Hypothesis[]): LowerBoundHypotheses {
  const failed = hypotheses.filter((h) => !h.holds).map((h) => `${h.text} (${h.detail})`);
  return { theorem, source, hypotheses, applies: failed.length === 0, failed };
}

function shatterHypothesis(shatters: boolean, labels: string): Hypothesis {
  return {
    id: "shatters",
    text: `the architecture shatters the set (every labeling in ${labels})`,
    holds: shatters,
    detail: shatters ? "shown by the caller" : "not established: the network was built to memorize one labeling",
  };
}

/** Theorem 4.2's and 4.3's hypotheses for a network and the dataset it is evaluated on. */
export function lowerBoundHypotheses(net: Network, data: HypothesisData, o: { shatters: boolean }): { thm42: LowerBoundHypotheses; thm43: LowerBoundHypotheses } {
  const kinds = attentionKinds(net);
  const seqKeys = data.sequences.map((s) => s.map((t) => vecKey(data.tokens[t]!)).join(";"));
  const distinctSeqs = new Set(seqKeys).size === seqKeys.length;
  const constant = data.sequences.filter((s) => s.some((t) => vecKey(data.tokens[t]!) !== vecKey(data.tokens[s[0]!]!))).length;
  const allTokens = data.sequences.flat().map((t) => vecKey(data.tokens[t]!));
  const distinctTokens = new Set(allTokens).size;
  const nN = allTokens.length;
  const softmaxLike = [...kinds].every((k) => k === "softmax" || k === "uniform");
  const hardmaxLike = [...kinds].every((k) => k === "hardmax" || k === "uniform");
  const kindText = kinds.size ? [...kinds].join(", ") : "none";

  const thm42 = finish("thm4.2", "Kajitsuka & Sato, Theorem 4.2 (p. 8)", [
    { id: "softmax", text: "softmax self-attention as in eq. (4)", holds: softmaxLike, detail: `attention layers: ${kindText}${kinds.has("uniform") ? "; uniform = softmax with W_K = 0 (p. 20)" : ""}` },
    { id: "next-token", text: "next-token setting (output at the last position)", holds: net.output.positions === "last", detail: `output positions: ${net.output.positions}` },
    { id: "distinct", text: "N distinct input sequences", holds: distinctSeqs, detail: distinctSeqs ? "all distinct" : "some sequences repeat" },
    { id: "constant", text: "X_{:,k} = X_{:,1} (each sequence one repeated token)", holds: constant === 0, detail: constant === 0 ? "every sequence is constant" : `${constant} of ${data.sequences.length} sequences are not constant` },
    shatterHypothesis(o.shatters, "{0,1}^N"),
  ]);
  const thm43 = finish("thm4.3", "Kajitsuka & Sato, Theorem 4.3 (p. 10)", [
    { id: "hardmax", text: "hard attention as in eq. (12)", holds: hardmaxLike, detail: `attention layers: ${kindText}${kinds.has("uniform") ? "; averaging = hard attention with W_K = W_Q = 0 (p. 9)" : ""}` },
    { id: "seq2seq", text: "seq2seq setting (outputs at every position)", holds: net.output.positions === "all", detail: `output positions: ${net.output.positions}` },
    { id: "distinct-tokens", text: "all nN tokens pairwise distinct", holds: distinctTokens === nN, detail: `${distinctTokens} distinct token vectors among nN = ${nN}` },
    shatterHypothesis(o.shatters, "({0,1}ⁿ)^N"),
  ]);
  return { thm42, thm43 };
}
