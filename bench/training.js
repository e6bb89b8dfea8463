/**
 * R1 epochs through this library's public API: the network (784 → 196 → 1, sigmoid in every layer,
 * binary cross-entropy, seed 1, f32) fitted on real MNIST 5-vs-8 by minibatch SGD, one whole
 * shuffled epoch per run, each run from freshly initialised weights (creation not timed).
 * A short untimed fit first warms up the JIT.
 */
import { ANN } from '../dist/index.js';
import { firstRows } from './data.js';
import { summarizeTimes } from './stats.js';

/** R1's network. Only the backend (and the kernel build) changes between the rows of a table. */
export const R1_NETWORK = {
  layers: [784, 196, 1],
  activation: 'sigmoid',
  output: 'sigmoid',
  loss: 'binaryCrossEntropy',
  seed: 1,
  precision: 'f32',
};

/**
 * Rows of the untimed warm-up fit before the timed epochs: at least 3 batches and 640 images —
 * enough for the JIT and every lazy set-up, without half an epoch of the slow backends at batch 256.
 */
export function warmupRows(batch, rows) {
  return Math.min(rows, Math.max(3 * batch, 640));
}

/**
 * `runs` one-epoch fits on `backend` ('wasm' or 'js'); for wasm, `build.select()` runs first.
 * Returns { batch, samples, time (summary, ms), times, trainAccuracy, test: { loss, accuracy } }
 * (accuracy of the last run; identical across runs, since weights and shuffle are seeded).
 */
export async function benchEpoch(data, { backend, build, batch, learningRate, runs }) {
  await build?.select();
  const fitOptions = { epochs: 1, batchSize: batch, learningRate };
  const warm = await ANN.create({ ...R1_NETWORK, backend });
  const warmRows = warmupRows(batch, data.train.x.rows);
  await warm.fit(firstRows(data.train.x, warmRows), firstRows(data.train.y, warmRows), fitOptions);
  warm.dispose();
  const times = [];
  let log;
  let test;
  for (let run = 0; run < runs; run++) {
    const net = await ANN.create({ ...R1_NETWORK, backend });
    const started = performance.now();
    [log] = await net.fit(data.train.x, data.train.y, fitOptions);
    times.push(performance.now() - started);
    test = net.evaluate(data.test.x, data.test.y);
    net.dispose();
  }
  return { batch, samples: data.train.x.rows, time: summarizeTimes(times), times, trainAccuracy: log.accuracy, test };
}
