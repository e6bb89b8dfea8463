// R1, the headline experiment of ../../../shared/REFERENCE.md: a 784-196-1 sigmoid network with
// binary cross-entropy tells MNIST 5s from 8s (11,272 training images, 1,866 test images), about
// 96% train and test accuracy. Minibatch SGD (what `npm start` runs) and full-batch gradient
// descent as the write-up does it, where the deeper 784-196-98-49-1 does worse.
// Run by examples/r1-mnist.js and test/r1-mnist.test.ts.
import { ANN } from 'backprop-wasm';
import { mnistFivesAndEights } from './data.js';

/** @typedef {import('./data.js').Labelled} Labelled */
/** @typedef {import('backprop-wasm').Evaluation} Evaluation */
/** @typedef {import('backprop-wasm').EpochLog} EpochLog */
/** @typedef {import('backprop-wasm').BatchLog} BatchLog */

/** The write-up's network: 784 pixels, 196 hidden units, one output (1 = a five). */
export const LAYERS = [784, 196, 1];
/** The deeper array that does worse with the same data, iterations and learning rate. */
export const DEEPER_LAYERS = [784, 196, 98, 49, 1];
/** The seed of the initial weights and of the shuffle. */
export const SEED = 1;
/** Minibatch SGD, as `npm start` runs it. */
export const MINIBATCH = { epochs: 5, batchSize: 32, learningRate: 0.5 };
/** Full-batch gradient descent, as the write-up does it: one step per pass over all the images. */
export const FULL_BATCH = { epochs: 60, learningRate: 2 };

/**
 * The 5s and 8s of both MNIST sets.
 * @returns {Promise<{ train: Labelled, test: Labelled }>}
 */
export async function loadData() {
  const train = await mnistFivesAndEights('train');
  const test = await mnistFivesAndEights('test');
  return { train, test };
}

/**
 * @typedef {object} R1Options
 * @property {number[]} [layers] default LAYERS
 * @property {number} [epochs] default MINIBATCH.epochs
 * @property {number | 'full'} [batchSize] 'full': every training image in one step; default MINIBATCH.batchSize
 * @property {number} [learningRate] default MINIBATCH.learningRate
 * @property {number} [seed] default SEED
 * @property {'auto' | number} [threads] threads the kernels run on; default 'auto'
 * @property {boolean} [validate] evaluate the test set after every epoch (valLoss, valAccuracy in the history); default false
 * @property {(net: ANN) => void} [onStart] called with the new network before training
 * @property {(log: BatchLog) => void} [onBatchEnd]
 * @property {(log: EpochLog) => void} [onEpochEnd]
 * @property {boolean} [keepNet] return the trained network (the caller disposes it); default false: it is disposed
 */

/**
 * @typedef {object} R1Result
 * @property {number[]} layers
 * @property {EpochLog[]} history one entry per epoch
 * @property {Evaluation} train the trained network on the training images
 * @property {Evaluation} test the trained network on the test images
 * @property {number} seconds wall-clock time of training (fit), in seconds
 * @property {ANN | null} net the trained network with keepNet, else null (disposed)
 */

/**
 * Creates a sigmoid network with binary cross-entropy, trains it on data.train and evaluates it on
 * both sets. Settings not given are MINIBATCH's.
 * @param {{ train: Labelled, test: Labelled }} data from loadData()
 * @param {R1Options} [options]
 * @returns {Promise<R1Result>}
 */
export async function trainAndEvaluate(data, options = {}) {
  const { train, test } = data;
  const { layers = LAYERS, epochs = MINIBATCH.epochs, learningRate = MINIBATCH.learningRate, seed = SEED } = options;
  const batchSize = options.batchSize === 'full' ? train.x.rows : (options.batchSize ?? MINIBATCH.batchSize);
  const net = await ANN.create({
    layers,
    activation: 'sigmoid',
    output: 'sigmoid',
    loss: 'binaryCrossEntropy',
    seed,
    threads: options.threads,
  });
  options.onStart?.(net);
  const started = performance.now();
  const history = await net.fit(train.x, train.y, {
    epochs,
    batchSize,
    learningRate,
    validationData: options.validate ? [test.x, test.y] : undefined,
    onBatchEnd: options.onBatchEnd,
    onEpochEnd: options.onEpochEnd,
  });
  const seconds = (performance.now() - started) / 1000;
  const result = {
    layers,
    history,
    train: net.evaluate(train.x, train.y),
    test: net.evaluate(test.x, test.y),
    seconds,
    net: options.keepNet ? net : null,
  };
  if (!options.keepNet) net.dispose();
  return result;
}

/**
 * Minibatch SGD: MINIBATCH's settings unless overridden.
 * @param {{ train: Labelled, test: Labelled }} data from loadData()
 * @param {R1Options} [options]
 * @returns {Promise<R1Result>}
 */
export function minibatch(data, options = {}) {
  return trainAndEvaluate(data, { ...MINIBATCH, ...options });
}

/**
 * Full-batch gradient descent: FULL_BATCH's settings, every image in each step, unless overridden
 * (`{ layers: DEEPER_LAYERS }` for the deeper array).
 * @param {{ train: Labelled, test: Labelled }} data from loadData()
 * @param {R1Options} [options]
 * @returns {Promise<R1Result>}
 */
export function fullBatch(data, options = {}) {
  return trainAndEvaluate(data, { ...FULL_BATCH, batchSize: 'full', ...options });
}
