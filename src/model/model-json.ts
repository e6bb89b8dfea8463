/**
 * The saved form of a network and the checks on weights coming in from outside (setWeights,
 * fromJSON). Numbers are written as JSON numbers: every float32 and float64 value prints as the
 * shortest decimal that reads back to the same bits, so the round trip is exact.
 */
import type { FloatArray } from '../io/matrix.js';
import { decodeModelFile, FILE_VERSION, MODEL_FORMAT, type ModelMeta } from './model-file.js';
import { describe } from '../core/options.js';

export { MODEL_FORMAT };
export const MODEL_VERSION = 1;

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

export interface ModelJSON {
  format: typeof MODEL_FORMAT;
  version: number;
  layers: number[];
  activations: string[];
  loss: string;
  leakyReluSlope: number;
  init: string;
  seed: number;
  precision: string;
  standardizer: { mean: number[]; std: number[] } | null;
  /** Where the shuffling generator stands, so that training resumes exactly as it would have gone on. */
  shuffleState?: number[];
  weights: { W: number[]; b: number[] }[];
}

interface Describable {
  layers: readonly number[];
  activations: readonly string[];
  loss: string;
  leakyReluSlope: number;
  init: string;
  seed: number;
  precision: string;
}

export function toModelJSON(
  net: Describable,
  weights: LayerWeights[],
  standardizer: ModelJSON['standardizer'],
  shuffleState: number[],
): ModelJSON {
  return {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    layers: [...net.layers],
    activations: [...net.activations],
    loss: net.loss,
    leakyReluSlope: net.leakyReluSlope,
    init: net.init,
    seed: net.seed,
    precision: net.precision,
    standardizer,
    shuffleState,
    weights: weights.map(({ W, b }) => ({ W: Array.from(W), b: Array.from(b) })),
  };
}

/**
 * Parses (if text) and checks the envelope of a saved model, version 1 (`toJSON()`) or 2 (the
 * model file, decoded by model-file.ts); the ANN checks the rest. Errors start with `where`.
 */
export function fromModelJSON(json: unknown, where: string): ModelJSON & { meta?: ModelMeta } {
  let obj = json;
  if (typeof json === 'string') {
    try {
      obj = JSON.parse(json.replace(/^\uFEFF/, ''));
    } catch (err) {
      throw new SyntaxError(`${where}: the text is not valid JSON (${(err as Error).message}); is the file truncated or not a model?`);
    }
  }
  if (obj === null || typeof obj !== 'object')
    throw new TypeError(`${where}: expected a saved model object or its JSON text, got ${describe(obj)}`);
  const m = obj as Partial<ModelJSON>;
  if (m.format !== MODEL_FORMAT) throw new TypeError(`${where}: format must be '${MODEL_FORMAT}', got ${describe(m.format)}`);
  if (m.version !== MODEL_VERSION && m.version !== FILE_VERSION) {
    const newer = typeof m.version === 'number' && m.version > FILE_VERSION;
    throw new RangeError(
      `${where}: format version ${describe(m.version)} is not supported (this library reads versions ${MODEL_VERSION} and ${FILE_VERSION})${newer ? '; it was written by a newer backprop-wasm' : ''}`,
    );
  }
  const model = m.version === FILE_VERSION ? decodeModelFile(obj as Record<string, unknown>, where) : (m as ModelJSON);
  // Both versions: a valid checksum only says the file is as written, not that it was written right.
  if (!Array.isArray(model.activations) || !Array.isArray(model.layers) || model.activations.length !== model.layers.length - 1) {
    throw new TypeError(
      `${where}: activations must list one name per weight layer (${Array.isArray(model.layers) ? model.layers.length - 1 : '?'}), got ${describe(model.activations)}`,
    );
  }
  if (!Array.isArray(model.weights)) throw new TypeError(`${where}: weights must be an array, got ${describe(model.weights)}`);
  return model;
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
  return weights.map((layer: unknown, i: number) => {
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
