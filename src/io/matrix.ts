/**
 * The one data layout of the API: samples are rows. A `Matrix` is `rows × cols`, row-major,
 * in a flat typed array; `number[][]` (one inner array per sample) is accepted wherever a
 * Matrix is.
 */
export type FloatArray = Float32Array | Float64Array;

export interface Matrix {
  /** Row-major values, `rows * cols` of them. */
  readonly data: FloatArray;
  readonly rows: number;
  readonly cols: number;
}

/** What the API accepts as a set of samples: nested rows, or a flat typed array with its row count. */
export type MatrixLike =
  | readonly (readonly number[])[]
  | Matrix
  | { readonly data: ArrayLike<number>; readonly rows: number; readonly cols?: number };

/** Wraps a flat row-major array as a Matrix, checking that `data.length` is `rows * cols`. */
export function matrix(data: FloatArray, rows: number, cols?: number): Matrix {
  if (!Number.isInteger(rows) || rows < 1) {
    throw new RangeError(`matrix: rows must be a positive integer, got ${rows}`);
  }
  const c = cols ?? data.length / rows;
  if (!Number.isInteger(c) || c < 1 || c * rows !== data.length) {
    throw new RangeError(`matrix: data.length ${data.length} is not rows (${rows}) × cols (${cols ?? 'inferred'})`);
  }
  return { data, rows, cols: c };
}
