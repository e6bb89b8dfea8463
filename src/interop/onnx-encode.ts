/**
 * An OnnxModel (onnx-model.ts) as the bytes of an ONNX file: a ModelProto in protobuf, with tensor
 * values as raw_data (little-endian IEEE 754, as onnx.proto requires of raw_data; or, when a tensor
 * asks, packed float_data / double_data, as some converters write them) and attributes
 * typed (AttributeProto.type set, as IR version 2 and later require).
 */
import {
  AttributeProto,
  AttributeType,
  DataType,
  Dimension,
  GraphProto,
  ModelProto,
  NodeProto,
  OperatorSetIdProto,
  StringStringEntryProto,
  TensorProto,
  TensorShapeProto,
  TypeProto,
  TypeProtoTensor,
  ValueInfoProto,
} from './onnx-fields.js';
import type { OnnxAttribute, OnnxGraph, OnnxModel, OnnxNode, OnnxTensor, OnnxValueInfo } from './onnx-model.js';
import { ProtoWriter } from './protobuf-writer.js';

export function encodeOnnxModel(model: OnnxModel): Uint8Array {
  const w = new ProtoWriter();
  w.int(ModelProto.ir_version, model.irVersion);
  w.string(ModelProto.producer_name, model.producerName);
  if (model.producerVersion) w.string(ModelProto.producer_version, model.producerVersion);
  if (model.docString) w.string(ModelProto.doc_string, model.docString);
  w.message(ModelProto.graph, (g) => graph(g, model.graph));
  for (const o of model.opsetImports) {
    w.message(ModelProto.opset_import, (m) => {
      if (o.domain !== '') m.string(OperatorSetIdProto.domain, o.domain);
      m.int(OperatorSetIdProto.version, o.version);
    });
  }
  for (const { key, value } of model.metadataProps) {
    w.message(ModelProto.metadata_props, (m) => m.string(StringStringEntryProto.key, key).string(StringStringEntryProto.value, value));
  }
  return w.finish();
}

function graph(w: ProtoWriter, g: OnnxGraph): void {
  for (const n of g.nodes) w.message(GraphProto.node, (m) => node(m, n));
  w.string(GraphProto.name, g.name);
  for (const t of g.initializers) w.message(GraphProto.initializer, (m) => tensor(m, t));
  if (g.docString) w.string(GraphProto.doc_string, g.docString);
  for (const v of g.inputs) w.message(GraphProto.input, (m) => valueInfo(m, v));
  for (const v of g.outputs) w.message(GraphProto.output, (m) => valueInfo(m, v));
}

function node(w: ProtoWriter, n: OnnxNode): void {
  for (const i of n.inputs) w.string(NodeProto.input, i);
  for (const o of n.outputs) w.string(NodeProto.output, o);
  w.string(NodeProto.name, n.name);
  w.string(NodeProto.op_type, n.opType);
  for (const a of n.attributes) w.message(NodeProto.attribute, (m) => attribute(m, a));
  if (n.domain !== '') w.string(NodeProto.domain, n.domain);
}

function attribute(w: ProtoWriter, a: OnnxAttribute): void {
  w.string(AttributeProto.name, a.name);
  switch (a.type) {
    case AttributeType.FLOAT:
      w.float(AttributeProto.f, a.f!);
      break;
    case AttributeType.INT:
      w.int(AttributeProto.i, a.i!);
      break;
    case AttributeType.STRING:
      w.string(AttributeProto.s, a.s!);
      break;
    case AttributeType.TENSOR:
      w.message(AttributeProto.t, (m) => tensor(m, a.t!));
      break;
    default:
      throw new RangeError(`encodeOnnxModel: attribute '${a.name}' has type ${a.type}, which this encoder does not write`);
  }
  w.int(AttributeProto.type, a.type);
}

function tensor(w: ProtoWriter, t: OnnxTensor): void {
  if (t.dims.length > 0) w.packedInts(TensorProto.dims, t.dims);
  w.int(TensorProto.data_type, t.dataType);
  w.string(TensorProto.name, t.name);
  const data = t.data!;
  const width = t.dataType === DataType.DOUBLE ? 8 : 4;
  const raw = new Uint8Array(data.length * width);
  const view = new DataView(raw.buffer);
  for (let i = 0; i < data.length; i++) {
    if (width === 8) view.setFloat64(8 * i, data[i], true);
    else view.setFloat32(4 * i, data[i], true);
  }
  // float_data and double_data are packed repeated fields: the same little-endian bytes, under their own field number.
  const field =
    t.storage === 'float_data' ? TensorProto.float_data : t.storage === 'double_data' ? TensorProto.double_data : TensorProto.raw_data;
  w.bytes(field, raw);
}

function valueInfo(w: ProtoWriter, v: OnnxValueInfo): void {
  w.string(ValueInfoProto.name, v.name);
  w.message(ValueInfoProto.type, (type) =>
    type.message(TypeProto.tensor_type, (tt) => {
      tt.int(TypeProtoTensor.elem_type, v.elemType);
      if (v.shape !== null) {
        const shape = v.shape;
        tt.message(TypeProtoTensor.shape, (s) => {
          for (const d of shape) {
            s.message(TensorShapeProto.dim, (dim) => {
              if (typeof d === 'number') dim.int(Dimension.dim_value, d);
              else if (typeof d === 'string') dim.string(Dimension.dim_param, d);
            });
          }
        });
      }
    }),
  );
}
