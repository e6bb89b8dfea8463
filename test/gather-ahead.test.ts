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

  /** gemm, csrMatmul and cscTransposeMatmul on `k`, each with `job` offered and `prepare` called right before it; their outputs. */
  function products(k: Kernels, job: (() => void) | null, prepare: () => void = () => {}): number[][] {
    const mark = k.mark();
    const A = load(k, a);
    const D = load(k, d);
    const C = k.alloc(m * n);
    prepare();
    k.overlap(job);
    k.gemm(false, false, m, n, depth, A, D, C, false);
    const X = load(k, x);
    const rowStart = k.allocIndices(m + 1);
    const columns = k.allocIndices(m * depth);
    const values = k.alloc(m * depth);
    k.csrFromDense(X, m, depth, rowStart, columns, values, m * depth);
    const Z = k.alloc(m * n);
    prepare();
    k.overlap(job);
    k.csrMatmul(rowStart, columns, values, depth, D, n, Z, 0, m);
    const colStart = k.allocIndices(depth + 1);
    const rowIndex = k.allocIndices(m * depth);
    const colValues = k.alloc(m * depth);
    k.csrTranspose(m, depth, rowStart, columns, values, colStart, rowIndex, colValues, 0, depth);
    const DZ = load(k, dz);
    const G = k.alloc(depth * n);
    prepare();
    k.overlap(job);
    k.cscTransposeMatmul(colStart, rowIndex, colValues, m, DZ, n, G, 0, depth, false);
    const out = [C, Z, G].map((b) => Array.from(k.view(b)));
    k.release(mark);
    return out;
  }

  it('equals one thread bit for bit at every share of the calling thread, from none to all, with a job and without', () => {
    const expected = products(one, null);
    const slots = (two as unknown as { shares: Int32Array }).shares;
    for (const share of [0, 1, 7, 16, 31, 32, 33, 50, 63, 64]) {
      let runs = 0;
      for (const job of [null, () => void runs++]) {
        // Pinned right before each product (each one moves it by one afterwards).
        const got = products(two, job, () => slots.fill(share));
        expect(got, `share ${share}, ${job === null ? 'no job' : 'a job'}`).toEqual(expected);
      }
      expect(runs, `share ${share}`).toBe(3);
    }
  });

  it('a job runs once per offer, beside each product, and the products still equal one thread', () => {
    const expected = products(one, null);
    // The job makes kernel calls of its own (as the network's job makes the CSC copy), which cut anew.
    const J = load(two, a.subarray(0, 96 * 96));
    const JC = two.alloc(96 * 96);
    const jobProduct = () => two.gemm(false, false, 96, 96, 96, J, J, JC, false);
    jobProduct();
    const jobExpected = Array.from(two.view(JC));
    let runs = 0;
    const job = () => {
      runs++;
      busy(0.2);
      two.view(JC).fill(0);
      jobProduct();
      expect(Array.from(two.view(JC))).toEqual(jobExpected);
    };
    for (let call = 0; call < 20; call++) expect(products(two, job), `call ${call}`).toEqual(expected);
    expect(runs).toBe(3 * 20);
    // The shares stay within their bounds whatever the timing.
    for (const v of shares(two)) expect(v >= 0 && v <= 64, `share ${v}`).toBe(true);
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

  /** A product large enough to be cut, with the gather offered beside it as the network offers it. */
  const product = (ahead: GatherAhead) => {
    k.overlap(() => ahead.run());
    k.gemm(false, false, 256, 256, 256, big, big, big, false);
  };
  const expectedRows = (start: number, count: number) =>
    Array.from({ length: count * cols }, (_, i) => data[order[start + Math.floor(i / cols)] * cols + (i % cols)]);

  it('copies the armed samples during the next cut product, and take() says so once', () => {
    const ahead = new GatherAhead(k);
    k.view(spare).fill(-1);
    ahead.arm(source, order, 20, 10, spare);
    expect(Array.from(k.view(spare))).toEqual(new Array(10 * cols).fill(-1));
    product(ahead);
    expect(Array.from(k.view(spare))).toEqual(expectedRows(20, 10));
    expect(ahead.take(source, order, 20, 10, spare)).toBe(true);
    // Taken: a second load of the same samples gathers them itself, and an unarmed run copies nothing.
    expect(ahead.take(source, order, 20, 10, spare)).toBe(false);
    k.view(spare).fill(-2);
    product(ahead);
    expect(k.view(spare)[0]).toBe(-2);
  });

  it('a load of other samples, or before the copy was made, does not take them', () => {
    const ahead = new GatherAhead(k);
    for (const [start, count, src, ord] of [
      [30, 10, source, order],
      [20, 9, source, order],
      [20, 10, new SampleRows({ data, rows, cols }, true), order],
      [20, 10, source, null],
    ] as const) {
      ahead.arm(source, order, 20, 10, spare);
      product(ahead);
      expect(ahead.take(src, ord, start, count, spare), `${start} ${count}`).toBe(false);
    }
    ahead.arm(source, order, 20, 10, spare);
    expect(ahead.take(source, order, 20, 10, spare)).toBe(false);
    // Disarmed by that take: the next product's job copies nothing.
    k.view(spare).fill(-3);
    product(ahead);
    expect(k.view(spare)[0]).toBe(-3);
  });
});

describe('a job runs its own kernel calls on the calling thread (the workers are busy with the product)', () => {
  it('a cut product inside a job equals one thread, and the job does not wait on itself', async () => {
    const k = await ThreadedKernels.createThreaded('f32', 2);
    const one = await WasmKernels.create('f32');
    const a = randomArray(128 * 128, 5);
    const run = (kk: Kernels) => {
      const A = load(kk, a);
      const C = kk.alloc(128 * 128);
      return { A, C };
    };
    const outer = run(k);
    const inner = run(k);
    const ref = run(one);
    one.gemm(false, true, 128, 128, 128, ref.A, ref.A, ref.C, false);
    k.overlap(() => k.gemm(false, true, 128, 128, 128, inner.A, inner.A, inner.C, false));
    k.gemm(false, false, 128, 128, 128, outer.A, outer.A, outer.C, false);
    expect(Array.from(k.view(inner.C))).toEqual(Array.from(one.view(ref.C)));
    k.dispose();
    one.dispose();
  });
});
