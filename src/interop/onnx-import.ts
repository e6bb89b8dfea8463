/**
 * An ONNX graph read back as a feed-forward network: from the chosen graph output back to the graph
 * input, every node must be one of
 *   - a dense layer: `Gemm` (any transB, alpha, beta; the data as A, transA = 0, or transA = 1 on
 *     a feature-major graph input), or `MatMul` by a constant followed by an optional `Add` of a
 *     bias;
 *   - an activation of the layer before it: Sigmoid, Tanh, Relu, LeakyRelu (one alpha for the
 *     whole network), PRelu with one slope for every unit (a leaky ReLU whose slope is a tensor,
 *     as the export writes a float64 slope that a float32 alpha would round), Softmax on the last
 *     axis (output layer only);
 *   - in front of the first layer, Sub / Add / Div / Mul by per-feature constants: the standardizer;
 *   - Identity, Dropout (inference: the identity) and Cast to float32/float64, which change nothing.
 * That is what torch.onnx.export writes for nn.Sequential of nn.Linear and activations, and what
 * skl2onnx writes for MLPClassifier/MLPRegressor. Constants are initializers (raw_data or
 * float_data/double_data) or Constant nodes. Anything else is refused with the node's name and
 * operator, the way `fromONNX: node '/1/Conv' (Conv) is not supported: …` reads.
 */
import type { ActivationName } from '../core/activations.js';
import { LOSSES, type LossName } from '../core/losses.js';
import { Standardizer } from '../data/transform.js';
import { checkMeta, type ModelMeta } from '../model/model-file.js';
import { AttributeType, DataType } from './onnx-fields.js';
import { dataTypeName, type OnnxAttribute, type OnnxModel, type OnnxNode, type OnnxTensor } from './onnx-model.js';
import { defaultLoss, type ImportedNetwork } from './portable-network.js';

const ACTIVATION_OF: Record<string, ActivationName> = {
  Sigmoid: 'sigmoid',
  Tanh: 'tanh',
  Relu: 'relu',
  LeakyRelu: 'leakyRelu',
  PRelu: 'leakyRelu',
  Softmax: 'softmax',
};
const ARITHMETIC = new Set(['Sub', 'Add', 'Mul', 'Div']);
const PASS_THROUGH = new Set(['Identity', 'Dropout', 'Cast']);
const SUPPORTED = new Set(['Gemm', 'MatMul', ...ARITHMETIC, ...Object.keys(ACTIVATION_OF), ...PASS_THROUGH]);

const SUPPORTED_TEXT =
  'only Gemm/MatMul+Add and the activations Sigmoid, Tanh, Relu, LeakyRelu (or PRelu with one slope) and Softmax are read (with Sub/Div/Mul/Add in front as the standardizer, and Identity, Dropout, Cast)';

/** A dense layer as it is being read: W units × inputs row-major, b one per unit. */
interface Layer {
  units: number;
  inputs: number;
  W: Float64Array;
  b: Float64Array;
  activation: ActivationName | null;
  /** The node that made the layer, and the one that gave its activation, for messages. */
  node: string;
  activationNode?: string;
  /** LeakyRelu's alpha, when that is the activation. */
  slope?: number;
  precision: 'f32' | 'f64';
}

/**
 * The network that the graph of `model` computes; errors start with `where`. `output` names the
 * graph output to read (needed when there are several). When `lossGiven`, the caller chose the
 * loss, and the one metadata_props names is not looked at.
 */
export function onnxToNetwork(model: OnnxModel, output: string | undefined, where: string, lossGiven: boolean): ImportedNetwork {
  const g = model.graph;
  const opset = model.opsetImports.find((o) => o.domain === '' || o.domain === 'ai.onnx')?.version;
  if (opset === undefined)
    throw new Error(`${where}: the model imports no version of the standard operator set (opset_import with domain '')`);
  const label = (n: OnnxNode, i: number) => `node '${n.name || `#${i}`}' (${n.opType || 'no op_type'})`;

  // Constants: initializers and Constant nodes' values.
  const constants = new Map<string, OnnxTensor>();
  for (const t of g.initializers) constants.set(t.name, t);
  const sparse = new Set(g.sparseInitializers);
  const producers = new Map<string, { node: OnnxNode; index: number }>();
  g.nodes.forEach((node, index) => {
    if (node.opType === 'Constant' && (node.domain === '' || node.domain === 'ai.onnx') && node.outputs.length === 1) {
      const value = constantValue(node);
      if (value !== null) {
        constants.set(node.outputs[0], { ...value, name: node.outputs[0] });
        return;
      }
    }
    for (const out of node.outputs) {
      if (out === '') continue;
      const other = producers.get(out);
      if (other)
        throw new Error(`${where}: value '${out}' is computed by two nodes, ${label(other.node, other.index)} and ${label(node, index)}`);
      producers.set(out, { node, index });
    }
  });
  // Before IR version 4, initializers were listed among the graph inputs as well.
  const inputs = g.inputs.filter((v) => !constants.has(v.name));

  // The graph output that is the network's.
  if (g.outputs.length === 0) throw new Error(`${where}: the graph has no output`);
  let out = g.outputs[0];
  if (output !== undefined) {
    const chosen = g.outputs.find((o) => o.name === output);
    if (!chosen)
      throw new Error(
        `${where}: options.output is '${output}', but the graph's outputs are ${g.outputs.map((o) => `'${o.name}'`).join(', ')}`,
      );
    out = chosen;
  } else if (g.outputs.length > 1) {
    throw new Error(
      `${where}: the graph has ${g.outputs.length} outputs (${g.outputs.map((o) => `'${o.name}'`).join(', ')}); pass options.output to say which one is the network's`,
    );
  }

  // Back from the output to an input: the chain of nodes, each reading the one before.
  const chain: { node: OnnxNode; index: number }[] = [];
  let value = out.name;
  const seen = new Set<OnnxNode>();
  for (;;) {
    if (inputs.some((v) => v.name === value)) break;
    if (constants.has(value))
      throw new Error(`${where}: value '${value}' on the way from output '${out.name}' is a constant, not computed from the input`);
    const p = producers.get(value);
    if (!p)
      throw new Error(
        `${where}: value '${value}' (on the way from output '${out.name}') is neither a graph input nor computed by any node`,
      );
    const { node, index } = p;
    if (seen.has(node)) throw new Error(`${where}: ${label(node, index)} is part of a cycle; an ONNX graph is acyclic`);
    seen.add(node);
    if (!SUPPORTED.has(node.opType) || (node.domain !== '' && node.domain !== 'ai.onnx')) {
      const domain = node.domain !== '' && node.domain !== 'ai.onnx' ? ` from domain '${node.domain}'` : '';
      throw new Error(`${where}: ${label(node, index)}${domain} is not supported: ${SUPPORTED_TEXT}`);
    }
    if (node.outputs[0] !== value)
      throw new Error(`${where}: ${label(node, index)}: the network reads its output '${value}', not its first output`);
    const data = node.inputs.filter((name) => name !== '' && !constants.has(name));
    if (data.length === 0) throw new Error(`${where}: ${label(node, index)} computes from constants only`);
    if (data.length > 1) {
      throw new Error(
        `${where}: ${label(node, index)} reads two computed values (${data.map((d) => `'${d}'`).join(', ')}): only a chain of layers, each reading the one before, is imported (no branches or skip connections)`,
      );
    }
    for (const name of node.inputs)
      if (sparse.has(name)) throw new Error(`${where}: ${label(node, index)} reads '${name}', a sparse initializer, which is not read`);
    chain.push(p);
    value = data[0];
  }
  chain.reverse();
  const input = inputs.find((v) => v.name === value)!;
  if (input.elemType !== DataType.FLOAT && input.elemType !== DataType.DOUBLE) {
    throw new Error(`${where}: graph input '${input.name}' holds ${dataTypeName(input.elemType)}; a network's input is float32 or float64`);
  }
  if (input.shape !== null && input.shape.length !== 2) {
    throw new Error(
      `${where}: graph input '${input.name}' has ${input.shape.length} dimensions [${input.shape.join(', ')}]; a network reads batch × features (2)`,
    );
  }

  // Forward along the chain.
  const layers: Layer[] = [];
  const prefix: { op: string; c: OnnxTensor; node: OnnxNode; index: number }[] = [];
  /** The graph input is features × batch (a first Gemm with transA = 1 reads it so). */
  let featureMajor = false;
  let features: number | null = null;
  const at = (n: OnnxNode, i: number) => `${where}: ${label(n, i)}`;
  for (const { node, index } of chain) {
    const here = at(node, index);
    const op = node.opType;
    const last = layers[layers.length - 1];
    if (op === 'Identity' || op === 'Dropout') continue;
    if (op === 'Cast') {
      const to = intAttribute(node, 'to', null, here);
      if (to !== DataType.FLOAT && to !== DataType.DOUBLE)
        throw new Error(`${here} casts to ${dataTypeName(to)}; only float32 and float64 are read`);
      continue;
    }
    if (ARITHMETIC.has(op)) {
      const dataFirst = node.inputs[0] !== undefined && !constants.has(node.inputs[0]);
      const c = constants.get(node.inputs[dataFirst ? 1 : 0]);
      if (c === undefined || node.inputs.length !== 2) throw new Error(`${here} must read the data and one constant`);
      if (!dataFirst && (op === 'Sub' || op === 'Div')) {
        throw new Error(`${here} computes constant ${op === 'Sub' ? '−' : '÷'} data; a standardizer computes (x − mean) / std`);
      }
      if (layers.length === 0) {
        prefix.push({ op, c, node, index });
        continue;
      }
      if (op === 'Add' && last.activation === null) {
        // A MatMul's bias, or a second bias after a Gemm: either way added to b.
        addBias(last, values(c, here), c, here);
        continue;
      }
      throw new Error(
        `${here} comes after a dense layer${op === 'Add' ? "'s activation" : ''}: ${SUPPORTED_TEXT}; Sub/Div/Mul are read in front of the first layer only`,
      );
    }
    if (op === 'Gemm' || op === 'MatMul') {
      if (node.inputs[0] === undefined || constants.has(node.inputs[0])) {
        throw new Error(`${here} multiplies a constant by the data; a dense layer is read as data × weights (the data as its first input)`);
      }
      const B = constants.get(node.inputs[1] ?? '');
      if (B === undefined) throw new Error(`${here}: its second input must be a constant (the weights)`);
      const w = values(B, here);
      if (B.dims.length !== 2)
        throw new Error(`${here}: weights '${B.name}' have ${B.dims.length} dimensions [${B.dims.join(', ')}], expected 2`);
      const transA = op === 'Gemm' ? intAttribute(node, 'transA', 0, here) : 0;
      const transB = op === 'Gemm' ? intAttribute(node, 'transB', 0, here) : 0;
      const alpha = op === 'Gemm' ? floatAttribute(node, 'alpha', 1, here) : 1;
      const beta = op === 'Gemm' ? floatAttribute(node, 'beta', 1, here) : 1;
      if (transA !== 0) {
        if (layers.length > 0) {
          throw new Error(
            `${here} has transA = 1, reading the batch × ${last.units} output of ${last.node} transposed; only a graph input may be feature-major`,
          );
        }
        featureMajor = true;
      }
      const [K, N] = transB !== 0 ? [B.dims[1], B.dims[0]] : [B.dims[0], B.dims[1]];
      const reads: number | null = layers.length > 0 ? last.units : features;
      if (reads !== null && reads !== K) {
        const from = layers.length > 0 ? `the ${last.units} units of ${last.node}` : `${reads} features`;
        throw new Error(
          `${here}: weights '${B.name}' [${B.dims.join(', ')}] (transB = ${transB}) take ${K} inputs, but the layer reads ${from}: the shapes do not chain`,
        );
      }
      const W = new Float64Array(N * K);
      for (let u = 0; u < N; u++) for (let k = 0; k < K; k++) W[u * K + k] = alpha * (transB !== 0 ? w[u * K + k] : w[k * N + u]);
      const layer: Layer = {
        units: N,
        inputs: K,
        W,
        b: new Float64Array(N),
        activation: null,
        node: label(node, index),
        precision: B.dataType === DataType.DOUBLE ? 'f64' : 'f32',
      };
      if (layers.length === 0) features = K;
      const C = node.inputs[2];
      if (op === 'Gemm' && C !== undefined && C !== '') {
        const bias = constants.get(C);
        if (bias === undefined) throw new Error(`${here}: its bias C '${C}' must be a constant`);
        addBias(
          layer,
          values(bias, here).map((v) => beta * v),
          bias,
          here,
        );
      }
      if (layers.length > 0 && layer.precision !== layers[0].precision) {
        throw new Error(
          `${here}: weights '${B.name}' are ${dataTypeName(B.dataType)}, but the first layer's are ${layers[0].precision === 'f64' ? 'float64' : 'float32'}`,
        );
      }
      layers.push(layer);
      continue;
    }
    // An activation.
    const activation = ACTIVATION_OF[op];
    if (layers.length === 0) throw new Error(`${here} comes before any dense layer; an activation follows a Gemm or MatMul`);
    if (last.activation !== null) throw new Error(`${here} follows ${last.activationNode}: a layer has one activation`);
    if (op === 'Softmax') {
      const axis = intAttribute(node, 'axis', opset >= 13 ? -1 : 1, here);
      if (axis !== -1 && axis !== 1)
        throw new Error(`${here} has axis ${axis}; a softmax over the units of a batch × units value has axis 1 or −1`);
    }
    if (op === 'LeakyRelu' || op === 'PRelu') {
      const alpha = op === 'LeakyRelu' ? floatAttribute(node, 'alpha', 0.01, here) : preluSlope(node, constants, last.units, here);
      const first = layers.find((l) => l.activation === 'leakyRelu');
      if (first && first.slope !== alpha) {
        throw new Error(
          `${here} has ${op === 'LeakyRelu' ? 'alpha' : 'slope'} ${alpha}, but ${first.activationNode} has ${first.slope}; a network here has one leaky ReLU slope`,
        );
      }
      last.slope = alpha;
    }
    last.activation = activation;
    last.activationNode = label(node, index);
  }
  if (layers.length === 0)
    throw new Error(`${where}: no dense layer (Gemm or MatMul) between input '${input.name}' and output '${out.name}'`);
  layers.slice(0, -1).forEach((l) => {
    if (l.activation === 'softmax')
      throw new Error(`${where}: ${l.activationNode} is in a hidden layer; softmax is read as the output layer's activation only`);
  });
  const lastLayer = layers[layers.length - 1];
  if (lastLayer.activation === 'softmax' && lastLayer.units < 2) {
    throw new Error(`${where}: ${lastLayer.activationNode} is over ${lastLayer.units} unit; a softmax output needs at least 2`);
  }
  const F = features!;
  if (input.shape !== null) {
    const declared = input.shape[featureMajor ? 0 : 1];
    if (typeof declared === 'number' && declared !== F) {
      throw new Error(
        `${where}: graph input '${input.name}' is declared [${input.shape.join(', ')}], but the first layer (${layers[0].node}) reads ${F} features${featureMajor ? ' (transA = 1: features first)' : ''}`,
      );
    }
  }
  if (out.shape !== null && out.shape.length === 2 && typeof out.shape[1] === 'number' && out.shape[1] !== lastLayer.units) {
    throw new Error(
      `${where}: graph output '${out.name}' is declared [${out.shape.join(', ')}], but the last layer (${lastLayer.node}) has ${lastLayer.units} units`,
    );
  }
  const activations = layers.map((l) => l.activation ?? 'identity');
  const slope = layers.find((l) => l.activation === 'leakyRelu')?.slope ?? 0.01;
  const meta = metaOf(model, layers[0].inputs, lastLayer.units, where, lossGiven);
  return {
    layers: [F, ...layers.map((l) => l.units)],
    activations,
    leakyReluSlope: slope,
    precision: layers[0].precision,
    loss: meta.loss ?? defaultLoss(activations[activations.length - 1]),
    standardizer: standardizerOf(prefix, F, featureMajor, where, label),
    weights: layers.map((l) => ({ W: l.W, b: l.b })),
    meta: meta.meta,
  };
}

/** A Constant node's value as a tensor, or null when it has none this reader takes. */
function constantValue(node: OnnxNode): Omit<OnnxTensor, 'name'> | null {
  const a = node.attributes[0];
  if (node.attributes.length !== 1 || a === undefined) return null;
  if (a.name === 'value' && a.t) return a.t;
  if (a.name === 'value_float' && a.f !== undefined) return { dims: [], dataType: DataType.FLOAT, data: Float32Array.of(a.f) };
  if (a.name === 'value_floats' && a.floats)
    return { dims: [a.floats.length], dataType: DataType.FLOAT, data: Float32Array.from(a.floats) };
  return null;
}

/** A constant's values, refused when they cannot be read or are not all finite. */
function values(t: OnnxTensor, here: string): Float64Array {
  if (t.data === null) throw new Error(`${here}: constant '${t.name}' cannot be read: ${t.problem}`);
  const bad = t.data.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0)
    throw new RangeError(
      `${here}: constant '${t.name}' [${t.dims.join(', ')}] holds ${t.data[bad]} at index ${bad}; weights must be finite`,
    );
  return Float64Array.from(t.data);
}

/**
 * PRelu's slope, its second input: a constant of one value, or of one per unit that are all the
 * same (a network here has one leaky ReLU slope).
 */
function preluSlope(node: OnnxNode, constants: Map<string, OnnxTensor>, units: number, here: string): number {
  const t = constants.get(node.inputs[1] ?? '');
  if (t === undefined) throw new Error(`${here}: its slope (second input) must be a constant`);
  const slope = values(t, here);
  const perUnit = slope.length === units && t.dims.length >= 1 && t.dims[t.dims.length - 1] === units;
  if (!(slope.length === 1 || perUnit) || t.dims.slice(0, -1).some((d) => d !== 1)) {
    throw new Error(
      `${here}: slope '${t.name}' has shape [${t.dims.join(', ')}]; the layer has ${units} units, so [${units}] or a single value`,
    );
  }
  const other = slope.findIndex((v) => v !== slope[0]);
  if (other >= 0) {
    throw new Error(
      `${here}: slope '${t.name}' holds ${slope[0]} and ${slope[other]} (at index ${other}); a network here has one leaky ReLU slope for every unit`,
    );
  }
  return slope[0];
}

/** Adds a bias constant of shape [units], [1, units], [1] or [] (one for every unit) to the layer's b. */
function addBias(layer: Layer, c: Float64Array, t: OnnxTensor, here: string): void {
  const n = layer.units;
  const dims = t.dims;
  const perUnit = (dims.length === 1 && dims[0] === n) || (dims.length === 2 && dims[0] === 1 && dims[1] === n);
  const scalar = c.length === 1 && dims.every((d) => d === 1);
  if (!perUnit && !scalar) {
    throw new Error(
      `${here}: bias '${t.name}' has shape [${dims.join(', ')}]; the layer has ${n} units, so [${n}], [1, ${n}] or a single value`,
    );
  }
  for (let u = 0; u < n; u++) layer.b[u] += scalar ? c[0] : c[u];
}

function attribute(node: OnnxNode, name: string): OnnxAttribute | undefined {
  return node.attributes.find((a) => a.name === name);
}

/** An int attribute's value; `fallback` when absent (null: the attribute is required). */
function intAttribute(node: OnnxNode, name: string, fallback: number | null, here: string): number {
  const a = attribute(node, name);
  if (a === undefined) {
    if (fallback === null) throw new Error(`${here} has no attribute '${name}'`);
    return fallback;
  }
  if (a.i === undefined || (a.type !== 0 && a.type !== AttributeType.INT))
    throw new Error(`${here}: attribute '${name}' must be an int, got type ${a.type}`);
  return a.i;
}

function floatAttribute(node: OnnxNode, name: string, fallback: number, here: string): number {
  const a = attribute(node, name);
  if (a === undefined) return fallback;
  if (a.f === undefined || (a.type !== 0 && a.type !== AttributeType.FLOAT))
    throw new Error(`${here}: attribute '${name}' must be a float, got type ${a.type}`);
  if (!Number.isFinite(a.f)) throw new RangeError(`${here}: attribute '${name}' is ${a.f}; it must be finite`);
  return a.f;
}

/**
 * The standardizer that the arithmetic in front of the first layer amounts to: y = (x − mean) / std
 * per feature, kept in that form as each node is applied (Sub c: mean += c·std; Add c: mean −= c·std;
 * Div c: std ·= c; Mul c: std /= c), so that the common Sub-then-Div reads back exactly.
 */
function standardizerOf(
  prefix: { op: string; c: OnnxTensor; node: OnnxNode; index: number }[],
  F: number,
  featureMajor: boolean,
  where: string,
  label: (n: OnnxNode, i: number) => string,
): Standardizer | null {
  if (prefix.length === 0) return null;
  const mean = new Array<number>(F).fill(0);
  const std = new Array<number>(F).fill(1);
  for (const { op, c, node, index } of prefix) {
    const here = `${where}: ${label(node, index)}`;
    const v = values(c, here);
    const dims = c.dims;
    const perFeature = featureMajor
      ? dims.length === 2 && dims[0] === F && dims[1] === 1
      : (dims.length === 1 && dims[0] === F) || (dims.length === 2 && dims[0] === 1 && dims[1] === F);
    const scalar = v.length === 1 && dims.every((d) => d === 1);
    if (!perFeature && !scalar) {
      const want = featureMajor ? `[${F}, 1]` : `[${F}] or [1, ${F}]`;
      throw new Error(
        `${here}: constant '${c.name}' has shape [${dims.join(', ')}]; in front of a layer of ${F} inputs it must be ${want} or a single value`,
      );
    }
    for (let j = 0; j < F; j++) {
      const k = scalar ? v[0] : v[j];
      if (op === 'Sub') mean[j] += k * std[j];
      else if (op === 'Add') mean[j] -= k * std[j];
      else if (op === 'Div') std[j] *= k;
      else std[j] /= k;
      if (!(std[j] > 0 && Number.isFinite(std[j]) && Number.isFinite(mean[j]))) {
        throw new RangeError(
          `${here}: ${op === 'Div' ? 'dividing' : 'multiplying'} feature ${j} by ${k} gives a scale of ${1 / std[j]}; a standardizer's scale (1 / std) must be positive and finite`,
        );
      }
    }
  }
  return Standardizer.fromJSON({ mean, std });
}

/** What metadata_props say about the data (classes, features, target) and the loss, checked against the network's sizes. */
function metaOf(
  model: OnnxModel,
  inputs: number,
  outputs: number,
  where: string,
  lossGiven: boolean,
): { meta: ModelMeta; loss?: LossName } {
  const meta: Record<string, unknown> = {};
  let loss: LossName | undefined;
  for (const { key, value } of model.metadataProps) {
    if (key !== 'classes' && key !== 'features' && key !== 'target' && !(key === 'loss' && !lossGiven)) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      throw new Error(`${where}: metadata_props '${key}' must be JSON text (as backprop-wasm writes it), got '${value.slice(0, 60)}'`);
    }
    if (key === 'loss') {
      if (!(LOSSES as readonly unknown[]).includes(parsed))
        throw new Error(`${where}: metadata_props 'loss' must name one of ${LOSSES.join(', ')}, got ${value.slice(0, 60)}`);
      loss = parsed as LossName;
    } else meta[key] = parsed;
  }
  const layers = [inputs, outputs];
  return { meta: checkMeta(meta as ModelMeta, layers, `${where}: metadata_props`), loss };
}
