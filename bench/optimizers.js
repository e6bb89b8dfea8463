/**
 * R1 training steps with each optimizer: the network of bench/training.js (784 → 196 → 1, sigmoid,
 * binary cross-entropy, seed 1, f32) on MNIST 5 vs 8 at batch 32 with plain SGD, SGD with
 * momentum (and Nesterov's), Adam, AdamW, RMSprop and SGD with clipNorm, on every kernel build given.
 *
 * 1. Accuracy: one whole shuffled epoch from fresh weights per (build, optimizer), then the test
 *    split (these fits also warm up the JIT).
 * 2. Speed, side by side and interleaved: one network per (build, optimizer), kept through the
 *    section, fitted in rounds — each round one fit per (build, optimizer), the order rotated by
 *    one each round (so that no optimizer always runs first or right after the other build) — of
 *    two shuffled epochs on the first `timedRows` training images, the second epoch timed, from
 *    the end of the first epoch's callback to the start of the second's (so that fit()'s per-call
 *    copying and checking of the inputs is not counted as steps). Short fits, many rounds: an
 *    optimizer and plain SGD are timed within about a second of each other, and each ratio is
 *    taken within a round and build, then the median of those ratios is reported.
 *    Two clocks: the epoch's wall time (EpochLog.seconds), and the process's CPU time
 *    (process.cpuUsage(); the main thread does the training, V8's helper threads are all but
 *    idle). On a shared machine the wall time counts the time slices other processes took; CPU
 *    time does not, so the ratios are taken on it. Where the kernel says (Linux schedstats), the
 *    time the main thread waited for a core is recorded too: how busy the machine was.
 * 3. The update alone: in the same rounds, each optimizer's `step()` (made by the library's own
 *    resolveOptimizer, as fit() makes it) on parameters of R1's sizes (W1 196 × 784, b1 196,
 *    W2 196, b2 1) in their own kernel instance, with gradients of R1's magnitude. For clipNorm
 *    the update is the global norm (sumOfSquares over every gradient) and the scaling of every
 *    gradient, as Network.clipGradients does them when it clips, then the SGD step: the case
 *    where clipping happens (in R1 at clipNorm 1 about 1 step in 20 clips; the others only
 *    compute the norm).
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { createParameter } from '../dist/core/parameter.js';
import { ANN } from '../dist/index.js';
import { resolveOptimizer } from '../dist/train/resolve-optimizer.js';
import { firstRows } from './data.js';
import { mulberry32 } from './seeded.js';
import { summarizeTimes } from './stats.js';
import { R1_NETWORK } from './training.js';

/** @typedef {import('./stats.js').TimeSummary} TimeSummary */
/** @typedef {import('./training.js').R1Data} R1Data */
/** @typedef {import('../dist/index.js').FitOptions} FitOptions */
/**
 * One case's measurements on one build: per round, the timed epoch's wall and CPU ms, the ms its
 * main thread waited for a core (null where it cannot be read), the ratios to plain SGD's epoch
 * in the same round; the update alone (ms per call, one per chunk); the accuracy run's figures.
 * @typedef {{ wall: number[], cpu: number[], wait: (number | null)[], test: number | null, train: number | undefined, epochMs: number, updates: number[], ratios: number[], wallRatios: number[], extras: number[] }} Raw
 */

/**
 * One optimizer as the table shows it: its fit() options (besides epochs and batchSize), what its
 * network is created with besides R1's options, and the case its ratios are to (plain SGD on the
 * same path).
 * @typedef {object} OptimizerCase
 * @property {string} id
 * @property {string} label
 * @property {FitOptions} fit
 * @property {Partial<import('../dist/index.js').ANNOptions>} [network]
 * @property {string} [base] default 'sgd'
 */

/** @type {Partial<import('../dist/index.js').ANNOptions>} */
const DENSE_PATH = { sparseInput: 'never' };

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
  // The dense first layer (sparseInput 'never'), as R1 ran before the sparse path: every weight has
  // a gradient there, so plain SGD updates all of them, as Adam does.
  { id: 'sgd-dense', label: 'SGD, dense path', fit: { learningRate: 0.5 }, network: DENSE_PATH, base: 'sgd-dense' },
  {
    id: 'adam-dense',
    label: 'Adam, dense path',
    fit: { optimizer: { name: 'adam', learningRate: 0.001 } },
    network: DENSE_PATH,
    base: 'sgd-dense',
  },
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
 * One optimizer on one build; times over the rounds.
 * @typedef {object} OptimizerRow
 * @property {string} id
 * @property {string} base the id of the case its ratios are to
 * @property {string} label
 * @property {string} settings
 * @property {number[]} wallTimes ms of the timed epoch, one per round
 * @property {number[]} cpuTimes ms of the process's CPU time in it, one per round
 * @property {TimeSummary} wall ms per training step (epoch ÷ steps), wall time
 * @property {TimeSummary} step ms per training step, CPU time: the clock of ratio and extra
 * @property {TimeSummary} ratio this epoch's CPU time ÷ plain SGD's in the same round and build
 * @property {TimeSummary} wallRatio the same on wall time
 * @property {TimeSummary} extra CPU ms per step over plain SGD's in the same round
 * @property {TimeSummary | null} waitShare the time the main thread waited for a core ÷ the epoch's wall time
 * @property {TimeSummary} update CPU ms per call of the update alone (samples of `updateChunk` calls)
 * @property {number} epochMs the wall time of the one whole epoch the accuracies come from (one run, not interleaved)
 * @property {number | undefined} trainAccuracy what that fit counted during its epoch
 * @property {number | null} testAccuracy on R1's test split after it
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
 * How many of x's columns (pixels) are non-zero in any of its rows, and in a batch of `batch`
 * consecutive rows on average: the rows of W1 that Adam and plain SGD update on the sparse path.
 * @param {{ data: ArrayLike<number>, rows: number, cols: number }} x
 * @param {number} batch
 */
function columnsPresent(x, batch) {
  const { data, rows, cols } = x;
  const anywhere = new Uint8Array(cols);
  let inBatches = 0;
  for (let b = 0; b < rows; b += batch) {
    const here = new Uint8Array(cols);
    for (let r = b; r < Math.min(rows, b + batch); r++) for (let c = 0; c < cols; c++) if (data[r * cols + c] !== 0) here[c] = 1;
    for (let c = 0; c < cols; c++) {
      inBatches += here[c];
      anywhere[c] |= here[c];
    }
  }
  return { cols, anywhere: anywhere.reduce((a, v) => a + v, 0), perBatch: inBatches / Math.ceil(rows / batch) };
}

/**
 * `calls` calls of `probe` in chunks of `chunk`: CPU ms per call, one sample per chunk.
 * @param {() => void} probe
 * @param {number} calls
 * @param {number} chunk
 * @param {number[]} into
 */
function timeUpdate(probe, calls, chunk, into) {
  for (let done = 0; done < calls; done += chunk) {
    const started = clocks().cpu;
    for (let i = 0; i < chunk; i++) probe();
    into.push((clocks().cpu - started) / chunk);
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

const SCHEDSTAT = `/proc/self/task/${process.pid}/schedstat`;
/**
 * The ms of CPU time this process has had (every thread: V8's helpers are all but idle in a
 * steady epoch; read precisely, unlike the main thread's own figure in schedstat, which moves in
 * scheduler ticks of up to 4 ms), and the ms its main thread has waited for a core (schedstat's
 * run delay; null where the kernel does not say: not Linux, or no schedstats).
 * @returns {{ cpu: number, wait: number | null }}
 */
export function clocks() {
  const { user, system } = process.cpuUsage();
  let wait = null;
  try {
    wait = Number(readFileSync(SCHEDSTAT, 'utf8').split(' ')[1]) / 1e6;
  } catch {
    // no schedstats here
  }
  return { cpu: (user + system) / 1000, wait: Number.isFinite(wait) ? wait : null };
}

/**
 * The accuracy of every (build, optimizer) after one epoch, then interleaved rounds of timed fits
 * and of the update alone.
 * @param {R1Data} data
 * @param {{ builds: import('./builds.js').BuildInfo[], batch: number, rounds: number, timedRows: number, updateCalls: number, updateChunk: number, cases?: OptimizerCase[], log?: (msg: string) => void }} options
 */
export async function benchOptimizers(
  data,
  { builds, batch, rounds, timedRows, updateCalls, updateChunk, cases = OPTIMIZER_CASES, log = () => {} },
) {
  if (cases[0].id !== 'sgd') throw new Error('bench: the first optimizer case must be plain SGD (every ratio is to it)');
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  const loadBefore = os.loadavg()[0];
  const { x, y } = data.train;
  const rows = Math.min(timedRows, x.rows);
  const timed = { x: firstRows(x, rows), y: firstRows(y, rows) };
  const steps = Math.ceil(rows / batch);
  const inputs = columnsPresent(timed.x, batch);
  /** @type {Map<string, Map<string, Raw>>} per build, per case */
  const raw = new Map();
  /** @type {Map<string, Awaited<ReturnType<typeof updateProbes>>>} */
  const probes = new Map();
  for (const b of builds) {
    raw.set(
      b.name,
      new Map(
        cases.map((c) => [
          c.id,
          { wall: [], cpu: [], wait: [], test: null, train: undefined, epochMs: 0, updates: [], ratios: [], wallRatios: [], extras: [] },
        ]),
      ),
    );
    probes.set(b.name, await updateProbes(b, cases));
  }
  const rawOf = (/** @type {string} */ build, /** @type {string} */ id) => /** @type {Raw} */ (raw.get(build)?.get(id));
  const probeOf = (/** @type {string} */ build, /** @type {string} */ id) => /** @type {() => void} */ (probes.get(build)?.probes.get(id));

  // 1. What each reaches in one whole epoch from fresh weights (this also warms up the JIT and every lazy set-up).
  for (const b of builds) {
    for (const c of cases) {
      log(`optimizers: one epoch for the accuracy, ${b.name}, ${c.label}`);
      b.select();
      const net = await ANN.create({ ...R1_NETWORK, ...c.network });
      const [epochLog] = await net.fit(x, y, { epochs: 1, batchSize: batch, ...c.fit });
      const e = rawOf(b.name, c.id);
      e.train = epochLog.accuracy;
      e.epochMs = epochLog.seconds * 1000;
      e.test = net.evaluate(data.test.x, data.test.y).accuracy ?? null;
      net.dispose();
    }
    for (const c of cases) timeUpdate(probeOf(b.name, c.id), updateChunk * 2, updateChunk, []);
  }

  // 2. The networks timed: one per (build, optimizer), kept through the rounds (its optimizer
  // with it, as fits with the same settings keep it), trained only ever on the same `rows`
  // samples — so a weight whose input is 0 in all of them keeps a gradient, and a state, of
  // exactly 0 (no state decays into the subnormal numbers, on which x86 arithmetic is many times
  // slower). A first fit, untimed, makes the optimizer's state.
  /** @type {Map<string, import('../dist/index.js').ANN>} */
  const nets = new Map();
  for (const b of builds) {
    b.select();
    for (const c of cases) {
      const net = await ANN.create({ ...R1_NETWORK, ...c.network });
      await net.fit(timed.x, timed.y, { epochs: 1, batchSize: batch, ...c.fit });
      nets.set(`${b.name} ${c.id}`, net);
    }
  }

  /**
   * A fit of two epochs on the timed rows, the second timed (wall and process CPU ms, the main
   * thread's wait for a core): from the end of the first epoch's callback to the start of the second's, so that
   * fit()'s per-call work (copying and checking the inputs) is left out.
   * @param {import('../dist/index.js').ANN} net
   * @param {OptimizerCase} c
   */
  const timedFit = async (net, c) => {
    /** @type {{ cpu: number, wait: number | null }[]} */
    const marks = [];
    const logs = await net.fit(timed.x, timed.y, {
      epochs: 2,
      batchSize: batch,
      ...c.fit,
      onEpochEnd: () => void marks.push(clocks()),
    });
    const [from, to] = marks;
    return {
      wall: logs[1].seconds * 1000,
      cpu: to.cpu - from.cpu,
      wait: from.wait !== null && to.wait !== null ? to.wait - from.wait : null,
    };
  };

  // 3. The rounds.
  for (let round = 0; round < rounds; round++) {
    if (round % 5 === 0) log(`optimizers: rounds ${round + 1}–${Math.min(round + 5, rounds)} of ${rounds}`);
    for (const b of rotate(builds, round)) {
      for (const c of rotate(cases, round)) {
        const r = await timedFit(/** @type {import('../dist/index.js').ANN} */ (nets.get(`${b.name} ${c.id}`)), c);
        const e = rawOf(b.name, c.id);
        e.wall.push(r.wall);
        e.cpu.push(r.cpu);
        e.wait.push(r.wait);
      }
      for (const c of cases) {
        const sgd = rawOf(b.name, c.base ?? 'sgd');
        const e = rawOf(b.name, c.id);
        const [t, base] = [e.cpu[round], sgd.cpu[round]];
        e.ratios.push(t / base);
        e.extras.push((t - base) / steps);
        e.wallRatios.push(e.wall[round] / sgd.wall[round]);
      }
      for (const c of rotate(cases, round)) timeUpdate(probeOf(b.name, c.id), updateCalls, updateChunk, rawOf(b.name, c.id).updates);
    }
  }
  for (const net of nets.values()) net.dispose();
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
    timedRows: rows,
    inputs,
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
        const waits = e.wait.every((t) => t !== null) ? /** @type {number[]} */ (e.wait) : null;
        return {
          id: c.id,
          base: c.base ?? 'sgd',
          label: c.label,
          settings: describeSettings(c),
          wallTimes: e.wall,
          cpuTimes: e.cpu,
          wall: summarizeTimes(e.wall.map((t) => t / steps)),
          step: summarizeTimes(e.cpu.map((t) => t / steps)),
          ratio: summarizeTimes(e.ratios),
          wallRatio: summarizeTimes(e.wallRatios),
          extra: summarizeTimes(e.extras),
          waitShare: waits && summarizeTimes(waits.map((w, i) => w / e.wall[i])),
          update: summarizeTimes(e.updates),
          epochMs: e.epochMs,
          trainAccuracy: e.train,
          testAccuracy: e.test,
        };
      }),
    })),
  };
}
