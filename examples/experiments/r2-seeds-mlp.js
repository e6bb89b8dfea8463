// R2 of ../../../shared/REFERENCE.md: an MLP with sigmoid everywhere, squared error and per-sample
// SGD (batch of 1), scored by argmax, on the three wheat varieties of the UCI seeds data: a 7-5-3
// network, 50 epochs at learning rate 0.3, on stratified 70/30 splits standardised with the
// training rows' statistics. Run by examples/r2-seeds-mlp.js and test/r2-seeds-mlp.test.ts.
import { ANN, oneHot, Standardizer, trainTestSplit } from 'backprop-wasm';
import { seeds } from './data.js';

/** @typedef {import('./data.js').Labelled} Labelled */
/** @typedef {import('backprop-wasm').Matrix} Matrix */
/** @typedef {import('backprop-wasm').Evaluation} Evaluation */
/** @typedef {import('backprop-wasm').EpochLog} EpochLog */
/** @typedef {{ xTrain: Matrix, yTrain: Matrix, xTest: Matrix, yTest: Matrix }} Split */

/** 7 measurements, 5 hidden units, one output per variety. */
export const LAYERS = [7, 5, 3];
/** The seed of the initial weights and of the shuffle. */
export const SEED = 1;
/** Per-sample SGD. */
export const SGD = { epochs: 50, batchSize: 1, learningRate: 0.3 };
/** The share of the kernels held out, per variety (stratified). */
export const TEST_FRACTION = 0.3;
/** The seeds of the five splits. */
export const SPLIT_SEEDS = [1, 2, 3, 4, 5];

/**
 * All 210 kernels: x (210 × 7) and one-hot targets y (210 × 3).
 * @returns {Promise<Labelled>}
 */
export async function loadData() {
  const { x, labels } = await seeds();
  return { x, y: oneHot(labels).y };
}

/**
 * @typedef {object} R2Options
 * @property {number} [splitSeed] the seed of the 70/30 split; default SPLIT_SEEDS[0]
 * @property {number[]} [layers] default LAYERS
 * @property {number} [epochs] default SGD.epochs
 * @property {number} [batchSize] default SGD.batchSize
 * @property {number} [learningRate] default SGD.learningRate
 * @property {number} [seed] default SEED
 * @property {(net: ANN, split: Split, splitSeed: number) => void} [onStart] called with the new network before training
 * @property {(log: EpochLog, splitSeed: number) => void} [onEpochEnd]
 */

/**
 * @typedef {object} R2Run
 * @property {number} splitSeed
 * @property {number} trainRows
 * @property {number} testRows
 * @property {EpochLog[]} history one entry per epoch
 * @property {Evaluation} train the trained network on the training kernels
 * @property {Evaluation} test the trained network on the held-out kernels
 */

/**
 * One run: split, standardise with the training rows' statistics, train, evaluate.
 * @param {Labelled} data from loadData()
 * @param {R2Options} [options]
 * @returns {Promise<R2Run>}
 */
export async function run(data, options = {}) {
  const {
    splitSeed = SPLIT_SEEDS[0],
    layers = LAYERS,
    epochs = SGD.epochs,
    batchSize = SGD.batchSize,
    learningRate = SGD.learningRate,
    seed = SEED,
  } = options;
  const split = trainTestSplit(data.x, data.y, { testFraction: TEST_FRACTION, seed: splitSeed, stratify: true });
  const net = await ANN.create({
    layers,
    activation: 'sigmoid',
    output: 'sigmoid',
    loss: 'meanSquaredError',
    seed,
    standardizer: Standardizer.fit(split.xTrain),
  });
  options.onStart?.(net, split, splitSeed);
  const onEpochEnd = options.onEpochEnd;
  const history = await net.fit(split.xTrain, split.yTrain, {
    epochs,
    batchSize,
    learningRate,
    onEpochEnd: onEpochEnd && ((log) => onEpochEnd(log, splitSeed)),
  });
  const result = {
    splitSeed,
    trainRows: split.xTrain.rows,
    testRows: split.xTest.rows,
    history,
    train: net.evaluate(split.xTrain, split.yTrain),
    test: net.evaluate(split.xTest, split.yTest),
  };
  net.dispose();
  return result;
}

/**
 * One run per split seed, the same settings for each.
 * @param {Labelled} data from loadData()
 * @param {Omit<R2Options, 'splitSeed'> & { splitSeeds?: number[] }} [options] splitSeeds default SPLIT_SEEDS
 * @returns {Promise<{ runs: R2Run[], accuracies: number[], mean: number }>} accuracies: test accuracy of each run; mean: their mean
 */
export async function runSplits(data, options = {}) {
  const { splitSeeds = SPLIT_SEEDS, ...rest } = options;
  const runs = [];
  for (const splitSeed of splitSeeds) runs.push(await run(data, { ...rest, splitSeed }));
  const accuracies = runs.map((r) => r.test.accuracy ?? NaN);
  return { runs, accuracies, mean: accuracies.reduce((a, b) => a + b) / accuracies.length };
}
