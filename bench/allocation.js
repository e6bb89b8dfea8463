/**
 * Does a training step allocate? Run as its own process (bench/memory.js starts it):
 *   node --expose-gc bench/allocation.js [--epochs 100] [--limit 1000] [--batch 32] [--optimizers sgd,adam | all] [--threads auto|N] [--csr]
 *
 * With --csr the same images go in as a CSR matrix (fit's sparse input, gathered compressed).
 * and it prints one JSON line with what it saw, for each case in turn (see CASES: plain SGD at
 * learning rate 0.5 and Adam at 0.001 by default; `all` adds momentum with Nesterov and weight
 * decay, AdamW, RMSprop with weight decay, clipNorm clipping every step, dropout and class
 * weights), each on a fresh R1 network:
 *
 * 1. Per step: R1 fitted for 20 epochs on 10 batches and again on up to 200 batches (one fit()
 *    call each, no shuffling), twice over, reading the young generation (where every new JS
 *    object starts) at each epoch's end. The median growth per epoch of the second pair of fits
 *    is fit()'s per-epoch work plus the epoch's steps, so the difference of the two ÷ their
 *    difference in steps (190 with all images) is what one steady-state step leaves on the heap,
 *    the per-call and per-epoch work cancelled out. 0 means a step creates no JS objects.
 * 2. A long run: R1 trained `epochs` epochs on the first `limit` training images (one fit() call,
 *    no callbacks), with every garbage collection counted by kind (PerformanceObserver 'gc'
 *    entries; scavenges are the minor ones, and any of them means something allocated), the heap
 *    in use before and after, and the bytes of wasm linear memory before and after (growth would
 *    mean the network asks for memory after its first step).
 *
 * The optimizer is made, and its state (Adam's moments) allocated, in the warm-up fit: the fits
 * measured reuse it, as fits with the same optimizer and settings do.
 */
import { parseArgs } from 'node:util';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import v8 from 'node:v8';
import { internalsOf } from '../dist/ann.js';
import * as lib from '../dist/index.js';
import { firstRows, loadR1Split } from './data.js';
import { R1_NETWORK } from './training.js';

const { values } = parseArgs({
  options: {
    epochs: { type: 'string', default: '100' },
    limit: { type: 'string', default: '1000' },
    batch: { type: 'string', default: '32' },
    optimizers: { type: 'string', default: 'sgd,adam' },
    // The network's threads (ANN.create's option): 'auto' runs R1 on every core, so both paths are measured by default on a multi-core machine.
    threads: { type: 'string', default: 'auto' },
    // The images as CSR (the sparse-input path from compressed rows) instead of a dense matrix.
    csr: { type: 'boolean', default: false },
  },
});
const threads = values.threads === 'auto' ? 'auto' : Number(values.threads);
const [epochs, limit, batch] = [values.epochs, values.limit, values.batch].map(Number);
/**
 * Each case: its fit() options (besides epochs, batchSize and shuffle) and what ANN.create gets
 * besides R1's network. The clipNorm case clips every step (R1's gradient norm is about 0.3);
 * classWeight 'balanced' makes the steps gather and apply one weight per sample.
 * @type {Record<string, { fit: import('../dist/index.js').FitOptions, create?: Partial<import('../dist/index.js').ANNOptions> }>}
 */
const CASES = {
  sgd: { fit: { learningRate: 0.5 } },
  adam: { fit: { optimizer: { name: 'adam', learningRate: 0.001 } } },
  nesterov: { fit: { optimizer: { name: 'sgd', learningRate: 0.05, momentum: 0.9, nesterov: true, weightDecay: 1e-4 } } },
  adamw: { fit: { optimizer: { name: 'adamw', learningRate: 0.001 } } },
  rmsprop: { fit: { optimizer: { name: 'rmsprop', learningRate: 0.001, weightDecay: 1e-4 } } },
  clipNorm: { fit: { learningRate: 0.5, clipNorm: 0.01 } },
  dropout: { fit: { optimizer: { name: 'adam', learningRate: 0.001 } }, create: { dropout: 0.2 } },
  classWeight: { fit: { optimizer: { name: 'adam', learningRate: 0.001 }, classWeight: 'balanced' } },
};
const optimizers = values.optimizers === 'all' ? Object.keys(CASES) : values.optimizers.split(',').map((s) => s.trim());
for (const o of optimizers)
  if (!(o in CASES)) throw new Error(`bench/allocation.js: --optimizers: unknown '${o}' (known: ${Object.keys(CASES).join(', ')}, or all)`);
/** Batches per epoch in the per-step measurement: the difference between the two is what steps cost. */
const FEW = 10;
/** Far apart, so that the young generation's coarse readings (whole allocation areas) average out. */
const MANY = Math.min(200, Math.floor(limit / batch));
const PER_STEP_EPOCHS = 20;

if (typeof globalThis.gc !== 'function') throw new Error('bench/allocation.js needs node --expose-gc');
const gc = globalThis.gc;

/** @type {Record<number, string>} */
const KINDS = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'scavenge',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'mark-compact',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental marking',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak callbacks',
};
/** @typedef {import('node:perf_hooks').NodeGCPerformanceDetail} GcDetail */
/** @type {{ kind: string, start: number, forced: boolean }[]} */
const gcs = [];
const observer = new PerformanceObserver((list) => {
  // A 'gc' entry has its kind and flags in `detail`; Node before 16 put them on the entry itself.
  for (const e of /** @type {(PerformanceEntry & { detail?: GcDetail } & GcDetail)[]} */ (list.getEntries()))
    gcs.push({
      kind: KINDS[e.detail?.kind ?? e.kind] ?? String(e.detail?.kind ?? e.kind),
      start: e.startTime,
      forced: Boolean((e.detail?.flags ?? e.flags) & constants.NODE_PERFORMANCE_GC_FLAGS_FORCED),
    });
});
observer.observe({ entryTypes: ['gc'] });
/** Lets the observer deliver the entries of GCs that already happened. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

const heapUsed = () => v8.getHeapStatistics().used_heap_size;
/**
 * Bytes in the young generation (new space and new large-object space), where every new JS
 * object starts. Unlike the whole heap's use, it does not move when V8 compiles code.
 */
function youngBytes() {
  let sum = 0;
  for (const s of v8.getHeapSpaceStatistics()) if (s.space_name.startsWith('new_')) sum += s.space_used_size;
  return sum;
}
/**
 * Bytes of the network's wasm linear memory, or null when the backend's internals are not reachable.
 * @param {import('../dist/index.js').ANN} net
 */
function wasmBytes(net) {
  try {
    // A private field of WasmKernels: the js backend has none, and the TypeError lands in the catch.
    return /** @type {any} */ (internalsOf(net).network().kernels).memory.buffer.byteLength;
  } catch {
    return null;
  }
}

const train = await loadR1Split('train');
const y = firstRows(train.y, limit);
const x = values.csr ? csrOf(firstRows(train.x, limit)) : firstRows(train.x, limit);

/**
 * The CSR form of a dense matrix.
 * @param {import('../dist/index.js').Matrix} m
 */
function csrOf(m) {
  const rowStart = new Int32Array(m.rows + 1);
  let nnz = 0;
  for (let i = 0; i < m.data.length; i++) if (m.data[i] !== 0) nnz++;
  const columns = new Int32Array(nnz);
  const vals = new Float32Array(nnz);
  let e = 0;
  for (let r = 0; r < m.rows; r++) {
    for (let c = 0; c < m.cols; c++) {
      const v = m.data[r * m.cols + c];
      if (v !== 0) {
        columns[e] = c;
        vals[e++] = v;
      }
    }
    rowStart[r + 1] = e;
  }
  return { rows: m.rows, cols: m.cols, rowStart, columns, values: vals };
}

/**
 * The first `rows` samples of x, dense or CSR, without copying.
 * @param {any} m
 * @param {number} rows
 */
function firstSamples(m, rows) {
  if (!('rowStart' in m)) return firstRows(m, rows);
  const end = m.rowStart[rows];
  return {
    rows,
    cols: m.cols,
    rowStart: m.rowStart.subarray(0, rows + 1),
    columns: m.columns.subarray(0, end),
    values: m.values.subarray(0, end),
  };
}
const build = lib.kernelBuild();

/**
 * Median young-generation growth from one epoch's end to the next, over the pairs with no
 * scavenge between them (a scavenge empties it). A median: the first epochs of a fit still
 * compile code (tens of KB each), and from then on every epoch reads the same to the byte.
 * @param {number[]} samples
 */
function youngGrowthPerEpoch(samples) {
  const growth = [];
  for (let i = 1; i < samples.length; i++) if (samples[i] >= samples[i - 1]) growth.push(samples[i] - samples[i - 1]);
  if (growth.length === 0) return null;
  growth.sort((a, b) => a - b);
  return growth[Math.floor(growth.length / 2)];
}
/**
 * Both measurements with one optimizer, on a fresh network.
 * @param {string} name
 */
async function measure(name) {
  const options = CASES[name].fit;
  const net = await lib.ANN.create({ ...R1_NETWORK, threads, ...CASES[name].create });
  await net.fit(x, y, { epochs: 3, batchSize: batch, ...options }); // warm-up: JIT, every plan made, the optimizer's state

  /**
   * Mean young-generation growth per epoch of a fit() over `steps` batches (see youngGrowthPerEpoch).
   * @param {number} steps
   */
  async function perEpochGrowth(steps) {
    /** @type {number[]} */
    const samples = [];
    const rows = steps * batch;
    await net.fit(firstSamples(x, rows), firstRows(y, rows), {
      epochs: PER_STEP_EPOCHS,
      batchSize: batch,
      ...options,
      shuffle: false,
      onEpochEnd: () => void samples.push(youngBytes()),
    });
    return youngGrowthPerEpoch(samples);
  }

  // The first pair warms up what fits of each size compile; the second is measured.
  await perEpochGrowth(FEW);
  await perEpochGrowth(MANY);
  const few = await perEpochGrowth(FEW);
  const many = await perEpochGrowth(MANY);
  const perStep = few !== null && many !== null ? (many - few) / (MANY - FEW) : null;

  gc();
  await settle();
  const gcStart = gcs.length;
  const before = { heapUsed: heapUsed(), wasm: wasmBytes(net), rss: process.memoryUsage.rss() };
  // No callback: a probe that reads heap statistics every epoch allocates more than the run it watches.
  const youngBefore = youngBytes();
  const started = performance.now();
  await net.fit(x, y, { epochs, batchSize: batch, ...options });
  const youngAfter = youngBytes();
  const seconds = (performance.now() - started) / 1000;
  const after = { heapUsed: heapUsed(), wasm: wasmBytes(net), rss: process.memoryUsage.rss() };
  await settle();
  const during = gcs.slice(gcStart);
  gc();
  const afterGc = heapUsed();
  net.dispose();
  /** @type {Record<string, number>} */
  const counts = {};
  for (const g of during) counts[g.kind] = (counts[g.kind] ?? 0) + 1;
  return {
    optimizer: name,
    options,
    create: CASES[name].create ?? {},
    seconds,
    perStep: { bytes: perStep, few, many, stepsFew: FEW, stepsMany: MANY, epochs: PER_STEP_EPOCHS },
    before,
    after,
    heapAfterGc: afterGc,
    gcCounts: counts,
    gcTotal: during.length,
    // Young-generation growth per epoch over the whole run; meaningful only when no scavenge emptied it.
    youngPerEpoch: (counts.scavenge ?? 0) === 0 ? Math.round((youngAfter - youngBefore) / epochs) : null,
  };
}

const runs = [];
for (const name of optimizers) runs.push(await measure(name));
observer.disconnect();
console.log(JSON.stringify({ build, batch, limit, epochs, csr: values.csr, steps: epochs * Math.ceil(limit / batch), runs }));
