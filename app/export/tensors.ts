/**
 * A network's weights as named float tensors, in PyTorch's conventions (docs/export.md#tensor-names):
 *
 *   layers.{i}.table                    embedding / positional table        [rows, d]
 *   layers.{i}.weight, layers.{i}.bias  affine (nn.Linear: weight is out×in) [out, in], [out]
 *   layers.{i}.linear1.weight|bias      ffn first linear                     [hidden, d], [hidden]
 *   layers.{i}.linear2.weight|bias      ffn second linear                    [d, hidden], [d]
 *   layers.{i}.heads.{h}.q|k|v|o.weight attention head h (nn.Linear layout)  [d_h, d_in], [d_h, d_in], [d_v, d_in], [d_out, d_v]
 *   layers.{i}.scale                    attention score factor (when not 1)  []   (scale/√scaleInvSqrt, as a float)
 *
 * i counts IR layers from 0 (relu layers have no tensors). Everything that is not a tensor (layer
 * kinds, attention σ, residual, query/key options, the output) is the IR without its weights,
 * `networkStructure`, stored as JSON in the file's metadata under "memcap.structure".
 *
 * Every weight is the float nearest its exact rational: float64 by Rational.toNumber, float32 by
 * rounding that double (a double rounding that can differ from the nearest float32 in rare ties).
 */
import type { Network, Q } from "../../src/ir/network.ts";
import { Rational } from "../../src/numbers/rational.ts";
import type { StTensor } from "../../src/io/safetensors.ts";
import { UserError } from "../../src/errors.ts";

export type FloatKind = "float64" | "float32";

/** The IR with every weight removed: what a loader needs besides the tensors. */
export function networkStructure(net: Network): unknown {
  return {
    input: net.input,
    output: net.output,
    layers: net.layers.map((l) => {
      switch (l.type) {
        case "attention":
          return { type: l.type, attention: l.attention, residual: l.residual, queries: l.queries ?? "all", keys: l.keys ?? "all", heads: l.heads.length, scaled: scoreFactor(l) !== null };
        default:
          return { type: l.type };
      }
    }),
  };
}

/**
 * The attention score factor, when not 1: `scale`, times 1/√r for `scaleInvSqrt: r` (the 1/√d_h of
 * trained models: irrational, so the export carries the double nearest scale/√r — as PyTorch does).
 */
export function scoreFactor(l: Extract<Network["layers"][number], { type: "attention" }>): number | null {
  const s = Rational.from(l.scale ?? "1");
  if (l.scaleInvSqrt === undefined) return s.eq(Rational.ONE) ? null : s.toNumber();
  return s.toNumber() / Math.sqrt(Rational.from(l.scaleInvSqrt).toNumber());
}

export function toFloat(v: Q, kind: FloatKind): number {
  const x = Rational.from(v).toNumber();
  return kind === "float32" ? Math.fround(x) : x;
}

function tensor(rows: Q[][] | Q[], kind: FloatKind, cols?: number): StTensor {
  const matrix = Array.isArray(rows[0]) || (rows.length === 0 && cols !== undefined);
  const flat = matrix ? (rows as Q[][]).flat() : (rows as Q[]);
  const shape = matrix ? [rows.length, (rows as Q[][])[0]?.length ?? cols ?? 0] : [rows.length];
  const data = kind === "float32" ? new Float32Array(flat.length) : new Float64Array(flat.length);
  flat.forEach((v, i) => (data[i] = toFloat(v, kind)));
  return { dtype: kind === "float32" ? "F32" : "F64", shape, data };
}

/** The named tensors of `net` (see the header for the names). */
export function networkTensors(net: Network, kind: FloatKind): Record<string, StTensor> {
  const out: Record<string, StTensor> = {};
  let width = net.input.kind === "vectors" ? net.input.dim : 0;
  net.layers.forEach((l, i) => {
    const p = `layers.${i}`;
    switch (l.type) {
      case "embedding":
      case "positional":
        out[`${p}.table`] = tensor(l.table, kind, width);
        if (l.type === "embedding") width = l.table[0]?.length ?? 0;
        break;
      case "affine":
        out[`${p}.weight`] = tensor(l.W, kind, width);
        out[`${p}.bias`] = tensor(l.b ?? l.W.map(() => 0), kind);
        width = l.W.length;
        break;
      case "relu":
        break;
      case "ffn":
        out[`${p}.linear1.weight`] = tensor(l.W1, kind, width);
        out[`${p}.linear1.bias`] = tensor(l.b1, kind);
        out[`${p}.linear2.weight`] = tensor(l.W2, kind, l.b1.length);
        out[`${p}.linear2.bias`] = tensor(l.b2, kind);
        break;
      case "attention":
        l.heads.forEach((h, k) => {
          const dv = h.WV.length;
          out[`${p}.heads.${k}.q.weight`] = tensor(h.WQ, kind, width);
          out[`${p}.heads.${k}.k.weight`] = tensor(h.WK, kind, width);
          out[`${p}.heads.${k}.v.weight`] = tensor(h.WV, kind, width);
          out[`${p}.heads.${k}.o.weight`] = tensor(h.WO, kind, dv);
        });
        {
          const f = scoreFactor(l);
          if (f !== null) out[`${p}.scale`] = kind === "float32" ? { dtype: "F32", shape: [], data: new Float32Array([f]) } : { dtype: "F64", shape: [], data: new Float64Array([f]) };
        }
        width = l.heads[0]!.WO.length;
        break;
      default:
        // layernorm (imported post-LN blocks) has no export yet: refused in one line rather than dropped
        throw new UserError(`layer ${i}: type "${(l as { type: string }).type}" cannot be exported`);
    }
  });
  return out;
}
