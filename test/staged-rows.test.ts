/**
 * The training set staged in the kernels' memory (src/core/staged-rows.ts): the gathering kernel
 * against a plain copy, its index checks, and training through the API — the same bits with the
 * set staged as gathered from the user's array, on one thread and two, through validation passes
 * and a second fit; and a non-finite input found on the staged copy, named, with nothing changed.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ANN, type FitOptions } from '../src/index.js';
import { JsKernels } from '../src/backend/js.js';
import type { Kernels, Precision } from '../src/backend/kernels.js';
import { WasmKernels } from '../src/backend/wasm.js';
import { Network } from '../src/core/network.js';
import { StagedRows } from '../src/core/staged-rows.js';
import { loadData } from '../examples/experiments/r1-mnist.js';
import { firstDifference, randomArray } from './helpers/compare.js';

describe('gatherRows', () => {
  for (const precision of ['f32', 'f64'] as Precision[]) {
    it(`copies the listed rows one after another, and refuses an index outside the set by name (${precision})`, async () => {
      const wasm = await WasmKernels.create(precision);
      try {
        for (const k of [wasm, new JsKernels(precision)] as Kernels[]) {
          const rows = 9;
          const cols = 13;
          const values = randomArray(rows * cols, 5);
          const set = k.alloc(rows * cols);
          k.view(set).set(values);
          const picks = [8, 0, 3, 3, 7];
          const order = k.allocIndices(picks.length);
          k.indexView(order).set(picks);
          // One more row than is gathered, with a sentinel that must stay.
          const dst = k.alloc((picks.length + 1) * cols);
          k.view(dst).fill(-7);
          k.gatherRows(set, cols, order, picks.length, dst);
          const expected = picks.flatMap((r) => Array.from(values.subarray(r * cols, (r + 1) * cols)));
          const got = k.view(dst);
          const want = precision === 'f32' ? Float32Array.from(expected) : Float64Array.from(expected);
          expect(firstDifference(got.subarray(0, picks.length * cols), want), k.name).toBe(-1);
          expect(
            Array.from(got.subarray(picks.length * cols)).every((v) => v === -7),
            k.name,
          ).toBe(true);
          for (const wrong of [-1, rows]) {
            k.indexView(order)[2] = wrong;
            expect(() => k.gatherRows(set, cols, order, picks.length, dst), `${k.name} ${wrong}`).toThrow(
              new RegExp(`gatherRows order\\[2\\]: expected a row of the set, 0 … ${rows - 1}, got ${wrong}`),
            );
          }
          k.indexView(order)[2] = 1;
          const small = k.alloc(cols);
          expect(() => k.gatherRows(set, cols, order, picks.length, small), k.name).toThrow(/gatherRows/);
        }
      } finally {
        wasm.dispose();
      }
    });
  }
});

describe('training from the staged set', () => {
  afterEach(() => vi.restoreAllMocks());

  async function digits(rows: number) {
    const { train } = await loadData();
    return {
      x: { rows, cols: 784, data: train.x.data.slice(0, rows * 784) },
      y: { rows, cols: 1, data: train.y.data.slice(0, rows) },
    };
  }

  /** Weights and predictions after two fits (the second with validation data larger than a batch), and how many batches came from a staged set. */
  async function train(threads: number, stage: boolean) {
    const { x, y } = await digits(1536);
    const valid = {
      x: { rows: 512, cols: 784, data: x.data.subarray(1024 * 784) },
      y: { rows: 512, cols: 1, data: y.data.subarray(1024) },
    };
    const train = {
      x: { rows: 1024, cols: 784, data: x.data.subarray(0, 1024 * 784) },
      y: { rows: 1024, cols: 1, data: y.data.subarray(0, 1024) },
    };
    if (!stage) vi.spyOn(Network.prototype, 'stage').mockReturnValue(null);
    const gathered = vi.spyOn(StagedRows.prototype, 'gatherInto');
    const net = await ANN.create({
      layers: [784, 64, 1],
      activation: 'sigmoid',
      output: 'sigmoid',
      loss: 'binaryCrossEntropy',
      seed: 3,
      threads,
    });
    expect(net.threads).toBe(threads);
    const fit: FitOptions = { epochs: 2, batchSize: 64, learningRate: 0.5 };
    await net.fit(train.x, train.y, fit);
    const history = await net.fit(train.x, train.y, { ...fit, validationData: [valid.x, valid.y] });
    const w = net.getWeights();
    const out = {
      W1: Array.from(w[0].W as ArrayLike<number>),
      W2: Array.from(w[1].W as ArrayLike<number>),
      predictions: Array.from(net.predict(valid.x).data),
      valLoss: history.map((h) => h.valLoss),
      stagedBatches: gathered.mock.calls.length,
    };
    net.dispose();
    vi.restoreAllMocks();
    return out;
  }

  for (const threads of [1, 2]) {
    it(`gives the same bits as batches gathered from the user's array, through validation passes and a second fit (${threads} thread${threads > 1 ? 's' : ''})`, async () => {
      const staged = await train(threads, true);
      const plain = await train(threads, false);
      // Four epochs of 16 batches: every one gathered from the staged set, none without it.
      expect(staged.stagedBatches).toBe(64);
      expect(plain.stagedBatches).toBe(0);
      for (const part of ['W1', 'W2', 'predictions'] as const) expect(firstDifference(staged[part], plain[part]), part).toBe(-1);
      expect(staged.valLoss).toEqual(plain.valLoss);
    });
  }

  it('finds a non-finite input on the staged copy on two threads, names its cell, and changes nothing', async () => {
    const { x, y } = await digits(300);
    x.data[217 * 784 + 400] = Number.NaN;
    const net = await ANN.create({ layers: [784, 32, 1], output: 'sigmoid', loss: 'binaryCrossEntropy', seed: 1, threads: 2 });
    const stage = vi.spyOn(Network.prototype, 'stage');
    const before = net.getWeights().map((l) => Array.from(l.W as ArrayLike<number>));
    await expect(net.fit(x, y, { epochs: 1, batchSize: 32 })).rejects.toThrow(
      /^fit: x row 217, column 400 is NaN; every value must be a finite number$/,
    );
    expect(stage).toHaveBeenCalledTimes(1);
    const after = net.getWeights().map((l) => Array.from(l.W as ArrayLike<number>));
    expect(after.map((w, i) => firstDifference(w, before[i]))).toEqual([-1, -1]);
    x.data[217 * 784 + 400] = 0.5;
    const history = await net.fit(x, y, { epochs: 1, batchSize: 32 });
    expect(Number.isFinite(history[0].loss)).toBe(true);
    net.dispose();
  });
});
