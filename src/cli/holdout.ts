/**
 * The rows train holds out of a file: a test part (--test), then a validation part (--validation)
 * of the rest, each stratified by class and drawn from --seed, and how a model records them so
 * that `eval --rows validation|test` scores exactly those rows of the same file.
 *
 * The record is the recipe, not the list: the seed, the fractions and whether the draw was
 * stratified, which redraw the same rows from the same labels (a list would grow with the file).
 * To be sure it is the same file, the record also holds its row count and the fingerprint of its
 * rows; to be sure the redraw is the same one (a later version might draw differently), a CRC-32
 * of the row numbers drawn. Either mismatch is refused rather than scoring other rows.
 */
import { trainTestSplit } from '../data/transform.js';
import { matrix, type Matrix } from '../io/matrix.js';
import { crc32 } from '../model/crc32.js';
import type { SplitRecord } from '../model/model-file.js';

/** Row numbers (0-based, into the file's data rows) of each part; null for a part not held out. */
export interface Holdout {
  train: Uint32Array;
  validation: Uint32Array | null;
  test: Uint32Array | null;
}

/** How the parts were drawn: fractions of all the rows, and the seed. */
export interface HoldoutRecipe {
  validation: number;
  test: number;
  seed: number;
  stratified: boolean;
}

/** What a model file keeps (meta.split): the recipe, the file it was applied to, and a check of the rows it gave. */
export type HoldoutRecord = SplitRecord;

/**
 * Draws the parts from targets `y` (stratified: each distinct target row split in proportion).
 * The validation part alone (no --test) is the split train has always made, row for row.
 */
export function holdOut(y: Matrix, recipe: HoldoutRecipe): Holdout {
  const all = Uint32Array.from({ length: y.rows }, (_, i) => i);
  let rest: Uint32Array = all;
  let test: Uint32Array | null = null;
  if (recipe.test > 0) {
    const s = draw(all, y, recipe.test, recipe);
    test = s.taken;
    rest = s.left;
  }
  let validation: Uint32Array | null = null;
  if (recipe.validation > 0) {
    // A fraction of all the rows, taken from what the test part left.
    const s = draw(rest, rowsOf(y, rest), recipe.validation / (1 - recipe.test), recipe);
    validation = s.taken;
    rest = s.left;
  }
  return { train: rest, validation, test };
}

/** Rows `rows` of the parts drawn: trainTestSplit on a column of row numbers, so that the draw is that function's own. */
function draw(rows: Uint32Array, y: Matrix, fraction: number, recipe: HoldoutRecipe): { taken: Uint32Array; left: Uint32Array } {
  const numbers = matrix(Float64Array.from(rows), rows.length, 1);
  const s = trainTestSplit(numbers, y, { testFraction: fraction, seed: recipe.seed, stratify: recipe.stratified });
  return { taken: Uint32Array.from(s.xTest.data), left: Uint32Array.from(s.xTrain.data) };
}

function rowsOf(y: Matrix, rows: Uint32Array): Matrix {
  const out = new Float64Array(rows.length * y.cols);
  rows.forEach((r, k) => out.set(y.data.subarray(r * y.cols, (r + 1) * y.cols), k * y.cols));
  return matrix(out, rows.length, y.cols);
}

/** The CRC-32 of the held-out row numbers, each part sorted, the parts apart. */
function checkOf(h: Holdout): string {
  const sorted = (part: Uint32Array | null) => (part === null ? [] : Array.from(part).sort((a, b) => a - b));
  const words = Uint32Array.from([...sorted(h.validation), 0xffffffff, ...sorted(h.test)]);
  return `crc32:${crc32(new Uint8Array(words.buffer)).toString(16).padStart(8, '0')}`;
}

/** The record of `h`, drawn by `recipe` from a file of `rows` data rows with `fingerprint`. */
export function holdoutRecord(h: Holdout, recipe: HoldoutRecipe, rows: number, fingerprint: string): HoldoutRecord {
  return { ...recipe, rows, fingerprint, validationRows: h.validation?.length ?? 0, testRows: h.test?.length ?? 0, check: checkOf(h) };
}

/**
 * The rows of one part, redrawn from the record for a file of `rows` data rows with `fingerprint`
 * and targets `y`; an error when that is not the file, or the redraw is not the draw recorded.
 */
export function heldOutRows(
  record: HoldoutRecord,
  part: 'training' | 'validation' | 'test',
  y: Matrix,
  fingerprint: string,
  name: string,
): Uint32Array {
  if (record.rows !== y.rows || record.fingerprint !== fingerprint) {
    throw new Error(
      `${name} is not the file the model was trained on: it has ${y.rows} data rows (fingerprint ${fingerprint}), the training file had ${record.rows} (fingerprint ${record.fingerprint}); --rows ${part} picks rows of that file`,
    );
  }
  const h = holdOut(y, record);
  if (checkOf(h) !== record.check) {
    throw new Error(
      `the ${part} rows redrawn from seed ${record.seed} are not the ones the model recorded (check ${checkOf(h)}, recorded ${record.check}); this version of backprop-wasm draws them differently from the one that trained the model`,
    );
  }
  const rows = part === 'training' ? h.train : part === 'validation' ? h.validation : h.test;
  if (rows === null) {
    const flag = part === 'validation' ? '--validation 0' : 'no --test';
    throw new Error(`the model was trained with ${flag}: it held out no ${part} rows`);
  }
  return rows;
}
