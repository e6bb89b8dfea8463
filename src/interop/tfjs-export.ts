/**
 * A network in TensorFlow.js's layers-model format (what `model.save()` writes and
 * `tf.loadLayersModel` reads): model.json, a Keras Sequential of Dense layers, and one weights
 * file of little-endian float32 values in the order of the manifest. Keras keeps a Dense kernel as
 * inputs × units, the transpose of this library's W. Leaky ReLU is a layer of its own in Keras
 * (LeakyReLU after a linear Dense). The standardizer becomes a BatchNormalization layer in front,
 * holding mean as its moving mean and std² as its moving variance with epsilon 0 (and a gamma ≈ 1
 * and beta ≈ 0 that undo float32 rounding), so that the model takes raw features: in inference that
 * layer computes (x − mean) / √(std²) = (x − mean) / std.
 * TensorFlow.js computes in float32: a float64 network's weights are rounded to float32.
 */
import type { ActivationName } from '../core/activations.js';
import { checkExportable, type ExportableNetwork } from './portable-network.js';

/** The weights file that model.json's manifest names. */
export const TFJS_WEIGHTS_FILE = 'weights.bin';

/** model.json of the layers-model format, as far as this library writes and reads it. */
export interface TfjsModelJSON {
  format: 'layers-model';
  generatedBy: string;
  convertedBy: string | null;
  modelTopology: { class_name: 'Sequential'; config: { name: string; layers: TfjsLayer[] } };
  weightsManifest: { paths: string[]; weights: TfjsWeightSpec[] }[];
  userDefinedMetadata?: Record<string, unknown>;
}

export interface TfjsLayer {
  class_name: string;
  config: Record<string, unknown>;
}

export interface TfjsWeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32';
}

/** What toTfjs() returns: model.json's contents and the weights file's bytes. */
export interface TfjsModel {
  modelJSON: TfjsModelJSON;
  weights: Uint8Array;
}

const KERAS_ACTIVATION: Record<ActivationName, string> = {
  identity: 'linear',
  sigmoid: 'sigmoid',
  tanh: 'tanh',
  relu: 'relu',
  leakyRelu: 'linear',
  softmax: 'softmax',
};

export function toTfjsModel(net: ExportableNetwork, where: string): TfjsModel {
  const weights = checkExportable(net, where);
  const layers: TfjsLayer[] = [];
  const specs: TfjsWeightSpec[] = [];
  const values: ArrayLike<number>[] = [];
  const inputShape = [null, net.layers[0]];
  const add = (name: string, shape: number[], data: ArrayLike<number>) => {
    specs.push({ name, shape, dtype: 'float32' });
    values.push(data);
  };
  const std = net.standardizer;
  if (std !== null) {
    // The layer computes β + γ·(x − m) / √v from float32 m, v, γ, β. With m = fround(mean) alone,
    // a feature whose mean is large against its std (the seeds' compactness: 0.871 ± 0.024) is
    // off by an ulp of the mean over the std, 1e-6 after standardizing. β and γ carry what
    // float32 rounding took from the mean and the std, so the layer computes (x − mean) / std.
    const m = std.mean.map((v) => Math.fround(v));
    const v = std.std.map((s) => Math.fround(s * s));
    layers.push({
      class_name: 'BatchNormalization',
      config: {
        name: 'standardizer',
        trainable: false,
        batch_input_shape: inputShape,
        dtype: 'float32',
        axis: -1,
        epsilon: 0,
        center: true,
        scale: true,
      },
    });
    add(
      'standardizer/gamma',
      [m.length],
      v.map((vj, j) => Math.sqrt(vj) / std.std[j]),
    );
    add(
      'standardizer/beta',
      [m.length],
      m.map((mj, j) => (mj - std.mean[j]) / std.std[j]),
    );
    add('standardizer/moving_mean', [m.length], m);
    add('standardizer/moving_variance', [m.length], v);
  }
  weights.forEach(({ W, b }, l) => {
    const [units, inputs] = [net.layers[l + 1], net.layers[l]];
    const name = `dense_${l + 1}`;
    const act = net.activations[l];
    layers.push({
      class_name: 'Dense',
      config: {
        name,
        trainable: true,
        ...(layers.length === 0 ? { batch_input_shape: inputShape } : {}),
        dtype: 'float32',
        units,
        activation: KERAS_ACTIVATION[act],
        use_bias: true,
      },
    });
    // Keras's kernel is inputs × units: kernel[i][u] = W[u][i].
    const kernel = new Float64Array(inputs * units);
    for (let u = 0; u < units; u++) for (let i = 0; i < inputs; i++) kernel[i * units + u] = W[u * inputs + i];
    add(`${name}/kernel`, [inputs, units], kernel);
    add(`${name}/bias`, [units], b);
    if (act === 'leakyRelu') {
      layers.push({
        class_name: 'LeakyReLU',
        config: { name: `leaky_re_lu_${l + 1}`, trainable: true, dtype: 'float32', alpha: net.leakyReluSlope },
      });
    }
  });
  const count = values.reduce((n, v) => n + v.length, 0);
  const bytes = new Uint8Array(4 * count);
  const view = new DataView(bytes.buffer);
  let at = 0;
  for (const v of values) for (let i = 0; i < v.length; i++, at += 4) view.setFloat32(at, v[i], true);
  const { classes, features, target } = net.meta;
  const metadata: Record<string, unknown> = { loss: net.loss };
  if (classes !== undefined) metadata.classes = classes;
  if (features !== undefined) metadata.features = features;
  if (target !== undefined) metadata.target = target;
  return {
    modelJSON: {
      format: 'layers-model',
      generatedBy: 'backprop-wasm',
      convertedBy: null,
      modelTopology: { class_name: 'Sequential', config: { name: 'backprop_wasm', layers } },
      weightsManifest: [{ paths: [TFJS_WEIGHTS_FILE], weights: specs }],
      userDefinedMetadata: metadata,
    },
    weights: bytes,
  };
}
