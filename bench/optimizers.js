/**
 * R1 training steps with each optimizer: the network of bench/training.js (784 → 196 → 1, sigmoid,
 * binary cross-entropy, seed 1, f32) fitted for one whole shuffled epoch on MNIST 5 vs 8 at batch
 * 32 with plain SGD, SGD with momentum (and Nesterov's), Adam, AdamW, RMSprop and SGD with
 * clipNorm, on every kernel build given.
 *
 * Side by side and interleaved: each round fits every (build, optimizer) once, in an order
 * rotated by one each round (so that no optimizer always runs first, right after the warm-up or the other build),
 * each from fresh weights (creation not timed); after one untimed warm-up round. A step's time is
 * the epoch's ÷ its steps; an optimizer's ratio to plain SGD is taken within each round and build
 * (the two epochs at most a few seconds apart), then the median of those ratios is reported: a
 * neighbour's load that slows a whole round cancels out, a burst within one epoch does not, and
 * shows in the ratios' spread.
 *
 * The update alone: in the same rounds, each optimizer's `step()` (made by the library's own
 * resolveOptimizer, as fit() makes it) is timed on parameters of R1's sizes (W1 196 × 784, b1 196,
 * W2 196, b2 1) in their own kernel instance, with gradients of R1's magnitude. For clipNorm the
 * update is the global norm (sumOfSquares over every gradient) and the scaling of every gradient,
 * as Network.clipGradients does them when it clips, then the SGD step: the case where clipping
 * happens (in R1 with clipNorm 1 about 1 step in 20 clips; the others only compute the norm).
 */
import os from 'node:os';
import { createParameter } from '../dist/core/parameter.js';
import { ANN } from '../dist/index.js';
import { resolveOptimizer } from '../dist/train/resolve-optimizer.js';
import { firstRows } from './data.js';
import { mulberry32 } from './seeded.js';
import { summarizeTimes } from './stats.js';
import { R1_NETWORK, warmupRows } from './training.js';

/** @typedef {import('./stats.js').TimeSummary} TimeSummary */
/** @typedef {import('./training.js').R1Data} R1Data */
/** @typedef {import('../dist/index.js').FitOptions} FitOptions */
/** @typedef {{ times: number[], tests: (number | null)[], train: number | undefined, updates: number[], ratios: number[], extras: number[] }} Raw one case's measurements on one build */

/**
 * One optimizer as the table shows it: its fit() options (besides epochs and batchSize).
 * @typedef {object} OptimizerCase
 * @property {string} id
 * @property {string} label
 * @property {FitOptions} fit
 */

/**
 * The optimizers measured, plain SGD first (every ratio is to it). Learning rates that train R1
 * in one epoch: the bench's 0.5 for SGD; 0.05 with momentum 0.9 (the same step size in the long
 * run, 0.05 ÷ (1 − 0.9)); the libraries' customary 0.001 for Adam, AdamW and RMSprop. Speed does
 * not depend on them.
 * @type {OptimizerCase[]}
 */
export const OPTIMIZER_CASES = [
  { id: 'sgd', label: 'SGD', fit: { learningRate: 0.5 } },
  { id: 'momentum', label: 'SGD, momentum 0.9', fit: { optimizer: { name: 'sgd', learningRate: 0.05, momentum: 0.9 } } },
  {
    id: 'nesterov',
    label: 'SGD, Nesterov momentum 0.9',
    fit: { optimizer: { name: 'sgd', learningRate: 0.05, momentum: 0.9, nesterov: true } },
  },
  { id: 'adam', label: 'Adam', fit: { optimizer: { name: 'adam', learningRate: 0.001 } } },
  { id: 'adamw', label: 'AdamW', fit: { optimizer: { name: 'adamw', learningRate: 0.001 } } },
  { id: 'rmsprop', label: 'RMSprop', fit: { optimizer: { name: 'rmsprop', learningRate: 0.001 } } },
  { id: 'clip', label: 'SGD, clipNorm 1', fit: { learningRate: 0.5, clipNorm: 1 } },
];

/** R1's parameters, in the network's order: name, length, whether weight decay applies. */
const R1_PARAMETERS = /** @type {const} */ ([
  ['W1', 196 * 784, true],
  ['b1', 196, false],
  ['W2', 196, true],
  ['b2', 1, false],
]);

/**
 * The optimizer recipe a case's fit options resolve to (the same call fit() makes).
 * @param {OptimizerCase} c
 */
function recipeOf(c) {
  return resolveOptimizer(c.fit.optimizer, { learningRate: c.fit.learningRate, momentum: c.fit.momentum }, `bench: ${c.id}`);
}

/**
 * "lr 0.001, beta1 0.9, …": the resolved settings that matter (false and 0 left out), and clipNorm.
 * @param {OptimizerCase} c
 */
export function describeSettings(c) {
  const r = recipeOf(c);
  const parts = [`${r.name}, lr ${r.learningRate}`];
  for (const [k, v] of Object.entries(r.settings)) if (v !== false && v !== 0) parts.push(v === true ? k : `${k} ${v}`);
  if (c.fit.clipNorm !== undefined) parts.push(`clipNorm ${c.fit.clipNorm}`);
  return parts.join(', ');
}

/**
 * One optimizer on one build.
 * @typedef {object} OptimizerRow
 * @property {string} id
 * @property {string} label
 * @property {string} settings
 * @property {number[]} epochTimes ms, one per round
 * @property {TimeSummary} step ms per training step (epoch ÷ steps), over the rounds
 * @property {TimeSummary} ratio this step ÷ plain SGD's in the same round and build, over the rounds
 * @property {TimeSummary} extra ms per step over plain SGD's in the same round, over the rounds
 * @property {TimeSummary} update ms per call of the update alone (samples of `updateChunk` calls)
 * @property {number | undefined} trainAccuracy what the fit counted during the epoch
 * @property {number | null} testAccuracy on R1's test split after the epoch
 * @property {boolean} sameEveryRound every round gave this test accuracy (seeded: it must)
 */

/**
 * The update of every case, each on its own optimizer (own state) over one set of R1-sized
 * parameters in a kernel instance of `build`.
 * @param {import('./builds.js').BuildInfo} build
 * @param {OptimizerCase[]} cases
 */
async function updateProbes(build, cases) {
  const kernels = await build.create('f32');
  const params = R1_PARAMETERS.map(([name, length, decays]) => createParameter(kernels, name, length, decays));
  const rand = mulberry32(7);
  for (const p of params) {
    const [w, g] = [kernels.view(p.value), kernels.view(p.gradient)];
    // R1's first-epoch gradients have a global norm of about 0.3 (median), 1e-3 or less per entry.
    for (let i = 0; i < p.length; i++) {
      w[i] = (rand() - 0.5) * 0.2;
      g[i] = (rand() - 0.5) * 2e-3;
    }
  }
  const scratch = new Float64Array(1);
  /** Network.clipGradients, scaling always (min(factor, 1): the gradients stay as they are). */
  const clip = (/** @type {number} */ maxNorm) => {
    scratch[0] = 0;
    for (const p of params) kernels.sumOfSquares(p.gradient, p.length, scratch, 0);
    const factor = Math.min(1, maxNorm / (Math.sqrt(scratch[0]) + 1e-6));
    for (const p of params) kernels.scale(p.gradient, p.length, factor);
  };
  /** @type {Map<string, () => void>} */
  const probes = new Map();
  for (const c of cases) {
    const recipe = recipeOf(c);
    const optimizer = recipe.create(kernels, params);
    const rate = recipe.learningRate;
    const maxNorm = c.fit.clipNorm;
    probes.set(
      c.id,
      maxNorm === undefined
        ? () => optimizer.step(rate)
        : () => {
            clip(maxNorm);
            optimizer.step(rate);
          },
    );
  }
  return { probes, dispose: () => kernels.dispose() };
}

/**
 * `calls` calls of `probe` in chunks of `chunk`: ms per call, one sample per chunk.
 * @param {() => void} probe
 * @param {number} calls
 * @param {number} chunk
 * @param {number[]} into
 */
function timeUpdate(probe, calls, chunk, into) {
  for (let done = 0; done < calls; done += chunk) {
    const started = performance.now();
    for (let i = 0; i < chunk; i++) probe();
    into.push((performance.now() - started) / chunk);
  }
}

/**
 * The rotation of `items` that starts at index `by` (mod length).
 * @template T
 * @param {T[]} items
 * @param {number} by
 */
function rotate(items, by) {
  const k = by % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

/**
 * Interleaved rounds of one-epoch fits, one per (build, optimizer), and of the update alone.
 * @param {R1Data} data
 * @param {{ builds: import('./builds.js').BuildInfo[], batch: number, rounds: number, updateCalls: number, updateChunk: number, cases?: OptimizerCase[], log?: (msg: string) => void }} options
 */
export async function benchOptimizers(data, { builds, batch, rounds, updateCalls, updateChunk, cases = OPTIMIZER_CASES, log = () => {} }) {
  if (cases[0].id !== 'sgd') throw new Error('bench: the first optimizer case must be plain SGD (every ratio is to it)');
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  const loadBefore = os.loadavg()[0];
  const { x, y } = data.train;
  const steps = Math.ceil(x.rows / batch);
  /** @type {Map<string, Map<string, Raw>>} per build, per case */
  const raw = new Map();
  /** @type {Map<string, Awaited<ReturnType<typeof updateProbes>>>} */
  const probes = new Map();
  for (const b of builds) {
    raw.set(b.name, new Map(cases.map((c) => [c.id, { times: [], tests: [], train: undefined, updates: [], ratios: [], extras: [] }])));
    probes.set(b.name, await updateProbes(b, cases));
  }
  const rawOf = (/** @type {string} */ build, /** @type {string} */ id) => /** @type {Raw} */ (raw.get(build)?.get(id));
  const probeOf = (/** @type {string} */ build, /** @type {string} */ id) => /** @type {() => void} */ (probes.get(build)?.probes.get(id));

  /**
   * One fit of one epoch: ms, and the accuracies.
   * @param {import('./builds.js').BuildInfo} b
   * @param {OptimizerCase} c
   * @param {{ x: import('../dist/index.js').Matrix, y: import('../dist/index.js').Matrix }} on
   */
  const fitOnce = async (b, c, on) => {
    b.select();
    const net = await ANN.create(R1_NETWORK);
    const started = performance.now();
    const [epochLog] = await net.fit(on.x, on.y, { epochs: 1, batchSize: batch, ...c.fit });
    const ms = performance.now() - started;
    const test = net.evaluate(data.test.x, data.test.y);
    net.dispose();
    return { ms, train: epochLog.accuracy, test: test.accuracy ?? null };
  };

  // Warm-up, untimed: a short fit with every optimizer on every build (JIT, lazy set-up), and a few updates.
  const rows = warmupRows(batch, x.rows);
  const warm = { x: firstRows(x, rows), y: firstRows(y, rows) };
  for (const b of builds) {
    for (const c of cases) await fitOnce(b, c, warm);
    for (const c of cases) timeUpdate(probeOf(b.name, c.id), updateChunk * 2, updateChunk, []);
  }

  for (let round = 0; round < rounds; round++) {
    log(`optimizers: round ${round + 1} of ${rounds}`);
    for (const b of rotate(builds, round)) {
      for (const c of rotate(cases, round)) {
        const r = await fitOnce(b, c, data.train);
        const e = rawOf(b.name, c.id);
        e.times.push(r.ms);
        e.tests.push(r.test);
        e.train = r.train;
      }
      const base = rawOf(b.name, 'sgd').times[round];
      for (const c of cases) {
        const e = rawOf(b.name, c.id);
        e.ratios.push(e.times[round] / base);
        e.extras.push((e.times[round] - base) / steps);
      }
      for (const c of rotate(cases, round)) timeUpdate(probeOf(b.name, c.id), updateCalls, updateChunk, rawOf(b.name, c.id).updates);
    }
  }
  for (const p of probes.values()) p.dispose();
  const cpu = process.cpuUsage(cpuStart);
  const seconds = (performance.now() - started) / 1000;

  return {
    seconds,
    // CPU time this process got ÷ wall time: about 1 when it had a core to itself throughout.
    cpuShare: (cpu.user + cpu.system) / 1e6 / seconds,
    load: { before: loadBefore, after: os.loadavg()[0] },
    batch,
    samples: x.rows,
    steps,
    rounds,
    updateCalls,
    updateChunk,
    testSamples: data.test.x.rows,
    builds: builds.map((b) => ({
      build: b.name,
      /** @type {OptimizerRow[]} */
      rows: cases.map((c) => {
        const e = rawOf(b.name, c.id);
        return {
          id: c.id,
          label: c.label,
          settings: describeSettings(c),
          epochTimes: e.times,
          step: summarizeTimes(e.times.map((t) => t / steps)),
          ratio: summarizeTimes(e.ratios),
          extra: summarizeTimes(e.extras),
          update: summarizeTimes(e.updates),
          trainAccuracy: e.train,
          testAccuracy: e.tests[0],
          sameEveryRound: e.tests.every((t) => t === e.tests[0]),
        };
      }),
    })),
  };
}
