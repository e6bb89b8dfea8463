// The soak test (`npm run soak`, after a build; not part of `npm test` or CI: it runs for minutes).
// Three long phases on the built package (dist/), each watched for memory that is never given back:
//   networks     create, use once and dispose 10⁴ networks (each its own wasm instance and memory)
//   predictions  10⁵ predictions with one network, batches of 1 to 8 rows
//   loads        10³ loads of a model file from disk, each used once and disposed
// Every 5% of a phase, after a full garbage collection, it prints RSS, the JS heap in use and the
// memory outside the heap (`external`: array buffers and the wasm memories).
//
// "Flat", numerically: after a warm-up (the first quarter of the phase), the least-squares trend
// of the samples rises over the rest of the phase by less than 2 MiB of JS heap, 8 MiB of external
// memory and 16 MiB of RSS (RSS moves in allocator-sized steps, so its allowance is larger). Spread
// over the three quarters of a phase that count, that is about 280 bytes of heap per network, 28 per
// prediction and 2.8 KiB per load: one leaked weight array per network would be 28–57 KiB each,
// 0.2–0.4 GiB over those 7,500 networks.
// Exit code 0 when every phase is flat, 1 otherwise; a run that hangs is killed (exit status 137).
//
// A hang: no operation completed for 60 s. A watchdog thread (which does not keep the process
// alive) then names the phase and kills the run. Node 20.20 does hang here (9 of 14 runs at
// --scale 0.2 without the watchdog thread, 1 of 12 with it, always in the networks phase), inside
// NodePlatform::DrainTasks (gdb: the main thread waits there for a background TurboFan job, which
// waits for the main thread to collect garbage; nodejs/node#54918): when the only thing left to do
// is the promise of WebAssembly.instantiate (a V8 platform task, no libuv handle), the event loop
// goes idle and Node drains platform tasks in that blocking way. Plain user code does the same (a
// loop of ANN.create/predict/dispose hung in 1 of 4 runs). --keep-alive holds a 1-s timer, which
// keeps the loop from going idle, so that the memory figures can be had on such a Node.
//
// Run: npm run soak [-- --scale 0.1] [-- --keep-alive]   (--scale multiplies every phase's count)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { ANN } from '../dist/index.js';

if (typeof globalThis.gc !== 'function') {
  console.error('soak: run with node --expose-gc (npm run soak does), so that each sample follows a full garbage collection');
  process.exit(2);
}
const gc = /** @type {() => void} */ (globalThis.gc);

const scaleAt = process.argv.indexOf('--scale');
const scale = scaleAt > 0 ? Number(process.argv[scaleAt + 1]) : 1;
if (!(scale > 0)) {
  console.error(`soak: --scale must be a positive number, got ${process.argv[scaleAt + 1]}`);
  process.exit(2);
}

const keepAlive = process.argv.includes('--keep-alive') ? setInterval(() => {}, 1000) : null;

// progress[0]: operations done in all; progress[1]: the phase (index into PHASES), read by the
// watchdog (scripts/soak-watchdog.js) from its own thread.
const PHASES = ['networks', 'predictions', 'loads'];
const progress = new Int32Array(new SharedArrayBuffer(8));
const HANG_SECONDS = 60;
const watchdog = new Worker(new URL('./soak-watchdog.js', import.meta.url), { workerData: { progress, phases: PHASES, seconds: HANG_SECONDS } });
// Unreferenced: the watchdog must not keep the event loop busy (that alone avoids the hang).
watchdog.unref();

const MiB = 2 ** 20;
const SAMPLES = 20;
const WARM_UP = 0.25;
const ALLOWED = { heap: 2 * MiB, external: 8 * MiB, rss: 16 * MiB };

/** @typedef {{ done: number, rss: number, heap: number, external: number }} Sample */

/** Memory after a full collection (twice: weak references and finalizers free more on the second). */
function sample(done) {
  gc();
  gc();
  const m = process.memoryUsage();
  // external includes the array buffers and the wasm memories (arrayBuffers is a part of it, not an addition).
  return { done, rss: m.rss, heap: m.heapUsed, external: m.external };
}

/** The rise of the least-squares line through (done, value) over the span of `points`. */
function trend(points, key) {
  const n = points.length;
  const mx = points.reduce((a, p) => a + p.done, 0) / n;
  const my = points.reduce((a, p) => a + p[key], 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const p of points) {
    sxy += (p.done - mx) * (p[key] - my);
    sxx += (p.done - mx) ** 2;
  }
  return sxx === 0 ? 0 : (sxy / sxx) * (points[n - 1].done - points[0].done);
}

const mib = (bytes) => (bytes / MiB).toFixed(1).padStart(8);
const signed = (bytes) => `${bytes >= 0 ? '+' : '−'}${(Math.abs(bytes) / MiB).toFixed(2)} MiB`;

/**
 * Runs `step(i)` `count` times, sampling memory every 5%, and prints the samples and the verdict.
 * @param {string} name
 * @param {number} count
 * @param {(i: number) => Promise<void> | void} step
 */
async function phase(name, count, step) {
  const every = Math.max(1, Math.floor(count / SAMPLES));
  const samples = [sample(0)];
  const started = performance.now();
  console.log(`\n${name}: ${count.toLocaleString('en')} operations`);
  console.log(`${'done'.padStart(10)} ${'RSS MiB'.padStart(8)} ${'heap MiB'.padStart(8)} ${'ext. MiB'.padStart(8)}`);
  const print = (s) => console.log(`${s.done.toLocaleString('en').padStart(10)} ${mib(s.rss)} ${mib(s.heap)} ${mib(s.external)}`);
  print(samples[0]);
  Atomics.store(progress, 1, PHASES.indexOf(name));
  for (let i = 0; i < count; i++) {
    await step(i);
    Atomics.add(progress, 0, 1);
    if ((i + 1) % every === 0 || i + 1 === count) {
      samples.push(sample(i + 1));
      print(samples[samples.length - 1]);
    }
  }
  const steady = samples.filter((s) => s.done >= WARM_UP * count);
  const rise = { heap: trend(steady, 'heap'), external: trend(steady, 'external'), rss: trend(steady, 'rss') };
  const flat = rise.heap < ALLOWED.heap && rise.external < ALLOWED.external && rise.rss < ALLOWED.rss;
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `${name}: ${flat ? 'flat' : 'NOT FLAT'} — trend after the first ${100 * WARM_UP}%: heap ${signed(rise.heap)} (allowed ${signed(ALLOWED.heap)}), ` +
      `external ${signed(rise.external)} (${signed(ALLOWED.external)}), RSS ${signed(rise.rss)} (${signed(ALLOWED.rss)}); ` +
      `per operation: heap ${((rise.heap / (count * (1 - WARM_UP))) | 0)} bytes; ${seconds.toFixed(1)} s`,
  );
  return flat;
}

const rowsOf = (n, cols, seed) => Array.from({ length: n }, (_, r) => Array.from({ length: cols }, (_, j) => Math.sin(seed * 7.1 + r * 3.3 + j)));

console.log(`soak: Node ${process.version}, scale ${scale}${keepAlive ? ', event loop kept alive (--keep-alive)' : ''}`);
const results = [];

results.push(
  await phase('networks', Math.round(10_000 * scale), async (i) => {
    const net = await ANN.create({ layers: [100, 64, 10], activation: 'relu', output: 'softmax', loss: 'categoricalCrossEntropy', precision: i % 2 === 0 ? 'f32' : 'f64', seed: i });
    net.predict(rowsOf(2, 100, i));
    net.dispose();
  }),
);

const predictor = await ANN.create({ layers: [784, 128, 10], activation: 'relu', output: 'softmax', loss: 'categoricalCrossEntropy', seed: 1 });
const inputs = Array.from({ length: 8 }, (_, k) => rowsOf(k + 1, 784, k));
results.push(
  await phase('predictions', Math.round(100_000 * scale), (i) => {
    predictor.predict(inputs[i % 8]);
  }),
);
predictor.dispose();

const dir = mkdtempSync(join(tmpdir(), 'backprop-wasm-soak-'));
try {
  const file = join(dir, 'model.json');
  const saved = await ANN.create({ layers: [784, 32, 10], activation: 'relu', output: 'softmax', loss: 'categoricalCrossEntropy', seed: 2 });
  await saved.save(file);
  saved.dispose();
  const one = rowsOf(1, 784, 3);
  results.push(
    await phase('loads', Math.round(1_000 * scale), async () => {
      const net = await ANN.load(file);
      net.predict(one);
      net.dispose();
    }),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const allFlat = results.every(Boolean);
console.log(`\nsoak: ${allFlat ? 'every phase flat' : 'memory grew in at least one phase'}`);
if (keepAlive) clearInterval(keepAlive);
process.exit(allFlat ? 0 : 1);
