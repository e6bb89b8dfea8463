/**
 * `npm run bench -- --only threads`: the kernels and R1 on 1 … N threads (issue 11's bar), beside
 * numpy (OpenBLAS) on 1 and 2 threads where python3 has it.
 *
 * - Matrix products at 1 vs 2 threads: 512³ and R1's two large shapes at batch 256 (forward
 *   Z = X·W₁ᵀ, 256 × 196 × 784, and the weight gradient dW₁ = dZᵀ·X, 196 × 784 × 256).
 * - Small products with every cut allowed (the part minimums lowered to 1), to show where a second
 *   thread starts to pay: what GEMM_PART_MIN in src/backend/threaded.ts is set from.
 * - R1 epochs (784-196-1, all 11,272 images) at batch 256 and 32: one-epoch fits, and the epochs
 *   of five-epoch fits, which spread what a fit pays once over its epochs.
 * - A scaling table, 1 … N threads (N = --threads, default the cores available).
 * Thread counts are interleaved round by round, so that a neighbour's burst slows each alike.
 */
import os from 'node:os';
import { ANN } from '../dist/index.js';
import { setPartMinimums, ThreadedKernels } from '../dist/backend/threaded.js';
import { WasmKernels } from '../dist/backend/wasm.js';
import { kernelBuild } from '../dist/backend/wasm-module.js';
import { firstRows } from './data.js';
import { runR1Baseline } from './baselines/python.js';
import { summarizeTimes } from './stats.js';
import { R1_NETWORK, warmupRows } from './training.js';

/** @typedef {import('./training.js').R1Data} R1Data */
/** @typedef {{ name: string, m: number, n: number, k: number, transA: boolean, transB: boolean }} Shape */

/** @type {Shape[]} */
export const BAR_SHAPES = [
  { name: '512³', m: 512, n: 512, k: 512, transA: false, transB: false },
  { name: 'R1 forward, batch 256 (256 × 196 × 784, B ᵀ)', m: 256, n: 196, k: 784, transA: false, transB: true },
  { name: 'R1 dW₁, batch 256 (196 × 784 × 256, A ᵀ)', m: 196, n: 784, k: 256, transA: true, transB: false },
];
/** Cubes for the cutoff table. */
const SMALL = [24, 32, 48, 64, 96, 128];
export const GEMM_BAR = 1.8;
/** The epoch bars by batch size. */
export const EPOCH_BARS = { 256: 1.7, 32: 1.4 };
/** Epochs of the longer fits, whose epochs are timed too: a fit's own costs spread over them, as in most training. */
const LONG_FIT = 5;

/**
 * Kernels on `threads` threads: the plain wasm kernels for one.
 * @param {number} threads
 */
async function kernelsOn(threads) {
  return threads === 1 ? WasmKernels.create('f32') : ThreadedKernels.createThreaded('f32', threads);
}

/**
 * Milliseconds per product of `shape` on each of `kernels` (one per thread count): the median of
 * `rounds` rounds, each timing about `sliceMs` of calls on each in turn.
 * @param {Shape} shape
 * @param {import('../dist/backend/kernels.js').Kernels[]} kernels
 * @param {{ rounds: number, sliceMs: number }} budget
 */
function timeGemm(shape, kernels, { rounds, sliceMs }) {
  const { m, n, k, transA, transB } = shape;
  const sets = kernels.map((K) => {
    const mark = K.mark();
    const a = K.alloc(m * k);
    const b = K.alloc(k * n);
    const c = K.alloc(m * n);
    K.view(a).forEach((_, i, v) => (v[i] = ((i * 7919) % 1000) / 1000 - 0.5));
    K.view(b).forEach((_, i, v) => (v[i] = ((i * 104729) % 1000) / 1000 - 0.5));
    return { K, mark, a, b, c };
  });
  const call = (/** @type {typeof sets[number]} */ s) => s.K.gemm(transA, transB, m, n, k, s.a, s.b, s.c, false);
  // Calls per slice, for each thread count from a first timing of its own (a product that waits
  // for a worker can take a hundred times as long as on one thread).
  const calls = sets.map((s) => {
    for (let i = 0; i < 3; i++) call(s);
    const started = performance.now();
    for (let i = 0; i < 3; i++) call(s);
    return Math.max(2, Math.ceil(sliceMs / Math.max((performance.now() - started) / 3, 0.001)));
  });
  /** @type {number[][]} */
  const times = sets.map(() => []);
  /** @type {number[][]} CPU time of the whole process (every thread) per call */
  const cpus = sets.map(() => []);
  for (let r = 0; r < rounds; r++) {
    sets.forEach((s, i) => {
      const cpu = process.cpuUsage();
      const started = performance.now();
      for (let c = 0; c < calls[i]; c++) call(s);
      times[i].push((performance.now() - started) / calls[i]);
      const used = process.cpuUsage(cpu);
      cpus[i].push((used.user + used.system) / 1000 / calls[i]);
    });
  }
  for (const s of sets) s.K.release(s.mark);
  lastCpu = cpus.map((t) => summarizeTimes(t).median);
  return times.map((t) => summarizeTimes(t).median);
}

/** The CPU milliseconds per call (all threads) of the last timeGemm, by thread count. */
let lastCpu = /** @type {number[]} */ ([]);

/**
 * Seconds per R1 epoch at `batch` on each thread count: the median of `rounds` interleaved runs,
 * each a fit of `epochs` epochs from fresh weights (seed 1), divided by them; a short warm-up fit
 * first on each. A fit's own costs (the input check, a new network's first steps) are paid once
 * a fit: a one-epoch fit pays them all in its epoch.
 * @param {R1Data} data
 * @param {number} batch
 * @param {number[]} threads
 * @param {number} rounds
 * @param {number} [epochs]
 */
async function timeEpochs(data, batch, threads, rounds, epochs = 1) {
  const fit = { epochs, batchSize: batch, learningRate: 0.5 };
  const warm = warmupRows(batch, data.train.x.rows);
  for (const t of threads) {
    const net = await ANN.create({ ...R1_NETWORK, threads: t });
    await net.fit(firstRows(data.train.x, warm), firstRows(data.train.y, warm), fit);
    net.dispose();
  }
  /** @type {number[][]} */
  const times = threads.map(() => []);
  /** @type {number[][]} CPU seconds of every thread */
  const cpus = threads.map(() => []);
  /** @type {number[][]} the first weights after each run, to show the thread counts agree */
  const firstWeights = threads.map(() => []);
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < threads.length; i++) {
      const net = await ANN.create({ ...R1_NETWORK, threads: threads[i] });
      const cpu = process.cpuUsage();
      const started = performance.now();
      await net.fit(data.train.x, data.train.y, fit);
      times[i].push((performance.now() - started) / 1000 / epochs);
      const used = process.cpuUsage(cpu);
      cpus[i].push((used.user + used.system) / 1e6 / epochs);
      firstWeights[i] = Array.from(/** @type {ArrayLike<number>} */ (net.getWeights()[0].W)).slice(0, 64);
      net.dispose();
    }
  }
  const same = firstWeights.every((w) => w.every((v, j) => Object.is(v, firstWeights[0][j])));
  return { seconds: times.map((t) => summarizeTimes(t).median), cpu: cpus.map((t) => summarizeTimes(t).median), same };
}

/**
 * Everything the threads section measures.
 * @param {R1Data} data
 * @param {{ maxThreads: number, quick: boolean, log: (msg: string) => void }} options
 */
export async function benchThreads(data, { maxThreads, quick, log }) {
  const loadBefore = os.loadavg()[0];
  const cpuStart = process.cpuUsage();
  const wallStart = performance.now();
  const budget = quick
    ? { rounds: 2, sliceMs: 10, epochRounds: 1, numpyRuns: 1 }
    : { rounds: 9, sliceMs: 40, epochRounds: 5, numpyRuns: 3 };
  const counts = Array.from({ length: Math.max(2, maxThreads) }, (_, i) => i + 1);

  log(`threads: matrix products at 1 vs 2 threads (${kernelBuild()} build)`);
  const pair = [await kernelsOn(1), await kernelsOn(2)];
  const gemm = BAR_SHAPES.map((shape) => {
    const [one, two] = timeGemm(shape, pair, budget);
    const [cpuOne, cpuTwo] = lastCpu;
    return { shape: shape.name, one, two, speedup: one / two, cpuOne, cpuTwo };
  });

  log('threads: small products, every cut allowed (the cutoff)');
  const before = setPartMinimums(1, 1);
  const small = SMALL.map((s) => {
    const [one, two] = timeGemm({ name: `${s}³`, m: s, n: s, k: s, transA: false, transB: false }, pair, budget);
    return { size: s, one, two, speedup: one / two };
  });
  setPartMinimums(before.gemm, before.elementwise);
  for (const k of pair) k.dispose();

  log(`threads: R1 epochs at 1 and 2 threads, batch 256 and 32 (${budget.epochRounds} interleaved rounds)`);
  /** @type {{ batch: number, one: number, two: number, speedup: number, same: boolean, cpuOne: number, cpuTwo: number }[]} */
  const epochs = [];
  for (const batch of [256, 32]) {
    const r = await timeEpochs(data, batch, [1, 2], budget.epochRounds);
    epochs.push({
      batch,
      one: r.seconds[0],
      two: r.seconds[1],
      speedup: r.seconds[0] / r.seconds[1],
      same: r.same,
      cpuOne: r.cpu[0],
      cpuTwo: r.cpu[1],
    });
  }

  log(`threads: R1 epochs of ${LONG_FIT}-epoch fits at 1 and 2 threads, batch 256 and 32`);
  /** @type {{ batch: number, one: number, two: number, speedup: number, same: boolean }[]} */
  const longEpochs = [];
  for (const batch of [256, 32]) {
    const r = await timeEpochs(data, batch, [1, 2], Math.max(1, budget.epochRounds - 2), LONG_FIT);
    longEpochs.push({ batch, one: r.seconds[0], two: r.seconds[1], speedup: r.seconds[0] / r.seconds[1], same: r.same });
  }

  log(`threads: scaling, 1 … ${counts.length} threads`);
  const kernels = [];
  for (const t of counts) kernels.push(await kernelsOn(t));
  const scaleGemm = timeGemm(BAR_SHAPES[0], kernels, budget);
  for (const k of kernels) k.dispose();
  const scaleEpoch = await timeEpochs(data, 256, counts, Math.max(1, budget.epochRounds - 2));
  const scaling = counts.map((t, i) => ({ threads: t, gemm: scaleGemm[i], epoch256: scaleEpoch.seconds[i] }));

  log('threads: numpy (OpenBLAS) and PyTorch on 1 and 2 threads');
  const baseline = { threads: [1, 2], batches: [256, 32], runs: budget.numpyRuns };
  const numpy = runR1Baseline('numpy', data.train, baseline);
  const torch = runR1Baseline('torch', data.train, baseline);
  const cpu = process.cpuUsage(cpuStart);
  const seconds = (performance.now() - wallStart) / 1000;
  return {
    build: kernelBuild(),
    cores: os.availableParallelism(),
    cpu: os.cpus()[0]?.model ?? 'unknown CPU',
    samples: data.train.x.rows,
    gemm,
    small,
    epochs,
    longEpochs,
    scaling,
    scalingSame: scaleEpoch.same,
    numpy,
    torch,
    loadBefore,
    loadAfter: os.loadavg()[0],
    seconds,
    // This thread's CPU time over the wall time: workers are not counted, so about 1 means the caller never waited for a core.
    mainCpuShare: (cpu.user + cpu.system) / 1e6 / seconds,
  };
}

/**
 * The section as Markdown.
 * @param {Awaited<ReturnType<typeof benchThreads>>} t
 */
export function renderThreads(t) {
  const ms = (/** @type {number} */ v) => v.toFixed(v < 1 ? 3 : 2);
  const s = (/** @type {number} */ v) => v.toFixed(3);
  const x = (/** @type {number} */ v) => `${v.toFixed(2)}×`;
  const verdict = (/** @type {number} */ v, /** @type {number} */ bar) => (v >= bar ? `≥ ${bar}× ✓` : `≥ ${bar}× ✗`);
  const np = 'error' in t.numpy ? null : t.numpy.byThreads;
  const pt = 'error' in t.torch ? null : t.torch.byThreads;
  const npEpoch = (/** @type {number} */ threads, /** @type {number} */ batch) =>
    np ? s(np[threads].epochSeconds[batch]) : 'not measured';
  const ptEpoch = (/** @type {number} */ threads, /** @type {number} */ batch) =>
    pt ? s(pt[threads].epochSeconds[batch]) : 'not measured';
  const ptNote =
    'error' in t.torch
      ? `PyTorch: not measured (${t.torch.error}).`
      : `PyTorch ${t.torch.version} (torch.set_num_threads 1 and 2, OMP_NUM_THREADS and MKL_NUM_THREADS likewise), the same network as a PyTorch user writes it: nn.Sequential, nn.BCELoss, optim.SGD, autograd, float32 (bench/baselines/torch-r1.py).`;
  const npNote =
    'error' in t.numpy
      ? `numpy: not measured (${t.numpy.error}).`
      : `numpy ${t.numpy.version} (its OpenBLAS, OPENBLAS_NUM_THREADS set to 1 and 2; OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset), the same network and SGD in float32 (bench/baselines/numpy-r1.py).`;
  return `## 9. Threads (issue 11)

${t.build} build, ${t.cores} cores (${t.cpu}); load average ${t.loadBefore.toFixed(2)} before, ${t.loadAfter.toFixed(2)} after; ${t.seconds.toFixed(0)} s.
Each figure is a median of rounds in which the thread counts take turns. Results are bit-for-bit the
same at every thread count (test/threads.test.ts); the epochs here agreed too: ${t.epochs.every((e) => e.same) && t.longEpochs.every((e) => e.same) && t.scalingSame ? 'yes' : 'NO'}.

### Matrix products, float32, 1 vs 2 threads

| product | 1 thread (ms) | 2 threads (ms) | speedup | bar | CPU ms, 1 thread | CPU ms, 2 threads (both) | speedup with 2 free cores |
|---|---:|---:|---:|---|---:|---:|---:|
${t.gemm.map((g) => `| ${g.shape} | ${ms(g.one)} | ${ms(g.two)} | ${x(g.speedup)} | ${verdict(g.speedup, GEMM_BAR)} | ${ms(g.cpuOne)} | ${ms(g.cpuTwo)} | ${x((2 * g.cpuOne) / g.cpuTwo)} |`).join('\n')}
${np ? `| 512³, numpy | ${ms(np[1].gemm512Seconds * 1000)} | ${ms(np[2].gemm512Seconds * 1000)} | ${x(np[1].gemm512Seconds / np[2].gemm512Seconds)} | | | | |\n` : ''}${pt ? `| 512³, PyTorch | ${ms(pt[1].gemm512Seconds * 1000)} | ${ms(pt[2].gemm512Seconds * 1000)} | ${x(pt[1].gemm512Seconds / pt[2].gemm512Seconds)} | | | | |\n` : ''}
CPU ms: the process's CPU time per product, every thread counted (process.cpuUsage()). "With 2 free
cores" is 2 × CPU(1 thread) ÷ CPU(2 threads): the speedup the cut would give if both threads ran
at once all the time, what cutting costs (packing the shared operand twice, handing parts over,
polling) included. On a busy machine it is the figure to read; the wall-clock one is what this run got.

### R1 epoch (784-196-1, ${t.samples.toLocaleString('en-US')} images), seconds

| batch | 1 thread | 2 threads | speedup | bar | CPU s, 1 / 2 threads | numpy 1 thread | numpy 2 threads | PyTorch 1 thread | PyTorch 2 threads |
|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|
${t.epochs.map((e) => `| ${e.batch} | ${s(e.one)} | ${s(e.two)} | ${x(e.speedup)} | ${verdict(e.speedup, EPOCH_BARS[/** @type {256 | 32} */ (e.batch)])} | ${s(e.cpuOne)} / ${s(e.cpuTwo)} | ${npEpoch(1, e.batch)} | ${npEpoch(2, e.batch)} | ${ptEpoch(1, e.batch)} | ${ptEpoch(2, e.batch)} |`).join('\n')}

Each run above is a fit of one epoch, so it also pays what a fit pays once: the check of the
inputs for non-finite values (on the calling thread, through the kernels' memory), a new network's
first steps (V8 compiling, the products' shares settling). Below, the epochs of ${LONG_FIT}-epoch fits
(the same interleaving, fewer rounds), where those costs are spread over the epochs:

| batch | 1 thread | 2 threads | speedup | bar |
|---:|---:|---:|---:|---|
${t.longEpochs.map((e) => `| ${e.batch} | ${s(e.one)} | ${s(e.two)} | ${x(e.speedup)} | ${verdict(e.speedup, EPOCH_BARS[/** @type {256 | 32} */ (e.batch)])} |`).join('\n')}

An epoch's CPU time counts every thread, their polling included (a worker polls for 0.3 ms after
each task before it sleeps, the calling thread some 1,000 times while it waits): what it adds over
one thread is what the cutting costs. Part of an epoch stays on one thread (the small kernels, the
loss, and what the sparse first layer needs of each batch: its gather from your array, which the
workers cannot read, and its compressed copies), so its speedup is below the products'. That part
runs beside the workers' part of the forward product (the next batch's gather and compression, the
batch's CSC copy), and the calling thread's share of each product follows the threads' speed.

${npNote}
${ptNote}

### Scaling, 1 … ${t.scaling.length} threads

| threads | 512³ (ms) | speedup | R1 epoch, batch 256 (s) | speedup |
|---:|---:|---:|---:|---:|
${t.scaling.map((r) => `| ${r.threads} | ${ms(r.gemm)} | ${x(t.scaling[0].gemm / r.gemm)} | ${s(r.epoch256)} | ${x(t.scaling[0].epoch256 / r.epoch256)} |`).join('\n')}

More threads than cores only share them. \`npm run bench -- --only threads --threads N\` makes this table for N threads.

### Where a second thread starts to pay (small cubes, every cut allowed)

| n (n × n × n) | 1 thread (µs) | 2 threads (µs) | speedup |
|---:|---:|---:|---:|
${t.small.map((r) => `| ${r.size} | ${(r.one * 1000).toFixed(1)} | ${(r.two * 1000).toFixed(1)} | ${x(r.speedup)} |`).join('\n')}

The library cuts a product only when each part keeps at least GEMM_PART_MIN multiply-adds
(src/backend/threaded.ts); smaller calls run on the calling thread.
`;
}
