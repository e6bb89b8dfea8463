/**
 * A network as an ONNX model: `Gemm` (transB = 1, so W goes in as the network holds it, units ×
 * inputs, like PyTorch's nn.Linear.weight) and each layer's activation node, in the network's
 * precision; the standardizer, when there is one, as `Sub` and `Div` nodes in front (in float64,
 * between two `Cast`s for a float32 network), so that the model takes raw features as predict()
 * does. The batch dimension is dynamic ('batch').
 *
 * Opset 13 (Softmax on the last axis by default from there on), except for a float64 network with
 * leaky ReLU: LeakyRelu takes doubles from opset 16. LeakyRelu's alpha is a float32 attribute, so
 * a float64 network whose slope is not a float32 (the default 0.01 is not) gets `PRelu` (doubles
 * from opset 16 too) with the slope as a float64 constant instead: the same function (x for
 * x ≥ 0, slope·x below), exact in doubles. Metadata (classes, features, target, and the loss, so that an import
 * trains as the network did) goes into metadata_props as JSON text.
 */
import type { ActivationName } from '../core/activations.js';
import { AttributeType, DataType } from './onnx-fields.js';
import type { OnnxModel, OnnxNode, OnnxTensor } from './onnx-model.js';
import { encodeOnnxModel } from './onnx-encode.js';
import { checkExportable, type ExportableNetwork } from './portable-network.js';

/** The graph's input and output names. */
export const ONNX_INPUT = 'input';
export const ONNX_OUTPUT = 'output';

/** The ONNX operator of each activation (identity has none). */
const OP_OF: Record<ActivationName, string | null> = {
  identity: null,
  sigmoid: 'Sigmoid',
  tanh: 'Tanh',
  relu: 'Relu',
  leakyRelu: 'LeakyRelu',
  softmax: 'Softmax',
};

/** The ONNX file of `net`. `where` starts error messages (the method's name). */
export function toOnnxBytes(net: ExportableNetwork, where: string): Uint8Array {
  return encodeOnnxModel(toOnnxModel(net, where));
}

export function toOnnxModel(net: ExportableNetwork, where: string): OnnxModel {
  const weights = checkExportable(net, where);
  const f64 = net.precision === 'f64';
  const elemType = f64 ? DataType.DOUBLE : DataType.FLOAT;
  const tensorOf = (name: string, dims: number[], values: ArrayLike<number>): OnnxTensor => ({
    name,
    dims,
    dataType: elemType,
    data: f64 ? Float64Array.from(values) : Float32Array.from(values),
  });
  const nodes: OnnxNode[] = [];
  const initializers: OnnxTensor[] = [];
  const node = (name: string, opType: string, inputs: string[], output: string, attributes: OnnxNode['attributes'] = []) => {
    nodes.push({ name, opType, domain: '', inputs, outputs: [output], attributes });
    return output;
  };
  let value = ONNX_INPUT;
  const std = net.standardizer;
  if (std !== null) {
    // The network standardizes in float64 whatever its precision (x − mean and the division in
    // doubles, then rounded once): so does the graph, casting a float32 input to float64 and the
    // result back. In float32, (x − fround(mean)) / fround(std) differs by up to an ulp of x / std,
    // which a layer's weights carry on to the outputs (1e-6 on raw seeds features).
    const double = (name: string, values: readonly number[]): OnnxTensor => ({
      name,
      dims: [values.length],
      dataType: DataType.DOUBLE,
      data: Float64Array.from(values),
    });
    initializers.push(double('standardizer.mean', std.mean), double('standardizer.std', std.std));
    if (!f64)
      value = node('standardizer/CastIn', 'Cast', [value], 'standardizer/input64', [
        { name: 'to', type: AttributeType.INT, i: DataType.DOUBLE },
      ]);
    value = node('standardizer/Sub', 'Sub', [value, 'standardizer.mean'], 'standardizer/centered');
    value = node('standardizer/Div', 'Div', [value, 'standardizer.std'], f64 ? 'standardized' : 'standardizer/standardized64');
    if (!f64)
      value = node('standardizer/CastOut', 'Cast', [value], 'standardized', [{ name: 'to', type: AttributeType.INT, i: DataType.FLOAT }]);
  }
  const depth = weights.length;
  // A slope that LeakyRelu's float32 alpha would round goes into a float64 PRelu (see the top).
  const slopeAsConstant = f64 && Math.fround(net.leakyReluSlope) !== net.leakyReluSlope;
  if (slopeAsConstant && net.activations.includes('leakyRelu')) {
    initializers.push({ name: 'leaky_relu.slope', dims: [1], dataType: DataType.DOUBLE, data: Float64Array.from([net.leakyReluSlope]) });
  }
  for (let l = 0; l < depth; l++) {
    const layer = `dense_${l + 1}`;
    const [units, inputs] = [net.layers[l + 1], net.layers[l]];
    initializers.push(tensorOf(`${layer}.weight`, [units, inputs], weights[l].W), tensorOf(`${layer}.bias`, [units], weights[l].b));
    const act = net.activations[l];
    const op = act === 'leakyRelu' && slopeAsConstant ? 'PRelu' : OP_OF[act];
    const last = l === depth - 1;
    value = node(`${layer}/Gemm`, 'Gemm', [value, `${layer}.weight`, `${layer}.bias`], last && op === null ? ONNX_OUTPUT : `${layer}/z`, [
      { name: 'transB', type: AttributeType.INT, i: 1 },
    ]);
    if (op === 'PRelu') {
      value = node(`${layer}/PRelu`, 'PRelu', [value, 'leaky_relu.slope'], last ? ONNX_OUTPUT : `${layer}/a`);
    } else if (op !== null) {
      const attributes: OnnxNode['attributes'] =
        act === 'leakyRelu'
          ? [{ name: 'alpha', type: AttributeType.FLOAT, f: net.leakyReluSlope }]
          : act === 'softmax'
            ? [{ name: 'axis', type: AttributeType.INT, i: -1 }]
            : [];
      value = node(`${layer}/${op}`, op, [value], last ? ONNX_OUTPUT : `${layer}/a`, attributes);
    }
  }
  const leakyF64 = f64 && net.activations.includes('leakyRelu');
  const opset = leakyF64 ? 16 : 13;
  const outputs = net.layers[net.layers.length - 1];
  const metadataProps: { key: string; value: string }[] = [];
  const { classes, features, target } = net.meta;
  if (classes !== undefined) metadataProps.push({ key: 'classes', value: JSON.stringify(classes) });
  if (features !== undefined) metadataProps.push({ key: 'features', value: JSON.stringify(features) });
  if (target !== undefined) metadataProps.push({ key: 'target', value: JSON.stringify(target) });
  metadataProps.push({ key: 'loss', value: JSON.stringify(net.loss) });
  const hidden = net.activations.slice(0, -1);
  return {
    // IR version 7 goes with opset 13, 8 with opset 16 (onnx/docs/Versioning.md).
    irVersion: opset === 16 ? 8 : 7,
    producerName: 'backprop-wasm',
    producerVersion: '',
    docString: `A ${net.layers.join('-')} network (${hidden.length > 0 ? `${[...new Set(hidden)].join('/')} → ` : ''}${net.activations[depth - 1]}, ${f64 ? 'float64' : 'float32'}) trained by backprop-wasm. Input '${ONNX_INPUT}': raw features, batch × ${net.layers[0]}${std ? ' (standardized inside the graph)' : ''}; output '${ONNX_OUTPUT}': batch × ${outputs}.`,
    opsetImports: [{ domain: '', version: opset }],
    graph: {
      name: 'backprop-wasm',
      nodes,
      initializers,
      sparseInitializers: [],
      inputs: [{ name: ONNX_INPUT, elemType, shape: ['batch', net.layers[0]] }],
      outputs: [{ name: ONNX_OUTPUT, elemType, shape: ['batch', outputs] }],
    },
    metadataProps,
  };
}
