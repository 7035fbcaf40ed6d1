/**
 * Network counts, recomputed by the checker from the IR (definitions of src/ir/count.ts's header,
 * replicated here on purpose: the checker does not run the builder's counting code).
 *
 *   parameters         every entry of every weight matrix, bias vector and table (attention scale included when written; LayerNorm γ, β)
 *   nonzeroParameters  those entries that are not 0
 *   width              max of every layer's output dimension (not the raw input dimension),
 *                      FFN hidden widths (rows of W1) and Σ_h max(rows(WQ_h), rows(WV_h)) of an attention layer
 *   depth              attention layers + FFN blocks
 *   layers             number of IR layers of any kind
 *   bitComplexity      max over parameters of bits(p/q) = bitLength(|p|) + (q > 1 ? bitLength(q) : 0), p/q in lowest terms, bits(0) = 1
 *   totalBits          Σ over parameters of bits(p/q)
 *
 * @example
 *   recount(checked).parameters // 1234
 */
import type { Rational } from "../src/numbers/rational.ts";
import type { Checked, LayerQ } from "./validate.ts";

export interface Counts {
  parameters: number;
  nonzeroParameters: number;
  width: number;
  depth: number;
  layers: number;
  bitComplexity: number;
  totalBits: number;
}

const bits = (x: bigint): number => (x === 0n ? 1 : (x < 0n ? -x : x).toString(2).length);

function entries(L: LayerQ, scaleWritten: boolean): Rational[] {
  switch (L.type) {
    case "embedding":
    case "positional":
      return L.table.flat();
    case "affine":
      return [...L.W.flat(), ...(L.b ?? [])];
    case "relu":
      return [];
    case "layernorm":
      return [...L.gamma, ...L.beta]; // ε is a constant of the layer, not a parameter
    case "ffn":
      return [...L.W1.flat(), ...L.b1, ...L.W2.flat(), ...L.b2];
    case "attention":
      return [...(scaleWritten ? [L.scale] : []), ...L.heads.flatMap((h) => [h.WQ, h.WK, h.WV, h.WO].flatMap((m) => m.flat()))];
  }
}

/** All seven counts of the validated network. */
export function recount(c: Checked): Counts {
  const k: Counts = { parameters: 0, nonzeroParameters: 0, width: 0, depth: 0, layers: c.layers.length, bitComplexity: 0, totalBits: 0 };
  c.layers.forEach((L, i) => {
    const raw = c.raw.network.layers[i]!;
    for (const r of entries(L, raw.type === "attention" && raw.scale !== undefined)) {
      k.parameters++;
      if (r.num !== 0n) k.nonzeroParameters++;
      const b = bits(r.num) + (r.den === 1n ? 0 : bits(r.den));
      k.totalBits += b;
      k.bitComplexity = Math.max(k.bitComplexity, b);
    }
    if (L.type === "ffn") k.depth++, (k.width = Math.max(k.width, L.W1.length));
    if (L.type === "attention") k.depth++, (k.width = Math.max(k.width, L.heads.reduce((s, h) => s + Math.max(h.WQ.length, h.WV.length), 0)));
    k.width = Math.max(k.width, c.dims[i + 1]!);
  });
  return k;
}
