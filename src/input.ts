/**
 * Turns what a user passes as samples or targets into a dense Matrix of the network's precision,
 * refusing anything that would train on garbage: ragged rows, non-numbers, NaN or Infinity.
 */
import type { Precision } from './backend/kernels.js';
import type { FloatArray, Matrix } from './matrix.js';
import { describe } from './options.js';

function isNumberArrayLike(v: unknown): v is ArrayLike<number> {
  return ArrayBuffer.isView(v) || (Array.isArray(v) && (v.length === 0 || typeof v[0] === 'number' || v[0] === null || v[0] === undefined));
}

/**
 * A Matrix of `precision` from `number[][]`, `{ data, rows, cols? }`, or (when `flatIsColumn`)
 * a flat array read as one column. `where` and `name` go into error messages.
 */
export function toMatrix(value: unknown, name: string, precision: Precision, where: string, flatIsColumn = false): Matrix {
  const make = (n: number): FloatArray => (precision === 'f32' ? new Float32Array(n) : new Float64Array(n));
  if (Array.isArray(value) && value.length > 0 && (Array.isArray(value[0]) || ArrayBuffer.isView(value[0]))) {
    const rows = value.length;
    const first = value[0];
    const cols = (first as ArrayLike<number>).length;
    if (cols < 1) throw new RangeError(`${where}: ${name}[0] is empty; every row needs at least one value`);
    const data = make(rows * cols);
    for (let i = 0; i < rows; i++) {
      const row = value[i] as ArrayLike<number>;
      if (row === null || typeof row !== 'object' || typeof row.length !== 'number') {
        throw new TypeError(`${where}: ${name}[${i}] must be an array of numbers, got ${describe(row)}`);
      }
      if (row.length !== cols) throw new RangeError(`${where}: ${name}[${i}] has ${row.length} values, expected ${cols} like ${name}[0]`);
      for (let j = 0; j < cols; j++) {
        const v = row[j];
        if (typeof v !== 'number' || !Number.isFinite(v)) throw new RangeError(`${where}: ${name}[${i}][${j}] is ${describe(v)}; every value must be a finite number`);
        data[i * cols + j] = v;
      }
    }
    return { data, rows, cols };
  }
  if (flatIsColumn && isNumberArrayLike(value) && value.length > 0) {
    return toMatrix({ data: value, rows: value.length, cols: 1 }, name, precision, where);
  }
  if (value !== null && typeof value === 'object' && 'data' in value && 'rows' in value) {
    const { data, rows } = value as { data: unknown; rows: unknown; cols?: unknown };
    if (!isNumberArrayLike(data)) throw new TypeError(`${where}: ${name}.data must be a typed array or an array of numbers, got ${describe(data)}`);
    if (!Number.isInteger(rows) || (rows as number) < 1) throw new RangeError(`${where}: ${name}.rows must be a positive integer, got ${describe(rows)}`);
    const r = rows as number;
    const given = (value as { cols?: unknown }).cols;
    const cols = given === undefined ? data.length / r : given;
    if (!Number.isInteger(cols) || (cols as number) < 1 || (cols as number) * r !== data.length) {
      throw new RangeError(`${where}: ${name}.data has ${data.length} values, which is not ${name}.rows (${r}) × ${given === undefined ? 'a whole number of columns' : `${name}.cols (${String(given)})`}`);
    }
    const c = cols as number;
    const same = precision === 'f32' ? data instanceof Float32Array : data instanceof Float64Array;
    const out = same ? (data as FloatArray) : make(data.length);
    for (let i = 0; i < data.length; i++) {
      const v = data[i];
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new RangeError(`${where}: ${name} row ${Math.floor(i / c)}, column ${i % c} is ${describe(v)}; every value must be a finite number`);
      }
      if (!same) out[i] = v;
    }
    return { data: out, rows: r, cols: c };
  }
  const accepted = flatIsColumn ? 'number[][], number[] (one output) or { data, rows }' : 'number[][] or { data: Float32Array | Float64Array, rows }';
  if (Array.isArray(value) && value.length === 0) throw new RangeError(`${where}: ${name} is empty; it needs at least one row`);
  throw new TypeError(`${where}: ${name} must be ${accepted}, got ${describe(value)}`);
}
