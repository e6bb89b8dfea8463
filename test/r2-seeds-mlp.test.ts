/**
 * R2 — an MLP with sigmoid everywhere, squared error, and per-sample SGD (batch of 1), scored by
 * argmax: the three wheat varieties of the UCI seeds data.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ANN, oneHot, Standardizer, trainTestSplit, type Matrix } from '../src/index.js';
import { seeds } from './helpers/datasets.js';

let x: Matrix;
let y: Matrix;

beforeAll(async () => {
  const data = await seeds();
  x = data.x;
  y = oneHot(data.labels).y;
});

async function run(splitSeed: number) {
  const split = trainTestSplit(x, y, { testFraction: 0.3, seed: splitSeed, stratify: true });
  const net = await ANN.create({
    layers: [7, 5, 3],
    activation: 'sigmoid',
    output: 'sigmoid',
    loss: 'meanSquaredError',
    seed: 1,
    standardizer: Standardizer.fit(split.xTrain),
  });
  const history = await net.fit(split.xTrain, split.yTrain, { epochs: 50, batchSize: 1, learningRate: 0.3 });
  const result = { history, train: net.evaluate(split.xTrain, split.yTrain), test: net.evaluate(split.xTest, split.yTest) };
  net.dispose();
  return result;
}

describe('R2: seeds, three varieties, 7-5-3 sigmoid MLP, squared error, per-sample SGD', () => {
  it('uses one-hot targets for 210 kernels of 3 varieties', () => {
    expect([x.rows, x.cols, y.cols]).toEqual([210, 7, 3]);
  });

  it('learns: the loss falls and argmax accuracy is ≥ 90% on held-out kernels, averaged over five splits', async () => {
    const accuracies: number[] = [];
    for (const splitSeed of [1, 2, 3, 4, 5]) {
      const { history, train, test } = await run(splitSeed);
      expect(history[history.length - 1].loss).toBeLessThan(history[0].loss / 3);
      expect(train.accuracy).toBeGreaterThan(0.9);
      accuracies.push(test.accuracy!);
    }
    const mean = accuracies.reduce((a, b) => a + b) / accuracies.length;
    console.log(
      `R2 test accuracy over five 70/30 splits: ${accuracies.map((a) => (100 * a).toFixed(1)).join(', ')} (mean ${(100 * mean).toFixed(1)}%)`,
    );
    expect(mean).toBeGreaterThanOrEqual(0.9);
  });
});
