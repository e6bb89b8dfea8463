/**
 * Memory, each measured in its own process (bench/child.js):
 * - allocation: bench/allocation.js (GCs, heap and wasm memory over a long training run);
 * - the resident set of `npm start` (examples/r1-mnist.js, run as `npm start` runs it, with
 *   --experimental-wasm-relaxed-simd): its peak, and its current RSS at each epoch line it prints;
 * - the same for the hand-written plain-JS loop (bench/baselines/handwritten-r1.js), whose child
 *   run also gives the epoch times and accuracy the training table shows.
 */
import { runNode } from './child.js';

/** Runs bench/allocation.js; returns its JSON report. */
export async function measureAllocation({ epochs, limit, batch, nodeFlags }) {
  const r = await runNode('bench/allocation.js', ['--epochs', String(epochs), '--limit', String(limit), '--batch', String(batch)], {
    nodeFlags: ['--expose-gc', ...nodeFlags],
  });
  return r.json;
}

/**
 * `npm start` with `epochs` epochs: { peakRss, rssAfterLoad, rssPerEpoch, epochs, seconds,
 * testAccuracy } (bytes, seconds). rssAfterLoad is read when it prints its data summary line.
 */
export async function measureExample({ epochs }) {
  const r = await runNode('examples/r1-mnist.js', [String(epochs)], {
    nodeFlags: ['--experimental-wasm-relaxed-simd'],
    sampleOn: /^(MNIST 5 vs 8:|epoch \d+ {2}loss)/,
    env: { CI: '1' },
  });
  const took = /training took ([\d.]+) s/.exec(r.stdout);
  const acc = /final test accuracy\s+([\d.]+)%/.exec(r.stdout);
  return {
    epochs,
    peakRss: r.peakRss,
    rssAfterLoad: r.samples.find((s) => s.line.startsWith('MNIST'))?.rss ?? null,
    rssPerEpoch: r.samples.filter((s) => s.line.startsWith('epoch')).map((s) => s.rss),
    seconds: took ? Number(took[1]) : null,
    testAccuracy: acc ? Number(acc[1]) / 100 : null,
  };
}

/**
 * The hand-written loop: `runs` runs of `epochs` epochs each from fresh weights, batch `batch`,
 * optionally on the first `limit` training images. Returns its JSON report plus the probe's peakRss.
 */
export async function measureHandwritten({ batch, runs, epochs = 1, limit = null }) {
  const args = ['--batch', String(batch), '--runs', String(runs), '--epochs', String(epochs), ...(limit ? ['--limit', String(limit)] : [])];
  const r = await runNode('bench/baselines/handwritten-r1.js', args);
  return { ...r.json, peakRss: r.peakRss ?? r.json.peakRss };
}
