/**
 * The weights of a network as the API hands them out and takes them in, and the checks on
 * weights coming from outside (setWeights, a saved model): shapes against the layer sizes, and
 * finite values that fit the precision.
 */
import { describe } from '../io/describe.js';
import type { FloatArray } from '../io/matrix.js';

/** One layer's weights as getWeights returns them. */
export interface LayerWeights {
  /** units × inputs, row-major. */
  W: FloatArray;
  b: FloatArray;
}

/** One layer's weights as setWeights accepts them: W flat (units·inputs) or nested (units rows of inputs). */
export interface WeightsInput {
  W: ArrayLike<number> | readonly (readonly number[])[];
  b: ArrayLike<number>;
}

/**
 * Checks weights against layer sizes and returns them flat (W as units·inputs values); throws
 * naming the layer and the shape on any mismatch or non-finite value.
 */
export function checkWeights(
  weights: unknown,
  sizes: readonly number[],
  precision: 'f32' | 'f64',
  where: string,
): { W: Float64Array; b: Float64Array }[] {
  const depth = sizes.length - 1;
  if (!Array.isArray(weights) || weights.length !== depth) {
    throw new RangeError(`${where}: expected an array of ${depth} layers ({ W, b }), got ${describe(weights)}`);
  }
  // Array.from turns holes into undefined, which the checks refuse (map would skip them).
  return Array.from(weights as unknown[]).map((layer: unknown, i: number) => {
    const units = sizes[i + 1];
    const inputs = sizes[i];
    if (layer === null || typeof layer !== 'object') throw new TypeError(`${where}[${i}] must be { W, b }, got ${describe(layer)}`);
    const { W, b } = layer as WeightsInput;
    return {
      W: flatten(W, units, inputs, precision, `${where}[${i}].W`),
      b: flatten(b, units, 1, precision, `${where}[${i}].b`),
    };
  });
}

function flatten(value: unknown, rows: number, cols: number, precision: 'f32' | 'f64', where: string): Float64Array {
  const out = new Float64Array(rows * cols);
  const shape = cols === 1 ? `${rows} values (one per unit)` : `${rows} × ${cols} values (units × inputs)`;
  if (value === null || typeof value !== 'object' || typeof (value as ArrayLike<unknown>).length !== 'number') {
    throw new TypeError(`${where} must be an array of ${shape}, got ${describe(value)}`);
  }
  const arr = value as ArrayLike<unknown>;
  // Only W (several inputs per unit) may come as nested rows; b is one number per unit.
  const nested = cols > 1 && arr.length > 0 && typeof arr[0] === 'object' && arr[0] !== null;
  if (nested) {
    if (arr.length !== rows) throw new RangeError(`${where} must have ${rows} rows (units), got ${arr.length}`);
    for (let r = 0; r < rows; r++) {
      const row = arr[r] as ArrayLike<unknown>;
      if (row === null || typeof row !== 'object' || row.length !== cols) {
        throw new RangeError(`${where}[${r}] must have ${cols} values (inputs), got ${describe(row)}`);
      }
      for (let c = 0; c < cols; c++) out[r * cols + c] = finite(row[c], precision, `${where}[${r}][${c}]`);
    }
    return out;
  }
  if (arr.length !== rows * cols)
    throw new RangeError(`${where} must hold ${shape}${cols === 1 ? '' : ` = ${rows * cols}`}, got ${arr.length}`);
  for (let i = 0; i < arr.length; i++) out[i] = finite(arr[i], precision, `${where}[${i}]`);
  return out;
}

function finite(v: unknown, precision: 'f32' | 'f64', where: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new RangeError(`${where} must be a finite number, got ${describe(v)}`);
  if (precision === 'f32' && !Number.isFinite(Math.fround(v)))
    throw new RangeError(`${where} is ${v}, which overflows float32 (largest ±3.4e38)`);
  return v;
}
