/**
 * The bytes of an ONNX file as an OnnxModel (onnx-model.ts). Damage to the protobuf itself (a
 * truncated field, a length past the end, a field of the wrong wire type) is an error naming the
 * path of the message being read; a tensor whose values cannot be read (external data, an element
 * type other than float32/float64, a size that disagrees with its dims) is kept with a `problem`,
 * refused only if the network uses it. Fields this library does not need are skipped.
 */
import {
  AttributeProto,
  DataLocation,
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
import {
  dataTypeName,
  type OnnxAttribute,
  type OnnxGraph,
  type OnnxModel,
  type OnnxNode,
  type OnnxTensor,
  type OnnxValueInfo,
} from './onnx-model.js';
import { asBytes, asFixedRun, asFloat, asInt, asInts, asString, ProtoError, readFields, startOfFile } from './protobuf-reader.js';

/** Decodes a ModelProto; throws a ProtoError naming the message path on damaged bytes. */
export function decodeOnnxModel(bytes: Uint8Array): OnnxModel {
  startOfFile(bytes);
  const path = 'ModelProto';
  const model: OnnxModel = {
    irVersion: 0,
    producerName: '',
    producerVersion: '',
    opsetImports: [],
    graph: { name: '', nodes: [], initializers: [], sparseInitializers: [], inputs: [], outputs: [] },
    metadataProps: [],
  };
  let graphs = 0;
  readFields(bytes, path, (field, v) => {
    switch (field) {
      case ModelProto.ir_version:
        model.irVersion = asInt(v, path, 'ir_version');
        break;
      case ModelProto.producer_name:
        model.producerName = asString(v, path, 'producer_name');
        break;
      case ModelProto.producer_version:
        model.producerVersion = asString(v, path, 'producer_version');
        break;
      case ModelProto.doc_string:
        model.docString = asString(v, path, 'doc_string');
        break;
      case ModelProto.graph:
        // A repeated optional message merges in protobuf; two graphs in one file are damage here.
        if (graphs++ > 0) throw new ProtoError(path, 'graph appears twice');
        model.graph = decodeGraph(asBytes(v, path, 'graph'), `${path}.graph`);
        break;
      case ModelProto.opset_import:
        model.opsetImports.push(decodeOpset(asBytes(v, path, 'opset_import'), `${path}.opset_import[${model.opsetImports.length}]`));
        break;
      case ModelProto.metadata_props:
        model.metadataProps.push(decodeEntry(asBytes(v, path, 'metadata_props'), `${path}.metadata_props[${model.metadataProps.length}]`));
        break;
    }
  });
  if (graphs === 0) throw new ProtoError(path, 'has no graph (field 7): not an ONNX model, or the file was cut off before it');
  return model;
}

function decodeOpset(bytes: Uint8Array, path: string): { domain: string; version: number } {
  const o = { domain: '', version: 0 };
  readFields(bytes, path, (field, v) => {
    if (field === OperatorSetIdProto.domain) o.domain = asString(v, path, 'domain');
    else if (field === OperatorSetIdProto.version) o.version = asInt(v, path, 'version');
  });
  return o;
}

function decodeEntry(bytes: Uint8Array, path: string): { key: string; value: string } {
  const e = { key: '', value: '' };
  readFields(bytes, path, (field, v) => {
    if (field === StringStringEntryProto.key) e.key = asString(v, path, 'key');
    else if (field === StringStringEntryProto.value) e.value = asString(v, path, 'value');
  });
  return e;
}

function decodeGraph(bytes: Uint8Array, path: string): OnnxGraph {
  const g: OnnxGraph = { name: '', nodes: [], initializers: [], sparseInitializers: [], inputs: [], outputs: [] };
  readFields(bytes, path, (field, v) => {
    switch (field) {
      case GraphProto.node:
        g.nodes.push(decodeNode(asBytes(v, path, 'node'), `${path}.node[${g.nodes.length}]`));
        break;
      case GraphProto.name:
        g.name = asString(v, path, 'name');
        break;
      case GraphProto.initializer:
        g.initializers.push(decodeTensor(asBytes(v, path, 'initializer'), `${path}.initializer[${g.initializers.length}]`));
        break;
      case GraphProto.sparse_initializer:
        g.sparseInitializers.push(
          sparseName(asBytes(v, path, 'sparse_initializer'), `${path}.sparse_initializer[${g.sparseInitializers.length}]`),
        );
        break;
      case GraphProto.doc_string:
        g.docString = asString(v, path, 'doc_string');
        break;
      case GraphProto.input:
        g.inputs.push(decodeValueInfo(asBytes(v, path, 'input'), `${path}.input[${g.inputs.length}]`));
        break;
      case GraphProto.output:
        g.outputs.push(decodeValueInfo(asBytes(v, path, 'output'), `${path}.output[${g.outputs.length}]`));
        break;
    }
  });
  return g;
}

function decodeNode(bytes: Uint8Array, path: string): OnnxNode {
  const n: OnnxNode = { name: '', opType: '', domain: '', inputs: [], outputs: [], attributes: [] };
  readFields(bytes, path, (field, v) => {
    switch (field) {
      case NodeProto.input:
        n.inputs.push(asString(v, path, 'input'));
        break;
      case NodeProto.output:
        n.outputs.push(asString(v, path, 'output'));
        break;
      case NodeProto.name:
        n.name = asString(v, path, 'name');
        break;
      case NodeProto.op_type:
        n.opType = asString(v, path, 'op_type');
        break;
      case NodeProto.domain:
        n.domain = asString(v, path, 'domain');
        break;
      case NodeProto.attribute:
        n.attributes.push(decodeAttribute(asBytes(v, path, 'attribute'), `${path}.attribute[${n.attributes.length}]`));
        break;
    }
  });
  return n;
}

function decodeAttribute(bytes: Uint8Array, path: string): OnnxAttribute {
  const a: OnnxAttribute = { name: '', type: 0 };
  readFields(bytes, path, (field, v) => {
    switch (field) {
      case AttributeProto.name:
        a.name = asString(v, path, 'name');
        break;
      case AttributeProto.type:
        a.type = asInt(v, path, 'type');
        break;
      case AttributeProto.f:
        a.f = asFloat(v, path, 'f');
        break;
      case AttributeProto.i:
        a.i = asInt(v, path, 'i');
        break;
      case AttributeProto.s:
        a.s = asString(v, path, 's');
        break;
      case AttributeProto.t:
        a.t = decodeTensor(asBytes(v, path, 't'), `${path}.t`);
        break;
      case AttributeProto.floats: {
        const run = asFixedRun(v, 4, path, 'floats');
        const view = new DataView(run.buffer, run.byteOffset, run.byteLength);
        a.floats ??= [];
        for (let k = 0; k < run.length; k += 4) a.floats.push(view.getFloat32(k, true));
        break;
      }
      case AttributeProto.ints:
        a.ints = [...(a.ints ?? []), ...asInts(v, path, 'ints')];
        break;
    }
  });
  return a;
}

function decodeValueInfo(bytes: Uint8Array, path: string): OnnxValueInfo {
  const info: OnnxValueInfo = { name: '', elemType: 0, shape: null };
  readFields(bytes, path, (field, v) => {
    if (field === ValueInfoProto.name) info.name = asString(v, path, 'name');
    else if (field === ValueInfoProto.type) {
      const tPath = `${path}.type`;
      readFields(asBytes(v, path, 'type'), tPath, (tf, tv) => {
        if (tf !== TypeProto.tensor_type) return;
        const ttPath = `${tPath}.tensor_type`;
        readFields(asBytes(tv, tPath, 'tensor_type'), ttPath, (f, x) => {
          if (f === TypeProtoTensor.elem_type) info.elemType = asInt(x, ttPath, 'elem_type');
          else if (f === TypeProtoTensor.shape) info.shape = decodeShape(asBytes(x, ttPath, 'shape'), `${ttPath}.shape`);
        });
      });
    }
  });
  return info;
}

function decodeShape(bytes: Uint8Array, path: string): (number | string | null)[] {
  const dims: (number | string | null)[] = [];
  readFields(bytes, path, (field, v) => {
    if (field !== TensorShapeProto.dim) return;
    const dPath = `${path}.dim[${dims.length}]`;
    let d: number | string | null = null;
    readFields(asBytes(v, path, 'dim'), dPath, (f, x) => {
      if (f === Dimension.dim_value) d = asInt(x, dPath, 'dim_value');
      else if (f === Dimension.dim_param) d = asString(x, dPath, 'dim_param');
    });
    dims.push(d);
  });
  return dims;
}

function decodeTensor(bytes: Uint8Array, path: string): OnnxTensor {
  const t: OnnxTensor = { name: '', dims: [], dataType: 0, data: null };
  let raw: Uint8Array | null = null;
  const floatRuns: Uint8Array[] = [];
  const doubleRuns: Uint8Array[] = [];
  let external = false;
  readFields(bytes, path, (field, v) => {
    switch (field) {
      case TensorProto.dims:
        t.dims.push(...asInts(v, path, 'dims'));
        break;
      case TensorProto.data_type:
        t.dataType = asInt(v, path, 'data_type');
        break;
      case TensorProto.name:
        t.name = asString(v, path, 'name');
        break;
      case TensorProto.raw_data:
        raw = asBytes(v, path, 'raw_data');
        break;
      case TensorProto.float_data:
        floatRuns.push(asFixedRun(v, 4, path, 'float_data'));
        break;
      case TensorProto.double_data:
        doubleRuns.push(asFixedRun(v, 8, path, 'double_data'));
        break;
      case TensorProto.external_data:
        external = true;
        break;
      case TensorProto.data_location:
        if (asInt(v, path, 'data_location') === DataLocation.EXTERNAL) external = true;
        break;
    }
  });
  const problem = (text: string): OnnxTensor => ({ ...t, problem: text });
  if (external) return problem('its values are stored in an external file (data_location EXTERNAL), which this library does not read');
  const badDim = t.dims.findIndex((d) => d < 0);
  if (badDim >= 0) return problem(`dims[${badDim}] is ${t.dims[badDim]}; a tensor's dimensions are ≥ 0`);
  const count = t.dims.reduce((n, d) => n * d, 1);
  const width = t.dataType === DataType.FLOAT ? 4 : t.dataType === DataType.DOUBLE ? 8 : 0;
  if (width === 0) return problem(`its elements are ${dataTypeName(t.dataType)}; only float32 and float64 tensors are read`);
  const typed = width === 4 ? floatRuns : doubleRuns;
  const field = width === 4 ? ('float_data' as const) : ('double_data' as const);
  const wrong = width === 4 ? doubleRuns : floatRuns;
  if (wrong.length > 0) return problem(`it is ${dataTypeName(t.dataType)} but holds ${width === 4 ? 'double_data' : 'float_data'}`);
  let source: Uint8Array;
  let from: NonNullable<OnnxTensor['storage']>;
  if (raw !== null) {
    if (typed.length > 0) return problem(`it holds both raw_data and ${field}; onnx.proto allows one`);
    source = raw;
    from = 'raw_data';
  } else {
    source = concat(typed);
    from = field;
  }
  if (source.length !== count * width) {
    return problem(
      `dims [${t.dims.join(', ')}] give ${count} values = ${count * width} bytes of ${dataTypeName(t.dataType)}, but ${from} holds ${source.length} bytes`,
    );
  }
  const view = new DataView(source.buffer, source.byteOffset, source.byteLength);
  const data = width === 4 ? new Float32Array(count) : new Float64Array(count);
  for (let i = 0; i < count; i++) data[i] = width === 4 ? view.getFloat32(4 * i, true) : view.getFloat64(8 * i, true);
  return { ...t, data, storage: from };
}

/** A sparse initializer's name: that of its values tensor (SparseTensorProto.values = 1). */
function sparseName(bytes: Uint8Array, path: string): string {
  let name = '';
  readFields(bytes, path, (field, v) => {
    if (field === 1) {
      readFields(asBytes(v, path, 'values'), `${path}.values`, (f, x) => {
        if (f === TensorProto.name) name = asString(x, `${path}.values`, 'name');
      });
    }
  });
  return name;
}

function concat(runs: Uint8Array[]): Uint8Array {
  if (runs.length === 1) return runs[0];
  const out = new Uint8Array(runs.reduce((n, r) => n + r.length, 0));
  let at = 0;
  for (const r of runs) {
    out.set(r, at);
    at += r.length;
  }
  return out;
}
