// R5 of ../../../shared/REFERENCE.md: two wheat varieties of the UCI seeds data (Kama → 1 vs
// Rosa → 0, 140 kernels), standardised with the training rows' statistics, a 7-4-1 sigmoid network
// with binary cross-entropy trained by per-sample SGD (30 epochs, learning rate 0.1) on stratified
// 70/30 splits. Run by examples/r5-seeds-binary.js and test/r5-seeds-binary.test.ts.
import { ANN, Standardizer, trainTestSplit } from 'backprop-wasm';
import { seedsTwoVarieties } from './data.js';

/** @typedef {import('./data.js').Labelled} Labelled */
/** @typedef {import('backprop-wasm').Matrix} Matrix */
/** @typedef {import('backprop-wasm').Evaluation} Evaluation */
/** @typedef {import('backprop-wasm').EpochLog} EpochLog */
/** @typedef {{ xTrain: Matrix, yTrain: Matrix, xTest: Matrix, yTest: Matrix }} Split */

/** The two varieties: Kama (1 in the file) is the positive class, Rosa (2) the negative. */
export const VARIETIES = { positive: 1, negative: 2 };
/** 7 measurements, 4 hidden units, one output (1 = Kama). */
export const LAYERS = [7, 4, 1];
/** The seed of the initial weights and of the shuffle. */
export const SEED = 1;
/** Per-sample SGD. */
export const SGD = { epochs: 30, batchSize: 1, learningRate: 0.1 };
/** The share of the kernels held out, per variety (stratified). */
export const TEST_FRACTION = 0.3;
/** The seeds of the five splits; the first is "the seeded split". */
export const SPLIT_SEEDS = [1, 2, 3, 4, 5];

/**
 * The 140 kernels of the two varieties, y = 1 for Kama.
 * @returns {Promise<Labelled>}
 */
export function loadData() {
  return seedsTwoVarieties(VARIETIES.positive, VARIETIES.negative);
}

/**
 * @typedef {object} R5Options
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
 * @typedef {object} R5Run
 * @property {number} splitSeed
 * @property {Split} split the training and held-out rows
 * @property {Standardizer} standardizer fitted on split.xTrain, part of the network
 * @property {EpochLog[]} history one entry per epoch
 * @property {Evaluation} train the trained network on the training kernels
 * @property {Evaluation} test the trained network on the held-out kernels
 */

/**
 * One run: split, standardise with the training rows' statistics, train, evaluate.
 * @param {Labelled} data from loadData()
 * @param {R5Options} [options]
 * @returns {Promise<R5Run>}
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
  const standardizer = Standardizer.fit(split.xTrain);
  const net = await ANN.create({ layers, activation: 'sigmoid', output: 'sigmoid', loss: 'binaryCrossEntropy', seed, standardizer });
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
    split,
    standardizer,
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
 * @param {Omit<R5Options, 'splitSeed'> & { splitSeeds?: number[] }} [options] splitSeeds default SPLIT_SEEDS
 * @returns {Promise<{ runs: R5Run[], accuracies: number[], mean: number }>} accuracies: test accuracy of each run; mean: their mean
 */
export async function runSplits(data, options = {}) {
  const { splitSeeds = SPLIT_SEEDS, ...rest } = options;
  const runs = [];
  for (const splitSeed of splitSeeds) runs.push(await run(data, { ...rest, splitSeed }));
  const accuracies = runs.map((r) => r.test.accuracy ?? NaN);
  return { runs, accuracies, mean: accuracies.reduce((a, b) => a + b) / accuracies.length };
}
