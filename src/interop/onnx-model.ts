/**
 * An ONNX model as this library holds it between the protobuf bytes and a network: the subset of
 * ModelProto that a feed-forward network of dense layers needs, with names as in onnx.proto
 * (camelCased). The encoder (onnx-encode.ts) writes it, the decoder (onnx-decode.ts) reads it, and
 * neither knows what a network is.
 */

/** A tensor's values, or why they cannot be had (then `data` is null, and using the tensor is refused with `problem`). */
export interface OnnxTensor {
  name: string;
  dims: number[];
  /** TensorProto.DataType. */
  dataType: number;
  data: Float32Array | Float64Array | null;
  problem?: string;
  /** Where the values are in the TensorProto: raw_data (what this library writes), or the typed field of the element type. */
  storage?: 'raw_data' | 'float_data' | 'double_data';
}

export interface OnnxAttribute {
  name: string;
  /** AttributeProto.AttributeType (0 when a writer left it out: then the value field present says). */
  type: number;
  f?: number;
  i?: number;
  s?: string;
  t?: OnnxTensor;
  floats?: number[];
  ints?: number[];
}

export interface OnnxNode {
  name: string;
  opType: string;
  /** '' (or 'ai.onnx') for the standard operators. */
  domain: string;
  inputs: string[];
  outputs: string[];
  attributes: OnnxAttribute[];
}

/** A graph input or output: a tensor of `elemType` whose dimensions are numbers, names (dynamic), or null (unknown). */
export interface OnnxValueInfo {
  name: string;
  elemType: number;
  /** null when the file gives no shape. */
  shape: (number | string | null)[] | null;
}

export interface OnnxGraph {
  name: string;
  nodes: OnnxNode[];
  initializers: OnnxTensor[];
  /** Names of sparse initializers (not read; a node that uses one is refused). */
  sparseInitializers: string[];
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  docString?: string;
}

export interface OnnxModel {
  irVersion: number;
  producerName: string;
  producerVersion: string;
  docString?: string;
  opsetImports: { domain: string; version: number }[];
  graph: OnnxGraph;
  metadataProps: { key: string; value: string }[];
}

/** The names of TensorProto.DataType values, for messages. */
export const DATA_TYPE_NAMES: Record<number, string> = {
  0: 'undefined',
  1: 'float32',
  2: 'uint8',
  3: 'int8',
  4: 'uint16',
  5: 'int16',
  6: 'int32',
  7: 'int64',
  8: 'string',
  9: 'bool',
  10: 'float16',
  11: 'float64',
  12: 'uint32',
  13: 'uint64',
  14: 'complex64',
  15: 'complex128',
  16: 'bfloat16',
};

export function dataTypeName(code: number): string {
  return DATA_TYPE_NAMES[code] ?? `data type ${code}`;
}
