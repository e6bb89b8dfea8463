/**
 * ONNX import: a model PyTorch exported (test/fixtures/pytorch-seeds-mlp.onnx) predicts what
 * PyTorch computed, fine-tunes on the seeds data without losing its accuracy, and exports again;
 * the package's own exports come back exactly; and the graph forms other converters write
 * (skl2onnx's MatMul + Add, Gemm with transB = 0, alpha and beta, a feature-major input, float_data
 * and double_data, Constant nodes, a Sub/Mul scaler) compute what ONNX Runtime computes for them.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ANN, type Matrix, matrix, oneHot, Standardizer } from '../src/index.js';
import { seeds } from './helpers/datasets.js';
import { DOUBLE, draw, float, int, model, node, tensor, tensorAttribute, value } from './helpers/onnx-graphs.js';
import { runOnnx } from './helpers/onnx-runtime.js';

const FIXTURE = new URL('./fixtures/pytorch-seeds-mlp.onnx', import.meta.url);
const reference = JSON.parse(readFileSync(new URL('./fixtures/pytorch-seeds-mlp.json', import.meta.url), 'utf8')) as {
  inputs: number[][];
  outputs: number[][];
  standardization: { mean: number[]; std: number[] };
  accuracy: number;
};

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

const argmax = (row: ArrayLike<number>) => Array.from(row).reduce((best, v, j, r) => (v > r[best] ? j : best), 0);

/** Seeds rows (raw), their varieties 0–2, and the one-hot targets. */
let raw: Matrix;
let variety: number[];
let targets: Matrix;
beforeAll(async () => {
  const data = await seeds();
  raw = data.x;
  variety = data.labels.map((l) => l - 1);
  targets = oneHot(data.labels, [1, 2, 3]).y;
});

function accuracyOf(out: Matrix): number {
  let right = 0;
  for (let r = 0; r < out.rows; r++) if (argmax(out.data.subarray(r * 3, r * 3 + 3)) === variety[r]) right++;
  return right / out.rows;
}

describe('the PyTorch-exported seeds network (7-12-8-3, ReLU, tanh, softmax; Gemm transB = 1, opset 13)', () => {
  it('imports as 7-12-8-3 relu/tanh → softmax, float32, with categorical cross-entropy, and predicts what PyTorch computed', async () => {
    const net = await ANN.fromONNX(FIXTURE);
    expect(net.layers).toEqual([7, 12, 8, 3]);
    expect(net.activations).toEqual(['relu', 'tanh', 'softmax']);
    expect(net.precision).toBe('f32');
    expect(net.loss).toBe('categoricalCrossEntropy');
    expect(net.standardizer).toBeNull();
    const ours = net.predict(reference.inputs);
    const d = maxDiff(ours.data, reference.outputs.flat());
    // The same file in ONNX Runtime, for comparison.
    const ort = await runOnnx(new Uint8Array(readFileSync(FIXTURE)), Float32Array.from(reference.inputs.flat()), 210, 7);
    const dOrt = maxDiff(ort.data, reference.outputs.flat());
    console.log(
      `PyTorch seeds MLP: import vs PyTorch's outputs max |difference| ${d.toExponential(2)} (ONNX Runtime vs PyTorch: ${dOrt.toExponential(2)})`,
    );
    expect(d).toBeLessThanOrEqual(1e-6);
    net.dispose();
  });

  it('takes bytes, an ArrayBuffer, a path and a file: URL alike', async () => {
    const bytes = new Uint8Array(readFileSync(FIXTURE));
    const sources = [bytes, bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length), FIXTURE.pathname, FIXTURE];
    const outs: Float32Array[] = [];
    for (const s of sources) {
      const net = await ANN.fromONNX(s as ArrayBuffer);
      outs.push(net.predict(reference.inputs.slice(0, 5)).data as Float32Array);
      net.dispose();
    }
    for (const o of outs) expect(o).toEqual(outs[0]);
  });

  it('fine-tuned for a few epochs on the raw seeds data (its standardization set) keeps its accuracy, saves, and exports again with the new weights', async () => {
    const net = await ANN.fromONNX(FIXTURE, { seed: 7 });
    net.standardizer = Standardizer.fromJSON(reference.standardization);
    // The standardization PyTorch used turns the data file's rows into the JSON's inputs.
    expect(maxDiff(net.standardizer.apply(raw).data, reference.inputs.flat())).toBeLessThan(1e-5);
    const before = accuracyOf(net.predict(raw));
    const weightsBefore = net.getWeights();
    const logs = await net.fit(raw, targets, { epochs: 5, batchSize: 16, learningRate: 0.01 });
    const after = accuracyOf(net.predict(raw));
    console.log(
      `PyTorch seeds MLP fine-tuned 5 epochs: accuracy ${(100 * before).toFixed(2)}% → ${(100 * after).toFixed(2)}% (PyTorch: ${(100 * reference.accuracy).toFixed(2)}%), loss ${logs[0].loss.toFixed(4)} → ${logs[4].loss.toFixed(4)}`,
    );
    expect(before).toBe(reference.accuracy);
    expect(after).toBeGreaterThanOrEqual(reference.accuracy - 0.01);
    expect(maxDiff(net.getWeights()[0].W, weightsBefore[0].W)).toBeGreaterThan(1e-4);

    // Saved and loaded as any network.
    const loaded = await ANN.fromJSON(net.toJSON());
    expect(loaded.predict(raw).data).toEqual(net.predict(raw).data);

    // Exported again: ONNX Runtime computes the fine-tuned network, from raw features.
    const exported = net.toONNX();
    const ort = await runOnnx(exported, Float32Array.from(raw.data), raw.rows, 7);
    const d = maxDiff(ort.data, net.predict(raw).data);
    const moved = maxDiff(ort.data, reference.outputs.flat());
    console.log(
      `re-exported fine-tuned network: ONNX Runtime vs predict max |difference| ${d.toExponential(2)}; its outputs moved by up to ${moved.toExponential(2)} from PyTorch's`,
    );
    expect(d).toBeLessThanOrEqual(1e-6);
    expect(moved).toBeGreaterThan(1e-4);
    net.dispose();
    loaded.dispose();
  });
});

describe("the package's own exports come back as they went", () => {
  // 0.01 in float64 is not a float32: it goes out as PRelu with a float64 slope, and comes back as leaky ReLU.
  for (const [precision, slope] of [
    ['f32', 0.125],
    ['f64', 0.125],
    ['f64', 0.01],
  ] as const) {
    it(`${precision}, slope ${slope}: layers, activations, slope, loss, standardizer, metadata and weights, exactly`, async () => {
      const net = await ANN.create({
        layers: [7, 6, 5, 3],
        activation: ['leakyRelu', 'sigmoid'],
        output: 'softmax',
        loss: 'binaryCrossEntropy',
        leakyReluSlope: slope,
        precision,
        seed: 4,
        standardizer: Standardizer.fit(raw),
      });
      net.meta = { classes: ['Kama', 'Rosa', 'Canadian'], features: ['a', 'b', 'c', 'd', 'e', 'f', 'g'], target: 'variety' };
      const back = await ANN.fromONNX(net.toONNX());
      expect([back.layers, back.activations, back.leakyReluSlope, back.loss, back.precision]).toEqual([
        [7, 6, 5, 3],
        ['leakyRelu', 'sigmoid', 'softmax'],
        slope,
        'binaryCrossEntropy',
        precision,
      ]);
      expect(back.standardizer!.toJSON()).toEqual(net.standardizer!.toJSON());
      expect(back.meta).toEqual(net.meta);
      expect(back.getWeights()).toEqual(net.getWeights());
      expect(back.predict(raw).data).toEqual(net.predict(raw).data);
    });
  }

  it('options override the precision and the loss; the seed is the one given', async () => {
    const net = await ANN.create({ layers: [7, 4, 1], output: 'sigmoid', loss: 'binaryCrossEntropy', seed: 1 });
    const back = await ANN.fromONNX(net.toONNX(), { precision: 'f64', loss: 'meanSquaredError', seed: 99, backend: 'js' });
    expect([back.precision, back.loss, back.seed, back.backend]).toEqual(['f64', 'meanSquaredError', 99, 'js']);
    expect(maxDiff(back.predict(raw).data, net.predict(raw).data)).toBeLessThan(1e-6);
  });
});

describe('graphs as other converters write them compute in the import what they compute in ONNX Runtime', () => {
  /** Imports `bytes`, runs it in ONNX Runtime on x (transposed when `featureMajor`), and returns the largest difference. */
  async function agreement(
    bytes: Uint8Array,
    x: Matrix,
    options: Parameters<typeof ANN.fromONNX>[1] = {},
    featureMajor = false,
  ): Promise<{ net: ANN; d: number }> {
    const net = await ANN.fromONNX(bytes, options);
    const f64 = net.precision === 'f64';
    let feed = f64 ? Float64Array.from(x.data) : Float32Array.from(x.data);
    if (featureMajor) {
      const t = new (feed.constructor as Float64ArrayConstructor)(feed.length);
      for (let r = 0; r < x.rows; r++) for (let c = 0; c < x.cols; c++) t[c * x.rows + r] = feed[r * x.cols + c];
      feed = t;
    }
    const ort = await runOnnx(bytes, feed, featureMajor ? x.cols : x.rows, featureMajor ? x.rows : x.cols);
    return { net, d: maxDiff(net.predict(x).data, ort.data) };
  }

  let x: Matrix;
  beforeAll(() => {
    x = Standardizer.fit(raw).apply(raw);
  });

  it("skl2onnx's MLPClassifier: MatMul + Add per layer, float_data, a label and a probabilities output (options.output picks one)", async () => {
    const bytes = model({
      nodes: [
        node('MatMul', ['X', 'coef0'], ['mm0'], [], 'MatMul'),
        node('Add', ['mm0', 'intercept0'], ['a0'], [], 'Add'),
        node('Relu', ['a0'], ['h0'], [], 'Relu'),
        node('MatMul', ['h0', 'coef1'], ['mm1'], [], 'MatMul1'),
        node('Add', ['intercept1', 'mm1'], ['a1'], [], 'Add1'),
        node('Softmax', ['a1'], ['probabilities'], [int('axis', 1)], 'Softmax'),
        node('ArgMax', ['probabilities'], ['label'], [int('axis', 1)], 'ArgMax'),
      ],
      initializers: [
        tensor('coef0', [7, 10], draw(70, 1), { storage: 'float_data' }),
        tensor('intercept0', [1, 10], draw(10, 2), { storage: 'float_data' }),
        tensor('coef1', [10, 3], draw(30, 3), { storage: 'float_data' }),
        tensor('intercept1', [1, 3], draw(3, 4), { storage: 'float_data' }),
      ],
      inputs: [value('X', [null, 7])],
      outputs: [value('label', [null], 7), value('probabilities', [null, 3])],
      opset: 11,
    });
    await expect(ANN.fromONNX(bytes)).rejects.toThrow(
      "fromONNX: the graph has 2 outputs ('label', 'probabilities'); pass options.output to say which one is the network's",
    );
    const net = await ANN.fromONNX(bytes, { output: 'probabilities' });
    expect([net.layers, net.activations, net.loss]).toEqual([[7, 10, 3], ['relu', 'softmax'], 'categoricalCrossEntropy']);
    // ONNX Runtime's probabilities output, for this graph without the label.
    const probabilitiesOnly = model({
      nodes: [
        node('MatMul', ['X', 'coef0'], ['mm0']),
        node('Add', ['mm0', 'intercept0'], ['a0']),
        node('Relu', ['a0'], ['h0']),
        node('MatMul', ['h0', 'coef1'], ['mm1']),
        node('Add', ['intercept1', 'mm1'], ['a1']),
        node('Softmax', ['a1'], ['probabilities'], [int('axis', 1)]),
      ],
      initializers: [
        tensor('coef0', [7, 10], draw(70, 1)),
        tensor('intercept0', [1, 10], draw(10, 2)),
        tensor('coef1', [10, 3], draw(30, 3)),
        tensor('intercept1', [1, 3], draw(3, 4)),
      ],
      inputs: [value('X', [null, 7])],
      outputs: [value('probabilities', [null, 3])],
      opset: 11,
    });
    const ort = await runOnnx(probabilitiesOnly, Float32Array.from(x.data), x.rows, 7);
    const d = maxDiff(net.predict(x).data, ort.data);
    console.log(`skl2onnx-style MatMul+Add: max |difference| ${d.toExponential(2)}`);
    expect(d).toBeLessThanOrEqual(1e-6);
  });

  it('Gemm with transB = 0, alpha and beta, a [1, N] bias, float64 double_data, and LeakyRelu with its alpha', async () => {
    const bytes = model({
      nodes: [
        node('Gemm', ['x', 'W0', 'b0'], ['z0'], [float('alpha', 0.5), float('beta', 2), int('transB', 0)], 'gemm0'),
        node('LeakyRelu', ['z0'], ['h0'], [float('alpha', 0.2)], 'leaky0'),
        node('Gemm', ['h0', 'W1', 'b1'], ['z1'], [float('alpha', 1.5)], 'gemm1'),
        node('LeakyRelu', ['z1'], ['h1'], [float('alpha', 0.2)], 'leaky1'),
        node('Gemm', ['h1', 'W2', 'b2'], ['y'], [int('transB', 1), float('beta', 0.25)], 'gemm2'),
      ],
      initializers: [
        tensor('W0', [7, 9], draw(63, 5), { dataType: DOUBLE, storage: 'double_data' }),
        tensor('b0', [1, 9], draw(9, 6), { dataType: DOUBLE, storage: 'double_data' }),
        tensor('W1', [9, 4], draw(36, 7), { dataType: DOUBLE }),
        tensor('b1', [4], draw(4, 8), { dataType: DOUBLE }),
        tensor('W2', [2, 4], draw(8, 9), { dataType: DOUBLE }),
        tensor('b2', [2], draw(2, 10), { dataType: DOUBLE }),
      ],
      inputs: [value('x', ['N', 7], DOUBLE)],
      outputs: [value('y', ['N', 2], DOUBLE)],
      opset: 16,
    });
    const { net, d } = await agreement(bytes, x);
    console.log(`Gemm transB 0 / alpha / beta, float64: max |difference| ${d.toExponential(2)}`);
    expect([net.layers, net.activations, net.leakyReluSlope, net.precision, net.loss]).toEqual([
      [7, 9, 4, 2],
      ['leakyRelu', 'leakyRelu', 'identity'],
      Math.fround(0.2),
      'f64',
      'meanSquaredError',
    ]);
    expect(d).toBeLessThanOrEqual(1e-12);
  });

  it('Gemm with transA = 1 on a feature-major input (features × batch): the import reads rows', async () => {
    const bytes = model({
      nodes: [node('Gemm', ['xT', 'W', 'b'], ['z'], [int('transA', 1), int('transB', 1)], 'g'), node('Sigmoid', ['z'], ['y'], [], 's')],
      initializers: [tensor('W', [1, 7], draw(7, 11)), tensor('b', [1], [0.3])],
      inputs: [value('xT', [7, 'N'])],
      outputs: [value('y', ['N', 1])],
    });
    const { net, d } = await agreement(bytes, x, {}, true);
    expect([net.layers, net.activations, net.loss]).toEqual([[7, 1], ['sigmoid'], 'binaryCrossEntropy']);
    expect(d).toBeLessThanOrEqual(1e-6);
  });

  it('a Sub/Mul scaler in front (as StandardScaler becomes), from Constant nodes, through Identity, Cast and Dropout, becomes the standardizer', async () => {
    const mean = Array.from({ length: 7 }, (_, j) => {
      let s = 0;
      for (let r = 0; r < raw.rows; r++) s += raw.data[r * 7 + j];
      return s / raw.rows;
    });
    const scale = Standardizer.fit(raw).std.map((s) => 1 / s);
    const bytes = model({
      nodes: [
        node('Constant', [], ['mean'], [tensorAttribute('value', tensor('', [7], mean))], 'c0'),
        node('Constant', [], ['scale'], [tensorAttribute('value', tensor('', [1, 7], scale))], 'c1'),
        node('Identity', ['input'], ['x0'], [], 'id'),
        node('Sub', ['x0', 'mean'], ['x1'], [], 'sub'),
        node('Mul', ['scale', 'x1'], ['x2'], [], 'mul'),
        node('Cast', ['x2'], ['x3'], [int('to', 1)], 'cast'),
        node('Gemm', ['x3', 'W0', 'b0'], ['z0'], [int('transB', 1)], 'g0'),
        node('Tanh', ['z0'], ['h0'], [], 't0'),
        node('Dropout', ['h0'], ['d0'], [], 'drop'),
        node('Gemm', ['d0', 'W1', 'b1'], ['z1'], [int('transB', 1)], 'g1'),
        node('Sigmoid', ['z1'], ['y'], [], 's1'),
      ],
      initializers: [
        tensor('W0', [5, 7], draw(35, 12)),
        tensor('b0', [5], draw(5, 13)),
        tensor('W1', [2, 5], draw(10, 14)),
        tensor('b1', [2], draw(2, 15)),
      ],
      inputs: [value('input', ['batch', 7])],
      outputs: [value('y', ['batch', 2])],
    });
    const { net, d } = await agreement(bytes, raw);
    console.log(`Sub/Mul scaler from Constant nodes: max |difference| ${d.toExponential(2)}`);
    expect(net.standardizer).not.toBeNull();
    expect(maxDiff(net.standardizer!.mean, mean)).toBeLessThan(1e-4);
    expect(maxDiff(net.standardizer!.std, Standardizer.fit(raw).std)).toBeLessThan(1e-6);
    expect([net.layers, net.activations, net.loss]).toEqual([[7, 5, 2], ['tanh', 'sigmoid'], 'binaryCrossEntropy']);
    expect(d).toBeLessThanOrEqual(1e-6);
  });

  it('a bias-free MatMul, a linear output and metadata loss and classes', async () => {
    const bytes = model({
      nodes: [node('MatMul', ['x', 'W0'], ['h']), node('Relu', ['h'], ['r']), node('MatMul', ['r', 'W1'], ['y'])],
      initializers: [tensor('W0', [7, 6], draw(42, 16)), tensor('W1', [6, 3], draw(18, 17))],
      inputs: [value('x', [null, 7])],
      outputs: [value('y', [null, 3])],
      metadata: { classes: '["a","b","c"]', loss: '"meanSquaredError"', note: 'other keys are ignored' },
    });
    const { net, d } = await agreement(bytes, x);
    expect([net.activations, net.loss, net.meta]).toEqual([['relu', 'identity'], 'meanSquaredError', { classes: ['a', 'b', 'c'] }]);
    expect(net.getWeights()[0].b).toEqual(new Float32Array(6));
    expect(d).toBeLessThanOrEqual(1e-6);
  });
});

describe('an imported network is a network', () => {
  it('trains on, with the loss chosen for its output; sigmoid outputs get binary cross-entropy', async () => {
    const bytes = model({
      nodes: [node('Gemm', ['x', 'W', 'b'], ['z'], [int('transB', 1)]), node('Sigmoid', ['z'], ['y'])],
      initializers: [tensor('W', [1, 7], new Array(7).fill(0)), tensor('b', [1], [0])],
      inputs: [value('x', [null, 7])],
      outputs: [value('y', [null, 1])],
    });
    const net = await ANN.fromONNX(bytes, { seed: 3 });
    expect(net.loss).toBe('binaryCrossEntropy');
    const y = matrix(
      Float32Array.from(variety, (v) => (v === 0 ? 1 : 0)),
      raw.rows,
      1,
    );
    const std = Standardizer.fit(raw).apply(raw);
    const before = net.evaluate(std, y);
    await net.fit(std, y, { epochs: 20, batchSize: 16, learningRate: 0.5 });
    const after = net.evaluate(std, y);
    expect(before.loss).toBeCloseTo(Math.log(2), 5);
    expect(after.loss).toBeLessThan(before.loss / 2);
    expect(after.accuracy).toBeGreaterThan(0.85);
  });
});
