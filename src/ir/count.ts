/**
 * Counts measured from a built network (never from formulas): docs/network-ir.md#counting.
 *
 *   parameters         every entry of every weight matrix, bias vector and table
 *   nonzeroParameters  those entries that are not 0
 *   width              the largest representation any layer holds: every layer's output dimension,
 *                      FFN hidden widths and the stacked head dimension Σ_h d_h of an attention layer;
 *                      the raw input dimension itself is not counted (K&S's width max(m, s·H, q) is
 *                      measured after E_in, so a d > 14 input does not make their width-14 network wider)
 *   depth              number of blocks: attention layers plus FFN blocks (K&S's L)
 *   layers             number of IR layers of any kind
 *   bitComplexity      max over parameters of bits(p/q) = bitLength(|p|) + bitLength(q) (q > 1), bits(0) = 1
 *   totalBits          Σ over parameters of bits(p/q)
 *
 * @example
 *   countNetwork(net).parameters // 1234
 */
import { Rational } from "../numbers/rational.ts";
import type { Layer, Network, Q } from "./network.ts";

export interface NetworkCounts {
  parameters: number;
  nonzeroParameters: number;
  width: number;
  depth: number;
  layers: number;
  bitComplexity: number;
  totalBits: number;
}

/** Every weight entry of a layer, in a fixed order. */
export function layerWeights(layer: Layer): Q[] {
  switch (layer.type) {
    case "embedding":
    case "positional":
      return layer.table.flat();
    case "affine":
      return [...layer.W.flat(), ...(layer.b ?? [])];
    case "relu":
      return [];
    case "layernorm":
      // γ and β are parameters (PyTorch counts them); ε is a constant of the layer, like a scale
      return [...layer.gamma, ...layer.beta];
    case "ffn":
      return [...layer.W1.flat(), ...layer.b1, ...layer.W2.flat(), ...layer.b2];
    case "attention":
      return [...(layer.scale !== undefined ? [layer.scale] : []), ...layer.heads.flatMap((h) => [...h.WQ.flat(), ...h.WK.flat(), ...h.WV.flat(), ...h.WO.flat()])];
  }
}

/** Bits of one rational parameter given as IR text (see header). */
export function parameterBits(v: Q): number {
  return Rational.from(v).bitLength();
}

/** Token dimension after the layer, given the dimension before it. */
export function outputDim(layer: Layer, dimIn: number): number {
  switch (layer.type) {
    case "embedding":
      return layer.table[0]?.length ?? 0;
    case "affine":
      return layer.W.length;
    case "attention":
      return layer.heads[0]!.WO.length;
    default:
      return dimIn;
  }
}

export function countNetwork(net: Network): NetworkCounts {
  let parameters = 0;
  let nonzero = 0;
  let bitComplexity = 0;
  let totalBits = 0;
  let dim = net.input.kind === "vectors" ? net.input.dim : 0;
  let width = 0;
  let depth = 0;
  for (const layer of net.layers) {
    for (const w of layerWeights(layer)) {
      const r = Rational.from(w);
      parameters++;
      if (!r.isZero()) nonzero++;
      const b = r.bitLength();
      totalBits += b;
      if (b > bitComplexity) bitComplexity = b;
    }
    if (layer.type === "ffn") {
      depth++;
      width = Math.max(width, layer.W1.length);
    }
    if (layer.type === "attention") {
      depth++;
      width = Math.max(width, layer.heads.reduce((s, h) => s + Math.max(h.WQ.length, h.WV.length), 0));
    }
    dim = outputDim(layer, dim);
    width = Math.max(width, dim);
  }
  return { parameters, nonzeroParameters: nonzero, width, depth, layers: net.layers.length, bitComplexity, totalBits };
}
