/**
 * TensorFlow.js's layers-model format, both ways, checked with TensorFlow.js itself
 * (@tensorflow/tfjs-layers on the CPU backend): an export loads with tf.loadLayersModel and
 * predicts what net.predict does, for every activation, with and without the standardizer (a
 * BatchNormalization layer in front); and a Sequential model of Dense layers built and trained in
 * TensorFlow.js imports and predicts what it predicts. The refusals name the layer.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ActivationName, ANN, type Matrix, matrix, oneHot, Standardizer } from '../src/index.js';
import { seeds } from './helpers/datasets.js';

let raw: Matrix;
let standardized: Matrix;
let targets: Matrix;
beforeAll(async () => {
  await tf.setBackend('cpu');
  const data = await seeds();
  raw = data.x;
  standardized = Standardizer.fit(raw).apply(raw);
  targets = oneHot(data.labels, [1, 2, 3]).y;
});

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** The model TensorFlow.js loads from toTfjs()'s result, through tf.io.fromMemory as the README shows. */
async function load(net: ANN): Promise<tfl.LayersModel> {
  const { modelJSON, weights } = net.toTfjs();
  return tfl.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: modelJSON.modelTopology,
      weightSpecs: modelJSON.weightsManifest[0].weights,
      weightData: weights.buffer as ArrayBuffer,
    }),
  );
}

/** A TensorFlow.js model's outputs for x. */
function tfPredict(model: tfl.LayersModel, x: Matrix): Float32Array {
  return tf.tidy(() => (model.predict(tf.tensor2d(Float32Array.from(x.data), [x.rows, x.cols])) as tf.Tensor).dataSync() as Float32Array);
}

/** The artifacts TensorFlow.js's model.save() hands a save handler. */
async function artifactsOf(model: tfl.LayersModel): Promise<tf.io.ModelArtifacts> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return saved!;
}

const ACTIVATIONS: ActivationName[] = ['identity', 'sigmoid', 'tanh', 'relu', 'leakyRelu', 'softmax'];

describe('an export loads in TensorFlow.js and predicts what net.predict does', () => {
  const figures: string[] = [];
  afterAll(() => console.log(`TF.js export vs predict, max |difference| over 210 seeds rows × 3 outputs:\n${figures.join('\n')}`));

  for (const act of ACTIVATIONS) {
    for (const withStandardizer of [true, false]) {
      it(`${act}, ${withStandardizer ? 'standardizer as a BatchNormalization layer, raw features in' : 'no standardizer'}`, async () => {
        const net = await ANN.create({
          layers: [7, 10, 6, 3],
          activation: act === 'softmax' ? 'tanh' : act,
          output: act,
          seed: 21,
          standardizer: withStandardizer ? Standardizer.fit(raw) : null,
        });
        const x = withStandardizer ? raw : standardized;
        await net.fit(x, targets, { epochs: 4, batchSize: 16, learningRate: 0.05 });
        const model = await load(net);
        const d = maxDiff(tfPredict(model, x), net.predict(x).data);
        figures.push(`  ${act.padEnd(9)} ${withStandardizer ? 'standardizer' : 'none'} ${d.toExponential(2)}`);
        expect(d).toBeLessThanOrEqual(1e-6);
        model.dispose();
        net.dispose();
      });
    }
  }

  it('the layers and weights: Dense kernels inputs × units, LeakyReLU a layer of its own, the metadata in userDefinedMetadata', async () => {
    const net = await ANN.create({
      layers: [7, 5, 3],
      activation: 'leakyRelu',
      leakyReluSlope: 0.2,
      output: 'softmax',
      loss: 'categoricalCrossEntropy',
      seed: 3,
      standardizer: Standardizer.fit(raw),
    });
    net.meta = { classes: ['Kama', 'Rosa', 'Canadian'] };
    const { modelJSON, weights } = net.toTfjs();
    expect(modelJSON.format).toBe('layers-model');
    expect(modelJSON.modelTopology.config.layers.map((l) => l.class_name)).toEqual(['BatchNormalization', 'Dense', 'LeakyReLU', 'Dense']);
    expect(modelJSON.modelTopology.config.layers.map((l) => l.config.activation ?? l.config.alpha)).toEqual([
      undefined,
      'linear',
      0.2,
      'softmax',
    ]);
    expect(modelJSON.weightsManifest[0].weights.map((w) => `${w.name} [${w.shape}]`)).toEqual([
      'standardizer/gamma [7]',
      'standardizer/beta [7]',
      'standardizer/moving_mean [7]',
      'standardizer/moving_variance [7]',
      'dense_1/kernel [7,5]',
      'dense_1/bias [5]',
      'dense_2/kernel [5,3]',
      'dense_2/bias [3]',
    ]);
    expect(weights.length).toBe(4 * (4 * 7 + 35 + 5 + 15 + 3));
    // The standardizer: gamma ≈ 1 and beta ≈ 0 (what float32 rounding took from std and mean), the mean, std².
    const view = new DataView(weights.buffer);
    const at = (k: number) => view.getFloat32(4 * k, true);
    const { mean, std } = net.standardizer!;
    for (let j = 0; j < 7; j++) {
      expect(Math.abs(at(j) - 1)).toBeLessThan(1e-6);
      expect(Math.abs(at(7 + j))).toBeLessThan(1e-6);
      expect(at(14 + j)).toBe(Math.fround(mean[j]));
      expect(at(21 + j)).toBe(Math.fround(std[j] ** 2));
      // What the layer computes from them is (x − mean) / std, to a float32 rounding of the result.
      const x = raw.data[j];
      const y = at(7 + j) + ((x - at(14 + j)) * at(j)) / Math.sqrt(at(21 + j));
      expect(Math.abs(y - (x - mean[j]) / std[j])).toBeLessThan(1e-7 * Math.max(1, Math.abs(y)));
    }
    // In TensorFlow.js, the layer standardizes every row to within a float32 rounding of what the
    // network computes (fround(mean) alone would be off by 1.3e-6 in the compactness column).
    const model = await load(net);
    const standardized = tf.tidy(() =>
      (model.layers[0].apply(tf.tensor2d(Float32Array.from(raw.data), [raw.rows, 7])) as tf.Tensor).dataSync(),
    );
    // (The network reads its input as float32 first, as TensorFlow.js does.)
    const expected = net.standardizer!.apply(matrix(Float32Array.from(raw.data), raw.rows, 7)).data;
    let worst = 0;
    for (let i = 0; i < expected.length; i++)
      worst = Math.max(worst, Math.abs(standardized[i] - expected[i]) / Math.max(1, Math.abs(expected[i])));
    expect(worst).toBeLessThanOrEqual(2 ** -23);
    // kernel[i][u] = W[u][i], little-endian float32 after the standardizer's 28 values.
    const W = net.getWeights()[0].W;
    expect(at(28 + 2 * 5 + 3)).toBe(W[3 * 7 + 2]);
    expect(modelJSON.userDefinedMetadata).toEqual({ loss: 'categoricalCrossEntropy', classes: ['Kama', 'Rosa', 'Canadian'] });
  });

  it('a float64 network travels as float32 (TensorFlow.js computes in float32): within 1e-6 still', async () => {
    const net = await ANN.create({
      layers: [7, 8, 3],
      activation: 'tanh',
      output: 'softmax',
      precision: 'f64',
      seed: 8,
      standardizer: Standardizer.fit(raw),
    });
    const model = await load(net);
    const d = maxDiff(tfPredict(model, raw), net.predict(raw).data);
    console.log(`TF.js export of a float64 network: max |difference| ${d.toExponential(2)}`);
    expect(d).toBeLessThanOrEqual(1e-6);
  });
});

describe('a Sequential model of Dense layers built in TensorFlow.js imports and predicts the same', () => {
  let model: tfl.Sequential;
  let tfOut: Float32Array;
  beforeAll(async () => {
    model = tfl.sequential({
      layers: [
        tfl.layers.dense({
          inputShape: [7],
          units: 12,
          activation: 'relu',
          kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }),
        }),
        tfl.layers.dropout({ rate: 0.1 }),
        tfl.layers.dense({ units: 8, kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }) }),
        tfl.layers.leakyReLU({ alpha: 0.1 }),
        tfl.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: tfl.initializers.glorotUniform({ seed: 3 }) }),
      ],
    });
    model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
    // Trained a little in TensorFlow.js, so that the weights are TensorFlow.js's own.
    const xs = tf.tensor2d(Float32Array.from(standardized.data), [210, 7]);
    const ys = tf.tensor2d(Float32Array.from(targets.data), [210, 3]);
    await model.fit(xs, ys, { epochs: 10, batchSize: 32, shuffle: false, verbose: 0 });
    xs.dispose();
    ys.dispose();
    tfOut = tfPredict(model, standardized);
  });

  it('from the artifacts model.save() hands a save handler (tf.io.withSaveHandler), with the loss from its training config', async () => {
    const net = await ANN.fromTfjs(await artifactsOf(model));
    expect([net.layers, net.activations, net.leakyReluSlope, net.loss, net.precision]).toEqual([
      [7, 12, 8, 3],
      ['relu', 'leakyRelu', 'softmax'],
      0.1,
      'categoricalCrossEntropy',
      'f32',
    ]);
    const d = maxDiff(net.predict(standardized).data, tfOut);
    console.log(
      `TF.js Sequential (Dense relu, Dropout, Dense + LeakyReLU, Dense softmax) imported: max |difference| ${d.toExponential(2)}`,
    );
    expect(d).toBeLessThanOrEqual(1e-6);
  });

  it('from model.json and its weights file on disk, by path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'backprop-wasm-tfjs-'));
    try {
      const a = await artifactsOf(model);
      const json = {
        format: 'layers-model',
        modelTopology: a.modelTopology,
        weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: a.weightSpecs }],
      };
      writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
      writeFileSync(join(dir, 'group1-shard1of1.bin'), new Uint8Array(a.weightData as ArrayBuffer));
      const net = await ANN.fromTfjs(join(dir, 'model.json'));
      expect(maxDiff(net.predict(standardized).data, tfOut)).toBeLessThanOrEqual(1e-6);
      // Without a recorded loss, the output's: softmax → categorical cross-entropy.
      expect(net.loss).toBe('categoricalCrossEntropy');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the package's own TF.js exports come back", () => {
  it('layers, activations, slope, loss and metadata as they were; the weights as float32; the standardizer to float32 rounding', async () => {
    const net = await ANN.create({
      layers: [7, 6, 3],
      activation: 'leakyRelu',
      leakyReluSlope: 0.125,
      output: 'sigmoid',
      loss: 'binaryCrossEntropy',
      seed: 5,
      standardizer: Standardizer.fit(raw),
    });
    net.meta = { classes: ['a', 'b', 'c'], features: ['1', '2', '3', '4', '5', '6', '7'] };
    const back = await ANN.fromTfjs(net.toTfjs());
    expect([back.layers, back.activations, back.leakyReluSlope, back.loss, back.meta]).toEqual([
      net.layers,
      net.activations,
      0.125,
      'binaryCrossEntropy',
      net.meta,
    ]);
    expect(back.getWeights()).toEqual(net.getWeights());
    expect(maxDiff(back.standardizer!.mean, net.standardizer!.mean)).toBeLessThan(1e-5);
    expect(maxDiff(back.predict(raw).data, net.predict(raw).data)).toBeLessThanOrEqual(1e-6);
    // model.json as text is read too.
    const { modelJSON, weights } = net.toTfjs();
    const again = await ANN.fromTfjs({ modelJSON: JSON.stringify(modelJSON), weights: [weights.subarray(0, 100), weights.subarray(100)] });
    expect(again.getWeights()).toEqual(back.getWeights());
  });
});

describe('what fromTfjs refuses names the layer', () => {
  it('a convolution, a functional model, a missing weight, too few weight bytes, a non-finite weight', async () => {
    const conv = tfl.sequential({
      layers: [
        tfl.layers.conv2d({ inputShape: [8, 8, 1], filters: 2, kernelSize: 3, name: 'conv' }),
        tfl.layers.flatten(),
        tfl.layers.dense({ units: 1 }),
      ],
    });
    await expect(ANN.fromTfjs(await artifactsOf(conv))).rejects.toThrow(
      "fromTfjs: layer 'conv' (Conv2D) is not supported: only Dense, LeakyReLU, ReLU, Activation and Dropout layers are read (with a BatchNormalization in front as the standardizer)",
    );
    const input = tfl.input({ shape: [3] });
    const functional = tfl.model({ inputs: input, outputs: tfl.layers.dense({ units: 1 }).apply(input) as tfl.SymbolicTensor });
    await expect(ANN.fromTfjs(await artifactsOf(functional))).rejects.toThrow(
      "fromTfjs: modelTopology is a 'Model' model; only a Sequential stack of layers is read",
    );

    const net = await ANN.create({ layers: [3, 2], seed: 1 });
    const { modelJSON, weights } = net.toTfjs();
    const noBias = structuredClone(modelJSON);
    noBias.weightsManifest[0].weights.pop();
    await expect(ANN.fromTfjs({ modelJSON: noBias, weights: weights.subarray(0, 24) })).rejects.toThrow(
      "fromTfjs: layer 'dense_1' needs weight 'dense_1/bias', which the manifest does not list",
    );
    await expect(ANN.fromTfjs({ modelJSON, weights: weights.subarray(0, 28) })).rejects.toThrow(
      "fromTfjs: weightsManifest[0].weights[1] ('dense_1/bias', [2]) needs bytes 24 to 32, but the weights hold 28 bytes",
    );
    const nan = weights.slice();
    new DataView(nan.buffer).setFloat32(8, Number.NaN, true);
    await expect(ANN.fromTfjs({ modelJSON, weights: nan })).rejects.toThrow(
      "fromTfjs: weight 'dense_1/kernel' holds NaN at index 2; weights must be finite",
    );
    await expect(ANN.fromTfjs({ modelJSON: '{"modelTopology": ', weights })).rejects.toThrow(/^fromTfjs: model\.json is not valid JSON/);
  });
});
