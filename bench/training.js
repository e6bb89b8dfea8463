/**
 * Whole training steps through the public API: the R1 network (784 → 196 → 1, sigmoid in every
 * layer, binary cross-entropy, seed 1) fitted on real MNIST 5-vs-8 rows by minibatch SGD.
 *
 * A full epoch (11,272 samples) takes the TS backend far too long to repeat, so the side-by-side
 * table times a fixed number of steps: fit() on the first steps × batch rows, one epoch, no
 * shuffling, so that each call is exactly `steps` optimizer steps. A time per call therefore
 * includes what fit() does around the steps (argument checks, copying each batch into the
 * kernels' memory), as a real training run does. Then wasm alone runs whole epochs from fresh
 * weights, and reports the accuracy they reach.
 */
import { Bench } from 'tinybench';
import { ANN } from '../dist/index.js';
import { firstRows } from './data.js';
import { perUnit, summarize, summarizeTimes } from './stats.js';

/** R1's network. Only the backend changes between the rows of a table. */
export const R1_NETWORK = { layers: [784, 196, 1], activation: 'sigmoid', output: 'sigmoid', loss: 'binaryCrossEntropy', seed: 1, precision: 'f32' };

const r1 = (backend) => ANN.create({ ...R1_NETWORK, backend });

/**
 * Times `steps` training steps of `batch` samples per fit() call, on each backend.
 * Returns { batch, steps, time: { [backend]: per-step summary } }.
 */
async function timeSteps(data, backends, { batch, steps, learningRate }, options) {
  const x = firstRows(data.train.x, batch * steps);
  const y = firstRows(data.train.y, batch * steps);
  const fitOptions = { epochs: 1, batchSize: batch, shuffle: false, learningRate };
  const bench = new Bench({ name: `training steps, batch ${batch}`, throws: true, ...options });
  const nets = [];
  for (const backend of backends) {
    const net = await r1(backend);
    nets.push(net);
    bench.add(backend, () => net.fit(x, y, fitOptions), { async: true });
  }
  await bench.run();
  const time = Object.fromEntries(backends.map((b) => [b, perUnit(summarize(bench.getTask(b)), steps)]));
  for (const net of nets) net.dispose();
  return { batch, steps, time };
}

export async function benchSteps(data, backends, configs, options) {
  const out = [];
  for (const config of configs) out.push(await timeSteps(data, backends, config, options));
  return out;
}

/**
 * `runs` full epochs of R1 on the wasm backend, each from freshly initialised weights (creation is
 * not timed), shuffled as fit() does by default. One untimed epoch first warms up the JIT.
 * Returns the epoch time summary, the training accuracy fit() logged over the epoch, and the
 * accuracy on the test 5s and 8s after it (identical across runs: weights and shuffle are seeded).
 */
export async function benchEpoch(data, { batch, learningRate, runs }) {
  const fitOptions = { epochs: 1, batchSize: batch, learningRate };
  const times = [];
  let log;
  let test;
  for (let run = 0; run <= runs; run++) {
    const net = await r1('wasm');
    const started = performance.now();
    [log] = await net.fit(data.train.x, data.train.y, fitOptions);
    const elapsed = performance.now() - started;
    if (run > 0) times.push(elapsed);
    test = net.evaluate(data.test.x, data.test.y);
    net.dispose();
  }
  return { batch, learningRate, samples: data.train.x.rows, time: summarizeTimes(times), trainAccuracy: log.accuracy, trainLoss: log.loss, test };
}
