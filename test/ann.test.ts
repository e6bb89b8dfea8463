/**
 * The ANN's promises beyond the numbers of a single step: seeded reproducibility, the two backends
 * agreeing, exact save/load, momentum, callbacks, and a saturated sigmoid output that still learns.
 */
import { describe, expect, it } from 'vitest';
import { ANN, Standardizer, matrix, type ANNOptions } from '../src/index.js';
import { mismatchRel, randomArray } from './helpers/compare.js';

const X = { data: randomArray(40 * 6, 1), rows: 40 };
const Y = { data: randomArray(40, 2, 0, 1).map((v) => (v > 0.5 ? 1 : 0)), rows: 40 };
const OPTIONS: ANNOptions = { layers: [6, 9, 5, 1], activation: ['tanh', 'relu'], output: 'sigmoid', loss: 'binaryCrossEntropy', seed: 11 };
const FIT = { epochs: 5, batchSize: 7, learningRate: 0.3, momentum: 0.5 };
const flat = (net: ANN) => net.getWeights().flatMap(({ W, b }) => [...W, ...b]);

describe('ANN', () => {
  it('the same seed gives the same weights and the same training run; another seed does not', async () => {
    const [a, b, c] = await Promise.all([ANN.create(OPTIONS), ANN.create(OPTIONS), ANN.create({ ...OPTIONS, seed: 12 })]);
    expect(flat(a)).toEqual(flat(b));
    expect(flat(a)).not.toEqual(flat(c));
    const ha = await a.fit(X, Y, FIT);
    const hb = await b.fit(X, Y, FIT);
    expect(ha.map((h) => h.loss)).toEqual(hb.map((h) => h.loss));
    expect(flat(a)).toEqual(flat(b));
    for (const n of [a, b, c]) n.dispose();
  });

  it('the wasm and TypeScript backends train to the same weights (float64: 1e-10; float32: 1e-4)', async () => {
    for (const [precision, tol] of [
      ['f64', 1e-10],
      ['f32', 1e-4],
    ] as const) {
      const wasm = await ANN.create({ ...OPTIONS, precision, backend: 'wasm' });
      const js = await ANN.create({ ...OPTIONS, precision, backend: 'js' });
      expect(flat(wasm)).toEqual(flat(js));
      const hw = await wasm.fit(X, Y, FIT);
      const hj = await js.fit(X, Y, FIT);
      expect(
        mismatchRel(
          hw.map((h) => h.loss),
          hj.map((h) => h.loss),
          tol,
          tol,
        ),
      ).toBeNull();
      expect(mismatchRel(flat(wasm), flat(js), tol, tol)).toBeNull();
      // Training moved the weights: the comparison is not between two untouched copies.
      expect(mismatchRel(flat(wasm), flat(await ANN.create({ ...OPTIONS, precision })), 1e-3, 1e-3)).not.toBeNull();
      wasm.dispose();
      js.dispose();
    }
  });

  it('toJSON → JSON text → fromJSON restores every weight bit, the standardizer, and the predictions', async () => {
    for (const precision of ['f32', 'f64'] as const) {
      const net = await ANN.create({ ...OPTIONS, precision, standardizer: Standardizer.fit(matrix(Float64Array.from(X.data), 40)) });
      await net.fit(X, Y, FIT);
      const text = JSON.stringify(net.toJSON());
      const loaded = await ANN.fromJSON(text);
      const fromObject = await ANN.fromJSON(JSON.parse(text));
      expect(loaded.precision).toBe(precision);
      const original = net.getWeights();
      loaded.getWeights().forEach(({ W, b }, l) => {
        expect(W).toBeInstanceOf(precision === 'f32' ? Float32Array : Float64Array);
        expect(Array.from(W)).toEqual(Array.from(original[l].W));
        expect(Array.from(b)).toEqual(Array.from(original[l].b));
      });
      expect(loaded.standardizer?.toJSON()).toEqual(net.standardizer?.toJSON());
      expect(Array.from(loaded.predict(X).data)).toEqual(Array.from(net.predict(X).data));
      expect(Array.from(fromObject.predict(X).data)).toEqual(Array.from(net.predict(X).data));
      expect(JSON.parse(text)).toMatchObject({ format: 'backprop-wasm/ann', version: 1, layers: OPTIONS.layers });
      for (const n of [net, loaded, fromObject]) n.dispose();
    }
  });

  it('momentum changes the path, and a step with momentum 0.9 follows v = 0.9v − lr·g; w += v', async () => {
    const plain = await ANN.create(OPTIONS);
    const heavy = await ANN.create(OPTIONS);
    const start = flat(plain);
    const g1 = plain.gradients(X, Y).flatMap(({ dW, db }) => [...dW, ...db]);
    await heavy.fit(X, Y, { epochs: 1, batchSize: 40, learningRate: 0.1, momentum: 0.9 });
    const g2 = heavy.gradients(X, Y).flatMap(({ dW, db }) => [...dW, ...db]);
    const after1 = flat(heavy);
    // First step: v = −lr·g1. Second step: v = 0.9·(−lr·g1) − lr·g2.
    expect(
      mismatchRel(
        after1,
        start.map((w, i) => w - 0.1 * g1[i]),
        1e-5,
        1e-6,
      ),
    ).toBeNull();
    await plain.fit(X, Y, { epochs: 2, batchSize: 40, learningRate: 0.1, momentum: 0.9, shuffle: false });
    const expected = start.map((w, i) => w - 0.1 * g1[i] + 0.9 * -0.1 * g1[i] - 0.1 * g2[i]);
    expect(mismatchRel(flat(plain), expected, 1e-4, 1e-6)).toBeNull();
    plain.dispose();
    heavy.dispose();
  });

  it('reports each epoch and batch to its callbacks, with validation figures, and stops when onEpochEnd returns false', async () => {
    const net = await ANN.create(OPTIONS);
    const batches: number[] = [];
    const history = await net.fit(X, Y, {
      epochs: 10,
      batchSize: 16,
      learningRate: 0.1,
      validationData: [X, Y],
      onBatchEnd: (log) => {
        batches.push(log.samples);
      },
      onEpochEnd: (log) => log.epoch < 3,
    });
    expect(history.map((h) => h.epoch)).toEqual([1, 2, 3]);
    expect(batches).toEqual([16, 16, 8, 16, 16, 8, 16, 16, 8]);
    expect(history[2].valLoss).toBeCloseTo(net.evaluate(X, Y).loss, 6);
    expect(history[2].valAccuracy).toBeCloseTo(net.evaluate(X, Y).accuracy!, 6);
    net.dispose();
  });

  it('a saturated sigmoid output with binary cross-entropy still learns at learning rate 4 (the gradient is ŷ − y)', async () => {
    const net = await ANN.create({ layers: [1, 1], output: 'sigmoid', loss: 'binaryCrossEntropy', seed: 1 });
    // z = 50·x − 60: for x = 1 the output is σ(−10) ≈ 4.5e-5 while the label is 1, and for x = 0, σ(−60).
    net.setWeights([{ W: [50], b: [-60] }]);
    const x = [[1], [0]];
    const y = [1, 0];
    const before = net.evaluate(x, y);
    expect(before.accuracy).toBe(0.5);
    await net.fit(x, y, { epochs: 20, batchSize: 2, learningRate: 4 });
    const after = net.evaluate(x, y);
    expect(after.accuracy).toBe(1);
    expect(after.loss).toBeLessThan(before.loss / 10);
    net.dispose();
  });

  it('categorical cross-entropy on a softmax output equals −mean Σ y·log softmax(z)', async () => {
    const net = await ANN.create({ layers: [3, 4], output: 'softmax', loss: 'categoricalCrossEntropy', precision: 'f64', seed: 5 });
    const x = [
      [0.1, -0.4, 2],
      [1, 1, -1],
    ];
    const y = [
      [0, 0, 1, 0],
      [0.5, 0.5, 0, 0],
    ];
    const p = net.predict(x).data;
    const expected = -(Math.log(p[2]) + 0.5 * Math.log(p[4]) + 0.5 * Math.log(p[5])) / 2;
    expect(net.evaluate(x, y).loss).toBeCloseTo(expected, 12);
    net.dispose();
  });

  it('predicts in chunks: 2,500 rows give the same outputs as one row at a time', async () => {
    const net = await ANN.create({ ...OPTIONS, precision: 'f64' });
    const big = { data: randomArray(2500 * 6, 9), rows: 2500 };
    const all = net.predict(big).data;
    for (const r of [0, 1023, 1024, 2047, 2499]) {
      expect(net.predict({ data: big.data.subarray(r * 6, r * 6 + 6), rows: 1 }).data[0]).toBe(all[r]);
    }
    net.dispose();
  });
});

describe('ANN training that diverges', () => {
  it('stops with a message naming the learning rate and restores the weights of the epoch start', async () => {
    const net = await ANN.create({ layers: [6, 9, 1], activation: 'identity', output: 'identity', loss: 'meanSquaredError', seed: 4 });
    const before = flat(net);
    const y = { data: randomArray(40, 3, -1, 1), rows: 40 };
    await expect(net.fit(X, y, { epochs: 3, batchSize: 8, learningRate: 1e30 })).rejects.toThrow(
      /fit: training diverged in epoch 1, batch \d+: the learning rate \(1e\+30\) is too large .* restored to where epoch 1 began/,
    );
    expect(flat(net)).toEqual(before);
    // Still usable: a sane rate trains from there.
    const history = await net.fit(X, y, { epochs: 3, batchSize: 8, learningRate: 0.01 });
    expect(history.every((h) => Number.isFinite(h.loss))).toBe(true);
    net.dispose();
  });
});

describe('ANN saved and loaded', () => {
  it('a network loaded from JSON trains exactly as the saved one does, before and after training', async () => {
    const original = await ANN.create(OPTIONS);
    const beforeTraining = await ANN.fromJSON(original.toJSON());
    await original.fit(X, Y, FIT);
    await beforeTraining.fit(X, Y, FIT);
    expect(flat(beforeTraining)).toEqual(flat(original));
    // Mid-way: the shuffling continues where it was.
    const resumed = await ANN.fromJSON(JSON.stringify(original.toJSON()));
    await original.fit(X, Y, FIT);
    await resumed.fit(X, Y, FIT);
    expect(flat(resumed)).toEqual(flat(original));
    for (const n of [original, beforeTraining, resumed]) n.dispose();
  });
});
