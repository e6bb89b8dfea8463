/**
 * The sparse section (`npm run bench -- --only sparse`): the first layer multiplying over the
 * non-zeros of its input against the dense path, through the public API on one thread.
 *
 * - R1 epochs (784 → 196 → 1, MNIST 5 vs 8, density 0.208) at batch 32 and 256 with sparseInput
 *   'never' (today's dense path) and 'auto', in interleaved rounds, each build; beside numpy +
 *   OpenBLAS on one thread (bench/baselines/numpy-r1.py, shared with the threads section) where python3 has numpy.
 * - The two products of the first layer alone, sparse kernels against gemm (bench/sparse-products.js).
 * - A density sweep: R1's network on a synthetic batch set (uniform non-zeros at 5% … 100%), epoch
 *   time of 'auto' and 'always' against 'never'. Where 'always' stops winning is the switch-over
 *   (SPARSE_MAX_DENSITY in src/core/sparse-input.ts); 'auto' must never be more than 3% slower.
 * - A dense real table (the UCI seeds data, 7 inputs, no zeros): 'auto' against 'never' (the same
 *   code under 32 inputs, so the ratio shows the noise of the run).
 * - A bag-of-words problem trained from CSR (bench/sparse-bow.js, in a child process for its
 *   peak RSS): 100,000 rows × 50,000 columns at 0.1%, and at half and twice the non-zeros.
 */
import { ANN } from '../dist/index.js';
import { SPARSE_MAX_DENSITY } from '../dist/core/sparse-input.js';
import { runNode } from './child.js';
import { benchSparseProducts, sparseProductsLines } from './sparse-products.js';
import { R1_NETWORK } from './training.js';
import { runR1Baseline } from './baselines/python.js';
import { summarizeTimes } from './stats.js';

/** R1's learning rate, as the epochs section trains it. */
const LEARNING_RATE = 0.1;

/**
 * One epoch of a fresh network on (x, y): the process's CPU time (ms) over it, its wall time, and
 * its test accuracy when asked. The network runs on one thread, so the CPU time is the training
 * thread's (and V8's helpers', all but idle): unlike the wall time it leaves out the time slices
 * that other processes take on a shared machine, which moved these epochs by ±10% between rounds.
 * @param {import('../dist/index.js').ANNOptions} options
 * @param {any} x
 * @param {any} y
 * @param {number} batch
 * @param {{ x: any, y: any } | null} test
 */
async function epochMs(options, x, y, batch, test = null) {
  // One thread, as the section says: with 'auto' threads the dense path would get the second core
  // and the sparse one hardly any (the threads section measures that), and the ratio would mix both.
  const net = await ANN.create({ ...options, threads: 1 });
  const cpu = process.cpuUsage();
  const started = performance.now();
  await net.fit(x, y, { epochs: 1, batchSize: batch, learningRate: LEARNING_RATE });
  const wall = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const accuracy = test ? net.evaluate(test.x, test.y).accuracy : undefined;
  net.dispose();
  return { ms: (used.user + used.system) / 1000, wall, accuracy };
}

/**
 * Median epoch times (CPU ms) of each mode, and their wall times, measured in `rounds` interleaved
 * rounds (so that a burst of load hits every mode alike; the order of the modes reversed every
 * other round) after one warm-up epoch each.
 * @param {string[]} modes
 * @param {(mode: string) => Promise<{ ms: number, wall?: number, accuracy?: number }>} run
 * @param {number} rounds
 */
async function interleaved(modes, run, rounds) {
  for (const mode of modes) await run(mode);
  /** @type {Record<string, number[]>} */
  const times = Object.fromEntries(modes.map((m) => [m, []]));
  /** @type {Record<string, number[]>} */
  const walls = Object.fromEntries(modes.map((m) => [m, []]));
  /** @type {Record<string, number | undefined>} */
  const accuracy = {};
  for (let r = 0; r < rounds; r++) {
    for (const mode of r % 2 === 0 ? modes : [...modes].reverse()) {
      const { ms, wall, accuracy: a } = await run(mode);
      times[mode].push(ms);
      walls[mode].push(wall ?? ms);
      accuracy[mode] = a;
    }
  }
  return {
    time: Object.fromEntries(modes.map((m) => [m, summarizeTimes(times[m])])),
    wall: Object.fromEntries(modes.map((m) => [m, summarizeTimes(walls[m])])),
    accuracy,
  };
}

/**
 * numpy's R1 epochs (ms: median and spread) at each batch size on one OpenBLAS thread, or null when python3 or numpy is missing.
 * @param {{ x: any, y: any }} train
 * @param {number[]} batches
 * @param {number} runs
 */
function numpyEpochs(train, batches, runs) {
  const r = runR1Baseline('numpy', train, { threads: [1], batches, runs, learningRate: LEARNING_RATE });
  if ('error' in r) return null;
  const epochRuns = r.byThreads[1].epochRuns;
  return Object.fromEntries(batches.map((b) => [b, summarizeTimes(epochRuns[b].map((s) => s * 1000))]));
}

/**
 * `rows` × 784 rows with `density` of the values non-zero (uniform in (0, 1], seeded), and 0/1 targets.
 * @param {number} rows
 * @param {number} density
 */
function syntheticBatches(rows, density) {
  let seed = 99;
  const next = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const data = new Float32Array(rows * 784);
  for (let i = 0; i < data.length; i++) if (next() < density) data[i] = next() || 0.5;
  const y = new Float32Array(rows);
  for (let r = 0; r < rows; r++) y[r] = next() < 0.5 ? 1 : 0;
  return { x: { data, rows, cols: 784 }, y: { data: y, rows, cols: 1 } };
}

/**
 * @param {{ train: { x: any, y: any }, test: { x: any, y: any } }} data R1
 * @param {{ seeds: { x: any, y: any }, builds: import('./builds.js').BuildInfo[], rounds: number, sweepRows: number, sweepRounds: number, densities: number[], bow: { rows: number, cols: number, perRow: number[], units: number, batch: number }, numpyRuns: number, nodeFlags: string[], log: (msg: string) => void }} options
 */
export async function benchSparse(data, options) {
  const { builds, rounds, log } = options;
  const batches = [32, 256];
  /** @type {any[]} */
  const r1 = [];
  for (const build of builds) {
    await build.select();
    for (const batch of batches) {
      log(`sparse: R1 epoch, batch ${batch}, build ${build.name}: 'never' and 'auto', ${rounds} interleaved rounds`);
      const res = await interleaved(
        ['never', 'auto'],
        (mode) => epochMs({ ...R1_NETWORK, sparseInput: /** @type {any} */ (mode) }, data.train.x, data.train.y, batch, data.test),
        rounds,
      );
      r1.push({ build: build.name, batch, ...res });
    }
  }
  const products = await benchSparseProducts(data.train, { builds, rounds: 4 * rounds + 1, log });
  log(`sparse: numpy + OpenBLAS, one thread (${options.numpyRuns} epochs per batch size)`);
  const numpy = numpyEpochs(data.train, batches, options.numpyRuns);

  await builds[builds.length - 1].select();
  const sweep = [];
  for (const density of options.densities) {
    const set = syntheticBatches(options.sweepRows, density);
    for (const batch of batches) {
      log(`sparse: density ${density}, batch ${batch}`);
      const res = await interleaved(
        ['never', 'always', 'auto'],
        (mode) => epochMs({ ...R1_NETWORK, sparseInput: /** @type {any} */ (mode) }, set.x, set.y, batch),
        options.sweepRounds,
      );
      sweep.push({ density, batch, ...res });
    }
  }

  log("sparse: the seeds table (dense, 7 inputs), 'never' against 'auto'");
  /** @type {import('../dist/index.js').ANNOptions} */
  const seedsNet = { layers: [7, 16, 3], activation: 'relu', output: 'softmax', loss: 'categoricalCrossEntropy', seed: 1 };
  const seedsRun = async (/** @type {string} */ mode) => {
    const net = await ANN.create({ ...seedsNet, threads: 1, sparseInput: /** @type {any} */ (mode) });
    const cpu = process.cpuUsage();
    const started = performance.now();
    await net.fit(options.seeds.x, options.seeds.y, { epochs: 200, batchSize: 16, learningRate: 0.05 });
    const wall = performance.now() - started;
    const used = process.cpuUsage(cpu);
    net.dispose();
    return { ms: (used.user + used.system) / 1000, wall };
  };
  const seeds = await interleaved(['never', 'auto'], seedsRun, rounds);

  const bow = [];
  for (const optimizer of ['sgd', 'adam']) {
    for (const perRow of options.bow.perRow) {
      const { rows, cols, units, batch } = options.bow;
      log(
        `sparse: bag of words from CSR, ${rows} × ${cols}, ${perRow} words a row, ${units} units, batch ${batch}, ${optimizer} (child process)`,
      );
      const args = [rows, cols, perRow, units, batch, 2, optimizer].map(String);
      const run = await runNode('bench/sparse-bow.js', args, { nodeFlags: options.nodeFlags });
      bow.push({ ...run.json, peakRss: run.peakRss });
    }
  }
  return { r1, products, numpy, sweep, seeds, bow, sweepRows: options.sweepRows };
}

const ms = (/** @type {number} */ t) => (t >= 1000 ? `${(t / 1000).toFixed(2)} s` : `${t.toFixed(t >= 100 ? 0 : 1)} ms`);
const x = (/** @type {number} */ r) => `${r.toFixed(2)}×`;

/**
 * The section's Markdown.
 * @param {Awaited<ReturnType<typeof benchSparse>>} s
 */
export function sparseSection(s) {
  const lines = ['## Sparse input: the first layer over the non-zeros', ''];
  lines.push(
    `\`npm run bench -- --only sparse\`. One thread. Medians of interleaved rounds (after a warm-up epoch each) of the process's CPU time over a fit of one epoch (a fresh network each; one thread, so the CPU time is the training thread's, without the time slices other processes took; the wall-time ratio is given beside); 'never' is the dense path as before, 'auto' the default (sparse for a batch with at most ${(100 * SPARSE_MAX_DENSITY).toFixed(0)}% non-zeros). Accuracy: R1's test set after the epoch.`,
    '',
  );
  lines.push('### R1 epoch (11,272 images, density 0.208)', '');
  lines.push(
    "| build | batch | 'never' (dense), CPU | 'auto' (sparse), CPU | dense ÷ sparse | on wall time | test accuracy never / auto | numpy + OpenBLAS, 1 thread (wall) |",
  );
  lines.push('|---|---|---|---|---|---|---|---|');
  for (const r of s.r1) {
    const np = s.numpy ? ms(s.numpy[r.batch].median) : 'not installed';
    lines.push(
      `| ${r.build} | ${r.batch} | ${ms(r.time.never.median)} | ${ms(r.time.auto.median)} | **${x(r.time.never.median / r.time.auto.median)}** | ${x(r.wall.never.median / r.wall.auto.median)} | ${(100 * r.accuracy.never).toFixed(2)}% / ${(100 * r.accuracy.auto).toFixed(2)}% | ${np} |`,
    );
  }
  const worst = s.r1.reduce((w, r) => Math.min(w, r.time.never.median / r.time.auto.median), Infinity);
  lines.push(
    '',
    `Bar (issue 13): 'auto' ≥ 2.5× faster than 'never' at batch 32 and 256 with the same accuracy: ${worst >= 2.5 ? '**met**' : `**not met** (lowest ${x(worst)})`}; the same accuracy: ${s.r1.every((r) => r.accuracy.never === r.accuracy.auto) ? 'yes, in every row (the weights are equal bit for bit: test/sparse-network.test.ts)' : '**no**'}.`,
  );
  lines.push('', ...sparseProductsLines(s.products));
  lines.push('', `### Density sweep (R1's network, ${s.sweepRows.toLocaleString('en-US')} synthetic rows, uniform non-zeros)`, '');
  lines.push("| density | batch | 'never' | 'always' | 'auto' | never ÷ always | auto ÷ never (≤ 1.03) | on wall time |");
  lines.push('|---|---|---|---|---|---|---|---|');
  for (const r of s.sweep) {
    const [n, a, u] = [r.time.never.median, r.time.always.median, r.time.auto.median];
    lines.push(
      `| ${(100 * r.density).toFixed(0)}% | ${r.batch} | ${ms(n)} | ${ms(a)} | ${ms(u)} | ${x(n / a)} | ${(u / n).toFixed(3)} | ${(r.wall.auto.median / r.wall.never.median).toFixed(3)} |`,
    );
  }
  const slowest = s.sweep.reduce(
    (w, r) => (r.time.auto.median / r.time.never.median > w.ratio ? { ratio: r.time.auto.median / r.time.never.median, r } : w),
    {
      ratio: 0,
      r: s.sweep[0],
    },
  );
  const sparseWins = s.sweep.filter((r) => r.time.always.median < r.time.never.median).map((r) => r.density);
  lines.push(
    '',
    `'auto' against 'never', worst row: ${slowest.ratio.toFixed(3)} at ${(100 * slowest.r.density).toFixed(0)}%, batch ${slowest.r.batch} (bar ≤ 1.03). The sparse path ('always') was faster than the dense one up to ${(100 * Math.max(0, ...sparseWins)).toFixed(0)}% here; 'auto' switches at ${(100 * SPARSE_MAX_DENSITY).toFixed(0)}% (SPARSE_MAX_DENSITY), at or below the crossover, so that a batch just under the switch still gains and one above it pays only the scan that gave up.`,
  );
  const sn = s.seeds.time;
  lines.push('', '### A dense real table (UCI seeds, 7 inputs, 210 rows, 200 epochs at batch 16)', '');
  lines.push(
    `'never' ${ms(sn.never.median)}, 'auto' ${ms(sn.auto.median)} (CPU): auto ÷ never **${(sn.auto.median / sn.never.median).toFixed(3)}**. Under 32 inputs 'auto' keeps the plain dense layer (SPARSE_MIN_INPUTS), so both run the same code: this ratio is the run's noise between two identical measurements.`,
  );
  lines.push('', '### Bag of words from CSR (ReLU hidden layer, 2 epochs, in a child process)', '');
  lines.push(
    "Plain SGD (lr 2) writes and applies the first layer's gradient by row list, the words a batch has (src/core/sparse-input.ts): its epoch should grow with the non-zeros. Adam (lr 0.003) updates the rows of every word seen so far, and both moments there, every step (the moments decay where the gradient is zero, which no row list of the batch can skip without changing the algorithm): after the first batches, nearly all 50,000.",
    '',
  );
  lines.push(
    '| optimizer | rows × columns | non-zeros | density | units | batch | epoch (median of 2) | µs per 1,000 non-zeros | train accuracy | peak RSS |',
  );
  lines.push('|---|---|---|---|---|---|---|---|---|---|');
  for (const b of s.bow) {
    const epoch = summarizeTimes(b.times.map((/** @type {number} */ t) => t * 1000)).median;
    lines.push(
      `| ${b.optimizer === 'adam' ? 'Adam' : 'SGD'} | ${b.rows.toLocaleString('en-US')} × ${b.cols.toLocaleString('en-US')} | ${b.nonZeros.toLocaleString('en-US')} | ${((100 * b.perRow) / b.cols).toFixed(2)}% | ${b.units} | ${b.batch} | ${ms(epoch)} | ${((epoch * 1000) / (b.nonZeros / 1000)).toFixed(0)} | ${(100 * b.accuracy).toFixed(1)}% | ${(b.peakRss / 2 ** 20).toFixed(0)} MiB |`,
    );
  }
  return `${lines.join('\n')}\n`;
}
