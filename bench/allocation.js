/**
 * Does a training step allocate? Run as its own process (bench/memory.js starts it):
 *   node --expose-gc bench/allocation.js [--epochs 100] [--limit 1000] [--batch 32]
 * and it prints one JSON line with what it saw:
 *
 * 1. Per step: R1 fitted for 40 epochs on 4 batches and again on 20 batches (one fit() call each,
 *    no shuffling), reading the young generation (where every new JS object starts) at each
 *    epoch's end. The mean growth per epoch is fit()'s per-epoch work plus the epoch's steps, so
 *    the difference of the two ÷ 16 is what one steady-state step leaves on the heap, the
 *    per-call and per-epoch work cancelled out. 0 means a step creates no JS objects.
 * 2. A long run: R1 trained `epochs` epochs on the first `limit` training images (one fit() call,
 *    no callbacks), with every garbage collection counted by kind (PerformanceObserver 'gc'
 *    entries; scavenges are the minor ones, and any of them means something allocated), the heap
 *    in use before and after, and the bytes of wasm linear memory before and after (growth would
 *    mean the network asks for memory after its first step).
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
  },
});
const [epochs, limit, batch] = [values.epochs, values.limit, values.batch].map(Number);
/** Batches per epoch in the per-step measurement: the difference between the two is what steps cost. */
const FEW = 10;
/** Far apart, so that the young generation's coarse readings (whole allocation areas) average out. */
const MANY = Math.min(200, Math.floor(limit / batch));
const PER_STEP_EPOCHS = 20;

if (typeof globalThis.gc !== 'function') throw new Error('bench/allocation.js needs node --expose-gc');

const KINDS = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'scavenge',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'mark-compact',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental marking',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak callbacks',
};
const gcs = [];
const observer = new PerformanceObserver((list) => {
  for (const e of list.getEntries())
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
/** Bytes of the network's wasm linear memory, or null when the backend's internals are not reachable. */
function wasmBytes(net) {
  try {
    return internalsOf(net).network().kernels.memory.buffer.byteLength;
  } catch {
    return null;
  }
}

const train = await loadR1Split('train');
const x = firstRows(train.x, limit);
const y = firstRows(train.y, limit);
const net = await lib.ANN.create(R1_NETWORK);
const build = lib.kernelBuild();
await net.fit(x, y, { epochs: 3, batchSize: batch, learningRate: 0.5 }); // warm-up: JIT, and every plan made

/** Mean young-generation growth per epoch of a fit() over `steps` batches (see youngGrowthPerEpoch). */
async function perEpochGrowth(steps) {
  const samples = [];
  const rows = steps * batch;
  await net.fit(firstRows(x, rows), firstRows(y, rows), {
    epochs: PER_STEP_EPOCHS,
    batchSize: batch,
    learningRate: 0.5,
    shuffle: false,
    onEpochEnd: () => void samples.push(youngBytes()),
  });
  return youngGrowthPerEpoch(samples);
}

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
await net.fit(x, y, { epochs, batchSize: batch, learningRate: 0.5 });
const youngAfter = youngBytes();
const seconds = (performance.now() - started) / 1000;
const after = { heapUsed: heapUsed(), wasm: wasmBytes(net), rss: process.memoryUsage.rss() };
await settle();
const during = gcs.slice(gcStart);
gc();
const afterGc = heapUsed();
observer.disconnect();
const counts = {};
for (const g of during) counts[g.kind] = (counts[g.kind] ?? 0) + 1;
/**
 * Mean young-generation growth from one epoch's end to the next, over the pairs with no scavenge
 * between them (a scavenge empties it). A mean, not a median: V8 updates the space's use as
 * whole allocation areas fill, so single readings move in steps that only average out.
 */
function youngGrowthPerEpoch(samples) {
  let sum = 0;
  let pairs = 0;
  for (let i = 1; i < samples.length; i++) {
    if (samples[i] >= samples[i - 1]) {
      sum += samples[i] - samples[i - 1];
      pairs++;
    }
  }
  return pairs ? Math.round(sum / pairs) : null;
}
const stepsRun = epochs * Math.ceil(limit / batch);
console.log(
  JSON.stringify({
    build,
    batch,
    limit,
    epochs,
    steps: stepsRun,
    seconds,
    perStep: { bytes: perStep, few, many, stepsFew: FEW, stepsMany: MANY, epochs: PER_STEP_EPOCHS },
    before,
    after,
    heapAfterGc: afterGc,
    gcCounts: counts,
    gcTotal: during.length,
    // Young-generation growth per epoch over the whole run; meaningful only when no scavenge emptied it.
    youngPerEpoch: (counts.scavenge ?? 0) === 0 ? Math.round((youngAfter - youngBefore) / epochs) : null,
  }),
);
net.dispose();
