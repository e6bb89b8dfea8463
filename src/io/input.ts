/**
 * Turns what a user passes as samples or targets into a dense Matrix of the network's precision,
 * refusing anything that would train on garbage: ragged rows, non-numbers, NaN or Infinity, and
 * numbers too large for float32 (they would become Infinity inside the network).
 */
import type { Precision } from '../backend/kernels.js';
import type { FloatArray, Matrix } from './matrix.js';
import { describe } from './describe.js';

export interface MatrixSpec {
  /** The argument's name in messages: 'x', 'y', 'validationData[0]'. */
  name: string;
  /** The calling method, first in messages: 'fit', 'predict'. */
  where: string;
  precision: Precision;
  /** Values per row the network needs, and what they are called ('inputs' or 'outputs'). */
  cols: number;
  colsName: 'inputs' | 'outputs';
  /** Read a flat array of numbers as one column (targets of a one-output network). */
  flatIsColumn?: boolean;
  /**
   * A fast test that every value of an array already in the network's precision is finite (the
   * kernels' `everyFinite`); the cell-by-cell loop runs only to name the bad cell when it fails.
   */
  everyFinite?: (values: FloatArray) => boolean;
}

function isNumberArrayLike(v: unknown): v is ArrayLike<number> {
  return ArrayBuffer.isView(v) || (Array.isArray(v) && (v.length === 0 || typeof v[0] === 'number' || v[0] === null || v[0] === undefined));
}

/** `number[][]`, `{ data, rows, cols? }` or (flatIsColumn) `number[]` as a checked Matrix of spec.precision. */
export function toMatrix(value: unknown, spec: MatrixSpec): Matrix {
  const { name, where, precision, cols } = spec;
  const out = (n: number): FloatArray => (precision === 'f32' ? new Float32Array(n) : new Float64Array(n));
  /** Stores v at data[i], or throws naming the cell: the check is on the stored value, after rounding to float32. */
  const put = (data: FloatArray, i: number, v: unknown, cell: () => string): void => {
    if (typeof v === 'number') data[i] = v;
    if (typeof v !== 'number' || !Number.isFinite(data[i])) {
      const overflow =
        typeof v === 'number' && Number.isFinite(v)
          ? `, which overflows ${precision === 'f32' ? 'float32 (largest ±3.4e38)' : 'float64'}`
          : '';
      throw new RangeError(`${where}: ${cell()} is ${describe(v)}${overflow}; every value must be a finite number`);
    }
  };
  const wrongCols = (got: number, what: string) =>
    new RangeError(
      `${where}: ${what} has ${got} values per row, the network has ${cols} ${spec.colsName}${spec.colsName === 'outputs' && cols > 1 && got === 1 ? ' (class indices? one-hot encode them with oneHot())' : ''}`,
    );

  if (Array.isArray(value) && value.length > 0 && (Array.isArray(value[0]) || ArrayBuffer.isView(value[0]))) {
    const rows = value.length;
    const data = out(rows * cols);
    for (let i = 0; i < rows; i++) {
      const row = value[i] as ArrayLike<unknown>;
      if (row === null || typeof row !== 'object' || typeof row.length !== 'number') {
        throw new TypeError(`${where}: ${name}[${i}] must be an array of numbers, got ${describe(row)}`);
      }
      if (row.length !== cols) throw wrongCols(row.length, `${name}[${i}]`);
      for (let j = 0; j < cols; j++) put(data, i * cols + j, row[j], () => `${name}[${i}][${j}]`);
    }
    return { data, rows, cols };
  }
  if (spec.flatIsColumn && isNumberArrayLike(value) && value.length > 0) {
    return toMatrix({ data: value, rows: value.length, cols: 1 }, spec);
  }
  if (value !== null && typeof value === 'object' && 'data' in value && 'rows' in value) {
    const { data, rows } = value as { data: unknown; rows: unknown };
    if (!isNumberArrayLike(data))
      throw new TypeError(`${where}: ${name}.data must be a typed array or an array of numbers, got ${describe(data)}`);
    if (!Number.isInteger(rows) || (rows as number) < 1)
      throw new RangeError(`${where}: ${name}.rows must be a positive integer, got ${describe(rows)}`);
    const r = rows as number;
    const given = (value as { cols?: unknown }).cols;
    if (given !== undefined && !(Number.isInteger(given) && (given as number) >= 1)) {
      throw new TypeError(`${where}: ${name}.cols must be a positive integer, got ${describe(given)}`);
    }
    if (given !== undefined && given !== cols) throw wrongCols(given as number, name);
    if (data.length !== r * cols) {
      throw new RangeError(
        `${where}: ${name}.data has ${data.length} values, expected ${name}.rows × ${cols} ${spec.colsName} = ${r * cols}`,
      );
    }
    const same = precision === 'f32' ? data instanceof Float32Array : data instanceof Float64Array;
    if (same) {
      // Already in the right form: check it in place rather than copy it.
      const d = data as FloatArray;
      if (spec.everyFinite?.(d)) return { data: d, rows: r, cols };
      for (let i = 0; i < d.length; i++)
        if (!Number.isFinite(d[i])) put(d, i, d[i], () => `${name} row ${Math.floor(i / cols)}, column ${i % cols}`);
      return { data: d, rows: r, cols };
    }
    const copy = out(data.length);
    for (let i = 0; i < data.length; i++) put(copy, i, data[i], () => `${name} row ${Math.floor(i / cols)}, column ${i % cols}`);
    return { data: copy, rows: r, cols };
  }
  const accepted = spec.flatIsColumn
    ? 'number[][], number[] (one output) or { data, rows }'
    : 'number[][] or { data: Float32Array | Float64Array, rows }';
  if (Array.isArray(value) && value.length === 0) throw new RangeError(`${where}: ${name} is empty; it needs at least one row`);
  if (spec.colsName === 'outputs' && isNumberArrayLike(value)) throw wrongCols(1, name);
  throw new TypeError(`${where}: ${name} must be ${accepted}, got ${describe(value)}`);
}
