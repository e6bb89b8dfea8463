/**
 * `npm run bench`: this library (each wasm kernel build, and its pure-TS backend) side by side with
 * TensorFlow.js 4.22 (cpu and single-thread wasm backends) and a hand-written plain-JS loop, from
 * single matrix products up to R1 training epochs, plus allocation, memory and start-up. Prints
 * Markdown and writes the same to bench/RESULTS.md.
 *
 *   npm run bench                       # everything (passes --experimental-wasm-relaxed-simd)
 *   node bench/run.js --quick           # smoke test: tiny budgets, R1 subset; RESULTS.md untouched
 *   node bench/run.js --only gemm,epochs  # some sections (RESULTS.md untouched); sections:
 *                                         # gemm, peak, activations, epochs, optimizers, allocation,
 *                                         # memory, startup, threads, sparse
 *   npm run bench -- --only threads --threads 8  # the threads section, its scaling table to 8 threads;
 *                                         # an --only threads (or sparse) run writes its section into RESULTS.md
 *   node bench/run.js --no-tfjs-cpu     # skip tfjs-layers on its cpu backend (the slowest rows)
 *
 * Needs a build first (`npm run build`): it imports ../dist and the wasm in ../build.
 * Files: gemm.js (matrix products), peak.js (ceilings), kernels.js (activations), training.js (our
 * epochs), optimizers.js (R1 steps by optimizer), tfjs.js and tfjs-training.js,
 * baselines/handwritten-r1.js; in child processes
 * (child.js, rss-probe.js): memory.js, allocation.js, startup.js and startup-probe.js; and
 * builds.js, data.js, seeded.js, stats.js, report.js, results.js (the Markdown), environment.js.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { JsKernels } from '../dist/backend/js.js';
import { childCpu } from './child.js';
import { benchActivations } from './kernels.js';
import { kernelBuilds, restoreAutoBuild } from './builds.js';
import { firstRows, loadR1 } from './data.js';
import { environment } from './environment.js';
import { benchGemm, ourGemm, tfjsGemm } from './gemm.js';
import { measureAllocation, measureExample, measureHandwritten } from './memory.js';
import { benchOptimizers } from './optimizers.js';
import { measurePeaks } from './peak.js';
import { renderResults } from './results.js';
import { measureStartup, wasmSizes } from './startup.js';
import { summarizeTimes } from './stats.js';
import { loadTfjs } from './tfjs.js';
import { tfjsEpochs } from './tfjs-training.js';
import { benchEpoch } from './training.js';
import { benchSparse, sparseSection } from './sparse.js';
import { seeds } from '../examples/experiments/data.js';
import { oneHot } from '../dist/index.js';
import { benchThreads, renderThreads } from './threads.js';

const SECTIONS = ['gemm', 'peak', 'activations', 'epochs', 'optimizers', 'allocation', 'memory', 'startup', 'threads', 'sparse'];
const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    'no-tfjs-cpu': { type: 'boolean', default: false },
    threads: { type: 'string' },
  },
});
const quick = flags.quick;
const only = flags.only ? flags.only.split(',').map((s) => s.trim()) : SECTIONS;
for (const s of only)
  if (!SECTIONS.includes(s)) throw new Error(`bench: --only: unknown section '${s}' (sections: ${SECTIONS.join(', ')})`);
const wanted = (/** @type {string} */ s) => only.includes(s);
const maxThreads = flags.threads === undefined ? os.availableParallelism() : Number(flags.threads);
if (!Number.isInteger(maxThreads) || maxThreads < 1 || maxThreads > 64)
  throw new Error(`bench: --threads must be an integer from 1 to 64, got '${flags.threads}'`);

/**
 * Budgets, chosen to keep a full run within about 10 minutes on 2 cores. tinybench runs each task
 * until both its `time` (ms) and `iterations` minimums are met, after a warmup of its own. At least
 * 15 calls a product: on a shared machine a burst from a neighbour can slow a few calls in a row,
 * and the median of 5 moved with it (one run put the relaxed dW at batch 256 at 2.43 ± 0.22 ms
 * against 1.58 in the runs before and after).
 */
const BUDGET = quick
  ? {
      kernel: { time: 20, iterations: 2, warmupTime: 5, warmupIterations: 1 },
      peak: { callMs: 20, runs: 3 },
      trainLimit: 1024,
      ourRuns: 1,
      slowRuns: 1,
      handRuns: 1,
      allocEpochs: 10,
      exampleEpochs: 1,
      startupRuns: 2,
      optimizerRounds: 2,
      optimizerRows: 512,
      updateCalls: 10,
    }
  : {
      kernel: { time: 600, iterations: 15, warmupTime: 50, warmupIterations: 2 },
      peak: { callMs: 200, runs: 7 },
      trainLimit: null,
      ourRuns: 5,
      slowRuns: 3,
      handRuns: 3,
      allocEpochs: 100,
      exampleEpochs: 20,
      startupRuns: 7,
      optimizerRounds: 25,
      optimizerRows: 2048,
      updateCalls: 100,
    };
/** The optimizers section: R1 at batch 32, as the issue's target names it; the update alone timed in chunks of this many calls. */
const OPTIMIZER_BATCH = 32;
const UPDATE_CHUNK = 5;
/** tfjs on its cpu backend and our TS backend are the slowest: one epoch each per batch size. */
const SLOWEST_RUNS = 1;
const BATCHES = [32, 256];
const LEARNING_RATE = 0.5;
/** The long allocation run: all of R1's 11,272 training images (a subset in --quick). */
const ALLOC = { limit: quick ? 1000 : 11272, batch: 32 };
/** The wasm feature flags this process runs with, passed on to the child processes that load the library. */
const wasmFlags = process.execArgv.filter((f) => f.startsWith('--experimental-wasm'));

const started = performance.now();
const cpuStart = process.cpuUsage();
const loadBefore = os.loadavg()[0];
const runs = (/** @type {number} */ n) => `${n} run${n === 1 ? '' : 's'}`;
const log = (/** @type {string} */ msg) =>
  process.stderr.write(`[bench ${((performance.now() - started) / 1000).toFixed(0).padStart(3)} s] ${msg}\n`);

/**
 * Runs one section if it was asked for. A section that throws is recorded and reported, and the
 * others still run: one broken measurement must not hide the rest (the run then exits with 1).
 * @param {string} name
 * @param {() => Promise<void>} measure
 */
async function section(name, measure) {
  if (!wanted(name)) return;
  try {
    await measure();
  } catch (err) {
    const { message } = /** @type {Error} */ (err);
    m.failed.push({ section: name, message });
    log(`section ${name} FAILED: ${message}`);
  }
}

/** @typedef {import('./results.js').Measurements} Measurements */
// What results.js renders: the rest is filled in below, section by section.
const m = /** @type {Measurements} */ (
  /** @type {Partial<Measurements>} */ ({
    failed: [],
    sections: SECTIONS,
    quick,
    only,
    wasmFlags,
    env: environment(),
    budget: BUDGET,
    learningRate: LEARNING_RATE,
    batches: BATCHES,
  })
);
m.builds = await kernelBuilds();
const available = m.builds.builds.filter((b) => b.available);
log(`kernel builds: ${m.builds.builds.map((b) => `${b.name} ${b.available ? 'available' : `not available (${b.reason})`}`).join('; ')}`);
m.tfjs = await loadTfjs();
if (m.tfjs.error) log(`TensorFlow.js unavailable: ${m.tfjs.error.message}`);
const tfjsOk = !m.tfjs.error;

// ---- kernels -------------------------------------------------------------------------------

await section('peak', async () => {
  m.peaks = {};
  for (const b of m.builds.builds) {
    log(`peak probes (register-only loop, GEMM micro-kernel), build ${b.name}`);
    m.peaks[b.name] = await measurePeaks(b, BUDGET.peak);
  }
});

await section('gemm', async () => {
  log(`matrix products: ${available.map((b) => `wasm ${b.name}`).join(', ')}, TS${tfjsOk ? ', tfjs wasm, tfjs cpu' : ''}`);
  const impls = [];
  for (const b of available) impls.push(ourGemm(`wasm ${b.name}`, await b.create('f32')));
  impls.push(ourGemm('TS', new JsKernels('f32')));
  if (tfjsOk) {
    const tf = /** @type {import('./tfjs.js').Tf} loaded, since tfjsOk */ (m.tfjs.tf);
    impls.push(tfjsGemm('tfjs wasm', tf, 'wasm'), tfjsGemm('tfjs cpu', tf, 'cpu'));
  }
  m.gemm = { impls: impls.map((i) => i.name), ...(await benchGemm(impls, BUDGET.kernel)) };
});

await section('activations', async () => {
  log('activations (wasm builds vs TS)');
  const backends = [];
  for (const b of available) backends.push({ name: `wasm ${b.name}`, k: await b.create('f32') });
  backends.push({ name: 'TS', k: new JsKernels('f32') });
  m.act = { impls: backends.map((b) => b.name), ...(await benchActivations(backends, BUDGET.kernel)) };
  for (const b of backends) b.k.dispose();
});

// ---- training ------------------------------------------------------------------------------

/** @type {Promise<import('./training.js').R1Data> | null} */
let r1 = null;
/** R1's data, loaded once for the sections that train, cut to BUDGET.trainLimit images when it is set. */
function r1Data() {
  r1 ??= loadR1().then((full) => {
    const limit = BUDGET.trainLimit;
    return limit ? { train: { x: firstRows(full.train.x, limit), y: firstRows(full.train.y, limit) }, test: full.test } : full;
  });
  return r1;
}

await section('epochs', async () => {
  log('loading R1 data (MNIST 5 vs 8)');
  const limit = BUDGET.trainLimit;
  const data = await r1Data();
  m.trainSamples = data.train.x.rows;
  m.testSamples = data.test.x.rows;
  /** @type {import('./results.js').EpochRow[]} */
  const epochs = [];
  m.epochs = epochs;
  // testAccuracy: the median over the runs (ours are seeded alike, so theirs are one value).
  const add = (
    /** @type {string} */ impl,
    /** @type {number} */ batch,
    /** @type {Omit<import('./results.js').EpochRow, 'impl' | 'batch' | 'testAccuracy'>} */ r,
  ) => epochs.push({ impl, batch, testAccuracy: summarizeTimes(r.testAccuracies).median, ...r });
  for (const batch of BATCHES) {
    for (const b of available) {
      log(`R1 epoch, batch ${batch}, wasm ${b.name} (${runs(BUDGET.ourRuns)})`);
      const r = await benchEpoch(data, { backend: 'wasm', build: b, batch, learningRate: LEARNING_RATE, runs: BUDGET.ourRuns });
      add(`wasm ${b.name}`, batch, {
        time: r.time,
        testAccuracies: [/** @type {number} R1 classifies */ (r.test.accuracy)],
        trainAccuracy: r.trainAccuracy,
      });
    }
    await restoreAutoBuild();
    log(`R1 epoch, batch ${batch}, TS backend (${runs(SLOWEST_RUNS)})`);
    const ts = await benchEpoch(data, { backend: 'js', batch, learningRate: LEARNING_RATE, runs: SLOWEST_RUNS });
    add('TS', batch, {
      time: ts.time,
      testAccuracies: [/** @type {number} R1 classifies */ (ts.test.accuracy)],
      trainAccuracy: ts.trainAccuracy,
    });
    if (tfjsOk) {
      for (const [backend, n] of /** @type {[string, number][]} */ ([
        ['wasm', BUDGET.slowRuns],
        ...(flags['no-tfjs-cpu'] ? [] : [['cpu', SLOWEST_RUNS]]),
      ])) {
        log(`R1 epoch, batch ${batch}, tfjs-layers on ${backend} (${runs(n)})`);
        const r = await tfjsEpochs(
          /** @type {{ tf: import('./tfjs.js').Tf, tfl: import('./tfjs.js').Tfl }} tfjsOk */ (m.tfjs),
          backend,
          data,
          { batch, runs: n },
        );
        add(`tfjs ${backend}`, batch, { time: summarizeTimes(r.times), testAccuracies: r.testAccuracies, trainAccuracy: r.trainAccuracy });
      }
    }
    log(`R1 epoch, batch ${batch}, hand-written JS loop in a child process (${runs(BUDGET.handRuns)})`);
    const h = await measureHandwritten({ batch, runs: BUDGET.handRuns, limit });
    add('hand-written JS', batch, {
      time: summarizeTimes(h.epochTimes),
      testAccuracies: h.runs.map((/** @type {{ testAccuracy: number }} */ r) => r.testAccuracy),
      trainAccuracy: null,
      peakRss: h.peakRss,
      rssPerEpoch: h.rssPerEpoch,
      rssAfterLoad: h.rssAfterLoad,
      trainSamples: h.trainSamples,
    });
  }
});

await section('optimizers', async () => {
  log('loading R1 data (MNIST 5 vs 8)');
  const data = await r1Data();
  log(
    `R1 steps by optimizer, batch ${OPTIMIZER_BATCH}: ${available.map((b) => b.name).join(', ')}, ${BUDGET.optimizerRounds} interleaved rounds of ${BUDGET.optimizerRows}-image epochs`,
  );
  m.optimizers = await benchOptimizers(data, {
    builds: available,
    batch: OPTIMIZER_BATCH,
    rounds: BUDGET.optimizerRounds,
    timedRows: BUDGET.optimizerRows,
    updateCalls: BUDGET.updateCalls,
    updateChunk: UPDATE_CHUNK,
    log,
  });
  await restoreAutoBuild();
});

await section('threads', async () => {
  log('loading R1 data (MNIST 5 vs 8)');
  m.threads = await benchThreads(await r1Data(), { maxThreads, quick, log });
  await restoreAutoBuild();
});

await section('sparse', async () => {
  log('loading R1 data (MNIST 5 vs 8) and the seeds table');
  const data = await r1Data();
  const table = await seeds();
  m.sparse = await benchSparse(data, {
    seeds: { x: table.x, y: oneHot(table.labels).y },
    builds: available,
    rounds: quick ? 1 : 7,
    // 4,096 rows and 7 rounds: with 2,048 and 5 (epochs of 40 ms) two identical settings read up to 10% apart.
    sweepRows: quick ? 512 : 4096,
    sweepRounds: quick ? 1 : 7,
    densities: quick ? [0.05, 1] : [0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 1],
    bow: quick
      ? { rows: 2000, cols: 50000, perRow: [50], units: 16, batch: 256 }
      : { rows: 100000, cols: 50000, perRow: [25, 50, 100], units: 16, batch: 256 },
    numpyRuns: quick ? 1 : 3,
    nodeFlags: wasmFlags,
    log,
  });
  await restoreAutoBuild();
});

// ---- memory, allocation, start-up ----------------------------------------------------------

await section('allocation', async () => {
  log(`allocation: ${BUDGET.allocEpochs} epochs on ${ALLOC.limit} images, batch ${ALLOC.batch} (child process)`);
  m.allocation = await measureAllocation({ epochs: BUDGET.allocEpochs, ...ALLOC, nodeFlags: wasmFlags });
});

await section('memory', async () => {
  log(`memory: npm start (${BUDGET.exampleEpochs} epochs) and the hand-written loop (1 epoch), each in a child process`);
  m.memory = {
    example: await measureExample({ epochs: BUDGET.exampleEpochs }),
    handwritten:
      m.epochs?.find((e) => e.impl === 'hand-written JS' && e.batch === 32) ??
      (await measureHandwritten({ batch: 32, runs: 1, limit: BUDGET.trainLimit })),
  };
});

await section('startup', async () => {
  log(`size and start-up (${BUDGET.startupRuns} fresh processes)`);
  m.startup = { sizes: wasmSizes(), ...(await measureStartup({ runs: BUDGET.startupRuns, nodeFlags: wasmFlags })) };
});

m.seconds = (performance.now() - started) / 1000;
m.loadBefore = loadBefore;
m.loadAfter = os.loadavg()[0];
// CPU time this process and its children got ÷ wall time: about 1 when the run had a core to
// itself; well below 1 means other processes took turns on its core.
const cpu = process.cpuUsage(cpuStart);
m.cpuShare = ((cpu.user + cpu.system) / 1e6 + childCpu()) / m.seconds;
log(
  `done in ${m.seconds.toFixed(0)} s; CPU time / wall time ${m.cpuShare.toFixed(2)}; load average ${loadBefore.toFixed(2)} before, ${m.loadAfter.toFixed(2)} after`,
);

const report = renderResults(m);
process.stdout.write(report);
if (!quick && !flags.only) {
  writeFileSync(new URL('./RESULTS.md', import.meta.url), report);
  log('wrote bench/RESULTS.md');
} else if (!quick && m.threads && only.length === 1) {
  // The threads section alone (the one a larger machine reruns): spliced into RESULTS.md in place of the last one.
  const file = new URL('./RESULTS.md', import.meta.url);
  const text = readFileSync(file, 'utf8');
  const start = text.indexOf('## 9. Threads');
  const end = start < 0 ? -1 : text.indexOf('\n## ', start + 1);
  const section = renderThreads(m.threads);
  const spliced = start < 0 ? `${text.trimEnd()}\n\n${section}` : `${text.slice(0, start)}${section}${end < 0 ? '' : text.slice(end + 1)}`;
  writeFileSync(file, spliced);
  log('wrote the threads section into bench/RESULTS.md');
} else if (!quick && m.sparse && only.length === 1) {
  // `--only sparse` puts its table into RESULTS.md in place of the last one, leaving the rest as it was.
  const file = new URL('./RESULTS.md', import.meta.url);
  const old = readFileSync(file, 'utf8');
  const title = '## Sparse input: the first layer over the non-zeros';
  const at = old.indexOf(title);
  const end = at < 0 ? -1 : old.indexOf('\n## ', at + title.length);
  const table = `${sparseSection(m.sparse)}\n_Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC by \`npm run bench -- --only sparse\`; CPU time / wall time ${m.cpuShare.toFixed(2)}, load average ${m.loadBefore.toFixed(2)} before, ${m.loadAfter.toFixed(2)} after._\n`;
  const updated = at < 0 ? `${old.trimEnd()}\n\n${table}` : `${old.slice(0, at)}${table}${end < 0 ? '' : old.slice(end)}`;
  writeFileSync(file, updated);
  log('wrote the sparse section into bench/RESULTS.md');
}
if (m.failed.length) {
  log(`${m.failed.length} section(s) failed: ${m.failed.map((f) => f.section).join(', ')}`);
  process.exitCode = 1;
}
