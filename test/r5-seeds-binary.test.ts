/**
 * R5 — two wheat varieties (Kama vs Rosa) of the UCI seeds data, standardised, a sigmoid network
 * with binary cross-entropy trained by per-sample SGD: ≥ 90% test accuracy on a seeded 70/30 split.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ANN, Standardizer, trainTestSplit, type Matrix } from '../src/index.js';
import { seedsTwoVarieties } from './helpers/datasets.js';

let x: Matrix;
let y: Matrix;

beforeAll(async () => {
  ({ x, y } = await seedsTwoVarieties(1, 2));
});

async function run(splitSeed: number) {
  const split = trainTestSplit(x, y, { testFraction: 0.3, seed: splitSeed, stratify: true });
  const standardizer = Standardizer.fit(split.xTrain);
  const net = await ANN.create({
    layers: [7, 4, 1],
    activation: 'sigmoid',
    output: 'sigmoid',
    loss: 'binaryCrossEntropy',
    seed: 1,
    standardizer,
  });
  await net.fit(split.xTrain, split.yTrain, { epochs: 30, batchSize: 1, learningRate: 0.1 });
  const test = net.evaluate(split.xTest, split.yTest);
  net.dispose();
  return { test, standardizer, split };
}

describe('R5: seeds, Kama vs Rosa, 7-4-1 sigmoid network, binary cross-entropy, SGD', () => {
  it('uses 140 kernels of two varieties, 70 of each', () => {
    expect(x.rows).toBe(140);
    expect(y.data.reduce((a, b) => a + b, 0)).toBe(70);
  });

  it('standardises with statistics of the training rows only', async () => {
    const { standardizer, split } = await run(1);
    const z = standardizer.apply(split.xTrain);
    for (let c = 0; c < z.cols; c++) {
      let mean = 0;
      for (let r = 0; r < z.rows; r++) mean += z.data[r * z.cols + c] / z.rows;
      expect(Math.abs(mean)).toBeLessThan(1e-5);
    }
  });

  it('reaches ≥ 90% test accuracy on the seeded split, and ≥ 90% on average over five splits', async () => {
    const accuracies: number[] = [];
    for (const splitSeed of [1, 2, 3, 4, 5]) accuracies.push((await run(splitSeed)).test.accuracy!);
    const mean = accuracies.reduce((a, b) => a + b) / accuracies.length;
    console.log(
      `R5 test accuracy over five 70/30 splits: ${accuracies.map((a) => (100 * a).toFixed(1)).join(', ')} (mean ${(100 * mean).toFixed(1)}%)`,
    );
    expect(accuracies[0]).toBeGreaterThanOrEqual(0.9);
    expect(mean).toBeGreaterThanOrEqual(0.9);
  });
});
