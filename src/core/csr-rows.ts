/**
 * Samples held as CSR (src/io/csr.ts) from which batches are gathered, as SampleRows does for a
 * dense Matrix: compressed (for the sparse first layer) or expanded into a dense batch (when the
 * batch is too dense for the sparse path, or the network multiplies densely). Neither allocates.
 */
import { quarterOfBatch, tooDenseAtQuarter } from '../backend/kernels.js';
import type { CsrMatrix } from '../io/csr.js';
import type { FloatArray, Matrix } from '../io/matrix.js';
import { SampleRows } from './sample-rows.js';

export class CsrRows {
  constructor(readonly matrix: CsrMatrix) {}

  /** Samples order[start + r] (start + r when order is null), r < count, as dense rows one after another in dst (zeros filled in). */
  gather(dst: FloatArray, order: ArrayLike<number> | null, start: number, count: number): void {
    const { rowStart, columns, values, cols } = this.matrix;
    dst.fill(0, 0, count * cols);
    for (let r = 0; r < count; r++) {
      const src = order === null ? start + r : order[start + r];
      const to = r * cols;
      for (let e = rowStart[src]; e < rowStart[src + 1]; e++) dst[to + columns[e]] = values[e];
    }
  }

  /**
   * The same samples, compressed: their CSR (from offset 0) in rowStart (count + 1), columns and
   * values. Returns the count of non-zeros, or −1 as soon as it is over `capacity`, or when the
   * first quarter of the batch is too dense, as csrFromDense decides for a dense batch
   * (tooDenseAtQuarter): the buffers then hold nothing useful.
   */
  gatherCompressed(
    rowStart: Int32Array,
    columns: Int32Array,
    values: FloatArray,
    order: ArrayLike<number> | null,
    start: number,
    count: number,
    capacity: number,
  ): number {
    const m = this.matrix;
    let nnz = 0;
    rowStart[0] = 0;
    for (let r = 0; r < count; r++) {
      const src = order === null ? start + r : order[start + r];
      const a = m.rowStart[src];
      const b = m.rowStart[src + 1];
      if (nnz + b - a > capacity) return -1;
      for (let e = a; e < b; e++, nnz++) {
        columns[nnz] = m.columns[e];
        values[nnz] = m.values[e];
      }
      rowStart[r + 1] = nnz;
      if (r + 1 === quarterOfBatch(count) && tooDenseAtQuarter(nnz, count, capacity)) return -1;
    }
    return nnz;
  }
}

/** Samples in either form: a dense Matrix or CSR. */
export type Samples = Matrix | CsrMatrix;

/** Where batches of samples are gathered from. */
export type InputRows = SampleRows | CsrRows;

/** True for samples given as CSR. */
export function isCsr(X: Samples): X is CsrMatrix {
  return 'rowStart' in X;
}

/** The row source of `X`: `repeated` as SampleRows takes it (training gathers from it again and again). */
export function rowsOf(X: Samples, repeated = false): InputRows {
  return isCsr(X) ? new CsrRows(X) : new SampleRows(X, repeated);
}
