/**
 * The sparse first layer's two products alone (part of `npm run bench -- --only sparse`): on R1's
 * batches (4,096 training images in a fixed shuffled order, density 0.208), the forward product
 * Z = X·Wᵀ over the non-zeros (csrMatmul, X in CSR) and the weight gradient dWᵀ = Xᵀ·dZ
 * (cscTransposeMatmul, X in CSC), each build, f32, one thread, beside gemm doing the same products
 * on the dense batch. GFLOP/s count 2 flops per multiply-add that is done: the non-zeros' for the
 * sparse kernels, every element's for gemm. The compressed copies are built before timing, so this
 * is the products' own speed (the epochs of the sparse section add the batch gather, the CSR/CSC
 * builds, the activations and the second layer).
 */
import { summarizeTimes } from './stats.js';

const INPUTS = 784;
const UNITS = 196;
const ROWS = 4096;

/** @typedef {{ starts: import('../dist/backend/kernels.js').IndexBuffer, index: import('../dist/backend/kernels.js').IndexBuffer, values: import('../dist/backend/kernels.js').Buffer }} Compressed X in CSR or CSC */

/**
 * Each task's times over `rounds` calls (after one warm-up call each), the tasks taking turns so that a burst of load hits all alike.
 * @param {Record<string, () => void>} tasks
 * @param {number} rounds
 */
function interleavedMs(tasks, rounds) {
  const names = Object.keys(tasks);
  /** @type {Record<string, number[]>} */
  const times = Object.fromEntries(names.map((n) => [n, []]));
  for (const n of names) tasks[n]();
  for (let r = 0; r < rounds; r++) {
    for (const n of names) {
      const started = performance.now();
      tasks[n]();
      times[n].push(performance.now() - started);
    }
  }
  return Object.fromEntries(names.map((n) => [n, summarizeTimes(times[n])]));
}

/**
 * @param {{ x: { data: Float32Array, rows: number } }} train R1's training split
 * @param {{ builds: import('./builds.js').BuildInfo[], rounds: number, log: (msg: string) => void }} options
 */
export async function benchSparseProducts(train, options) {
  const rows = [];
  // A fixed shuffle (an LCG), so that each batch mixes 5s and 8s as training does.
  let seed = 7;
  const order = Array.from({ length: train.x.rows }, (_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    const j = Math.floor((seed / 2 ** 32) * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const count = Math.min(ROWS, train.x.rows);
  for (const build of options.builds) {
    for (const batch of [32, 256]) {
      options.log(`sparse: the products alone, batch ${batch}, build ${build.name}`);
      const k = await build.create('f32');
      const random = (/** @type {number} */ n) => {
        const buf = k.alloc(n);
        const v = k.view(buf);
        for (let i = 0; i < n; i++) {
          seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
          v[i] = seed / 2 ** 32 - 0.5;
        }
        return buf;
      };
      const wt = random(INPUTS * UNITS);
      const dz = random(batch * UNITS);
      const [z, g] = [k.alloc(batch * UNITS), k.alloc(INPUTS * UNITS)];
      /** @type {{ x: import('../dist/backend/kernels.js').Buffer, csr: Compressed, csc: Compressed }[]} */
      const batches = [];
      let nonZeros = 0;
      for (let b = 0; b + batch <= count; b += batch) {
        const x = k.alloc(batch * INPUTS);
        const xv = k.view(x);
        for (let r = 0; r < batch; r++) xv.set(train.x.data.subarray(order[b + r] * INPUTS, (order[b + r] + 1) * INPUTS), r * INPUTS);
        const room = batch * INPUTS;
        const csr = { starts: k.allocIndices(batch + 1), index: k.allocIndices(room), values: k.alloc(room) };
        const csc = { starts: k.allocIndices(INPUTS + 1), index: k.allocIndices(room), values: k.alloc(room) };
        nonZeros += k.csrFromDense(x, batch, INPUTS, csr.starts, csr.index, csr.values, room);
        k.csrTranspose(batch, INPUTS, csr.starts, csr.index, csr.values, csc.starts, csc.index, csc.values, 0, INPUTS);
        batches.push({ x, csr, csc });
      }
      const times = interleavedMs(
        {
          csrMatmul: () => {
            for (const { csr } of batches) k.csrMatmul(csr.starts, csr.index, csr.values, INPUTS, wt, UNITS, z, 0, batch);
          },
          cscTransposeMatmul: () => {
            for (const { csc } of batches) k.cscTransposeMatmul(csc.starts, csc.index, csc.values, batch, dz, UNITS, g, 0, INPUTS, false);
          },
          gemmForward: () => {
            for (const { x } of batches) k.gemm(false, false, batch, UNITS, INPUTS, x, wt, z, false);
          },
          gemmGradient: () => {
            for (const { x } of batches) k.gemm(true, false, INPUTS, UNITS, batch, x, dz, g, false);
          },
        },
        options.rounds,
      );
      k.dispose();
      const dense = batches.length * batch * INPUTS;
      rows.push({ build: build.name, batch, images: batches.length * batch, density: nonZeros / dense, nonZeros, dense, times });
    }
  }
  return rows;
}

/**
 * The table's Markdown lines.
 * @param {Awaited<ReturnType<typeof benchSparseProducts>>} rows
 */
export function sparseProductsLines(rows) {
  const lines = ["### The first layer's products alone (R1 batches, f32, one thread)", ''];
  lines.push(
    `Per ${rows[0]?.images.toLocaleString('en-US') ?? 0} images (density ${(rows[0]?.density ?? 0).toFixed(3)}), median of interleaved rounds; GFLOP/s on the multiply-adds done (the non-zeros' for the sparse kernels, all for gemm). bench/sparse-products.js.`,
    '',
  );
  lines.push(
    '| build | batch | Z = X·Wᵀ sparse | GFLOP/s | gemm | dense ÷ sparse | dWᵀ = Xᵀ·dZ sparse | GFLOP/s | gemm | dense ÷ sparse |',
  );
  lines.push('|---|---|---|---|---|---|---|---|---|---|');
  const gflops = (/** @type {number} */ madds, /** @type {number} */ ms) => ((2 * madds * UNITS) / (ms * 1e6)).toFixed(1);
  for (const r of rows) {
    const t = Object.fromEntries(Object.entries(r.times).map(([n, s]) => [n, s.median]));
    lines.push(
      `| ${r.build} | ${r.batch} | ${t.csrMatmul.toFixed(2)} ms | ${gflops(r.nonZeros, t.csrMatmul)} | ${t.gemmForward.toFixed(2)} ms (${gflops(r.dense, t.gemmForward)}) | ${(t.gemmForward / t.csrMatmul).toFixed(2)}× | ${t.cscTransposeMatmul.toFixed(2)} ms | ${gflops(r.nonZeros, t.cscTransposeMatmul)} | ${t.gemmGradient.toFixed(2)} ms (${gflops(r.dense, t.gemmGradient)}) | ${(t.gemmGradient / t.cscTransposeMatmul).toFixed(2)}× |`,
    );
  }
  return lines;
}
