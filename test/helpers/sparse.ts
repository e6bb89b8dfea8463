/**
 * What the sparse tests share: a seeded dense matrix with a given share of non-zeros (and rows and
 * columns forced to zero), its CSR form built apart from the library's own builders, the first
 * difference of two arrays as numbers (Object.is: −0 and NaN count), and the kernel backends the
 * sparse kernels run on.
 */
import { JsKernels } from '../../src/backend/js.js';
import type { Kernels, Precision } from '../../src/backend/kernels.js';
import { WasmKernels } from '../../src/backend/wasm.js';
import { randomArray } from './compare.js';

/** rows × cols (row-major) with about `density` of the values non-zero; the rows and columns listed all zero. */
export function sparseDense(
  rows: number,
  cols: number,
  density: number,
  seed: number,
  emptyRows: number[] = [],
  emptyCols: number[] = [],
): Float64Array {
  const x = randomArray(rows * cols, seed);
  const keep = randomArray(rows * cols, seed + 1, 0, 1);
  for (let i = 0; i < x.length; i++) if (keep[i] >= density) x[i] = 0;
  for (const r of emptyRows) x.fill(0, r * cols, (r + 1) * cols);
  for (const c of emptyCols) for (let r = 0; r < rows; r++) x[r * cols + c] = 0;
  return x;
}

/** The CSR form (fit's CsrLike) of the dense rows × cols x, values in `precision`. */
export function csrOf(x: ArrayLike<number>, rows: number, cols: number, precision: Precision = 'f64') {
  const [rowStart, columns, values]: [number[], number[], number[]] = [[0], [], []];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      if (x[r * cols + c] !== 0) {
        columns.push(c);
        values.push(x[r * cols + c]);
      }
    }
    rowStart.push(columns.length);
  }
  const floats = precision === 'f32' ? Float32Array.from(values) : Float64Array.from(values);
  return { rows, cols, rowStart: Int32Array.from(rowStart), columns: Int32Array.from(columns), values: floats };
}

/** The backends the sparse kernels are checked on: both wasm builds and the TypeScript oracle. */
export const SPARSE_BACKENDS: { name: string; make: (p: Precision) => Promise<Kernels> }[] = [
  { name: 'wasm simd', make: (p) => WasmKernels.create(p, 'simd') },
  { name: 'wasm relaxed', make: (p) => WasmKernels.create(p, 'relaxed') },
  { name: 'js', make: async (p) => new JsKernels(p) },
];
