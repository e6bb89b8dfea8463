/**
 * The sparse first layer's two products, Z = X·D over the rows of X (CSR) and G = Xᵀ·D over its
 * columns (CSC), against gemm on the dense X: equal bit for bit, on every backend, build and
 * precision. The wasm kernels take output rows eight at a time and walk each depth block and pass
 * of units across the eight (assembly/sparse.ts), so these cases aim at the edges of that:
 * row ranges that start and end inside a group (as a thread's part does), groups with some or all
 * rows empty, rows whose entries sit in only one depth block or on a block's first and last index,
 * unit counts below a vector and between passes, and accumulation over several depth blocks.
 * The compressed forms are built here from the dense X, apart from the library's builders.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Buffer, IndexBuffer, Kernels } from '../src/backend/kernels.js';
import { firstDifference, randomArray } from './helpers/compare.js';
import { SPARSE_BACKENDS } from './helpers/sparse.js';

/** X (rows × k) in CSR, or — read as Xᵀ (k × rows) — in CSC when `byColumns`. */
function compress(X: ArrayLike<number>, rows: number, k: number, byColumns: boolean) {
  const [outer, inner] = byColumns ? [k, rows] : [rows, k];
  const at = (o: number, i: number) => (byColumns ? X[i * k + o] : X[o * k + i]);
  const starts = [0];
  const index: number[] = [];
  const values: number[] = [];
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      if (at(o, i) !== 0) {
        index.push(i);
        values.push(at(o, i));
      }
    }
    starts.push(index.length);
  }
  return { starts, index, values };
}

/** rows × k: each row's non-zeros drawn by `pattern(r, c)` (true keeps a random value there). */
function matrix(rows: number, k: number, seed: number, pattern: (r: number, c: number) => boolean): Float64Array {
  const X = randomArray(rows * k, seed);
  for (let r = 0; r < rows; r++) for (let c = 0; c < k; c++) if (!pattern(r, c)) X[r * k + c] = 0;
  return X;
}

/** A case: X (rows × k), D's width n, and which entries of X are non-zero. */
type Case = { name: string; rows: number; k: number; n: number; pattern: (r: number, c: number) => boolean };

const random = (density: number, seed: number) => {
  const keep = randomArray(1 << 20, seed, 0, 1);
  return (r: number, c: number) => keep[(r * 7919 + c * 104729) % keep.length] < density;
};

const CASES: Case[] = [
  // R1's layer (784 → 196: four depth blocks of 196, 49 vectors in f32 = seven passes of seven).
  { name: 'R1 shape, 21 rows at density 0.2', rows: 21, k: 784, n: 196, pattern: random(0.2, 1) },
  // Rows 8 … 15 (a whole group) empty, and row 20 the only one with entries in the last group (16 … 22).
  {
    name: 'a whole group of empty rows, and a group of one non-empty row',
    rows: 23,
    k: 300,
    n: 29,
    pattern: (r, c) => (r >= 8 && r < 16 ? false : r >= 16 ? r === 20 && c % 3 === 0 : (r * 31 + c * 17) % 5 === 0),
  },
  // Entries only in the third depth block for even rows, on the blocks' first and last index for odd rows (k = 600: blocks of 200).
  {
    name: 'entries in one depth block, and on the edges of the blocks',
    rows: 13,
    k: 600,
    n: 37,
    pattern: (r, c) => (r % 2 === 0 ? c >= 400 && c < 600 && (c + r) % 3 === 0 : c % 200 === 0 || c % 200 === 199),
  },
  // A row whose last entry is the first index of a depth block (the fused multiply-add of the
  // relaxed build rounds it differently in the block before), and one whose first is the last of a block.
  {
    name: 'a row ending on the first index of a depth block',
    rows: 3,
    k: 600,
    n: 16,
    pattern: (r, c) =>
      [
        [3, 77, 150, 200],
        [199, 200, 201],
        [0, 399, 400],
      ][r].includes(c),
  },
  // Fewer units than a vector holds (passes of none, only the last units), and one vector and one more.
  { name: 'three units', rows: 11, k: 40, n: 3, pattern: random(0.4, 2) },
  { name: 'one unit', rows: 9, k: 17, n: 1, pattern: random(0.5, 3) },
  { name: 'five units', rows: 17, k: 70, n: 5, pattern: random(0.3, 4) },
  // 64 vectors in f32 (passes of six and seven), 128 in f64.
  { name: '256 units', rows: 10, k: 90, n: 256, pattern: random(0.15, 5) },
  // The gradient over 600 rows: three depth blocks of 200 for G = Xᵀ·D, rows in groups of eight within each column.
  { name: '600 rows (three depth blocks for G)', rows: 600, k: 45, n: 19, pattern: random(0.1, 6) },
  // Few entries among many depth blocks (a bag of words), which the kernels take row by row: 20
  // blocks of 250, rows empty, with entries only in block 0, none in block 0, two in one block,
  // on a block's first and last index; 21 units (five vectors and a tail in f32).
  {
    name: 'few entries among twenty depth blocks (row by row)',
    rows: 19,
    k: 5000,
    n: 21,
    pattern: (r, c) => [[], [0], [3, 4], [251], [250, 4999], [17, 260, 261, 3000], [0, 249, 250]][r % 7].includes(c),
  },
  // The same for G: 1,200 rows (five depth blocks of 240), about one entry in two columns.
  {
    name: 'few entries among five depth blocks of G (row by row)',
    rows: 1200,
    k: 30,
    n: 6,
    pattern: (r, c) => (r * 7 + c * 131) % 1999 === 0,
  },
  { name: 'all zero', rows: 12, k: 30, n: 9, pattern: () => false },
  { name: 'all non-zero', rows: 9, k: 33, n: 10, pattern: () => true },
];

for (const backend of SPARSE_BACKENDS)
  for (const precision of ['f32', 'f64'] as const) {
    describe(`sparse products (${backend.name}, ${precision}) equal gemm on the dense X bit for bit`, () => {
      let k: Kernels;
      beforeAll(async () => {
        k = await backend.make(precision);
      });

      const load = (values: ArrayLike<number>): Buffer => {
        const buf = k.alloc(Math.max(1, values.length));
        k.view(buf).set(values);
        return buf;
      };
      const loadIndices = (values: ArrayLike<number>): IndexBuffer => {
        const buf = k.allocIndices(Math.max(1, values.length));
        k.indexView(buf).set(values);
        return buf;
      };

      CASES.forEach(({ name, rows, k: depth, n, pattern }, c) => {
        it(`${name}: X ${rows} × ${depth}, ${n} units`, () => {
          const mark = k.mark();
          const X = matrix(rows, depth, 50 + c, pattern);
          const x = load(X);
          const csr = compress(X, rows, depth, false);
          const csc = compress(X, rows, depth, true);
          const [rowStart, columns, values] = [loadIndices(csr.starts), loadIndices(csr.index), load(csr.values)];
          const [colStart, rowIndex, colValues] = [loadIndices(csc.starts), loadIndices(csc.index), load(csc.values)];
          const d = load(randomArray(depth * n, 60 + c));
          const dz = load(randomArray(rows * n, 70 + c));

          const zDense = k.alloc(rows * n);
          k.gemm(false, false, rows, n, depth, x, d, zDense, false);
          const z = k.alloc(rows * n);
          // Every split of the rows into two ranges, as two threads would run them; each range
          // writes its own rows and nothing else (the rest stays NaN until the other range runs).
          const splits = rows <= 24 ? Array.from({ length: rows + 1 }, (_, s) => s) : [0, 5, 8, 299, 300, 597, rows];
          for (const split of splits) {
            k.view(z).fill(Number.NaN);
            k.csrMatmul(rowStart, columns, values, depth, d, n, z, split, rows);
            const before = k.view(z).subarray(0, split * n);
            expect(
              before.every((v) => Number.isNaN(v)),
              `rows before ${split} untouched by the range ${split} … ${rows}`,
            ).toBe(true);
            k.csrMatmul(rowStart, columns, values, depth, d, n, z, 0, split);
            expect(firstDifference(k.view(z), k.view(zDense)), `first element of Z that differs, split at row ${split}`).toBe(-1);
          }

          // G = Xᵀ·dZ written over NaN, then added onto a G that holds something; split into column ranges.
          const colSplits = depth <= 24 ? Array.from({ length: depth + 1 }, (_, s) => s) : [0, 1, 7, 8, 9, depth >> 1, depth - 1, depth];
          for (const accumulate of [false, true]) {
            const start = accumulate ? randomArray(depth * n, 80 + c) : new Float64Array(depth * n).fill(Number.NaN);
            const gDense = load(start);
            k.gemm(true, false, depth, n, rows, x, dz, gDense, accumulate);
            for (const split of colSplits) {
              const g = load(start);
              k.cscTransposeMatmul(colStart, rowIndex, colValues, rows, dz, n, g, 0, split, accumulate);
              k.cscTransposeMatmul(colStart, rowIndex, colValues, rows, dz, n, g, split, depth, accumulate);
              expect(
                firstDifference(k.view(g), k.view(gDense)),
                `first element of G that differs (accumulate ${accumulate}, split at column ${split})`,
              ).toBe(-1);
            }
          }
          k.release(mark);
        });
      });
    });
  }
