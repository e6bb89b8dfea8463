/**
 * The model file, format version 2: one self-describing JSON document holding the architecture,
 * the standardisation, what the outputs mean (class names) and a short training summary, with the
 * weights stored exactly as base64 of little-endian floats of the network's precision, and a
 * CRC-32 of the whole document so that a damaged file is refused rather than loaded.
 *
 * The checksum covers the compact JSON text of the document without its `checksum` field, in the
 * file's key order; JSON.stringify(JSON.parse(t)) reproduces that text for anything the encoder
 * writes, so indentation may change but no value can.
 *
 * Version 1 (`toJSON()`: weights as JSON numbers, no metadata) is still read; see model-json.ts.
 */
import { crc32 } from './crc32.js';
import { describeSource, isNode, localFile, readBytes, type ByteSource } from '../data/source.js';
import { SAVED_ARCHITECTURE_FIELDS } from '../core/architecture.js';
import { describe } from '../io/describe.js';
import { MODEL_FORMAT, type ModelJSON, type TrainingStateJSON } from './model-json.js';
import { TablePreparation, type TablePreparationJSON } from '../data/table-preparation.js';

export const FILE_VERSION = 3;
/** Version 2: the same document without `trainingState`. */
export const FILE_VERSION_2 = 2;

/** A few facts about the training run, shown by `backprop-wasm info`: numbers, strings, booleans. */
export type TrainingSummary = Record<string, string | number | boolean | null>;

/** What a model file says about the data, besides the network. Every field is optional. */
export interface ModelMeta {
  /**
   * What the outputs mean in a classification model: one class per output, or for a single
   * sigmoid output [the class below 0.5, the class at or above 0.5]. Names or numbers.
   */
  classes?: (string | number)[];
  /** The input columns' names, in input order. */
  features?: string[];
  /** The name of the target (label) column. */
  target?: string;
  /** The 0-based column of the training file that held the label, so files with it can be predicted. */
  labelColumn?: number;
  /**
   * How the training file's columns become the inputs (src/data/table-preparation.ts): which
   * columns, the categories of text columns (one-hot), and what fills a missing value. Files are
   * read through it, so that they are encoded exactly as the training file was.
   */
  preparation?: TablePreparationJSON;
  /**
   * The targets of a regression model were standardized for training: the outputs times `std`
   * plus `mean` (one of each per output) are in the label's units.
   */
  targetScaling?: { mean: number[]; std: number[] };
  /** The rows held out of the training file for validation and test, as the recipe that redraws them (src/cli/holdout.ts). */
  split?: SplitRecord;
  /** A short summary of the training run (data, epochs, figures, time). */
  training?: TrainingSummary;
}

/**
 * Held-out rows, recorded as the recipe that draws them (fractions of all rows, seed, whether
 * stratified by class), with what identifies the file they were drawn from (its data rows' count
 * and fingerprint) and a CRC-32 of the row numbers drawn, so that a redraw can be checked.
 */
export interface SplitRecord {
  validation: number;
  test: number;
  seed: number;
  stratified: boolean;
  rows: number;
  fingerprint: string;
  validationRows: number;
  testRows: number;
  check: string;
}

const META_KEYS = ['classes', 'features', 'target', 'labelColumn', 'training', 'preparation', 'targetScaling', 'split'] as const;

/** The decoded form of a version 2 file: a version 1 model plus its metadata. */
export type DecodedModel = ModelJSON & { meta: ModelMeta };

/** The model file text of a network (as `toJSON()` gives it) and its metadata. */
export function encodeModelFile(json: ModelJSON, meta: ModelMeta): string {
  const clean = checkMeta(meta, json.layers, 'toFile: meta');
  const precision = json.precision === 'f64' ? 'f64' : 'f32';
  const doc: Record<string, unknown> = {
    format: MODEL_FORMAT,
    version: FILE_VERSION,
    checksum: '',
    ...Object.fromEntries(SAVED_ARCHITECTURE_FIELDS.map((key) => [key, key === 'precision' ? precision : json[key]])),
    standardizer: json.standardizer,
    shuffleState: json.shuffleState,
    ...clean,
    weights: {
      encoding: encodingOf(precision),
      layers: json.weights.map(({ W, b }) => ({ W: floatsToBase64(W, precision), b: floatsToBase64(b, precision) })),
    },
    trainingState: encodeTrainingState(json.trainingState, precision),
  };
  doc.checksum = checksumOf(doc);
  return pretty(doc);
}

/**
 * Checks and decodes a parsed version 2 document (format and version already checked): checksum
 * first, then the weights' encoding and byte counts against the layer sizes, then the metadata.
 * Finiteness and the architecture are checked by the caller, as for version 1.
 */
export function decodeModelFile(doc: Record<string, unknown>, where: string): DecodedModel {
  const recorded = doc.checksum;
  if (typeof recorded !== 'string' || !/^crc32:[0-9a-f]{8}$/.test(recorded)) {
    throw new TypeError(`${where}: checksum must be 'crc32:' and 8 hex digits, got ${describe(recorded)}`);
  }
  const actual = checksumOf(doc);
  if (actual !== recorded) {
    throw new Error(
      `${where}: checksum mismatch: the file records ${recorded} but its contents give ${actual}; the file was damaged or edited after it was saved`,
    );
  }
  const layers = doc.layers;
  if (!Array.isArray(layers) || layers.length < 2 || !Array.from(layers).every((n) => Number.isInteger(n) && n >= 1)) {
    throw new TypeError(`${where}: layers must be an array of at least two positive integers, got ${describe(layers)}`);
  }
  const precision = doc.precision;
  if (precision !== 'f32' && precision !== 'f64')
    throw new TypeError(`${where}: precision must be 'f32' or 'f64', got ${describe(precision)}`);
  const w = doc.weights as { encoding?: unknown; layers?: unknown } | null;
  if (w === null || typeof w !== 'object' || Array.isArray(w)) {
    throw new TypeError(`${where}: weights must be an object { encoding, layers }, got ${describe(w)}`);
  }
  if (w.encoding !== encodingOf(precision)) {
    throw new TypeError(
      `${where}: weights.encoding must be '${encodingOf(precision)}' for precision '${precision}', got ${describe(w.encoding)}`,
    );
  }
  const depth = layers.length - 1;
  if (!Array.isArray(w.layers) || w.layers.length !== depth) {
    throw new RangeError(
      `${where}: weights.layers must hold ${depth} layers (one per weight layer of ${layers.join('-')}), got ${describe(w.layers)}`,
    );
  }
  // Array.from turns holes into undefined, which the checks refuse (map would skip them).
  const weights = Array.from(w.layers as unknown[]).map((layer: unknown, i: number) => {
    const at = `${where}: weights.layers[${i}]`;
    if (layer === null || typeof layer !== 'object') throw new TypeError(`${at} must be { W, b }, got ${describe(layer)}`);
    const { W, b } = layer as { W?: unknown; b?: unknown };
    const [units, inputs] = [layers[i + 1], layers[i]];
    return {
      W: base64ToFloats(W, units * inputs, precision, `${at}.W (${units} × ${inputs})`),
      b: base64ToFloats(b, units, precision, `${at}.b (${units})`),
    };
  });
  const meta: Record<string, unknown> = {};
  for (const key of META_KEYS) if (doc[key] !== undefined) meta[key] = doc[key];
  return {
    ...(doc as unknown as ModelJSON),
    version: doc.version as number,
    weights,
    trainingState: decodeTrainingState(doc.trainingState, precision, `${where}: trainingState`),
    meta: checkMeta(meta as ModelMeta, layers, where),
  };
}

/**
 * A checked copy of `meta` holding only the known fields, or an error naming the field. Class and
 * feature counts must match the network's outputs and inputs.
 */
export function checkMeta(meta: ModelMeta | null | undefined, layers: readonly number[], where: string): ModelMeta {
  if (meta === undefined || meta === null) return {};
  if (typeof meta !== 'object' || Array.isArray(meta)) throw new TypeError(`${where} must be an object, got ${describe(meta)}`);
  const unknown = Object.keys(meta).filter((k) => !(META_KEYS as readonly string[]).includes(k));
  if (unknown.length > 0) {
    throw new TypeError(`${where}: unknown field '${unknown[0]}'; the fields are ${META_KEYS.join(', ')}`);
  }
  const inputs = layers[0];
  const outputs = layers[layers.length - 1];
  const out: ModelMeta = {};
  if (meta.classes !== undefined) {
    const c = meta.classes;
    const want = outputs === 1 ? 2 : outputs;
    if (!Array.isArray(c) || c.length !== want) {
      throw new RangeError(
        `${where}: classes must list ${want} classes (${outputs === 1 ? 'below and at or above 0.5 of the one output' : 'one per output'}), got ${describe(c)}`,
      );
    }
    Array.from(c).forEach((v, i) => {
      if (!(typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v))))
        throw new TypeError(`${where}: classes[${i}] must be a string or a finite number, got ${describe(v)}`);
    });
    if (new Set(c).size !== c.length) throw new RangeError(`${where}: classes must be distinct, got [${c.join(', ')}]`);
    out.classes = [...c];
  }
  if (meta.features !== undefined) {
    const f = meta.features;
    if (!Array.isArray(f) || f.length !== inputs || Array.from(f).some((v) => typeof v !== 'string')) {
      throw new RangeError(`${where}: features must list ${inputs} names (one per input), got ${describe(f)}`);
    }
    out.features = [...f];
  }
  if (meta.target !== undefined) {
    if (typeof meta.target !== 'string') throw new TypeError(`${where}: target must be a string, got ${describe(meta.target)}`);
    out.target = meta.target;
  }
  if (meta.preparation !== undefined) {
    const prep = TablePreparation.fromJSON(meta.preparation, `${where}: preparation`);
    if (prep.inputs !== inputs) throw new RangeError(`${where}: preparation makes ${prep.inputs} inputs, but the network has ${inputs}`);
    out.preparation = prep.toJSON();
  }
  if (meta.labelColumn !== undefined) {
    const lc = meta.labelColumn;
    // With a preparation the training file's width is known (its features may be fewer or more than the inputs).
    const prep = out.preparation;
    const last = prep ? prep.width - 1 : inputs;
    if (!Number.isInteger(lc) || lc < 0 || lc > last)
      throw new RangeError(`${where}: labelColumn must be an integer in [0, ${last}], got ${describe(lc)}`);
    if (prep && prep.labelColumn !== lc)
      throw new RangeError(`${where}: labelColumn is ${lc}, but the preparation's label column is ${describe(prep.labelColumn)}`);
    out.labelColumn = lc;
  }
  if (meta.targetScaling !== undefined) {
    const t = meta.targetScaling as { mean?: unknown; std?: unknown } | null;
    const okList = (v: unknown, positive: boolean) =>
      Array.isArray(v) &&
      v.length === outputs &&
      Array.from(v).every((e) => typeof e === 'number' && Number.isFinite(e) && (!positive || e > 0));
    if (t === null || typeof t !== 'object' || !okList(t.mean, false) || !okList(t.std, true)) {
      throw new TypeError(
        `${where}: targetScaling must be { mean, std } with ${outputs} finite numbers each (one per output; std > 0), got ${describe(t)}`,
      );
    }
    if (out.classes !== undefined) throw new RangeError(`${where}: targetScaling is for numeric outputs, but the model lists classes`);
    out.targetScaling = { mean: [...(t.mean as number[])], std: [...(t.std as number[])] };
  }
  if (meta.split !== undefined) out.split = checkSplit(meta.split, where);
  if (meta.training !== undefined) {
    const t = meta.training;
    if (t === null || typeof t !== 'object' || Array.isArray(t))
      throw new TypeError(`${where}: training must be an object, got ${describe(t)}`);
    for (const [k, v] of Object.entries(t)) {
      const ok = v === null || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
      if (!ok) throw new TypeError(`${where}: training.${k} must be a string, a finite number, a boolean or null, got ${describe(v)}`);
    }
    out.training = { ...t };
  }
  return out;
}

/** The training state with the optimizer's buffers as base64 of the network's floats, like the weights. */
function encodeTrainingState(state: TrainingStateJSON | undefined, precision: 'f32' | 'f64'): unknown {
  if (state === undefined) return undefined;
  const optimizer = state.optimizer && { ...state.optimizer, buffers: state.optimizer.buffers.map((b) => floatsToBase64(b, precision)) };
  return { ...state, optimizer };
}

/** The training state with the optimizer's buffers back as numbers (their lengths are checked against the network by the caller). */
function decodeTrainingState(state: unknown, precision: 'f32' | 'f64', where: string): TrainingStateJSON | undefined {
  if (state === undefined) return undefined;
  if (state === null || typeof state !== 'object' || Array.isArray(state))
    throw new TypeError(`${where} must be an object, got ${describe(state)}`);
  const s = state as Record<string, unknown>;
  const o = s.optimizer as Record<string, unknown> | null | undefined;
  if (o === null || o === undefined) return { ...(s as unknown as TrainingStateJSON), optimizer: null };
  if (typeof o !== 'object' || !Array.isArray(o.buffers))
    throw new TypeError(`${where}.optimizer must be { name, settings, steps, buffers }, got ${describe(o)}`);
  const buffers = Array.from(o.buffers as unknown[]).map((b, i) => {
    if (typeof b !== 'string') throw new TypeError(`${where}.optimizer.buffers[${i}] must be a base64 string, got ${describe(b)}`);
    return base64ToFloats(b, null, precision, `${where}.optimizer.buffers[${i}]`);
  });
  return {
    ...(s as unknown as TrainingStateJSON),
    optimizer: { ...(o as unknown as NonNullable<TrainingStateJSON['optimizer']>), buffers },
  };
}

/** A checked copy of a split record, or an error naming the field. */
function checkSplit(split: unknown, where: string): SplitRecord {
  if (split === null || typeof split !== 'object' || Array.isArray(split))
    throw new TypeError(`${where}: split must be an object, got ${describe(split)}`);
  const s = split as Record<string, unknown>;
  const at = `${where}: split`;
  const count = (key: string, min: number) => {
    const v = s[key];
    if (!Number.isInteger(v) || (v as number) < min) throw new RangeError(`${at}.${key} must be an integer ≥ ${min}, got ${describe(v)}`);
    return v as number;
  };
  const fraction = (key: string) => {
    const v = s[key];
    if (typeof v !== 'number' || !(v >= 0 && v < 1)) throw new RangeError(`${at}.${key} must be a fraction in [0, 1), got ${describe(v)}`);
    return v;
  };
  const [validation, test] = [fraction('validation'), fraction('test')];
  if (validation + test >= 1) throw new RangeError(`${at}: validation + test must be < 1, got ${validation} + ${test}`);
  const seed = count('seed', 0);
  if (seed > 0xffffffff) throw new RangeError(`${at}.seed must be an integer in [0, 2^32 − 1], got ${seed}`);
  if (typeof s.stratified !== 'boolean') throw new TypeError(`${at}.stratified must be a boolean, got ${describe(s.stratified)}`);
  const rows = count('rows', 1);
  for (const key of ['fingerprint', 'check'])
    if (typeof s[key] !== 'string') throw new TypeError(`${at}.${key} must be a string, got ${describe(s[key])}`);
  const [validationRows, testRows] = [count('validationRows', 0), count('testRows', 0)];
  if (validationRows + testRows >= rows)
    throw new RangeError(`${at}: validationRows + testRows must be fewer than the ${rows} rows, got ${validationRows} + ${testRows}`);
  return {
    validation,
    test,
    seed,
    stratified: s.stratified,
    rows,
    fingerprint: s.fingerprint as string,
    validationRows,
    testRows,
    check: s.check as string,
  };
}

function encodingOf(precision: 'f32' | 'f64'): string {
  return precision === 'f32' ? 'base64-float32le' : 'base64-float64le';
}

function checksumOf(doc: Record<string, unknown>): string {
  const { checksum: _, ...rest } = doc;
  const sum = crc32(new TextEncoder().encode(JSON.stringify(rest)));
  return `crc32:${sum.toString(16).padStart(8, '0')}`;
}

/** Indented JSON, except that arrays of numbers and strings stay on one line. */
function pretty(doc: Record<string, unknown>): string {
  const write = (v: unknown, indent: string): string => {
    const flat = Array.isArray(v) && v.every((e) => e === null || typeof e !== 'object');
    if (v === null || typeof v !== 'object' || flat) return JSON.stringify(v);
    const inner = indent + '  ';
    if (Array.isArray(v)) return `[\n${v.map((e) => inner + write(e, inner)).join(',\n')}\n${indent}]`;
    const entries = Object.entries(v).filter(([, e]) => e !== undefined);
    return `{\n${entries.map(([k, e]) => `${inner}${JSON.stringify(k)}: ${write(e, inner)}`).join(',\n')}\n${indent}}`;
  };
  return write(doc, '') + '\n';
}

function floatsToBase64(values: ArrayLike<number>, precision: 'f32' | 'f64'): string {
  const width = precision === 'f32' ? 4 : 8;
  const bytes = new Uint8Array(values.length * width);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) {
    if (width === 4) view.setFloat32(4 * i, values[i], true);
    else view.setFloat64(8 * i, values[i], true);
  }
  // btoa takes a "binary string"; build it in slices to stay within argument-count limits.
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** The floats of a base64 text: `count` of them, or as many as it holds when count is null. */
function base64ToFloats(text: unknown, expected: number | null, precision: 'f32' | 'f64', where: string): number[] {
  if (typeof text !== 'string') throw new TypeError(`${where} must be a base64 string, got ${describe(text)}`);
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) {
    throw new TypeError(
      `${where} is not valid base64 (${text.length} characters; only A–Z a–z 0–9 + / and final = padding, length a multiple of 4)`,
    );
  }
  const binary = atob(text);
  const width = precision === 'f32' ? 4 : 8;
  const count = expected ?? Math.floor(binary.length / width);
  if (binary.length !== count * width) {
    throw new RangeError(
      `${where} holds ${binary.length} bytes, expected ${count} ${precision === 'f32' ? 'float32' : 'float64'} values = ${count * width} bytes`,
    );
  }
  const view = new DataView(new ArrayBuffer(binary.length));
  for (let i = 0; i < binary.length; i++) view.setUint8(i, binary.charCodeAt(i));
  const out = new Array<number>(count);
  for (let i = 0; i < count; i++) out[i] = width === 4 ? view.getFloat32(4 * i, true) : view.getFloat64(8 * i, true);
  return out;
}

/**
 * The text of a model file at a path or URL, or in bytes; read errors are `prefix` and the reader's
 * message (which names the source). A file too large for its text to fit in a string is refused
 * by name: a file on disk before it is read (V8 otherwise read 1 GB for 4.5 s, then failed with
 * "Cannot create a string longer than 0x1fffffe8 characters", naming nothing), bytes before they
 * are decoded, and where the runtime's limit is unknown (a browser) when decoding fails.
 */
export async function readModelText(source: ByteSource, prefix: string): Promise<string> {
  const name = describeSource(source);
  const max = await maxStringLength();
  const local = typeof source === 'string' || source instanceof URL ? localFile(source) : null;
  if (local !== null && max !== null) {
    const size = await fileSize(local);
    if (size !== null && size > max) throw tooLarge(prefix, name, size, max);
  }
  let bytes: Uint8Array;
  try {
    bytes = await readBytes(source);
  } catch (e) {
    throw new Error(`${prefix}${(e as Error).message}`, { cause: e });
  }
  if (max !== null && bytes.length > max) throw tooLarge(prefix, name, bytes.length, max);
  try {
    return new TextDecoder().decode(bytes);
  } catch (e) {
    throw tooLarge(prefix, name, bytes.length, null, e);
  }
}

/**
 * The longest string this runtime makes (Node: 2^29 − 24 characters in V8 on 64 bits), or null
 * where it is not told. A model file is ASCII (JSON, base64), one character a byte, so a file of
 * more bytes cannot be parsed, whatever it holds.
 */
async function maxStringLength(): Promise<number | null> {
  if (!isNode()) return null;
  const { constants } = await import(/* webpackIgnore: true */ /* @vite-ignore */ 'node:buffer');
  return constants.MAX_STRING_LENGTH;
}

/** The size of a file in bytes, or null when it cannot be found out (the read that follows then says why). */
async function fileSize(path: string | URL): Promise<number | null> {
  const fs = await import(/* webpackIgnore: true */ /* @vite-ignore */ 'node:fs/promises');
  return fs.stat(path).then(
    (s) => s.size,
    () => null,
  );
}

function tooLarge(prefix: string, name: string, bytes: number, max: number | null, cause?: unknown): RangeError {
  const size = bytes >= 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(2)} GiB` : `${(bytes / 2 ** 20).toFixed(1)} MiB`;
  const why =
    max === null
      ? `its text does not fit in a string of this runtime (${(cause as Error).message})`
      : `its text would be longer than the longest string this runtime makes, ${max.toLocaleString('en-US')} characters`;
  return new RangeError(
    `${prefix}${name}: ${size} (${bytes.toLocaleString('en-US')} bytes) is too large to be a model file: ${why}`,
    cause === undefined ? undefined : { cause },
  );
}
