/**
 * ONNX models written by hand for the import tests, in the forms other converters write
 * (MatMul + Add as skl2onnx does, Gemm with transB = 0 or alpha/beta, float_data storage, Constant
 * nodes), encoded by the package's own encoder. They are run in ONNX Runtime too, which says what
 * each graph computes: the importer must compute the same.
 */
import { Random } from '../../src/index.js';
import { encodeOnnxModel } from '../../src/interop/onnx-encode.js';
import type { OnnxAttribute, OnnxNode, OnnxTensor, OnnxValueInfo } from '../../src/interop/onnx-model.js';

export const FLOAT = 1;
export const DOUBLE = 11;

export function tensor(
  name: string,
  dims: number[],
  values: ArrayLike<number>,
  options: { dataType?: number; storage?: OnnxTensor['storage'] } = {},
): OnnxTensor {
  const dataType = options.dataType ?? FLOAT;
  return {
    name,
    dims,
    dataType,
    data: dataType === DOUBLE ? Float64Array.from(values) : Float32Array.from(values),
    storage: options.storage,
  };
}

export function node(
  opType: string,
  inputs: string[],
  outputs: string[],
  attributes: OnnxAttribute[] = [],
  name = '',
  domain = '',
): OnnxNode {
  return { name, opType, domain, inputs, outputs, attributes };
}

export const int = (name: string, i: number): OnnxAttribute => ({ name, type: 2, i });
export const float = (name: string, f: number): OnnxAttribute => ({ name, type: 1, f });
export const tensorAttribute = (name: string, t: OnnxTensor): OnnxAttribute => ({ name, type: 4, t });

export function value(name: string, shape: (number | string | null)[] | null, elemType = FLOAT): OnnxValueInfo {
  return { name, elemType, shape };
}

/** The bytes of a model with this graph. */
export function model(graph: {
  nodes: OnnxNode[];
  initializers?: OnnxTensor[];
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  opset?: number;
  metadata?: Record<string, string>;
  producer?: string;
}): Uint8Array {
  const opset = graph.opset ?? 13;
  return encodeOnnxModel({
    irVersion: opset >= 16 ? 8 : 7,
    producerName: graph.producer ?? 'test',
    producerVersion: '',
    opsetImports: [{ domain: '', version: opset }],
    graph: {
      name: 'test',
      nodes: graph.nodes,
      initializers: graph.initializers ?? [],
      sparseInitializers: [],
      inputs: graph.inputs,
      outputs: graph.outputs,
    },
    metadataProps: Object.entries(graph.metadata ?? {}).map(([key, v]) => ({ key, value: v })),
  });
}

/** `count` values drawn by the package's seeded generator, uniform in [−scale, scale). */
export function draw(count: number, seed: number, scale = 1): number[] {
  const random = new Random(seed);
  return Array.from({ length: count }, () => random.uniform(-scale, scale));
}
