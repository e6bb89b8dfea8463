/**
 * Samples as a sparse matrix, compressed by rows (CSR), the form of scipy.sparse.csr_matrix: the
 * non-zeros of row r are entries rowStart[r] … rowStart[r + 1] − 1 of `columns` (0-based, strictly
 * ascending within a row) and `values`. A set of 100,000 one-hot or vocabulary columns then
 * takes memory for its non-zeros alone, and the network never makes a dense copy of it.
 */
import type { Precision } from '../backend/kernels.js';
import { describe } from './describe.js';
import type { FloatArray } from './matrix.js';

/** A checked CSR matrix: Int32Array indices and values of the network's precision. */
export interface CsrMatrix {
  readonly rows: number;
  readonly cols: number;
  /** rows + 1 offsets into columns and values, from 0 to the count of non-zeros, never decreasing. */
  readonly rowStart: Int32Array;
  /** The column of each non-zero, ascending within a row. */
  readonly columns: Int32Array;
  readonly values: FloatArray;
}

type IntArray = Int32Array | Uint32Array | Int16Array | Uint16Array | Int8Array | Uint8Array;

/** What the API accepts as CSR: typed arrays (any integer type for the indices; float32 or float64 values). */
export interface CsrLike {
  readonly rows: number;
  readonly cols: number;
  readonly rowStart: IntArray;
  readonly columns: IntArray;
  readonly values: FloatArray;
}

/** True when `value` looks like CSR (has rowStart), so that it is checked as CSR rather than as a dense matrix. */
export function isCsrLike(value: unknown): boolean {
  return value !== null && typeof value === 'object' && 'rowStart' in value;
}

function isIntArray(v: unknown): v is IntArray {
  return (
    v instanceof Int32Array ||
    v instanceof Uint32Array ||
    v instanceof Int16Array ||
    v instanceof Uint16Array ||
    v instanceof Int8Array ||
    v instanceof Uint8Array
  );
}

/**
 * `value` as a checked CsrMatrix of `precision` with `cols` columns, or an error naming what is
 * wrong: `name` (as 'x') and `where` (as 'fit') start it. Indices are copied into Int32Arrays and
 * values into the network's precision unless they are already so (then they are used in place).
 */
export function toCsr(value: unknown, spec: { name: string; where: string; precision: Precision; cols: number }): CsrMatrix {
  const { name, where, precision, cols } = spec;
  const at = `${where}: ${name}`;
  const o = value as Record<string, unknown>;
  const { rows, rowStart, columns, values } = o;
  if (!Number.isInteger(rows) || (rows as number) < 1) throw new RangeError(`${at}.rows must be a positive integer, got ${describe(rows)}`);
  if (o.cols !== cols) {
    throw new RangeError(`${at}.cols must be the network's ${cols} inputs, got ${describe(o.cols)}`);
  }
  for (const [key, v] of [
    ['rowStart', rowStart],
    ['columns', columns],
  ] as const) {
    if (!isIntArray(v)) throw new TypeError(`${at}.${key} must be an Int32Array (or another integer typed array), got ${describe(v)}`);
  }
  if (!(values instanceof Float32Array || values instanceof Float64Array)) {
    throw new TypeError(`${at}.values must be a Float32Array or Float64Array, got ${describe(values)}`);
  }
  const r = rows as number;
  const [starts, cs] = [rowStart as IntArray, columns as IntArray];
  if (starts.length !== r + 1) throw new RangeError(`${at}.rowStart must have rows + 1 = ${r + 1} entries, got ${starts.length}`);
  if (starts[0] !== 0) throw new RangeError(`${at}.rowStart[0] must be 0, got ${starts[0]}`);
  const nnz = starts[r];
  if (cs.length !== nnz || values.length !== nnz) {
    throw new RangeError(
      `${at}: rowStart[${r}] = ${nnz} non-zeros, but columns has ${cs.length} and values ${values.length}; the three must agree`,
    );
  }
  for (let i = 0; i < r; i++) {
    if (starts[i + 1] < starts[i]) {
      throw new RangeError(`${at}.rowStart must not decrease: rowStart[${i + 1}] = ${starts[i + 1]} < rowStart[${i}] = ${starts[i]}`);
    }
  }
  for (let i = 0; i < r; i++) {
    const [a, b] = [starts[i], starts[i + 1]];
    for (let e = a; e < b; e++) {
      const c = cs[e];
      if (c >= cols) throw new RangeError(`${at}.columns[${e}] (row ${i}) is ${c}, outside the ${cols} columns 0 … ${cols - 1}`);
      if (e > a && c <= cs[e - 1]) {
        throw new RangeError(
          `${at}.columns must be strictly ascending within a row: row ${i} has ${cs[e - 1]} then ${c} (columns[${e - 1}], columns[${e}])`,
        );
      }
    }
  }
  // Int8/Int16 can hold negative columns: ascending order lets only the first of a row be one.
  for (let i = 0; i < r; i++) {
    if (starts[i + 1] > starts[i] && cs[starts[i]] < 0) {
      throw new RangeError(`${at}.columns[${starts[i]}] (row ${i}) is ${cs[starts[i]]}; columns are 0-based, from 0 to ${cols - 1}`);
    }
  }
  const same = precision === 'f32' ? values instanceof Float32Array : values instanceof Float64Array;
  const vals: FloatArray = same ? values : precision === 'f32' ? Float32Array.from(values) : Float64Array.from(values);
  for (let e = 0; e < nnz; e++) {
    if (!Number.isFinite(vals[e])) {
      const overflow = Number.isFinite(values[e]) ? ', which overflows float32 (largest ±3.4e38)' : '';
      throw new RangeError(`${at}.values[${e}] is ${describe(values[e])}${overflow}; every value must be a finite number`);
    }
  }
  return {
    rows: r,
    cols,
    rowStart: starts instanceof Int32Array ? starts : Int32Array.from(starts),
    columns: cs instanceof Int32Array ? cs : Int32Array.from(cs),
    values: vals,
  };
}

/** The CSR matrix of rows rows[0], rows[1], … of x, in that order. */
export function selectCsrRows(x: CsrMatrix, rows: ArrayLike<number>): CsrMatrix {
  let nnz = 0;
  for (let i = 0; i < rows.length; i++) nnz += x.rowStart[rows[i] + 1] - x.rowStart[rows[i]];
  const rowStart = new Int32Array(rows.length + 1);
  const columns = new Int32Array(nnz);
  const values = x.values instanceof Float32Array ? new Float32Array(nnz) : new Float64Array(nnz);
  let at = 0;
  for (let i = 0; i < rows.length; i++) {
    const [a, b] = [x.rowStart[rows[i]], x.rowStart[rows[i] + 1]];
    columns.set(x.columns.subarray(a, b), at);
    values.set(x.values.subarray(a, b), at);
    at += b - a;
    rowStart[i + 1] = at;
  }
  return { rows: rows.length, cols: x.cols, rowStart, columns, values };
}
