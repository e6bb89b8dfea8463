/**
 * Does a training step allocate? Run as its own process (bench/memory.js starts it):
 *   node --expose-gc bench/allocation.js [--epochs 100] [--limit 1000] [--batch 32]
 * and it prints one JSON line with what it saw:
 *
 * 1. Per step: the young-generation growth of fit() over 4 steps and over 20 steps (one epoch each,
 *    no shuffling), each measured from a just-collected heap with no GC in between; the difference
 *    ÷ 16 (least of 5 tries each) is what one steady-state step leaves on the heap, fit()'s per-call and per-epoch
 *    work cancelled out. 0 means a step creates no JS objects.
 * 2. A long run: R1 trained `epochs` epochs on the first `limit` training images (one fit() call),
 *    with every garbage collection counted by kind (PerformanceObserver 'gc' entries; scavenges
 *    are the minor ones, and any of them means something allocated), the heap in use before and
 *    after, and the bytes of wasm linear memory before and after (growth would mean the network
 *    asks for memory after its first step). The run's onEpochEnd callback reads heap statistics,
 *    which itself allocates one small object per epoch.
 */
import { parseArgs } from 'node:util';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import v8 from 'node:v8';
import { internalsOf } from '../dist/ann.js';
import * as lib from '../dist/index.js';
import { firstRows, loadR1 } from './data.js';
import { R1_NETWORK } from './training.js';

const { values } = parseArgs({ options: { epochs: { type: 'string', default: '100' }, limit: { type: 'string', default: '1000' }, batch: { type: 'string', default: '32' } } });
const [epochs, limit, batch] = [values.epochs, values.limit, values.batch].map(Number);
/** Steps per fit() call in the per-step measurement: the difference between the two is what steps cost. */
const FEW = 4;
const MANY = 20;

if (typeof globalThis.gc !== 'function') throw new Error('bench/allocation.js needs node --expose-gc');

const KINDS = { [constants.NODE_PERFORMANCE_GC_MINOR]: 'scavenge', [constants.NODE_PERFORMANCE_GC_MAJOR]: 'mark-compact', [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental marking', [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak callbacks' };
const gcs = [];
const observer = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcs.push({ kind: KINDS[e.detail?.kind ?? e.kind] ?? String(e.detail?.kind ?? e.kind), start: e.startTime, forced: Boolean((e.detail?.flags ?? e.flags) & constants.NODE_PERFORMANCE_GC_FLAGS_FORCED) });
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
    return internalsOf(net).network().k.memory.buffer.byteLength;
  } catch {
    return null;
  }
}

const data = await loadR1();
const x = firstRows(data.train.x, limit);
const y = firstRows(data.train.y, limit);
const net = await lib.ANN.create(R1_NETWORK);
const build = typeof lib.kernelBuild === 'function' ? lib.kernelBuild() : 'simd (single build)';
await net.fit(x, y, { epochs: 3, batchSize: batch, learningRate: 0.5 }); // warm-up: JIT, and every plan made

/**
 * Young-generation growth of `fn` from a collected heap with no GC during it (retried up to 5
 * times), or null. `fn` runs once unmeasured first: a fit() on a different number of rows than
 * the call before it allocates once (about 1 MB here), which is not a step's doing.
 */
async function growth(fn) {
  await fn();
  for (let attempt = 0; attempt < 5; attempt++) {
    gc();
    await settle();
    const seen = gcs.length;
    const before = youngBytes();
    await fn();
    const after = youngBytes();
    await settle();
    if (gcs.length === seen) return after - before;
  }
  return null;
}

const stepsFit = (steps) => () => net.fit(firstRows(x, steps * batch), firstRows(y, steps * batch), { epochs: 1, batchSize: batch, learningRate: 0.5, shuffle: false });
const few = [];
const many = [];
for (let i = 0; i < 5; i++) {
  few.push(await growth(stepsFit(FEW)));
  many.push(await growth(stepsFit(MANY)));
}
const median = (a) => {
  const s = a.filter((v) => v !== null).sort((p, q) => p - q);
  return s.length ? s[Math.floor(s.length / 2)] : null;
};
// The least of each: V8 itself sometimes allocates during a call (about 1 MB, now and then, for
// compiled code's bookkeeping), which only ever adds; the least is the deterministic cost.
const least = (a) => (a.some((v) => v !== null) ? Math.min(...a.filter((v) => v !== null)) : null);
const perStep = least(few) !== null && least(many) !== null ? (least(many) - least(few)) / (MANY - FEW) : null;

gc();
await settle();
const gcStart = gcs.length;
const before = { heapUsed: heapUsed(), wasm: wasmBytes(net), rss: process.memoryUsage.rss() };
const heapPerEpoch = [];
const started = performance.now();
await net.fit(x, y, { epochs, batchSize: batch, learningRate: 0.5, onEpochEnd: () => void heapPerEpoch.push(youngBytes()) });
const seconds = (performance.now() - started) / 1000;
const after = { heapUsed: heapUsed(), wasm: wasmBytes(net), rss: process.memoryUsage.rss() };
await settle();
const during = gcs.slice(gcStart);
gc();
const afterGc = heapUsed();
observer.disconnect();
const counts = {};
for (const g of during) counts[g.kind] = (counts[g.kind] ?? 0) + 1;
/** Median young-generation growth from one epoch's end to the next, over pairs with no scavenge between. */
function youngGrowthPerEpoch(samples) {
  const d = [];
  for (let i = 1; i < samples.length; i++) if (samples[i] >= samples[i - 1]) d.push(samples[i] - samples[i - 1]);
  return median(d);
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
    perStep: { bytes: perStep, few, many, stepsFew: FEW, stepsMany: MANY },
    before,
    after,
    heapAfterGc: afterGc,
    gcCounts: counts,
    gcTotal: during.length,
    youngPerEpoch: youngGrowthPerEpoch(heapPerEpoch),
  }),
);
net.dispose();
