/**
 * Building a batch's compressed forms in pieces (assembly/csr-build.ts): the CSR of a dense batch
 * made in two passes over ranges of rows, and its CSC made over ranges of columns, are the same
 * arrays, bit for bit, as the whole build on one thread and as the pure-TS oracle — cut by hand
 * into uneven ranges (empty ones too), and cut by ThreadedKernels on 2, 3 and 4 threads with every
 * part minimum lowered to 1. Shapes: all-zero rows and columns, a batch of zeros, a full batch,
 * fewer rows than threads, one column, NaN (kept) and −0 (dropped), f32 and f64.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JsKernels } from '../src/backend/js.js';
import { CsrRows } from '../src/core/csr-rows.js';
import type { Buffer, IndexBuffer, Kernels, Precision } from '../src/backend/kernels.js';
import { setPartMinimums, ThreadedKernels } from '../src/backend/threaded.js';
import { WasmKernels } from '../src/backend/wasm.js';
import { relaxedSimdSupported } from '../src/backend/wasm-module.js';
import { sparseDense } from './helpers/sparse.js';

const BUILDS = relaxedSimdSupported() ? (['simd', 'relaxed'] as const) : (['simd'] as const);
const PRECISIONS: Precision[] = ['f32', 'f64'];

const SHAPES: { name: string; rows: number; cols: number; x: Float64Array }[] = [
  {
    name: 'a quarter non-zeros, zero rows and columns at both ends',
    rows: 29,
    cols: 67,
    x: sparseDense(29, 67, 0.25, 1, [0, 13, 28], [0, 5, 66]),
  },
  { name: 'MNIST-sized rows, a fifth non-zeros', rows: 40, cols: 784, x: sparseDense(40, 784, 0.2, 3, [7], [0, 1, 2, 783]) },
  { name: 'every value zero', rows: 9, cols: 40, x: sparseDense(9, 40, 0, 5) },
  { name: 'every value non-zero', rows: 6, cols: 35, x: sparseDense(6, 35, 1.01, 7) },
  { name: 'fewer rows than threads', rows: 3, cols: 50, x: sparseDense(3, 50, 0.5, 9) },
  { name: 'one row', rows: 1, cols: 33, x: sparseDense(1, 33, 0.4, 11) },
  { name: 'one column', rows: 17, cols: 1, x: sparseDense(17, 1, 0.5, 13) },
  {
    name: 'NaN is an entry, −0 is not',
    rows: 4,
    cols: 9,
    x: Float64Array.from([
      0,
      Number.NaN,
      -0,
      1,
      0,
      0,
      -0,
      2,
      0,
      -0,
      -0,
      0,
      0,
      0,
      0,
      0,
      0,
      3,
      Number.NaN,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      -0,
      4,
      0,
      0,
      5,
      0,
      0,
      0,
      0,
      6,
    ]),
  },
];

/** Everything a build writes, as plain arrays (equal as numbers, Object.is: NaN to NaN, −0 apart from 0). */
interface Built {
  nnz: number;
  rowStart: number[];
  columns: number[];
  values: number[];
  colStart: number[];
  rowIndex: number[];
  colValues: number[];
}

/** The buffers of one batch's build on `k`, the batch loaded. */
function buffers(k: Kernels, rows: number, cols: number, x: ArrayLike<number>) {
  const room = Math.max(1, rows * cols);
  const b = {
    x: k.alloc(rows * cols),
    rowStart: k.allocIndices(rows + 1),
    columns: k.allocIndices(room),
    values: k.alloc(room),
    colStart: k.allocIndices(cols + 1),
    rowIndex: k.allocIndices(room),
    colValues: k.alloc(room),
  };
  k.view(b.x).set(x);
  return b;
}

function read(k: Kernels, b: ReturnType<typeof buffers>, rows: number, nnz: number): Built {
  const ints = (buf: IndexBuffer, n: number) => Array.from(k.indexView(buf).subarray(0, n));
  const floats = (buf: Buffer, n: number) => Array.from(k.view(buf).subarray(0, n));
  const cols = b.colStart.length - 1;
  return {
    nnz,
    rowStart: ints(b.rowStart, rows + 1),
    columns: ints(b.columns, nnz),
    values: floats(b.values, nnz),
    colStart: ints(b.colStart, cols + 1),
    rowIndex: ints(b.rowIndex, nnz),
    colValues: floats(b.colValues, nnz),
  };
}

/** The whole build: csrFromDense then csrTranspose over every column (cut by `k` itself when it is threaded). */
function wholeBuild(k: Kernels, rows: number, cols: number, x: ArrayLike<number>): Built {
  const mark = k.mark();
  const b = buffers(k, rows, cols, x);
  const nnz = k.csrFromDense(b.x, rows, cols, b.rowStart, b.columns, b.values, rows * cols);
  k.csrTranspose(rows, cols, b.rowStart, b.columns, b.values, b.colStart, b.rowIndex, b.colValues, 0, cols);
  const built = read(k, b, rows, nnz);
  k.release(mark);
  return built;
}

/** The same build by hand in the pieces a thread would get: rows cut at `rowCuts`, columns at `colCuts` (bounds, ascending, duplicates for empty pieces). */
function pieceBuild(k: Kernels, rows: number, cols: number, x: ArrayLike<number>, rowCuts: number[], colCuts: number[]): Built {
  const mark = k.mark();
  const b = buffers(k, rows, cols, x);
  const rb = [0, ...rowCuts, rows];
  const cb = [0, ...colCuts, cols];
  // Pieces in reverse order, so that no piece can lean on one before it having run.
  for (let p = rb.length - 2; p >= 0; p--) k.csrRowCounts(b.x, cols, b.rowStart, rb[p], rb[p + 1]);
  const starts = k.indexView(b.rowStart);
  starts[0] = 0;
  for (let r = 0; r < rows; r++) starts[r + 1] += starts[r];
  for (let p = rb.length - 2; p >= 0; p--) k.csrFillRows(b.x, cols, b.rowStart, b.columns, b.values, rb[p], rb[p + 1]);
  for (let p = cb.length - 2; p >= 0; p--)
    k.csrTranspose(rows, cols, b.rowStart, b.columns, b.values, b.colStart, b.rowIndex, b.colValues, cb[p], cb[p + 1]);
  const built = read(k, b, rows, starts[rows]);
  k.release(mark);
  return built;
}

/** Uneven cuts of 0 … n: a third, the same again (an empty piece), and one before the end. */
function unevenCuts(n: number): number[] {
  return [Math.floor(n / 3), Math.floor(n / 3), Math.max(Math.floor(n / 3), n - 1)];
}

describe.each(PRECISIONS)('a batch compressed in pieces (%s)', (precision) => {
  const oracle = new JsKernels(precision);

  describe.each(BUILDS)('on the %s build', (build) => {
    let one: WasmKernels;
    const threaded: ThreadedKernels[] = [];
    let before: ReturnType<typeof setPartMinimums>;
    beforeAll(async () => {
      before = setPartMinimums(1, 1);
      one = await WasmKernels.create(precision, build);
      for (const t of [2, 3, 4]) threaded.push(await ThreadedKernels.createThreaded(precision, t, build));
    });
    afterAll(() => {
      setPartMinimums(before.gemm, before.elementwise);
      for (const k of threaded) k.dispose();
      one.dispose();
    });

    for (const { name, rows, cols, x } of SHAPES) {
      it(name, () => {
        const expected = wholeBuild(oracle, rows, cols, x);
        expect(expected.nnz, 'the oracle counts the non-zeros').toBe(x.filter((v) => v !== 0).length);
        expect(wholeBuild(one, rows, cols, x), 'one thread, whole').toEqual(expected);
        expect(pieceBuild(one, rows, cols, x, unevenCuts(rows), unevenCuts(cols)), 'one thread, in uneven pieces').toEqual(expected);
        expect(pieceBuild(oracle, rows, cols, x, unevenCuts(rows), unevenCuts(cols)), 'the oracle, in uneven pieces').toEqual(expected);
        for (const k of threaded) expect(wholeBuild(k, rows, cols, x), `${k.threads} threads`).toEqual(expected);
      });
    }

    it('refuses a batch over capacity on every thread count, and takes one at capacity', () => {
      const { rows, cols, x } = SHAPES[1];
      const nnz = x.filter((v) => v !== 0).length;
      for (const k of [one, ...threaded]) {
        const mark = k.mark();
        const b = buffers(k, rows, cols, x);
        expect(k.csrFromDense(b.x, rows, cols, b.rowStart, b.columns, b.values, nnz - 1), 'one under').toBe(-1);
        expect(k.csrFromDense(b.x, rows, cols, b.rowStart, b.columns, b.values, nnz), 'at capacity').toBe(nnz);
        k.release(mark);
      }
    });

    it('gives up early on a batch whose first quarter is too dense, the same way on every backend and thread count', () => {
      // 40 rows (quarter: 10) of 50: the first 10 rows full, the rest empty, 500 non-zeros in all.
      const [rows, cols] = [40, 50];
      const x = new Float64Array(rows * cols).fill(1, 0, 10 * cols);
      // Capacity 1,000: room for every non-zero, but the first quarter holds 500, more than 11/10 of its share (250).
      // Capacity 2,000 (share 500): no more than its share, so the batch is compressed.
      for (const [capacity, want] of [
        [1000, -1],
        [2000, 500],
      ]) {
        for (const k of [oracle, one, ...threaded]) {
          const mark = k.mark();
          const b = buffers(k, rows, cols, x);
          expect(k.csrFromDense(b.x, rows, cols, b.rowStart, b.columns, b.values, capacity), `${k.name}, capacity ${capacity}`).toBe(want);
          k.release(mark);
        }
      }
      // A CSR source of the same rows decides the same way (CsrRows.gatherCompressed).
      const csr = new CsrRows({
        rows,
        cols,
        rowStart: Int32Array.from({ length: rows + 1 }, (_, r) => Math.min(r, 10) * cols),
        columns: Int32Array.from({ length: 10 * cols }, (_, e) => e % cols),
        values: new Float64Array(10 * cols).fill(1),
      });
      const [starts, columns, values] = [new Int32Array(rows + 1), new Int32Array(2000), new Float64Array(2000)];
      expect(csr.gatherCompressed(starts, columns, values, null, 0, rows, 1000), 'CSR, capacity 1000').toBe(-1);
      expect(csr.gatherCompressed(starts, columns, values, null, 0, rows, 2000), 'CSR, capacity 2000').toBe(500);
      // The same rows in reverse order (the dense ones last): counted through, and taken.
      const reversed = new Float64Array(rows * cols).fill(1, 30 * cols);
      for (const k of [oracle, one, ...threaded]) {
        const mark = k.mark();
        const b = buffers(k, rows, cols, reversed);
        expect(k.csrFromDense(b.x, rows, cols, b.rowStart, b.columns, b.values, 1000), `${k.name}, dense rows last`).toBe(500);
        k.release(mark);
      }
    });

    it('refuses column and row ranges outside the batch by name', () => {
      const mark = one.mark();
      const b = buffers(one, 4, 9, SHAPES[SHAPES.length - 1].x);
      expect(() => one.csrTranspose(4, 9, b.rowStart, b.columns, b.values, b.colStart, b.rowIndex, b.colValues, 3, 10)).toThrow(
        /csrTranspose columns: expected a range within 0 … 9, got 3 … 10/,
      );
      expect(() => one.csrRowCounts(b.x, 9, b.rowStart, 2, 1)).toThrow(/csrRowCounts rows: expected a range within 0 … 4, got 2 … 1/);
      expect(() => one.csrFillRows(b.x, 9, b.rowStart, b.columns, b.values, 0, 5)).toThrow(/csrFillRows rows/);
      one.release(mark);
    });
  });
});
