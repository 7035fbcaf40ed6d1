/**
 * The subset of ONNX's protobuf schema (onnx/onnx.proto3, IR version 8) that memcap writes: a model
 * with one graph of nodes, initializers (tensors as little-endian raw_data) and typed inputs/outputs.
 * The field numbers are those of onnx.proto3; encoding is protobufjs's (a maintained protobuf
 * runtime), so the bytes are standard protobuf and any ONNX runtime reads them.
 *
 * @example
 *   const bytes = encodeOnnxModel({ irVersion: 8, opsetImport: [{ domain: "", version: 17 }], graph });
 *   decodeOnnxModel(bytes).graph.node.length
 */
import protobuf from "protobufjs";

/** TensorProto.DataType values used here. */
export const ONNX_DTYPE = { FLOAT: 1, INT64: 7, BOOL: 9, DOUBLE: 11 } as const;
/** AttributeProto.AttributeType values used here. */
export const ONNX_ATTR = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, FLOATS: 6, INTS: 7 } as const;

export interface OnnxTensor {
  name?: string;
  dims: number[];
  dataType: number;
  rawData: Uint8Array;
}
export interface OnnxAttribute {
  name: string;
  type: number;
  i?: number;
  f?: number;
  s?: Uint8Array;
  t?: OnnxTensor;
  ints?: number[];
  floats?: number[];
}
export interface OnnxNode {
  input: string[];
  output: string[];
  name?: string;
  opType: string;
  attribute?: OnnxAttribute[];
  docString?: string;
}
export interface OnnxValueInfo {
  name: string;
  type: { tensorType: { elemType: number; shape: { dim: ({ dimValue: number } | { dimParam: string })[] } } };
  docString?: string;
}
export interface OnnxGraph {
  name: string;
  node: OnnxNode[];
  initializer: OnnxTensor[];
  input: OnnxValueInfo[];
  output: OnnxValueInfo[];
  docString?: string;
}
export interface OnnxModel {
  irVersion: number;
  opsetImport: { domain: string; version: number }[];
  producerName?: string;
  producerVersion?: string;
  docString?: string;
  graph: OnnxGraph;
  metadataProps?: { key: string; value: string }[];
}

const SCHEMA = {
  nested: {
    onnx: {
      nested: {
        StringStringEntryProto: { fields: { key: { type: "string", id: 1 }, value: { type: "string", id: 2 } } },
        OperatorSetIdProto: { fields: { domain: { type: "string", id: 1 }, version: { type: "int64", id: 2 } } },
        TensorProto: {
          fields: {
            dims: { rule: "repeated", type: "int64", id: 1 },
            dataType: { type: "int32", id: 2 },
            name: { type: "string", id: 8 },
            rawData: { type: "bytes", id: 9 },
            docString: { type: "string", id: 12 },
          },
        },
        AttributeProto: {
          fields: {
            name: { type: "string", id: 1 },
            f: { type: "float", id: 2 },
            i: { type: "int64", id: 3 },
            s: { type: "bytes", id: 4 },
            t: { type: "TensorProto", id: 5 },
            floats: { rule: "repeated", type: "float", id: 7 },
            ints: { rule: "repeated", type: "int64", id: 8 },
            docString: { type: "string", id: 13 },
            type: { type: "int32", id: 20 },
          },
        },
        NodeProto: {
          fields: {
            input: { rule: "repeated", type: "string", id: 1 },
            output: { rule: "repeated", type: "string", id: 2 },
            name: { type: "string", id: 3 },
            opType: { type: "string", id: 4 },
            attribute: { rule: "repeated", type: "AttributeProto", id: 5 },
            docString: { type: "string", id: 6 },
            domain: { type: "string", id: 7 },
          },
        },
        TensorShapeProto: {
          fields: { dim: { rule: "repeated", type: "Dimension", id: 1 } },
          nested: {
            Dimension: {
              oneofs: { value: { oneof: ["dimValue", "dimParam"] } },
              fields: { dimValue: { type: "int64", id: 1 }, dimParam: { type: "string", id: 2 }, denotation: { type: "string", id: 3 } },
            },
          },
        },
        TypeProto: {
          oneofs: { value: { oneof: ["tensorType"] } },
          fields: { tensorType: { type: "Tensor", id: 1 }, denotation: { type: "string", id: 6 } },
          nested: { Tensor: { fields: { elemType: { type: "int32", id: 1 }, shape: { type: "TensorShapeProto", id: 2 } } } },
        },
        ValueInfoProto: { fields: { name: { type: "string", id: 1 }, type: { type: "TypeProto", id: 2 }, docString: { type: "string", id: 3 } } },
        GraphProto: {
          fields: {
            node: { rule: "repeated", type: "NodeProto", id: 1 },
            name: { type: "string", id: 2 },
            initializer: { rule: "repeated", type: "TensorProto", id: 5 },
            docString: { type: "string", id: 10 },
            input: { rule: "repeated", type: "ValueInfoProto", id: 11 },
            output: { rule: "repeated", type: "ValueInfoProto", id: 12 },
            valueInfo: { rule: "repeated", type: "ValueInfoProto", id: 13 },
          },
        },
        ModelProto: {
          fields: {
            irVersion: { type: "int64", id: 1 },
            producerName: { type: "string", id: 2 },
            producerVersion: { type: "string", id: 3 },
            domain: { type: "string", id: 4 },
            modelVersion: { type: "int64", id: 5 },
            docString: { type: "string", id: 6 },
            graph: { type: "GraphProto", id: 7 },
            opsetImport: { rule: "repeated", type: "OperatorSetIdProto", id: 8 },
            metadataProps: { rule: "repeated", type: "StringStringEntryProto", id: 14 },
          },
        },
      },
    },
  },
};

let modelType: protobuf.Type | undefined;
function ModelProto(): protobuf.Type {
  modelType ??= protobuf.Root.fromJSON(SCHEMA).lookupType("onnx.ModelProto");
  return modelType;
}

export function encodeOnnxModel(model: OnnxModel): Uint8Array {
  const T = ModelProto();
  const err = T.verify(model);
  if (err) throw new Error(`ONNX model does not fit the schema: ${err}`);
  return T.encode(T.fromObject(model)).finish();
}

/** Decodes a model written by encodeOnnxModel (int64 fields as numbers, bytes as Uint8Array). */
export function decodeOnnxModel(bytes: Uint8Array): OnnxModel {
  const T = ModelProto();
  return T.toObject(T.decode(bytes), { longs: Number, bytes: Uint8Array as unknown as typeof String, defaults: false, arrays: true }) as unknown as OnnxModel;
}
