/**
 * The field numbers of the part of onnx.proto (package onnx, proto2) that this library writes and
 * reads, with the element types of TensorProto.DataType it uses. Taken from onnx/onnx.proto in the
 * ONNX repository (github.com/onnx/onnx, the file generated from onnx.in.proto); field numbers are
 * never reused there, so they hold for every IR version. Messages and fields not listed are skipped
 * when reading.
 */

export const ModelProto = {
  ir_version: 1,
  producer_name: 2,
  producer_version: 3,
  doc_string: 6,
  graph: 7,
  opset_import: 8,
  metadata_props: 14,
} as const;

export const OperatorSetIdProto = { domain: 1, version: 2 } as const;

export const StringStringEntryProto = { key: 1, value: 2 } as const;

export const GraphProto = {
  node: 1,
  name: 2,
  initializer: 5,
  doc_string: 10,
  input: 11,
  output: 12,
  sparse_initializer: 15,
} as const;

export const NodeProto = { input: 1, output: 2, name: 3, op_type: 4, attribute: 5, domain: 7 } as const;

export const AttributeProto = { name: 1, f: 2, i: 3, s: 4, t: 5, floats: 7, ints: 8, type: 20 } as const;

/** AttributeProto.AttributeType. */
export const AttributeType = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, FLOATS: 6, INTS: 7 } as const;

export const TensorProto = {
  dims: 1,
  data_type: 2,
  float_data: 4,
  name: 8,
  raw_data: 9,
  double_data: 10,
  external_data: 13,
  data_location: 14,
} as const;

/** TensorProto.DataType: the element types this library reads (onnx-model.ts names them all). */
export const DataType = { FLOAT: 1, DOUBLE: 11 } as const;

/** TensorProto.DataLocation. */
export const DataLocation = { DEFAULT: 0, EXTERNAL: 1 } as const;

export const ValueInfoProto = { name: 1, type: 2 } as const;

/** TypeProto (tensor_type is one case of its `value` oneof) and TypeProto.Tensor. */
export const TypeProto = { tensor_type: 1 } as const;
export const TypeProtoTensor = { elem_type: 1, shape: 2 } as const;

/** TensorShapeProto and TensorShapeProto.Dimension (dim_value and dim_param are its `value` oneof). */
export const TensorShapeProto = { dim: 1 } as const;
export const Dimension = { dim_value: 1, dim_param: 2 } as const;
