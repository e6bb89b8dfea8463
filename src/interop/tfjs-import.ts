/**
 * A TensorFlow.js layers model (model.json and its weights) read back as a network: a Keras
 * Sequential whose layers are Dense (linear, sigmoid, tanh, relu or softmax), each optionally
 * followed by a LeakyReLU, ReLU or Activation layer, with Dropout layers (the identity when
 * predicting) anywhere and a BatchNormalization in front as the standardizer. That is what
 * `tf.sequential` of `tf.layers.dense` saves, and what tensorflowjs_converter writes for such a
 * Keras model. Kernels are inputs × units (transposed into W); weights are float32 (the only
 * dtype read), found by their names in the manifest (`<layer>/kernel`). Anything else is refused
 * with the layer's name and class.
 */
import type { ActivationName } from '../core/activations.js';
import type { LossName } from '../core/losses.js';
import { Standardizer } from '../data/transform.js';
import { describe } from '../io/describe.js';
import { checkMeta, type ModelMeta } from '../model/model-file.js';
import { defaultLoss, type ImportedNetwork } from './portable-network.js';

const DENSE_ACTIVATIONS: Record<string, ActivationName> = {
  linear: 'identity',
  sigmoid: 'sigmoid',
  tanh: 'tanh',
  relu: 'relu',
  softmax: 'softmax',
};

/** Keras's loss names (model.compile's, as trainingConfig records them) and this library's. */
const KERAS_LOSSES: Record<string, LossName> = {
  binaryCrossEntropy: 'binaryCrossEntropy',
  categoricalCrossEntropy: 'categoricalCrossEntropy',
  meanSquaredError: 'meanSquaredError',
  mean_squared_error: 'meanSquaredError',
  mse: 'meanSquaredError',
  binaryCrossentropy: 'binaryCrossEntropy',
  binary_crossentropy: 'binaryCrossEntropy',
  categoricalCrossentropy: 'categoricalCrossEntropy',
  categorical_crossentropy: 'categoricalCrossEntropy',
};

const SUPPORTED = new Set(['InputLayer', 'Dropout', 'BatchNormalization', 'Dense', 'LeakyReLU', 'ReLU', 'Activation']);
const SUPPORTED_TEXT =
  'only Dense, LeakyReLU, ReLU, Activation and Dropout layers are read (with a BatchNormalization in front as the standardizer)';

interface WeightSpec {
  name: string;
  shape: number[];
  dtype?: string;
}

interface Layer {
  units: number;
  inputs: number;
  W: Float64Array;
  b: Float64Array;
  activation: ActivationName;
  name: string;
  /** The layer that gave the activation, when it was not the Dense layer itself. */
  activatedBy?: string;
  slope?: number;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * The network of model.json (`json`, parsed) and its weights (`data`: every group's shards
 * concatenated in manifest order); errors start with `where`. When `lossGiven`, the caller chose
 * the loss, and the one the file names is not looked at.
 */
export function tfjsToNetwork(json: unknown, data: Uint8Array, where: string, lossGiven: boolean): ImportedNetwork {
  if (!isObject(json)) throw new TypeError(`${where}: model.json must be an object, got ${describe(json)}`);
  const topology0 = json.modelTopology;
  if (!isObject(topology0))
    throw new TypeError(`${where}: model.json has no modelTopology object (is it a graph model? only layers models are read)`);
  // Keras files converted from HDF5 wrap the model in model_config.
  const topology = isObject(topology0.model_config) ? topology0.model_config : topology0;
  if (topology.class_name !== 'Sequential') {
    throw new Error(`${where}: modelTopology is a ${describe(topology.class_name)} model; only a Sequential stack of layers is read`);
  }
  const config = topology.config;
  const layerList = Array.isArray(config) ? config : isObject(config) ? config.layers : undefined;
  if (!Array.isArray(layerList)) throw new TypeError(`${where}: modelTopology.config.layers must be an array, got ${describe(layerList)}`);

  const weights = weightTable(json.weightsManifest, data, where);
  const take = (layer: string, weight: string, shape: number[]): Float32Array => {
    const key = `${layer}/${weight}`;
    const found = weights.get(key) ?? [...weights.entries()].find(([name]) => name.endsWith(`/${key}`))?.[1];
    if (found === undefined) throw new Error(`${where}: layer '${layer}' needs weight '${key}', which the manifest does not list`);
    if (found.shape.length !== shape.length || found.shape.some((d, i) => d !== shape[i])) {
      throw new RangeError(`${where}: weight '${found.name}' has shape [${found.shape.join(', ')}], expected [${shape.join(', ')}]`);
    }
    const bad = found.values.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0)
      throw new RangeError(`${where}: weight '${found.name}' holds ${found.values[bad]} at index ${bad}; weights must be finite`);
    return found.values;
  };

  const layers: Layer[] = [];
  let features: number | null = null;
  let standardizer: Standardizer | null = null;
  layerList.forEach((entry: unknown, index: number) => {
    if (!isObject(entry) || typeof entry.class_name !== 'string' || !isObject(entry.config)) {
      throw new TypeError(`${where}: modelTopology layer ${index} must be { class_name, config }, got ${describe(entry)}`);
    }
    const cls = entry.class_name;
    const c = entry.config;
    const name = typeof c.name === 'string' ? c.name : `#${index}`;
    const here = `${where}: layer '${name}' (${cls})`;
    if (!SUPPORTED.has(cls)) throw new Error(`${here} is not supported: ${SUPPORTED_TEXT}`);
    const shape = (c.batch_input_shape ?? c.batch_shape) as unknown;
    if (Array.isArray(shape) && layers.length === 0 && features === null) {
      if (shape.length !== 2 || !Number.isInteger(shape[1]) || shape[1] < 1) {
        throw new Error(`${here}: input shape is ${JSON.stringify(shape)}; a network reads [batch, features]`);
      }
      features = shape[1];
    }
    const last = layers[layers.length - 1];
    const activate = (activation: ActivationName, slope?: number) => {
      if (last === undefined) throw new Error(`${here} comes before any Dense layer`);
      if (last.activation !== 'identity') {
        throw new Error(
          `${here} follows '${last.activatedBy ?? last.name}', whose activation is ${last.activation} already: a layer has one activation`,
        );
      }
      last.activation = activation;
      last.activatedBy = name;
      last.slope = slope;
    };
    switch (cls) {
      case 'InputLayer':
      case 'Dropout':
        return;
      case 'BatchNormalization': {
        if (layers.length > 0)
          throw new Error(`${here} comes after a Dense layer; a BatchNormalization is read only in front, as the standardizer`);
        if (features === null) throw new Error(`${here}: its input shape (batch_input_shape) is not given`);
        const axis = c.axis ?? -1;
        const axisOk = axis === -1 || axis === 1 || (Array.isArray(axis) && axis.length === 1 && (axis[0] === -1 || axis[0] === 1));
        if (!axisOk) throw new Error(`${here} normalizes axis ${JSON.stringify(axis)}; a standardizer normalizes the features (axis −1)`);
        const epsilon = c.epsilon ?? 1e-3;
        if (typeof epsilon !== 'number' || !(epsilon >= 0) || !Number.isFinite(epsilon))
          throw new RangeError(`${here}: epsilon must be a number ≥ 0, got ${describe(epsilon)}`);
        const F = features;
        const gamma = c.scale === false ? null : take(name, 'gamma', [F]);
        const beta = c.center === false ? null : take(name, 'beta', [F]);
        const mm = take(name, 'moving_mean', [F]);
        const mv = take(name, 'moving_variance', [F]);
        // y = γ (x − m) / √(v + ε) + β = (x − mean) / std with std = √(v + ε) / γ and mean = m − β·std.
        const mean: number[] = [];
        const std: number[] = [];
        for (let j = 0; j < F; j++) {
          const s = Math.sqrt(mv[j] + epsilon) / (gamma ? gamma[j] : 1);
          if (!(s > 0 && Number.isFinite(s))) {
            throw new RangeError(
              `${here}: feature ${j} has moving variance ${mv[j]}${gamma ? ` and gamma ${gamma[j]}` : ''}, giving a scale of ${s}; a standardizer's std must be positive and finite`,
            );
          }
          std.push(s);
          mean.push(mm[j] - (beta ? beta[j] * s : 0));
        }
        standardizer = Standardizer.fromJSON({ mean, std });
        return;
      }
      case 'Dense': {
        const units = c.units;
        if (!Number.isInteger(units) || (units as number) < 1)
          throw new RangeError(`${here}: units must be a positive integer, got ${describe(units)}`);
        const act = c.activation ?? 'linear';
        const activation = typeof act === 'string' ? DENSE_ACTIVATIONS[act] : undefined;
        if (activation === undefined)
          throw new Error(`${here} has activation ${describe(act)}; the activations read are ${Object.keys(DENSE_ACTIVATIONS).join(', ')}`);
        const inputs = last ? last.units : features;
        if (inputs === null) throw new Error(`${here}: the first Dense layer needs its input shape (batch_input_shape)`);
        const kernel = take(name, 'kernel', [inputs, units as number]);
        const useBias = c.use_bias ?? true;
        const bias = useBias ? take(name, 'bias', [units as number]) : new Float32Array(units as number);
        const U = units as number;
        const W = new Float64Array(U * inputs);
        for (let u = 0; u < U; u++) for (let i = 0; i < inputs; i++) W[u * inputs + i] = kernel[i * U + u];
        if (layers.length === 0) features = inputs;
        layers.push({ units: U, inputs, W, b: Float64Array.from(bias), activation, name });
        return;
      }
      case 'LeakyReLU': {
        const alpha = c.alpha ?? c.negative_slope ?? 0.3;
        if (typeof alpha !== 'number' || !Number.isFinite(alpha))
          throw new RangeError(`${here}: alpha must be a finite number, got ${describe(alpha)}`);
        const first = layers.find((l) => l.activation === 'leakyRelu');
        if (first && first.slope !== alpha)
          throw new Error(
            `${here} has alpha ${alpha}, but '${first.activatedBy}' has ${first.slope}; a network here has one leaky ReLU slope`,
          );
        activate('leakyRelu', alpha);
        return;
      }
      case 'ReLU': {
        const plain = (c.max_value ?? null) === null && (c.negative_slope ?? 0) === 0 && (c.threshold ?? 0) === 0;
        if (!plain) throw new Error(`${here} has max_value, negative_slope or threshold set; only the plain max(0, x) is read`);
        activate('relu');
        return;
      }
      case 'Activation': {
        const activation = typeof c.activation === 'string' ? DENSE_ACTIVATIONS[c.activation] : undefined;
        if (activation === undefined)
          throw new Error(
            `${here} has activation ${describe(c.activation)}; the activations read are ${Object.keys(DENSE_ACTIVATIONS).join(', ')}`,
          );
        if (activation !== 'identity') activate(activation);
        return;
      }
    }
  });
  if (layers.length === 0) throw new Error(`${where}: the model has no Dense layer`);
  layers.slice(0, -1).forEach((l) => {
    if (l.activation === 'softmax')
      throw new Error(
        `${where}: layer '${l.activatedBy ?? l.name}' puts a softmax in a hidden layer; softmax is read as the output layer's activation only`,
      );
  });
  const lastLayer = layers[layers.length - 1];
  if (lastLayer.activation === 'softmax' && lastLayer.units < 2)
    throw new Error(`${where}: layer '${lastLayer.name}' is a softmax over 1 unit; a softmax output needs at least 2`);
  const activations = layers.map((l) => l.activation);
  const F = layers[0].inputs;
  const { meta, loss } = metaOf(json, F, lastLayer.units, where, lossGiven);
  return {
    layers: [F, ...layers.map((l) => l.units)],
    activations,
    leakyReluSlope: layers.find((l) => l.activation === 'leakyRelu')?.slope ?? 0.01,
    precision: 'f32',
    loss: loss ?? defaultLoss(activations[activations.length - 1]),
    standardizer,
    weights: layers.map(({ W, b }) => ({ W, b })),
    meta,
  };
}

/** Every weight of the manifest with its values, read from `data` in manifest order. */
function weightTable(manifest: unknown, data: Uint8Array, where: string): Map<string, WeightSpec & { values: Float32Array }> {
  if (!Array.isArray(manifest))
    throw new TypeError(`${where}: weightsManifest must be an array of { paths, weights }, got ${describe(manifest)}`);
  const table = new Map<string, WeightSpec & { values: Float32Array }>();
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let at = 0;
  manifest.forEach((group: unknown, g: number) => {
    if (!isObject(group) || !Array.isArray(group.weights))
      throw new TypeError(`${where}: weightsManifest[${g}] must be { paths, weights }, got ${describe(group)}`);
    (group.weights as unknown[]).forEach((spec: unknown, k: number) => {
      const here = `${where}: weightsManifest[${g}].weights[${k}]`;
      if (!isObject(spec) || typeof spec.name !== 'string' || !Array.isArray(spec.shape))
        throw new TypeError(`${here} must be { name, shape, dtype }, got ${describe(spec)}`);
      const shape = spec.shape as unknown[];
      if (!shape.every((d) => Number.isInteger(d) && (d as number) >= 0))
        throw new RangeError(`${here} ('${spec.name}'): shape must be integers ≥ 0, got [${shape.join(', ')}]`);
      if (spec.quantization !== undefined) throw new Error(`${here} ('${spec.name}') is quantized; only float32 weights are read`);
      if ((spec.dtype ?? 'float32') !== 'float32')
        throw new Error(`${here} ('${spec.name}') is ${describe(spec.dtype)}; only float32 weights are read`);
      const count = (shape as number[]).reduce((n, d) => n * d, 1);
      if (at + 4 * count > data.length) {
        throw new RangeError(
          `${here} ('${spec.name}', [${shape.join(', ')}]) needs bytes ${at} to ${at + 4 * count}, but the weights hold ${data.length} bytes`,
        );
      }
      const values = new Float32Array(count);
      for (let i = 0; i < count; i++) values[i] = view.getFloat32(at + 4 * i, true);
      at += 4 * count;
      table.set(spec.name, { name: spec.name, shape: shape as number[], values });
    });
  });
  if (at !== data.length) throw new RangeError(`${where}: the manifest lists ${at} bytes of weights, but ${data.length} were given`);
  return table;
}

/** Classes, features and target from userDefinedMetadata, and the loss from it or from trainingConfig. */
function metaOf(
  json: Record<string, unknown>,
  inputs: number,
  outputs: number,
  where: string,
  lossGiven: boolean,
): { meta: ModelMeta; loss?: LossName } {
  const m = isObject(json.userDefinedMetadata) ? json.userDefinedMetadata : {};
  const meta: Record<string, unknown> = {};
  for (const key of ['classes', 'features', 'target'] as const) if (m[key] !== undefined) meta[key] = m[key];
  let loss: LossName | undefined;
  const named = m.loss ?? (isObject(json.trainingConfig) ? json.trainingConfig.loss : undefined);
  if (typeof named === 'string' && !lossGiven) {
    loss = KERAS_LOSSES[named];
    if (loss === undefined)
      throw new Error(
        `${where}: the model's loss '${named}' is not one this library trains with (${[...new Set(Object.values(KERAS_LOSSES))].join(', ')}); pass options.loss`,
      );
  }
  return { meta: checkMeta(meta as ModelMeta, [inputs, outputs], `${where}: userDefinedMetadata`), loss };
}
