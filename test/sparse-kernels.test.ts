/**
 * The sparse kernels against the dense product they replace: Z = X·D over the non-zeros of X
 * (CSR) equals gemm(false, false) on the dense X, and G = Xᵀ·D over the non-zeros (CSC) equals
 * gemm(true, false), bit for bit — they add in gemm's order, and a zero adds nothing — on every
 * backend, build and precision, at densities from 0 to 1 with all-zero rows and columns, on
 * shapes that cross gemm's depth blocks (k > 256 forward, m > 256 rows for the gradient).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Buffer, Kernels } from '../src/backend/kernels.js';
import { firstDifference, randomArray } from './helpers/compare.js';
import { SPARSE_BACKENDS, sparseDense } from './helpers/sparse.js';

function load(k: Kernels, values: ArrayLike<number>): Buffer {
  const buf = k.alloc(values.length);
  k.view(buf).set(values);
  return buf;
}

/** [rows, k (inputs), n (units), density] */
const CASES: [number, number, number, number][] = [
  [1, 1, 1, 1],
  [1, 784, 196, 0.2],
  [5, 7, 3, 0.5],
  [7, 13, 33, 0],
  [33, 300, 37, 0.05],
  [32, 784, 196, 1],
  [64, 257, 9, 0.3],
  [300, 600, 5, 0.1],
  [260, 50, 70, 0.02],
  // A bag of words: about 6 entries a row among 3,000 inputs, so a row's entries sit in a few of
  // gemm's depth blocks and the product jumps over the empty ones.
  [40, 3000, 16, 0.002],
];

for (const backend of SPARSE_BACKENDS)
  for (const precision of ['f32', 'f64'] as const) {
    describe(`sparse kernels (${backend.name}, ${precision}) equal gemm on the dense X bit for bit`, () => {
      let k: Kernels;
      beforeAll(async () => {
        k = await backend.make(precision);
      });

      it('csrFromDense writes nothing past capacity when the last vector ends in zeros', () => {
        const mark = k.mark();
        // 16 non-zeros (whole 64-byte blocks of i32, f32 and f64, so a guard follows each buffer
        // directly): columns 0 … 14, then 60 with zeros after it in its vector.
        const X = new Array(64).fill(0);
        for (let c = 0; c < 15; c++) X[c] = c + 1;
        X[60] = 0.5;
        const x = load(k, X);
        const rowStart = k.allocIndices(2);
        const columns = k.allocIndices(16);
        const guardColumns = k.allocIndices(16);
        const values = k.alloc(16);
        const guardValues = k.allocIndices(16);
        k.indexView(guardColumns).fill(-7);
        k.indexView(guardValues).fill(-7);
        expect(k.csrFromDense(x, 1, 64, rowStart, columns, values, 16), 'at exact capacity').toBe(16);
        expect(Array.from(k.indexView(guardColumns)), 'past the columns').toEqual(new Array(16).fill(-7));
        expect(Array.from(k.indexView(guardValues)), 'past the values').toEqual(new Array(16).fill(-7));
        expect(Array.from(k.indexView(columns))).toEqual([...Array.from({ length: 15 }, (_, c) => c), 60]);
        expect(Array.from(k.view(values))).toEqual([...Array.from({ length: 15 }, (_, c) => c + 1), 0.5]);
        k.release(mark);
      });

      CASES.forEach(([rows, inputs, units, density], c) => {
        it(`X ${rows} × ${inputs} at density ${density}, ${units} units`, () => {
          const mark = k.mark();
          const emptyRows = rows > 2 ? [1] : [];
          const emptyCols = inputs > 2 ? [0, inputs - 1] : [];
          const X = sparseDense(rows, inputs, density, 10 + c, emptyRows, emptyCols);
          const x = load(k, X);
          const nnzDense = Array.from(k.view(x)).filter((v) => v !== 0).length;
          const d = load(k, randomArray(inputs * units, 20 + c));
          const dz = load(k, randomArray(rows * units, 30 + c));
          const room = Math.max(1, rows * inputs);
          const [rowStart, columns, values] = [k.allocIndices(rows + 1), k.allocIndices(room), k.alloc(room)];
          const [colStart, rowIndex, colValues] = [k.allocIndices(inputs + 1), k.allocIndices(room), k.alloc(room)];

          const nnz = k.csrFromDense(x, rows, inputs, rowStart, columns, values, room);
          expect(nnz, 'csrFromDense counts the non-zeros').toBe(nnzDense);
          if (nnz > 0) expect(k.csrFromDense(x, rows, inputs, rowStart, columns, values, nnz - 1), 'one over capacity').toBe(-1);
          k.csrFromDense(x, rows, inputs, rowStart, columns, values, room);
          const starts = k.indexView(rowStart);
          for (const r of emptyRows) expect(starts[r + 1] - starts[r], `row ${r} is all zero`).toBe(0);

          // Forward: Z = X·D.
          const [zDense, zSparse] = [k.alloc(rows * units), k.alloc(rows * units)];
          k.gemm(false, false, rows, units, inputs, x, d, zDense, false);
          k.view(zSparse).fill(Number.NaN);
          k.csrMatmul(rowStart, columns, values, inputs, d, units, zSparse, 0, rows);
          expect(firstDifference(k.view(zSparse), k.view(zDense)), 'first element of Z that differs').toBe(-1);

          // The same rows split into two ranges (as threads would run them).
          const half = rows >> 1;
          k.view(zSparse).fill(Number.NaN);
          k.csrMatmul(rowStart, columns, values, inputs, d, units, zSparse, half, rows);
          k.csrMatmul(rowStart, columns, values, inputs, d, units, zSparse, 0, half);
          expect(firstDifference(k.view(zSparse), k.view(zDense)), 'Z by two row ranges').toBe(-1);

          // CSC of X: every column's entries in ascending row, the values of X.
          k.csrTranspose(rows, inputs, rowStart, columns, values, colStart, rowIndex, colValues, 0, inputs);
          const [cs, ri, cv, xv] = [k.indexView(colStart), k.indexView(rowIndex), k.view(colValues), k.view(x)];
          expect(cs[inputs]).toBe(nnz);
          const wrong: string[] = [];
          for (let col = 0; col < inputs; col++) {
            for (let e = cs[col]; e < cs[col + 1]; e++) {
              if (cv[e] !== xv[ri[e] * inputs + col])
                wrong.push(`entry ${e} (column ${col}) holds ${cv[e]}, X has ${xv[ri[e] * inputs + col]}`);
              if (e > cs[col] && ri[e] <= ri[e - 1]) wrong.push(`column ${col}: row ${ri[e]} after row ${ri[e - 1]}`);
            }
          }
          expect(wrong.slice(0, 3), 'CSC entries').toEqual([]);
          for (const col of emptyCols) expect(cs[col + 1] - cs[col], `column ${col} is all zero`).toBe(0);

          // Weight gradient: G = Xᵀ·dZ, written, then accumulated onto a G that holds something.
          for (const accumulate of [false, true]) {
            const start = randomArray(inputs * units, 40 + c);
            const [gDense, gSparse] = [load(k, start), load(k, start)];
            k.gemm(true, false, inputs, units, rows, x, dz, gDense, accumulate);
            const split = inputs >> 1;
            k.cscTransposeMatmul(colStart, rowIndex, colValues, rows, dz, units, gSparse, split, inputs, accumulate);
            k.cscTransposeMatmul(colStart, rowIndex, colValues, rows, dz, units, gSparse, 0, split, accumulate);
            expect(firstDifference(k.view(gSparse), k.view(gDense)), `first element of G that differs (accumulate ${accumulate})`).toBe(-1);
          }
          k.release(mark);
        });
      });

      it('keeps a NaN of X (gemm carries it to the output) and drops −0 (its products add nothing)', () => {
        const mark = k.mark();
        const x = load(k, [0, Number.NaN, -0, 2]);
        const [rowStart, columns, values] = [k.allocIndices(3), k.allocIndices(4), k.alloc(4)];
        expect(k.csrFromDense(x, 2, 2, rowStart, columns, values, 4)).toBe(2);
        expect(Array.from(k.indexView(columns).subarray(0, 2))).toEqual([1, 1]);
        expect(Number.isNaN(k.view(values)[0])).toBe(true);
        k.release(mark);
      });
    });
  }
