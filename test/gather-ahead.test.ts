/**
 * Work beside the workers (Kernels.overlap, src/core/gather-ahead.ts): the calling thread runs a
 * job after handing out the workers' parts of a product, and takes a smaller share of it; the
 * shares follow how long the threads take. Nothing of that may change a number: the products
 * equal one thread's bit for bit whatever the shares, a job runs once or not at all, and samples
 * gathered ahead are used only by the load right after, for exactly those samples.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Buffer, Kernels } from '../src/backend/kernels.js';
import { ThreadedKernels } from '../src/backend/threaded.js';
import { WasmKernels } from '../src/backend/wasm.js';
import { GatherAhead } from '../src/core/gather-ahead.js';
import { SampleRows } from '../src/core/sample-rows.js';
import { randomArray } from './helpers/compare.js';

function load(k: Kernels, values: ArrayLike<number>): Buffer {
  const buf = k.alloc(values.length);
  k.view(buf).set(values);
  return buf;
}

/** The calling thread's shares (see ThreadedKernels.shares): private, read here to show that they moved. */
function shares(k: ThreadedKernels): number[] {
  return Array.from((k as unknown as { shares: Int32Array }).shares);
}

/** Spins for `ms` milliseconds: a job long enough that the calling thread should hand the workers most of the product. */
function busy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

describe('a job beside the workers changes no product, and the shares follow the threads', () => {
  // 200 × 300 × 96 and a CSR X of 200 × 300 at a tenth non-zeros: large enough to be cut.
  const m = 200;
  const depth = 300;
  const n = 96;
  const a = randomArray(m * depth, 41);
  const x = a.map((v, i) => ((i * 7919) % 10 === 0 ? v : 0));
  const d = randomArray(depth * n, 42);
  const dz = randomArray(m * n, 43);
  let one: WasmKernels;
  let two: ThreadedKernels;
  beforeAll(async () => {
    one = await WasmKernels.create('f32');
    two = await ThreadedKernels.createThreaded('f32', 2);
  });
  afterAll(() => {
    one.dispose();
    two.dispose();
  });

  /** gemm, csrMatmul and cscTransposeMatmul on `k`, each with `job` offered before it; their outputs. */
  function products(k: Kernels, job: (() => void) | null): number[][] {
    const mark = k.mark();
    const A = load(k, a);
    const D = load(k, d);
    const C = k.alloc(m * n);
    k.overlap(job);
    k.gemm(false, false, m, n, depth, A, D, C, false);
    const X = load(k, x);
    const rowStart = k.allocIndices(m + 1);
    const columns = k.allocIndices(m * depth);
    const values = k.alloc(m * depth);
    k.csrFromDense(X, m, depth, rowStart, columns, values, m * depth);
    const Z = k.alloc(m * n);
    k.overlap(job);
    k.csrMatmul(rowStart, columns, values, depth, D, n, Z, 0, m);
    const colStart = k.allocIndices(depth + 1);
    const rowIndex = k.allocIndices(m * depth);
    const colValues = k.alloc(m * depth);
    k.csrTranspose(m, depth, rowStart, columns, values, colStart, rowIndex, colValues, 0, depth);
    const DZ = load(k, dz);
    const G = k.alloc(depth * n);
    k.overlap(job);
    k.cscTransposeMatmul(colStart, rowIndex, colValues, m, DZ, n, G, 0, depth, false);
    const out = [C, Z, G].map((b) => Array.from(k.view(b)));
    k.release(mark);
    return out;
  }

  it('equals one thread bit for bit at every share, a long job and none, and the job runs once per offer', () => {
    const expected = products(one, null);
    const before = shares(two);
    let runs = 0;
    const job = () => {
      runs++;
      busy(0.5);
    };
    for (let call = 0; call < 40; call++) expect(products(two, job), `call ${call}`).toEqual(expected);
    expect(runs).toBe(3 * 40);
    const after = shares(two);
    // Beside a half-millisecond job the calling thread's share of each product fell (slots 1, 3, 5).
    for (const slot of [1, 3, 5]) expect(after[slot], `slot ${slot}`).toBeLessThan(before[slot]);
    for (let call = 0; call < 10; call++) expect(products(two, null)).toEqual(expected);
  });

  it('a withdrawn job never runs, and one that a product too small to cut leaves is still pending until withdrawn', () => {
    let runs = 0;
    const job = () => void runs++;
    two.overlap(job);
    two.overlap(null);
    products(two, null);
    expect(runs).toBe(0);
    // A 4 × 4 × 4 product stays on this thread: the job waits for a product that is cut.
    const mark = two.mark();
    const s = two.alloc(16);
    two.overlap(job);
    two.gemm(false, false, 4, 4, 4, s, s, s, false);
    expect(runs).toBe(0);
    two.overlap(null);
    two.release(mark);
    products(two, null);
    expect(runs).toBe(0);
  });

  it('on one thread nothing overlaps: an offer does nothing', () => {
    let runs = 0;
    expect(one.overlaps).toBe(false);
    expect(products(one, () => void runs++)).toEqual(products(one, null));
    expect(runs).toBe(0);
  });
});

describe('GatherAhead: samples gathered beside a product serve the load right after, for those samples alone', () => {
  const cols = 40;
  const rows = 50;
  const data = Float32Array.from(randomArray(rows * cols, 7));
  const source = new SampleRows({ data, rows, cols }, true);
  const order = Uint32Array.from({ length: rows }, (_, i) => (i * 17) % rows);
  let k: ThreadedKernels;
  let spare: Buffer;
  let big: Buffer;
  beforeAll(async () => {
    k = await ThreadedKernels.createThreaded('f32', 2);
    spare = k.alloc(10 * cols);
    big = k.alloc(256 * 256);
  });
  afterAll(() => k.dispose());

  /** A product large enough to be cut, which takes the job on offer. */
  const product = () => k.gemm(false, false, 256, 256, 256, big, big, big, false);
  const expectedRows = (start: number, count: number) =>
    Array.from({ length: count * cols }, (_, i) => data[order[start + Math.floor(i / cols)] * cols + (i % cols)]);

  it('copies the offered samples during the next cut product, and take() says so once', () => {
    const ahead = new GatherAhead(k);
    k.view(spare).fill(-1);
    ahead.offer(source, order, 20, 10, spare);
    expect(Array.from(k.view(spare))).toEqual(new Array(10 * cols).fill(-1));
    product();
    expect(Array.from(k.view(spare))).toEqual(expectedRows(20, 10));
    expect(ahead.take(source, order, 20, 10, spare)).toBe(true);
    // Taken: a second load of the same samples gathers them itself.
    expect(ahead.take(source, order, 20, 10, spare)).toBe(false);
  });

  it('a load of other samples, or before the job ran, does not take them', () => {
    const ahead = new GatherAhead(k);
    for (const [start, count, src, ord] of [
      [30, 10, source, order],
      [20, 9, source, order],
      [20, 10, new SampleRows({ data, rows, cols }, true), order],
      [20, 10, source, null],
    ] as const) {
      ahead.offer(source, order, 20, 10, spare);
      product();
      expect(ahead.take(src, ord, start, count, spare), `${start} ${count}`).toBe(false);
    }
    ahead.offer(source, order, 20, 10, spare);
    expect(ahead.take(source, order, 20, 10, spare)).toBe(false);
    // Withdrawn by that take: the next product does not run it.
    k.view(spare).fill(-2);
    product();
    expect(k.view(spare)[0]).toBe(-2);
  });
});
