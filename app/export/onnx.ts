/**
 * A network as an ONNX graph (opset 17, IR version 8), float64 or float32 (docs/export.md#onnx).
 *
 * Input "tokens" int64 [batch, seq] (token-id networks) or "vectors" [batch, seq, dim]; output
 * "output" [batch, out] when the network reads the last position, [batch, seq, out] when it reads all.
 * The operation order is that of memcap's float evaluator (src/eval/generic.ts), so that the float
 * survival memcap measures is the one a runtime gets:
 *   affine          MatMul(X, Wᵀ) then + b;  ffn  X + ((ReLU(X W1ᵀ + b1) W2ᵀ) + b2)
 *   attention       per head: V = X WVᵀ, scores = scale · ((X WQᵀ)(X WKᵀ)ᵀ), mix, then mix WOᵀ;
 *                   y = x + o_1 + o_2 + … in head order (residual) or o_1 + o_2 + …
 *   uniform         mix = (Σ_j v_j) / m — a sum then one division by the key count, never a
 *                   multiplication by a rounded 1/m (softmax of zeros would be that, and loses examples)
 *   hardmax         mix = (Σ_{j ∈ argmax} v_j) / |argmax|: ties averaged, as in the IR; ONNX's Hardmax
 *                   op keeps only the first maximum, so it is not used
 *   softmax         ONNX Softmax (exp(s − max) / Σ) then a MatMul with V
 *   keys            "all-but-last": keys and values from positions 0 … n−2; "causal": scores of
 *                   keys after the query masked to −∞ (softmax, hardmax) or to weight 0 (uniform)
 *   queries "last"  only the last position is a query; earlier positions are copied through
 *                   (or dropped, when nothing after the layer reads them)
 * A runtime's MatMul may sum in another order (blocking, FMA); the parity test measures the effect.
 */
import type { Layer, Network } from "../../src/ir/network.ts";
import { ONNX_ATTR, ONNX_DTYPE, type OnnxAttribute, type OnnxModel, type OnnxNode, type OnnxTensor } from "../../src/io/onnx-proto.ts";
import { UserError } from "../../src/errors.ts";
import { type FloatKind, networkTensors } from "./tensors.ts";

export const ONNX_OPSET = 17;
export const ONNX_IR_VERSION = 8;

type Attr = number | number[] | string;

class GraphBuilder {
  nodes: OnnxNode[] = [];
  inits: OnnxTensor[] = [];
  private k = 0;
  constructor(readonly kind: FloatKind) {}
  get dtype(): number {
    return this.kind === "float32" ? ONNX_DTYPE.FLOAT : ONNX_DTYPE.DOUBLE;
  }
  fresh(base: string): string {
    return `${base}_${this.k++}`;
  }
  /** A float initializer (values already in the export's precision). */
  float(name: string, dims: number[], values: ArrayLike<number>): string {
    const data = this.kind === "float32" ? new Float32Array(values) : new Float64Array(values);
    this.inits.push({ name, dims, dataType: this.dtype, rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) });
    return name;
  }
  int64(name: string, values: number[], dims: number[] = [values.length]): string {
    const data = BigInt64Array.from(values.map(BigInt));
    this.inits.push({ name, dims, dataType: ONNX_DTYPE.INT64, rawData: new Uint8Array(data.buffer) });
    return name;
  }
  op(opType: string, input: string[], attrs: Record<string, Attr> = {}, name = opType.toLowerCase()): string {
    const out = this.fresh(name);
    const attribute: OnnxAttribute[] = Object.entries(attrs).map(([n, v]) =>
      typeof v === "string"
        ? { name: n, type: ONNX_ATTR.STRING, s: new TextEncoder().encode(v) }
        : Array.isArray(v)
          ? { name: n, type: ONNX_ATTR.INTS, ints: v }
          : { name: n, type: ONNX_ATTR.INT, i: v },
    );
    this.nodes.push({ input, output: [out], opType, ...(attribute.length ? { attribute } : {}) });
    return out;
  }
}

/** Transposed matrix data (row-major [cols, rows]) from a row-major [rows, cols] tensor. */
function transposed(data: ArrayLike<number>, rows: number, cols: number): number[] {
  const out = new Array<number>(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c]!;
  return out;
}

/** True when no layer after `i` reads positions other than the last (token-wise layers only). */
function onlyLastReadAfter(net: Network, i: number): boolean {
  return net.output.positions === "last" && net.layers.slice(i + 1).every((l) => l.type !== "attention" && l.type !== "positional");
}

export function networkToOnnx(net: Network, kind: FloatKind, docString = ""): OnnxModel {
  const g = new GraphBuilder(kind);
  const T = networkTensors(net, kind);
  const tokens = net.input.kind === "tokens";
  const inputName = tokens ? "tokens" : "vectors";
  // constants shared by the layers
  // constants shared by the layers, written once and only when used (a runtime warns of unused ones)
  const shared = new Map<string, string>();
  const constant = (name: string, make: () => string) => () => shared.get(name) ?? (shared.set(name, make()), shared.get(name)!);
  const AX1 = constant("axis1", () => g.int64("axis1", [1]));
  const AXL = constant("axis_last", () => g.int64("axis_last", [-1]));
  const ZERO = constant("zero", () => g.int64("zero", [0]));
  const MINUS1 = constant("minus_one", () => g.int64("minus_one", [-1]));
  const BIG = constant("int64_max", () => g.int64("int64_max", [Number.MAX_SAFE_INTEGER]));
  const NEG_INF = constant("minus_infinity", () => g.float("minus_infinity", [], [-Infinity]));
  const seqLen = constant("seq_len", () => g.op("Shape", [inputName], { start: 1, end: 2 }, "seq_len"));
  let X = inputName;
  let width = tokens ? 0 : (net.input as { dim: number }).dim;
  let lastOnly = false; // X holds only the last position

  const linear = (x: string, name: string, rows: number, cols: number): string => {
    const t = T[name]!;
    return g.op("MatMul", [x, g.float(`${name}_t`, [cols, rows], transposed(t.data as ArrayLike<number>, rows, cols))]);
  };
  const addBias = (x: string, name: string): string => g.op("Add", [x, g.float(name, [T[name]!.shape[0]!], T[name]!.data as ArrayLike<number>)]);

  net.layers.forEach((layer: Layer, i) => {
    const p = `layers.${i}`;
    switch (layer.type) {
      case "embedding": {
        const t = T[`${p}.table`]!;
        X = g.op("Gather", [g.float(`${p}.table`, t.shape, t.data as ArrayLike<number>), X], { axis: 0 }, "embedding");
        width = t.shape[1]!;
        break;
      }
      case "positional": {
        if (lastOnly) throw new UserError(`layer ${i}: a positional layer after a last-query attention cannot be exported`);
        const t = T[`${p}.table`]!;
        const rows = g.op("Slice", [g.float(`${p}.table`, t.shape, t.data as ArrayLike<number>), ZERO(), seqLen(), ZERO()], {}, "positions");
        X = g.op("Add", [X, rows], {}, "positional");
        break;
      }
      case "affine": {
        X = linear(X, `${p}.weight`, layer.W.length, width);
        if (layer.b) X = addBias(X, `${p}.bias`);
        width = layer.W.length;
        break;
      }
      case "relu":
        X = g.op("Relu", [X]);
        break;
      case "ffn": {
        const hidden = layer.b1.length;
        const h = g.op("Relu", [addBias(linear(X, `${p}.linear1.weight`, hidden, width), `${p}.linear1.bias`)]);
        X = g.op("Add", [X, addBias(linear(h, `${p}.linear2.weight`, width, hidden), `${p}.linear2.bias`)], {}, "ffn");
        break;
      }
      case "attention": {
        if (lastOnly) throw new UserError(`layer ${i}: an attention layer after a last-query attention that dropped the other positions cannot be exported`);
        const queries = layer.queries ?? "all";
        const keys = layer.keys ?? "all";
        const Xq = queries === "last" ? g.op("Slice", [X, MINUS1(), BIG(), AX1()], {}, "query_rows") : X;
        const Xk = keys === "all-but-last" ? g.op("Slice", [X, ZERO(), MINUS1(), AX1()], {}, "key_rows") : X;
        // causal masking matters only when several queries see different key sets
        const causal = keys === "causal" && queries === "all";
        let keep: string | undefined; // [nq, m] of 1 (key visible) and 0, for causal masks
        if (causal) {
          const ones = g.op("Expand", [g.float(g.fresh("one"), [], [1]), g.op("Concat", [seqLen(), seqLen()], { axis: 0 })]);
          keep = g.op("Trilu", [ones], { upper: 0 }, "causal");
        }
        const heads = layer.heads;
        const outW = heads[0]!.WO.length;
        let y: string | undefined = layer.residual ? Xq : undefined;
        heads.forEach((h, k) => {
          const hp = `${p}.heads.${k}`;
          const V = linear(Xk, `${hp}.v.weight`, h.WV.length, width);
          let mix: string;
          if (layer.attention === "uniform") {
            if (keep) mix = g.op("Div", [g.op("MatMul", [keep, V]), g.op("ReduceSum", [keep, AXL()], { keepdims: 1 })], {}, "uniform");
            else {
              const count = g.op("Cast", [g.op("Shape", [Xk], { start: 1, end: 2 })], { to: g.dtype });
              mix = g.op("Div", [g.op("ReduceSum", [V, AX1()], { keepdims: 1 }), count], {}, "uniform");
            }
          } else {
            const Q = linear(Xq, `${hp}.q.weight`, h.WQ.length, width);
            const K = linear(Xk, `${hp}.k.weight`, h.WK.length, width);
            let S = g.op("MatMul", [Q, g.op("Transpose", [K], { perm: [0, 2, 1] })], {}, "scores");
            const sc = T[`${p}.scale`];
            if (sc) S = g.op("Mul", [g.float(`${p}.scale`, [], sc.data as ArrayLike<number>), S], {}, "scaled");
            if (keep) {
              S = g.op("Where", [g.op("Cast", [keep], { to: ONNX_DTYPE.BOOL }), S, NEG_INF()], {}, "masked");
            }
            if (layer.attention === "softmax") mix = g.op("MatMul", [g.op("Softmax", [S], { axis: -1 }), V], {}, "softmax_mix");
            else {
              const arg = g.op("Cast", [g.op("Equal", [S, g.op("ReduceMax", [S], { axes: [-1], keepdims: 1 })])], { to: g.dtype }, "argmax_set");
              mix = g.op("Div", [g.op("MatMul", [arg, V]), g.op("ReduceSum", [arg, AXL()], { keepdims: 1 })], {}, "hardmax_mix");
            }
          }
          const o = linear(mix, `${hp}.o.weight`, outW, h.WV.length);
          y = y === undefined ? o : g.op("Add", [y, o], {}, "heads_sum");
        });
        // a uniform mix without a mask is one row for every query: give it the query rows' shape
        if (!layer.residual && layer.attention === "uniform" && !keep && queries === "all") {
          const shape = g.op("Concat", [g.op("Shape", [Xq], { start: 0, end: 2 }), g.int64(g.fresh("width"), [outW])], { axis: 0 });
          y = g.op("Expand", [y!, shape], {}, "uniform_rows");
        }
        if (queries === "last") {
          if (onlyLastReadAfter(net, i)) {
            X = y!;
            lastOnly = true;
          } else {
            if (outW !== width) throw new UserError(`layer ${i}: last-query attention changes the width (${width} → ${outW}) while later layers read every position`);
            X = g.op("Concat", [g.op("Slice", [X, ZERO(), MINUS1(), AX1()]), y!], { axis: 1 }, "attention");
          }
        } else X = y!;
        width = outW;
        break;
      }
      default:
        throw new UserError(`layer ${i}: type "${(layer as { type: string }).type}" cannot be exported to ONNX`);
    }
  });
  if (net.output.positions === "last") X = g.op("Gather", [X, g.int64("last_position", [-1], [])], { axis: 1 }, "last");
  // name the graph's output
  g.nodes.push({ input: [X], output: ["output"], opType: "Identity" });
  const dtype = g.dtype;
  const dims = (names: (number | string)[]) => names.map((d) => (typeof d === "number" ? { dimValue: d } : { dimParam: d }));
  return {
    irVersion: ONNX_IR_VERSION,
    opsetImport: [{ domain: "", version: ONNX_OPSET }],
    producerName: "memcap",
    producerVersion: "0.1.0",
    docString,
    graph: {
      name: "memcap",
      node: g.nodes,
      initializer: g.inits,
      input: [{ name: inputName, type: { tensorType: { elemType: tokens ? ONNX_DTYPE.INT64 : dtype, shape: { dim: dims(tokens ? ["batch", "seq"] : ["batch", "seq", (net.input as { dim: number }).dim]) } } } }],
      output: [{ name: "output", type: { tensorType: { elemType: dtype, shape: { dim: dims(net.output.positions === "last" ? ["batch", width] : ["batch", "seq", width]) } } } }],
    },
  };
}
