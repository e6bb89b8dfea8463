/**
 * ONNX export, checked by running the exported model in an independent runtime (ONNX Runtime for
 * WebAssembly, test/helpers/onnx-runtime.ts) on real rows and comparing with net.predict: every
 * activation, float32 and float64, with the standardizer as Sub/Div nodes in front and without; an
 * R1-shaped 784-196-1 network on MNIST 5s and 8s; and the graph itself (opset, nodes, metadata).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ActivationName,
  ANN,
  loadMnist,
  matrix,
  oneHot,
  type Matrix,
  type Precision,
  selectClasses,
  Standardizer,
} from '../src/index.js';
import { decodeOnnxModel } from '../src/interop/onnx-decode.js';
import { toOnnxBytes } from '../src/interop/onnx-export.js';
import { seeds } from './helpers/datasets.js';
import { runOnnx } from './helpers/onnx-runtime.js';

const TOLERANCE: Record<Precision, number> = { f32: 1e-6, f64: 1e-12 };

let raw: Matrix;
let standardized: Matrix;
let targets: Matrix;
beforeAll(async () => {
  const { x, labels } = await seeds();
  raw = x;
  standardized = Standardizer.fit(x).apply(x);
  targets = oneHot(labels, [1, 2, 3]).y;
});

/** The largest |a − b| over two equally long arrays. */
function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** x's values as the array type of `precision` (what the runtime is fed). */
const asPrecision = (x: Matrix, precision: Precision) => (precision === 'f64' ? Float64Array.from(x.data) : Float32Array.from(x.data));

/** Runs `net`'s export on x in ONNX Runtime and returns the largest difference from net.predict(x). */
async function exportedDifference(net: ANN, x: Matrix): Promise<number> {
  const ours = net.predict(x);
  const theirs = await runOnnx(net.toONNX(), asPrecision(x, net.precision), x.rows, x.cols);
  expect(theirs.dims).toEqual([x.rows, net.layers[net.layers.length - 1]]);
  expect(theirs.data).toBeInstanceOf(net.precision === 'f64' ? Float64Array : Float32Array);
  return maxDiff(ours.data, theirs.data);
}

const ACTIVATIONS: ActivationName[] = ['identity', 'sigmoid', 'tanh', 'relu', 'leakyRelu', 'softmax'];

describe('an exported network computes in ONNX Runtime what net.predict computes', () => {
  const figures: string[] = [];
  afterAll(() => console.log(`ONNX export vs predict, max |difference| over 210 seeds rows × 3 outputs:\n${figures.join('\n')}`));

  for (const precision of ['f32', 'f64'] as const) {
    for (const act of ACTIVATIONS) {
      for (const withStandardizer of [true, false]) {
        it(`${act}, ${precision}, ${withStandardizer ? 'standardizer as Sub/Div in front, raw features in' : 'no standardizer'}`, async () => {
          // softmax is an output activation only: it is the output here, after tanh hidden layers.
          const hidden = act === 'softmax' ? 'tanh' : act;
          const net = await ANN.create({
            layers: [7, 10, 6, 3],
            activation: hidden,
            output: act,
            // The slope is a float32 attribute in ONNX: 0.125 is one exactly (see the float64 test below for 0.01).
            leakyReluSlope: 0.125,
            precision,
            seed: 12,
            standardizer: withStandardizer ? Standardizer.fit(raw) : null,
          });
          // A few epochs, so that the weights are trained ones rather than the initial draw.
          const x = withStandardizer ? raw : standardized;
          await net.fit(x, targets, { epochs: 4, batchSize: 16, learningRate: 0.05 });
          const d = await exportedDifference(net, x);
          figures.push(`  ${precision} ${act.padEnd(9)} ${withStandardizer ? 'standardizer' : 'none        '} ${d.toExponential(2)}`);
          expect(d).toBeLessThanOrEqual(TOLERANCE[precision]);
          net.dispose();
        });
      }
    }
  }

  it('float64 leaky ReLU with slope 0.01, which a float32 LeakyRelu alpha would round, goes out as PRelu with a float64 slope, and computes the same', async () => {
    const net = await ANN.create({
      layers: [7, 10, 3],
      activation: 'leakyRelu',
      output: 'identity',
      precision: 'f64',
      seed: 5,
      standardizer: Standardizer.fit(raw),
    });
    await net.fit(raw, targets, { epochs: 4, batchSize: 16, learningRate: 0.05 });
    const graph = decodeOnnxModel(net.toONNX()).graph;
    expect(graph.nodes.map((n) => n.opType)).toEqual(['Sub', 'Div', 'Gemm', 'PRelu', 'Gemm']);
    expect(graph.initializers.find((t) => t.name === 'leaky_relu.slope')?.data).toEqual(Float64Array.from([0.01]));
    // Some hidden units are negative on these rows, so the slope is exercised (a leaky ReLU with
    // alpha fround(0.01) differs there by a few 1e-10).
    const S = net.standardizer!.apply(raw);
    const [hidden] = net.getWeights();
    let negative = 0;
    for (let r = 0; r < S.rows; r++)
      for (let u = 0; u < 10; u++) {
        let z = hidden.b[u];
        for (let i = 0; i < 7; i++) z += hidden.W[u * 7 + i] * S.data[r * 7 + i];
        if (z < 0) negative++;
      }
    expect(negative).toBeGreaterThan(100);
    const d = await exportedDifference(net, raw);
    console.log(`float64 leaky ReLU, slope 0.01, as PRelu: max |difference| ${d.toExponential(2)} (${negative} negative hidden values)`);
    expect(d).toBeLessThanOrEqual(TOLERANCE.f64);
  });
});

describe('a regression model whose targets were standardized for training (meta.targetScaling, as the CLI writes it)', () => {
  // The groove length (column 7) of the seeds kernels from the other six measurements, in millimetres.
  let x: Matrix;
  let y: Matrix;
  let scaling: { mean: number[]; std: number[] };
  beforeAll(() => {
    const cols = [0, 1, 2, 3, 4, 5];
    x = matrix(
      Float64Array.from({ length: raw.rows * 6 }, (_, i) => raw.data[Math.floor(i / 6) * 7 + cols[i % 6]]),
      raw.rows,
      6,
    );
    const groove = Array.from({ length: raw.rows }, (_, r) => raw.data[r * 7 + 6]);
    const mean = groove.reduce((a, b) => a + b, 0) / groove.length;
    const std = Math.sqrt(groove.reduce((a, b) => a + (b - mean) ** 2, 0) / groove.length);
    scaling = { mean: [mean], std: [std] };
    y = matrix(
      Float64Array.from(groove, (g) => (g - mean) / std),
      raw.rows,
      1,
    );
  });

  for (const precision of ['f32', 'f64'] as const) {
    it(`${precision}: the exported model gives the label's units (out·std + mean, folded into the output layer)`, async () => {
      const net = await ANN.create({
        layers: [6, 8, 1],
        activation: 'tanh',
        output: 'identity',
        precision,
        seed: 3,
        standardizer: Standardizer.fit(x),
      });
      await net.fit(x, y, { epochs: 20, batchSize: 16, learningRate: 0.02 });
      net.meta = { target: 'groove', targetScaling: scaling };
      const inUnits = Array.from(net.predict(x).data, (v) => v * scaling.std[0] + scaling.mean[0]);
      const theirs = await runOnnx(net.toONNX(), asPrecision(x, precision), x.rows, 6);
      // Millimetres near 5 (a float32 ulp there is 4.8e-7); the unscaled outputs are a whole unit or more off.
      const d = maxDiff(theirs.data, inUnits);
      console.log(`target scaling folded into the export, ${precision}: max |difference| ${d.toExponential(2)} mm`);
      expect(d).toBeLessThanOrEqual(TOLERANCE[precision]);
      expect(maxDiff(theirs.data, net.predict(x).data)).toBeGreaterThan(1);
      // The network itself is unchanged by the export.
      expect(Array.from(net.predict(x).data, (v) => v * scaling.std[0] + scaling.mean[0])).toEqual(inUnits);
    });
  }

  it('a standardized-target model with an output that is not the identity is refused by name', async () => {
    const net = await ANN.create({ layers: [6, 4, 1], activation: 'tanh', output: 'sigmoid', seed: 3 });
    net.meta = { targetScaling: scaling };
    expect(() => net.toONNX()).toThrow(
      "toONNX: the model's targets were standardized for training (meta.targetScaling), which an export folds into an identity output layer; this one's output is sigmoid",
    );
  });
});

describe('an R1-shaped network (784-196-1, sigmoid) on MNIST 5s and 8s', () => {
  let x: Matrix;
  let y: Matrix;
  beforeAll(async () => {
    // Raw grey levels 0–255: the exported model scales them itself (Standardizer.pixels as Sub/Div).
    const { images, labels } = await loadMnist({ set: 'test', digits: [5, 8] });
    ({ x, y } = selectClasses(images, labels, 784, 5, 8));
  });

  for (const precision of ['f32', 'f64'] as const) {
    it(`${precision}: the exported model's probabilities equal predict's on all ${1866} test images`, async () => {
      expect(x.rows).toBe(1866);
      const net = await ANN.create({
        layers: [784, 196, 1],
        loss: 'binaryCrossEntropy',
        precision,
        seed: 1,
        standardizer: Standardizer.pixels(),
      });
      await net.fit(x, y, { epochs: 1, batchSize: 32, learningRate: 0.1 });
      const accuracy = net.evaluate(x, y).accuracy!;
      const d = await exportedDifference(net, x);
      console.log(
        `R1-shaped ${precision}: accuracy ${(100 * accuracy).toFixed(2)}%, ONNX vs predict max |difference| ${d.toExponential(2)}`,
      );
      expect(accuracy).toBeGreaterThan(0.9);
      expect(d).toBeLessThanOrEqual(TOLERANCE[precision]);
      net.dispose();
    });
  }
});

describe('the exported graph', () => {
  it('is the standardizer (Sub, Div in float64), then Gemm (transB = 1) and an activation per layer, opset 13, a dynamic batch, and the metadata', async () => {
    const net = await ANN.create({
      layers: [7, 5, 3],
      activation: 'relu',
      output: 'softmax',
      loss: 'categoricalCrossEntropy',
      seed: 2,
      standardizer: Standardizer.fit(raw),
    });
    net.meta = {
      classes: ['Kama', 'Rosa', 'Canadian'],
      features: ['area', 'perimeter', 'compactness', 'length', 'width', 'asymmetry', 'groove'],
    };
    const model = decodeOnnxModel(net.toONNX());
    expect(model.opsetImports).toEqual([{ domain: '', version: 13 }]);
    expect(model.irVersion).toBe(7);
    expect(model.producerName).toBe('backprop-wasm');
    expect(model.graph.nodes.map((n) => n.opType)).toEqual(['Cast', 'Sub', 'Div', 'Cast', 'Gemm', 'Relu', 'Gemm', 'Softmax']);
    expect(model.graph.nodes.map((n) => n.attributes.find((a) => a.name === 'to')?.i)).toEqual([
      11,
      undefined,
      undefined,
      1,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    // The standardizer's constants are the network's own doubles, exactly.
    const mean = model.graph.initializers.find((t) => t.name === 'standardizer.mean')!;
    expect(mean.dataType).toBe(11);
    expect(Array.from(mean.data!)).toEqual(net.standardizer!.mean);
    const gemm = model.graph.nodes[4];
    expect(gemm.attributes).toEqual([{ name: 'transB', type: 2, i: 1 }]);
    expect(model.graph.nodes[7].attributes).toEqual([{ name: 'axis', type: 2, i: -1 }]);
    expect(model.graph.inputs).toEqual([{ name: 'input', elemType: 1, shape: ['batch', 7] }]);
    expect(model.graph.outputs).toEqual([{ name: 'output', elemType: 1, shape: ['batch', 3] }]);
    // W goes in as the network holds it (units × inputs), as PyTorch's nn.Linear.weight.
    const W = model.graph.initializers.find((t) => t.name === 'dense_1.weight')!;
    expect(W.dims).toEqual([5, 7]);
    expect(Array.from(W.data!)).toEqual(Array.from(net.getWeights()[0].W));
    const meta = Object.fromEntries(model.metadataProps.map((p) => [p.key, JSON.parse(p.value)]));
    expect(meta).toEqual({ classes: net.meta.classes, features: net.meta.features, loss: 'categoricalCrossEntropy' });
    // The batch dimension is dynamic: one row and all 210 run in the same model.
    const one = await runOnnx(net.toONNX(), Float32Array.from(raw.data.subarray(0, 7)), 1, 7);
    expect(one.dims).toEqual([1, 3]);
    expect(maxDiff(one.data, net.predict(matrix(Float32Array.from(raw.data.subarray(0, 7)), 1, 7)).data)).toBeLessThanOrEqual(1e-6);
  });

  it('a float64 network is float64 throughout; with leaky ReLU it needs opset 16, or PRelu when the slope is not a float32', async () => {
    const plain = decodeOnnxModel((await ANN.create({ layers: [7, 4, 1], activation: 'tanh', precision: 'f64', seed: 1 })).toONNX());
    expect(plain.opsetImports[0].version).toBe(13);
    expect(plain.graph.initializers.every((t) => t.dataType === 11 && t.data instanceof Float64Array)).toBe(true);
    const leaky = decodeOnnxModel(
      (await ANN.create({ layers: [7, 4, 1], activation: 'leakyRelu', leakyReluSlope: 0.2, precision: 'f64', seed: 1 })).toONNX(),
    );
    expect(leaky.opsetImports[0].version).toBe(16);
    expect(leaky.irVersion).toBe(8);
    expect(leaky.graph.nodes[1]).toMatchObject({ opType: 'PRelu', inputs: ['dense_1/z', 'leaky_relu.slope'], attributes: [] });
    expect(leaky.graph.inputs[0].elemType).toBe(11);
    const exact = decodeOnnxModel(
      (await ANN.create({ layers: [7, 4, 1], activation: 'leakyRelu', leakyReluSlope: 0.25, precision: 'f64', seed: 1 })).toONNX(),
    );
    expect(exact.opsetImports[0].version).toBe(16);
    expect(exact.irVersion).toBe(8);
    expect(exact.graph.nodes[1]).toMatchObject({ opType: 'LeakyRelu', attributes: [{ name: 'alpha', type: 1, f: 0.25 }] });
    // float32 keeps LeakyRelu whatever the slope: its alpha is the network's own float32 slope.
    const single = decodeOnnxModel(
      (await ANN.create({ layers: [7, 4, 1], activation: 'leakyRelu', leakyReluSlope: 0.2, seed: 1 })).toONNX(),
    );
    expect(single.opsetImports[0].version).toBe(13);
    expect(single.graph.nodes[1].opType).toBe('LeakyRelu');
  });

  it('dropout, which acts in fit() only, leaves no node: the exported model predicts as predict does', async () => {
    const net = await ANN.create({
      layers: [7, 12, 3],
      activation: 'relu',
      output: 'softmax',
      dropout: 0.3,
      seed: 6,
      standardizer: Standardizer.fit(raw),
    });
    await net.fit(raw, targets, { epochs: 3, batchSize: 16, learningRate: 0.05 });
    expect(decodeOnnxModel(net.toONNX()).graph.nodes.map((n) => n.opType)).toEqual([
      'Cast',
      'Sub',
      'Div',
      'Cast',
      'Gemm',
      'Relu',
      'Gemm',
      'Softmax',
    ]);
    expect(await exportedDifference(net, raw)).toBeLessThanOrEqual(1e-6);
  });

  it('refuses a network with a non-finite weight, naming the layer and place', () => {
    const W = new Float32Array(6).fill(0.5);
    W[4] = Number.NaN;
    const fake = {
      layers: [3, 2],
      activations: ['sigmoid' as const],
      leakyReluSlope: 0.01,
      precision: 'f32' as const,
      loss: 'meanSquaredError' as const,
      standardizer: null,
      meta: {},
      getWeights: () => [{ W, b: new Float32Array(2) }],
    };
    expect(() => toOnnxBytes(fake, 'toONNX')).toThrow(
      'toONNX: layer 1 W[1][1] is NaN; a model with non-finite weights is not exported (it diverged?)',
    );
  });
});

describe('saveONNX', () => {
  const dir = mkdtempSync(join(tmpdir(), 'backprop-wasm-onnx-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the bytes of toONNX() atomically, replacing the previous file, and runs from the file', async () => {
    const net = await ANN.create({
      layers: [7, 6, 3],
      activation: 'sigmoid',
      output: 'softmax',
      seed: 3,
      standardizer: Standardizer.fit(raw),
    });
    const path = join(dir, 'seeds.onnx');
    writeFileSync(path, 'an older file');
    await net.saveONNX(path);
    const bytes = new Uint8Array(readFileSync(path));
    expect(bytes).toEqual(net.toONNX());
    const theirs = await runOnnx(bytes, Float32Array.from(raw.data), raw.rows, 7);
    expect(maxDiff(theirs.data, net.predict(raw).data)).toBeLessThanOrEqual(1e-6);
    // No temporary file is left beside it.
    expect(readdirSync(dir)).toEqual(['seeds.onnx']);
  });

  it('a failed write names the path and leaves nothing behind', async () => {
    const net = await ANN.create({ layers: [2, 1], seed: 1 });
    const path = join(dir, 'no-such-folder', 'm.onnx');
    await expect(net.saveONNX(path)).rejects.toThrow(
      /^saveONNX: cannot write .*no-such-folder\/m\.onnx: .*; the previous file \(if any\) is unchanged$/,
    );
    expect(existsSync(path)).toBe(false);
  });

  it('refuses after dispose, as every method does', async () => {
    const net = await ANN.create({ layers: [2, 1], seed: 1 });
    net.dispose();
    expect(() => net.toONNX()).toThrow('toONNX: this network was disposed; create or load a new one');
    await expect(net.saveONNX(join(dir, 'x.onnx'))).rejects.toThrow('saveONNX: this network was disposed');
  });
});
