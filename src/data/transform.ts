/**
 * Pure helpers that turn loaded data into training matrices: pick classes, scale, one-hot encode,
 * standardize, split. None of them modifies its inputs; each returns new arrays.
 */
import { matrix, type FloatArray, type Matrix, type MatrixLike } from '../io/matrix.js';
import { describe } from '../io/describe.js';
import { Random } from '../core/random.js';

import type { Precision } from '../backend/kernels.js';

const alloc = (precision: Precision, n: number): FloatArray => (precision === 'f64' ? new Float64Array(n) : new Float32Array(n));
// Outputs derived from one input keep its precision, so f64 pipelines never silently round.
const allocLike = (data: FloatArray, n: number): FloatArray => (data instanceof Float64Array ? new Float64Array(n) : new Float32Array(n));

function checkPrecision(fn: string, precision: unknown): Precision {
  if (precision !== 'f32' && precision !== 'f64') {
    throw new TypeError(`${fn}: options.precision must be 'f32' or 'f64', got ${JSON.stringify(precision)}`);
  }
  return precision;
}

/** Samples or targets as `fit` takes them, and also a flat array where one column is meant (labels). */
export type ColumnLike = MatrixLike | ArrayLike<number>;

const isFloat = (d: unknown): d is FloatArray => d instanceof Float32Array || d instanceof Float64Array;
// Typed arrays and plain arrays; a DataView is an ArrayBuffer view too, but has no elements.
const isArrayLike = (d: unknown): d is ArrayLike<unknown> => Array.isArray(d) || (ArrayBuffer.isView(d) && !(d instanceof DataView));

/**
 * What the data helpers take, as one Matrix: `number[][]` (one array per sample), `{ data, rows,
 * cols? }` (cols inferred from data.length / rows when absent), and with `flatIsColumn` a flat array
 * of numbers as one column (labels, or targets of a one-output network), as `fit` takes them.
 * Float32Array and Float64Array data are used as they are (no copy: no helper modifies its inputs),
 * so outputs keep their precision; anything else (plain numbers, integer typed arrays) becomes
 * float64, which holds every such value exactly. Values are only checked to be numbers: each
 * helper says what else it needs (Standardizer.fit: finite columns).
 */
function asMatrix(fn: string, name: string, value: unknown, flatIsColumn = false): Matrix {
  const accepted = `number[][] or { data, rows, cols? }${flatIsColumn ? ' or a flat array of numbers (one column)' : ''}`;
  /** Copies `values` into float64, refusing a non-number (a hole reads as undefined) by its cell. */
  const toFloat64 = (values: ArrayLike<unknown>, cell: (i: number) => string): Float64Array => {
    const out = new Float64Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (typeof v !== 'number') throw new TypeError(`${fn}: ${cell(i)} must be a number, got ${describe(v)}`);
      out[i] = v;
    }
    return out;
  };
  if (Array.isArray(value) && value.length === 0) throw new RangeError(`${fn}: ${name} is empty; it needs at least one row`);
  if (Array.isArray(value) && isArrayLike(value[0])) {
    const rows = value.length;
    const cols = value[0].length;
    if (cols < 1) throw new RangeError(`${fn}: ${name}[0] is empty; a row needs at least one value`);
    const data = new Float64Array(rows * cols);
    for (let r = 0; r < rows; r++) {
      const row: unknown = value[r];
      if (!isArrayLike(row)) throw new TypeError(`${fn}: ${name}[${r}] must be an array of numbers, got ${describe(row)}`);
      if (row.length !== cols) throw new RangeError(`${fn}: ${name}[${r}] has ${row.length} values, expected ${cols} as in ${name}[0]`);
      data.set(
        toFloat64(row, (j) => `${name}[${r}][${j}]`),
        r * cols,
      );
    }
    return { data, rows, cols };
  }
  if (flatIsColumn && isArrayLike(value)) {
    const data = isFloat(value) ? value : toFloat64(value, (i) => `${name}[${i}]`);
    if (data.length === 0) throw new RangeError(`${fn}: ${name} is empty; it needs at least one row`);
    return { data, rows: data.length, cols: 1 };
  }
  if (value !== null && typeof value === 'object' && !isArrayLike(value) && 'data' in value && 'rows' in value) {
    const { data, rows, cols: given } = value as { data: unknown; rows: unknown; cols?: unknown };
    if (!isArrayLike(data)) throw new TypeError(`${fn}: ${name}.data must be a typed array or an array of numbers, got ${describe(data)}`);
    if (!Number.isInteger(rows) || (rows as number) < 1)
      throw new RangeError(`${fn}: ${name}.rows must be a positive integer, got ${describe(rows)}`);
    if (given !== undefined && !(Number.isInteger(given) && (given as number) >= 1)) {
      throw new RangeError(`${fn}: ${name}.cols must be a positive integer, got ${describe(given)}`);
    }
    const r = rows as number;
    const cols = (given as number | undefined) ?? data.length / r;
    if (!Number.isInteger(cols) || cols < 1 || data.length !== r * cols) {
      const expected = given === undefined ? `a positive multiple of rows = ${r}` : `rows × cols = ${r * cols}`;
      throw new RangeError(`${fn}: ${name}.data.length must be ${expected}, got ${data.length}`);
    }
    return { data: isFloat(data) ? data : toFloat64(data, (i) => `${name}.data[${i}]`), rows: r, cols };
  }
  throw new TypeError(`${fn}: ${name} must be ${accepted}, got ${describe(value)}`);
}

function classList(fn: string, name: string, v: number[] | number): number[] {
  const list = typeof v === 'number' ? [v] : v;
  if (!Array.isArray(list) || list.length === 0 || Array.from(list).some((c) => !Number.isFinite(c))) {
    throw new TypeError(`${fn}: ${name} must be a number or a non-empty array of numbers, got ${JSON.stringify(v)}`);
  }
  return list;
}

/**
 * Keeps the samples whose label is in `positive` or `negative` (a binary task such as "5 vs 8"),
 * with y = 1 for positive and 0 for negative. Feature values are copied unscaled, or divided by
 * `scale` on the way (`{ scale: 255 }` for pixels: the same numbers as scaleToUnit afterwards,
 * without a second copy of the data in memory).
 */
export function selectClasses(
  images: Uint8Array | FloatArray,
  labels: ArrayLike<number>,
  featureCount: number,
  positive: number[] | number,
  negative: number[] | number,
  options: { precision?: Precision; scale?: number } = {},
): { x: Matrix; y: Matrix } {
  const fn = 'selectClasses';
  const precision = checkPrecision(fn, options.precision ?? 'f32');
  const scale = options.scale ?? 1;
  if (typeof scale !== 'number' || !Number.isFinite(scale) || scale <= 0) {
    throw new RangeError(`${fn}: options.scale must be a positive finite number, got ${JSON.stringify(options.scale)}`);
  }
  if (!Number.isInteger(featureCount) || featureCount < 1) {
    throw new RangeError(`${fn}: featureCount must be a positive integer, got ${featureCount}`);
  }
  if (images.length !== labels.length * featureCount) {
    throw new RangeError(
      `${fn}: images.length must be labels.length × featureCount = ${labels.length * featureCount}, got ${images.length}`,
    );
  }
  const pos = new Set(classList(fn, 'positive', positive));
  const neg = new Set(classList(fn, 'negative', negative));
  const both = [...pos].filter((c) => neg.has(c));
  if (both.length > 0) throw new RangeError(`${fn}: positive and negative must not share classes, both contain ${both.join(', ')}`);
  const keep: number[] = [];
  for (let i = 0; i < labels.length; i++) if (pos.has(labels[i]) || neg.has(labels[i])) keep.push(i);
  if (keep.length === 0) throw new RangeError(`${fn}: no label is in positive ∪ negative (${[...pos, ...neg].join(', ')})`);
  const x = alloc(precision, keep.length * featureCount);
  const y = alloc(precision, keep.length);
  keep.forEach((src, r) => {
    const from = src * featureCount;
    const to = r * featureCount;
    if (scale === 1) x.set(images.subarray(from, from + featureCount), to);
    else for (let j = 0; j < featureCount; j++) x[to + j] = images[from + j] / scale;
    y[r] = pos.has(labels[src]) ? 1 : 0;
  });
  return { x: matrix(x, keep.length, featureCount), y: matrix(y, keep.length, 1) };
}

/** Divides every value by `max` (255 for pixels), giving a new matrix of the same precision (float64 from plain arrays). */
export function scaleToUnit(input: MatrixLike, max = 255): Matrix {
  const x = asMatrix('scaleToUnit', 'x', input);
  if (!Number.isFinite(max) || max <= 0) throw new RangeError(`scaleToUnit: max must be a positive finite number, got ${max}`);
  const out = allocLike(x.data, x.data.length);
  for (let i = 0; i < out.length; i++) out[i] = x.data[i] / max;
  return matrix(out, x.rows, x.cols);
}

/** MNIST bytes (`count` images of 784 pixels) as a float32 `count × 784` matrix scaled to [0, 1]. */
export function mnistMatrix(images: Uint8Array, count: number): Matrix {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`mnistMatrix: count must be a positive integer, got ${count}`);
  if (images.length !== count * 784) {
    throw new RangeError(`mnistMatrix: images.length must be count × 784 = ${count * 784}, got ${images.length}`);
  }
  const out = new Float32Array(images.length);
  for (let i = 0; i < out.length; i++) out[i] = images[i] / 255;
  return matrix(out, count, 784);
}

/** The population standard deviation of column c about m, with every deviation divided by the largest first. */
function scaledDeviation(data: FloatArray, rows: number, cols: number, c: number, m: number): number {
  let largest = 0;
  for (let r = 0; r < rows; r++) largest = Math.max(largest, Math.abs(data[r * cols + c] - m));
  if (!Number.isFinite(largest) || largest === 0) return largest;
  let ss = 0;
  for (let r = 0; r < rows; r++) ss += ((data[r * cols + c] - m) / largest) ** 2;
  return largest * Math.sqrt(ss / rows);
}

/**
 * One-hot encodes labels as a `rows × k` matrix. `classes` fixes the column order (an array) or
 * means 0..classes−1 (a number); by default it is the sorted distinct labels. The list is returned
 * so that predictions can be mapped back to labels.
 */
export function oneHot(
  labels: ArrayLike<number>,
  classes?: number[] | number,
  options: { precision?: Precision } = {},
): { y: Matrix; classes: number[] } {
  const precision = checkPrecision('oneHot', options.precision ?? 'f32');
  if (labels.length < 1) throw new RangeError(`oneHot: labels must be non-empty, got length ${labels.length}`);
  let list: number[];
  if (classes === undefined) list = [...new Set(Array.from(labels))].sort((a, b) => a - b);
  else if (typeof classes === 'number') {
    if (!Number.isInteger(classes) || classes < 1)
      throw new RangeError(`oneHot: classes must be a positive integer or an array, got ${classes}`);
    list = Array.from({ length: classes }, (_, i) => i);
  } else list = classList('oneHot', 'classes', classes);
  const column = new Map(list.map((c, i) => [c, i]));
  if (column.size !== list.length) throw new RangeError(`oneHot: classes must be distinct, got [${list.join(', ')}]`);
  const k = list.length;
  const y = alloc(precision, labels.length * k);
  for (let r = 0; r < labels.length; r++) {
    const c = column.get(labels[r]);
    if (c === undefined) throw new RangeError(`oneHot: labels[${r}] must be one of [${list.join(', ')}], got ${labels[r]}`);
    y[r * k + c] = 1;
  }
  return { y: matrix(y, labels.length, k), classes: list };
}

/**
 * Per-column standardization (x − mean) / std. Fit it on the training rows only and apply the same
 * transform to test rows, so that no test information leaks into training.
 */
export class Standardizer {
  private constructor(
    readonly mean: readonly number[],
    readonly std: readonly number[],
  ) {}

  /**
   * Per-column mean and population standard deviation; a constant column gets std 1 (never NaN).
   * `x` is samples as `fit` takes them: number[][] or { data, rows, cols? }.
   */
  static fit(input: MatrixLike): Standardizer {
    const { data, rows, cols } = asMatrix('Standardizer.fit', 'x', input);
    const mean: number[] = [];
    const std: number[] = [];
    for (let c = 0; c < cols; c++) {
      let sum = 0;
      let min = Infinity;
      let max = -Infinity;
      for (let r = 0; r < rows; r++) {
        const v = data[r * cols + c];
        sum += v;
        if (v < min) min = v;
        if (v > max) max = v;
      }
      // Finite values can still sum past the largest double: then the mean is taken of scaled values.
      let m = sum / rows;
      if (!Number.isFinite(m)) {
        m = 0;
        for (let r = 0; r < rows; r++) m += data[r * cols + c] / rows;
      }
      if (!Number.isFinite(m)) throw new RangeError(`Standardizer.fit: column ${c} must hold finite numbers, got mean ${m}`);
      // Two passes: summing squared deviations is accurate where E[x²] − E[x]² cancels badly.
      let ss = 0;
      for (let r = 0; r < rows; r++) ss += (data[r * cols + c] - m) ** 2;
      mean.push(m);
      // min === max is the exact test for zero spread; rounding in `m` can leave ss a hair above 0.
      let s = min === max ? 1 : Math.sqrt(ss / rows);
      // Deviations beyond ~1e154 square past the largest double, and below ~1e-162 to zero: then
      // the deviations are scaled by the largest of them first (the standard deviation itself is
      // representable whenever the values are).
      if (!Number.isFinite(s) || s === 0) s = scaledDeviation(data, rows, cols, c, m);
      if (!(Number.isFinite(s) && s > 0)) {
        throw new RangeError(
          `Standardizer.fit: column ${c} cannot be standardized: its values (from ${min} to ${max}) spread by a standard deviation of ${s}, which a double cannot hold`,
        );
      }
      std.push(s);
    }
    return new Standardizer(mean, std);
  }

  /** Rebuilds a fitted Standardizer from `toJSON()` output, checking lengths and values. */
  /**
   * x / max for every one of `columns` columns (mean 0, std max): pixels 0–255 to [0, 1] as a
   * standardizer, so that a model carries its input scaling and takes raw grey levels. The
   * command's and the demo's MNIST models use this one, so that either reads the other's.
   */
  static pixels(columns = 784, max = 255): Standardizer {
    return new Standardizer(new Array(columns).fill(0), new Array(columns).fill(max));
  }

  static fromJSON(obj: { mean: number[]; std: number[] }): Standardizer {
    const { mean, std } = obj ?? ({} as never);
    if (!Array.isArray(mean) || !Array.isArray(std) || mean.length === 0 || mean.length !== std.length) {
      throw new TypeError(
        `Standardizer.fromJSON: mean and std must be non-empty arrays of equal length, got ${mean?.length} and ${std?.length}`,
      );
    }
    const badMean = mean.findIndex((v) => !Number.isFinite(v));
    if (badMean >= 0) throw new RangeError(`Standardizer.fromJSON: mean[${badMean}] must be finite, got ${mean[badMean]}`);
    const badStd = std.findIndex((v) => !Number.isFinite(v) || v <= 0);
    if (badStd >= 0) throw new RangeError(`Standardizer.fromJSON: std[${badStd}] must be finite and > 0, got ${std[badStd]}`);
    return new Standardizer([...mean], [...std]);
  }

  /** Returns a standardized copy of `x`, in `x`'s precision (float64 from plain arrays). */
  apply(input: MatrixLike): Matrix {
    const x = asMatrix('Standardizer.apply', 'x', input);
    const cols = this.mean.length;
    if (x.cols !== cols) throw new RangeError(`Standardizer.apply: x.cols must be ${cols} (the fitted column count), got ${x.cols}`);
    const out = allocLike(x.data, x.data.length);
    for (let i = 0; i < out.length; i++) {
      const c = i % cols;
      out[i] = (x.data[i] - this.mean[c]) / this.std[c];
    }
    return matrix(out, x.rows, cols);
  }

  /** The fitted parameters as plain arrays, for saving next to a trained model. */
  toJSON(): { mean: number[]; std: number[] } {
    return { mean: [...this.mean], std: [...this.std] };
  }
}

/**
 * Copies the given rows of `x`, in order (indices may repeat), into a new matrix of `x`'s precision
 * (float64 from plain arrays). A flat array is one column (labels).
 */
export function selectRows(input: ColumnLike, indices: ArrayLike<number>): Matrix {
  const x = asMatrix('selectRows', 'x', input, true);
  if (indices.length < 1) throw new RangeError(`selectRows: indices must be non-empty, got length ${indices.length}`);
  const { cols } = x;
  const out = allocLike(x.data, indices.length * cols);
  for (let k = 0; k < indices.length; k++) {
    const r = indices[k];
    if (!Number.isInteger(r) || r < 0 || r >= x.rows) {
      throw new RangeError(`selectRows: indices[${k}] must be an integer in [0, ${x.rows - 1}], got ${r}`);
    }
    out.set(x.data.subarray(r * cols, (r + 1) * cols), k * cols);
  }
  return matrix(out, indices.length, cols);
}

/**
 * Splits rows into a shuffled training and test part, reproducibly from `seed`. With `stratify`,
 * each distinct row of `y` (a class label or a one-hot row) is split in the same proportion, so
 * small classes are not left out of the test part by chance. `x` and `y` come as `fit` takes them
 * (number[][], { data, rows, cols? }, and for `y` also a flat array of labels); the parts are
 * matrices in the precision of what came (float64 from plain arrays).
 */
export function trainTestSplit(
  xInput: MatrixLike,
  yInput: ColumnLike,
  options: { testFraction: number; seed: number; stratify?: boolean },
): { xTrain: Matrix; yTrain: Matrix; xTest: Matrix; yTest: Matrix } {
  const fn = 'trainTestSplit';
  const x = asMatrix(fn, 'x', xInput);
  const y = asMatrix(fn, 'y', yInput, true);
  if (y.rows !== x.rows) throw new RangeError(`${fn}: y.rows must equal x.rows = ${x.rows}, got ${y.rows}`);
  const { testFraction: f, seed, stratify = false } = options ?? ({} as never);
  if (typeof f !== 'number' || !(f > 0 && f < 1)) throw new RangeError(`${fn}: options.testFraction must be in (0, 1), got ${f}`);
  if (!Number.isFinite(seed)) throw new RangeError(`${fn}: options.seed must be a finite number, got ${seed}`);
  const { train, test } = splitRowIndices(y, f, seed, stratify, `${fn}: options.testFraction`);
  return { xTrain: selectRows(x, train), yTrain: selectRows(y, train), xTest: selectRows(x, test), yTest: selectRows(y, test) };
}

/**
 * The row indices of trainTestSplit's two parts (options checked by the caller): the rows of `y`
 * grouped by their value when `stratify`, each group shuffled from `seed` and cut at `testFraction`,
 * then each part shuffled. `fit`'s validationSplit takes the same indices, dense or CSR inputs alike.
 * `what` names the fraction in the error for a part left empty ('fit: options.validationSplit').
 */
export function splitRowIndices(
  y: Matrix,
  testFraction: number,
  seed: number,
  stratify: boolean,
  what: string,
): { train: number[]; test: number[] } {
  const f = testFraction;
  const rng = new Random(seed);

  const groups = new Map<string, number[]>();
  for (let r = 0; r < y.rows; r++) {
    const key = stratify ? Array.from(y.data.subarray(r * y.cols, (r + 1) * y.cols)).join(',') : '';
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(r);
  }
  const train: number[] = [];
  const test: number[] = [];
  for (const g of groups.values()) {
    rng.shuffle(g);
    const nTest = Math.round(g.length * f);
    test.push(...g.slice(0, nTest));
    train.push(...g.slice(nTest));
  }
  if (test.length === 0 || train.length === 0) {
    throw new RangeError(
      `${what} ${f} of ${y.rows} rows gives ${train.length} training and ${test.length} test rows; expected both parts non-empty`,
    );
  }
  // Stratified groups come out class by class; shuffle so that SGD does not see one class at a time.
  rng.shuffle(train);
  rng.shuffle(test);
  return { train, test };
}
