/**
 * What the exporters read from a network and what the importers hand back to build one: plain
 * data, so that the interop modules need no ANN (ann.ts imports them, not they it).
 */
import type { Precision } from '../backend/kernels.js';
import type { ActivationName } from '../core/activations.js';
import type { LossName } from '../core/losses.js';
import type { Standardizer } from '../data/transform.js';
import type { ModelMeta } from '../model/model-file.js';
import type { LayerWeights } from '../model/weights.js';

/** The parts of a network an exporter reads (an ANN has them all). */
export interface ExportableNetwork {
  readonly layers: readonly number[];
  readonly activations: readonly ActivationName[];
  readonly leakyReluSlope: number;
  readonly precision: Precision;
  readonly loss: LossName;
  readonly standardizer: Standardizer | null;
  readonly meta: ModelMeta;
  /** W units × inputs row-major, b one per unit, per dense layer. */
  getWeights(): LayerWeights[];
}

/** A network read from another format: what ANN.create takes, the weights to set, and the metadata. */
export interface ImportedNetwork {
  layers: number[];
  /** Hidden layers' activations, then the output's. */
  activations: ActivationName[];
  leakyReluSlope: number;
  precision: Precision;
  loss: LossName;
  standardizer: Standardizer | null;
  /** W units × inputs row-major, b one per unit. */
  weights: { W: Float64Array; b: Float64Array }[];
  meta: ModelMeta;
}

/**
 * The loss an imported model trains with unless the caller or the file says otherwise: the one
 * whose gradient is the textbook pairing for the output (softmax with categorical cross-entropy,
 * a sigmoid with binary cross-entropy), else the squared error.
 */
export function defaultLoss(output: ActivationName): LossName {
  if (output === 'softmax') return 'categoricalCrossEntropy';
  if (output === 'sigmoid') return 'binaryCrossEntropy';
  return 'meanSquaredError';
}

/**
 * The weights to export: the network's, refused when they cannot travel (the first non-finite
 * value, named by layer and place). A model whose regression targets were standardized for
 * training (`meta.targetScaling`, written by the CLI's train) computes standardized outputs that
 * the CLI maps back to the label's units (y = out·std + mean); an exported model has to give the
 * label's units itself, so the mapping is folded into the output layer (W·std, b·std + mean, in
 * float64, rounded once to the network's precision), which an identity output allows.
 */
export function checkExportable(net: ExportableNetwork, where: string): LayerWeights[] {
  const weights = net.getWeights();
  const scaling = net.meta.targetScaling;
  if (scaling !== undefined) {
    const output = net.activations[net.activations.length - 1];
    if (output !== 'identity') {
      throw new Error(
        `${where}: the model's targets were standardized for training (meta.targetScaling), which an export folds into an identity output layer; this one's output is ${output}`,
      );
    }
    const last = weights[weights.length - 1];
    const inputs = net.layers[net.layers.length - 2];
    const W = new Float64Array(last.W.length);
    const b = new Float64Array(last.b.length);
    for (let u = 0; u < last.b.length; u++) {
      for (let k = 0; k < inputs; k++) W[u * inputs + k] = last.W[u * inputs + k] * scaling.std[u];
      b[u] = last.b[u] * scaling.std[u] + scaling.mean[u];
    }
    weights[weights.length - 1] = { W, b };
  }
  weights.forEach(({ W, b }, l) => {
    const inputs = net.layers[l];
    const badW = W.findIndex((v) => !Number.isFinite(v));
    if (badW >= 0) {
      throw new RangeError(
        `${where}: layer ${l + 1} W[${Math.floor(badW / inputs)}][${badW % inputs}] is ${W[badW]}; a model with non-finite weights is not exported (it diverged?)`,
      );
    }
    const badB = b.findIndex((v) => !Number.isFinite(v));
    if (badB >= 0)
      throw new RangeError(`${where}: layer ${l + 1} b[${badB}] is ${b[badB]}; a model with non-finite weights is not exported`);
  });
  return weights;
}
