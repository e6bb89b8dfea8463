/**
 * `npm run bench`: the WebAssembly kernels against the pure-TypeScript kernels (both f32), side by
 * side in one run, from single kernels up to R1 training. Prints Markdown tables and writes the
 * same to bench/RESULTS.md.
 *
 * Needs a build first (`npm run build`): it imports ../dist and the wasm in ../build.
 * `node bench/run.js --quick` shrinks every time budget for a smoke test and leaves RESULTS.md alone.
 *
 * Files: kernels.js (gemm and activation micro-benchmarks), training.js (training steps and
 * epochs through the public API), data.js (R1's MNIST 5-vs-8 data), stats.js (medians and
 * spreads), report.js (formatting), environment.js (machine and versions).
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { JsKernels } from '../dist/backend/js.js';
import { WasmKernels } from '../dist/backend/wasm.js';
import { loadR1 } from './data.js';
import { environment } from './environment.js';
import { ACT_ROWS, benchKernels, UNITS } from './kernels.js';
import { medianMad, num, range, ratio, table, time } from './report.js';
import { benchEpoch, benchSteps, R1_NETWORK } from './training.js';

const quick = process.argv.includes('--quick');

/**
 * Time budgets, chosen to keep a run under ~3 minutes on 2 cores. tinybench runs each task until
 * both its `time` (ms) and `iterations` minimums are met, after a warmup of its own.
 */
const KERNEL_OPTIONS = quick
  ? { time: 50, iterations: 3, warmupTime: 10, warmupIterations: 1 }
  : { time: 500, iterations: 10, warmupTime: 100, warmupIterations: 5 };
const STEP_OPTIONS = quick
  ? { time: 0, iterations: 1, warmupTime: 0, warmupIterations: 1 }
  : { time: 2000, iterations: 5, warmupTime: 0, warmupIterations: 2 };
/** Training steps per fit() call in the side-by-side table: 640 and 1,280 samples. */
const STEP_CONFIGS = [
  { batch: 32, steps: 20 },
  { batch: 256, steps: 5 },
];
/** Minibatch SGD on R1 (the reference's full-batch rate does not carry over to small batches). */
const LEARNING_RATE = 0.5;
const EPOCH_RUNS = quick ? 1 : 3;

const started = performance.now();
const cpuStart = process.cpuUsage();
const loadBefore = os.loadavg()[0];
const env = environment();
const log = (msg) => process.stderr.write(`[bench ${((performance.now() - started) / 1000).toFixed(0).padStart(3)} s] ${msg}\n`);

// ---- measure -------------------------------------------------------------------------------

log('kernels: gemm, outer product, activations (wasm f32 vs TS f32)');
const backends = [
  { name: 'wasm', k: await WasmKernels.create('f32') },
  { name: 'js', k: new JsKernels('f32') },
];
const kernels = await benchKernels(backends, KERNEL_OPTIONS);
for (const b of backends) b.k.dispose();

log('loading R1 data (MNIST 5 vs 8)');
const data = await loadR1();

log(`training steps: ${STEP_CONFIGS.map((c) => `${c.steps} × batch ${c.batch}`).join(', ')} (wasm and TS)`);
const steps = await benchSteps(data, ['wasm', 'js'], STEP_CONFIGS.map((c) => ({ ...c, learningRate: LEARNING_RATE })), STEP_OPTIONS);

const epochs = [];
for (const batch of [32, 256]) {
  log(`full R1 epoch, batch ${batch} (wasm only, ${EPOCH_RUNS} timed + 1 warmup)`);
  epochs.push(await benchEpoch(data, { batch, learningRate: LEARNING_RATE, runs: EPOCH_RUNS }));
}
const seconds = (performance.now() - started) / 1000;
const loadAfter = os.loadavg()[0];
// CPU time this process got ÷ wall time: about 1 when it had a core to itself; well below 1
// means other processes took turns on its core and every time above is inflated.
const cpu = process.cpuUsage(cpuStart);
const cpuShare = (cpu.user + cpu.system) / 1e6 / seconds;
log(`done in ${seconds.toFixed(0)} s; CPU time / wall time ${cpuShare.toFixed(2)}; load average ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after`);

// ---- tables --------------------------------------------------------------------------------

/** TS time ÷ wasm time: how many times faster wasm is (below 1×: wasm is slower). */
const speedup = (t) => t.js.median / t.wasm.median;
const gflops = (flops, s) => num(flops / (s.median * 1e6));
const call = (c) => `gemm(${c.transA}, ${c.transB}, ${c.m}, ${c.n}, ${c.k})`;
const samples = (t) => `${t.wasm.samples} / ${t.js.samples}`;

const gemmTable = table(
  ['product', 'batch', 'call', 'wasm median ± MAD', 'wasm GFLOP/s', 'TS median ± MAD', 'TS GFLOP/s', 'wasm speedup', 'samples wasm / TS'],
  kernels.gemm.map((c) => [c.label, c.batch, `\`${call(c)}\``, medianMad(c.time.wasm), gflops(c.flops, c.time.wasm), medianMad(c.time.js), gflops(c.flops, c.time.js), ratio(speedup(c.time)), samples(c.time)]),
  ['l', 'r', 'l', 'r', 'r', 'r', 'r', 'r', 'r'],
);

const outerTable = table(
  ['dW = dZᵀ·A', 'call', 'wasm median ± MAD', 'wasm GFLOP/s', 'TS median ± MAD', 'TS GFLOP/s', 'wasm speedup'],
  kernels.outer.map((c) => [
    c.batch === 1 ? 'batch 1 (outer product, rank-1)' : `batch ${c.batch} (sum of ${c.batch} outer products)`,
    `\`${call(c)}\``,
    medianMad(c.time.wasm),
    gflops(c.flops, c.time.wasm),
    medianMad(c.time.js),
    gflops(c.flops, c.time.js),
    ratio(speedup(c.time)),
  ]),
  ['l', 'l', 'r', 'r', 'r', 'r', 'r'],
);

const values = ACT_ROWS * UNITS;
const mvals = (s) => num(values / (s.median * 1e3));
const actTable = table(
  ['activation', 'wasm median ± MAD', 'wasm Mvalues/s', 'TS median ± MAD', 'TS Mvalues/s', 'wasm speedup'],
  kernels.act.map((c) => [c.label, medianMad(c.time.wasm), mvals(c.time.wasm), medianMad(c.time.js), mvals(c.time.js), ratio(speedup(c.time))]),
);

const perSec = (batch, s) => num(batch / (s.median / 1000));
const stepTable = table(
  ['batch', 'steps per fit() call', 'wasm per step ± MAD', 'wasm samples/s', 'TS per step ± MAD', 'TS samples/s', 'wasm speedup', 'fit() calls wasm / TS'],
  steps.map((s) => [s.batch, s.steps, medianMad(s.time.wasm), perSec(s.batch, s.time.wasm), medianMad(s.time.js), perSec(s.batch, s.time.js), ratio(speedup(s.time)), samples(s.time)]),
);

const pct = (x) => `${(100 * x).toFixed(1)}%`;
const epochTable = table(
  ['batch', 'wasm epoch, measured: median (min – max)', 'wasm samples/s', 'wasm, extrapolated from steps', 'TS, extrapolated from steps', 'train accuracy (during epoch)', 'test accuracy (after)', 'test loss'],
  epochs.map((e) => {
    const st = steps.find((s) => s.batch === e.batch);
    // Extrapolated: (samples in an epoch) × (median time per step ÷ samples per step).
    const extrapolate = (b) => (st ? `~${time((e.samples * st.time[b].median) / e.batch)} (extrapolated)` : 'n/a');
    return [
      e.batch,
      `${time(e.time.median)} (${range(e.time)})`,
      num(e.samples / (e.time.median / 1000)),
      extrapolate('wasm'),
      extrapolate('js'),
      pct(e.trainAccuracy),
      pct(e.test.accuracy),
      num(e.test.loss),
    ];
  }),
);

// Everything where wasm lost to TS, said plainly rather than left for the reader to spot.
const slower = [
  ...kernels.gemm.map((c) => [`${c.label} at batch ${c.batch}`, speedup(c.time)]),
  ...kernels.outer.filter((c) => c.batch === 1).map((c) => [`dW outer product at batch 1`, speedup(c.time)]),
  ...kernels.act.map((c) => [c.label, speedup(c.time)]),
  ...steps.map((s) => [`training step at batch ${s.batch}`, speedup(s.time)]),
].filter(([, r]) => r < 1);
const verdict = slower.length
  ? `**wasm is slower than TS in:** ${slower.map(([what, r]) => `${what} (${ratio(r)})`).join('; ')}.`
  : 'wasm is faster than TS in every row.';

const networkDesc = `[${R1_NETWORK.layers.join(', ')}], ${R1_NETWORK.activation} everywhere, ${R1_NETWORK.loss}, seed ${R1_NETWORK.seed}, ${R1_NETWORK.precision}`;
const report = `# Benchmark results: WebAssembly kernels vs pure TypeScript

Generated by \`bench/run.js\`; do not edit by hand, rerun it.

- Command: \`npm run bench\` (after \`npm run build\`)${quick ? ' — **--quick smoke run, budgets shrunk, not representative**' : ''}
- Date: ${env.date}
- Machine: ${env.cpu}${env.mhz ? ` at ${env.mhz} MHz` : ''}, ${env.cores} cores (os.cpus()), ${env.memory} RAM, ${env.os}
- Runtime: Node ${env.node}, V8 ${env.v8}
- Source: commit ${env.commit}
- Versions: ${Object.entries(env.packages).map(([p, v]) => `${p} ${v}`).join(', ')}
- Whole run: ${seconds.toFixed(0)} s; this process's CPU time ÷ wall time ${cpuShare.toFixed(2)} (≈ 1 or more when it had a core to itself); 1-minute load average ${loadBefore.toFixed(2)} before the run, ${loadAfter.toFixed(2)} after (the run itself adds about 1)${loadBefore > 0.5 ? `
- **The machine was busy** (load ${loadBefore.toFixed(2)} on ${env.cores} cores before the run started): other processes competed for the cores, so times are inflated and noisier than on an idle machine` : ''}

Both backends run f32 in the same process, one after the other, case by case. Times are
tinybench medians of per-call latency ± the median absolute deviation (unscaled); "wasm speedup"
is TS median ÷ wasm median (below 1× means wasm is slower). GFLOP/s = 2·m·n·k ÷ median time.
Before timing, every kernel's wasm output was checked against TS on the same inputs (worst
relative difference ${kernels.checkError.toExponential(1)}).

${verdict}

## 1. Matrix products of the R1 layer 784 → 196 (W is 196 × 784, rows = batch)

${gemmTable}

Note: in R1 training the backward product dA = dZ·W is never run for this layer (it is the first
layer; the input needs no gradient); it is here because every deeper layer runs it.

## 2. Activations on 256 × 196 = ${values.toLocaleString('en-US')} values

Inputs Z are uniform in [−6, 6], in random order, so about half are negative with no pattern:
a kernel that branches on the sign of z (relu; sigmoid's overflow-safe form) pays for branch
mispredictions here, as it would on a real hidden layer's mixed-sign pre-activations.

${actTable}

## 3. The dW outer product

The weight gradient dW (196 × 784) = dZᵀ (196 × batch) · A (batch × 784). At batch 1 it is a single
outer product (rank-1 update); at batch 32 it is the same call as in table 1 (the same measurement).

${outerTable}

## 4. Training steps (R1 network, real MNIST 5 vs 8)

Network ${networkDesc}; SGD, learning rate ${LEARNING_RATE}. Each fit() call runs the given number
of steps over the first steps × batch training rows (epochs: 1, shuffle: false); the time per
step is the call's time ÷ steps, so it includes fit()'s own work (input checks, copying each
batch into the backend's memory).

${stepTable}

## 5. One full R1 epoch (${epochs[0]?.samples.toLocaleString('en-US')} training samples)

wasm: measured, ${EPOCH_RUNS} runs each from fresh seeded weights (one untimed warmup epoch before), shuffled
(fit()'s default), learning rate ${LEARNING_RATE}. TS: **extrapolated**, not measured — samples in an epoch × its
time per sample from table 4. The wasm extrapolation is shown next to the wasm measurement as a
check on the method. Accuracy is on ${data.test.x.rows.toLocaleString('en-US')} test images (5s and 8s of the MNIST test set)
after the one epoch; train accuracy is what fit() counted during the epoch, while the weights moved.

${epochTable}
`;

process.stdout.write(report);
if (!quick) {
  writeFileSync(new URL('./RESULTS.md', import.meta.url), report);
  log('wrote bench/RESULTS.md');
}
