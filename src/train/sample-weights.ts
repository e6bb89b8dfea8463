/**
 * Weights of the samples in the loss, from fit()'s `classWeight` (per class) and `sampleWeight`
 * (per row): each sample's loss is multiplied by its weight, and the batch's loss is the sum
 * divided by the batch's size, as Keras computes it. 'balanced' gives class c the weight
 * n / (classes · n_c), as scikit-learn's compute_class_weight does.
 */
import { describe } from '../io/describe.js';
import { matrix, type Matrix } from '../io/matrix.js';

export type ClassWeight = 'balanced' | readonly number[] | Readonly<Record<string, number>>;

/** The class of every row of Y: ≥ 0.5 or not for one output, the largest output for several. */
function classesOf(Y: Matrix): { classes: number; of: Int32Array } {
  const of = new Int32Array(Y.rows);
  const classes = Y.cols === 1 ? 2 : Y.cols;
  for (let r = 0; r < Y.rows; r++) {
    if (Y.cols === 1) {
      of[r] = Y.data[r] >= 0.5 ? 1 : 0;
      continue;
    }
    let best = 0;
    for (let j = 1; j < Y.cols; j++) if (Y.data[r * Y.cols + j] > Y.data[r * Y.cols + best]) best = j;
    of[r] = best;
  }
  return { classes, of };
}

/**
 * One weight per row of Y (a rows × 1 matrix in Y's precision), or null when neither option is
 * given. `classify` says whether the targets are classes (class weights need them).
 */
export function sampleWeights(classWeight: unknown, sampleWeight: unknown, Y: Matrix, classify: boolean): Matrix | null {
  if (classWeight === undefined && sampleWeight === undefined) return null;
  const w = Y.data instanceof Float32Array ? new Float32Array(Y.rows).fill(1) : new Float64Array(Y.rows).fill(1);
  if (sampleWeight !== undefined) {
    const where = 'fit: options.sampleWeight';
    const s = sampleWeight as ArrayLike<unknown>;
    if (s === null || typeof s !== 'object' || typeof s.length !== 'number')
      throw new TypeError(`${where} must be an array of one weight per sample, got ${describe(sampleWeight)}`);
    if (s.length !== Y.rows) throw new RangeError(`${where} has ${s.length} weights, but there are ${Y.rows} samples`);
    for (let r = 0; r < Y.rows; r++) w[r] = weight(s[r], `${where}[${r}]`);
  }
  if (classWeight !== undefined) {
    const where = 'fit: options.classWeight';
    if (!classify)
      throw new RangeError(`${where} needs class targets (cross-entropy, or 0/1 targets); these targets are numbers to regress on`);
    const { classes, of } = classesOf(Y);
    const perClass = new Array<number>(classes);
    if (classWeight === 'balanced') {
      const counts = new Array<number>(classes).fill(0);
      for (let r = 0; r < Y.rows; r++) counts[of[r]]++;
      for (let c = 0; c < classes; c++) perClass[c] = counts[c] === 0 ? 0 : Y.rows / (classes * counts[c]);
    } else if (Array.isArray(classWeight)) {
      if (classWeight.length !== classes)
        throw new RangeError(`${where} has ${classWeight.length} weights, but the targets have ${classes} classes`);
      for (let c = 0; c < classes; c++) perClass[c] = weight(classWeight[c], `${where}[${c}]`);
    } else if (classWeight !== null && typeof classWeight === 'object') {
      const given = classWeight as Record<string, unknown>;
      const bad = Object.keys(given).find((k) => !/^\d+$/.test(k) || Number(k) >= classes);
      if (bad !== undefined) throw new RangeError(`${where}: '${bad}' is not a class; the classes are 0 … ${classes - 1}`);
      for (let c = 0; c < classes; c++) perClass[c] = given[c] === undefined ? 1 : weight(given[c], `${where}[${c}]`);
    } else {
      throw new TypeError(
        `${where} must be 'balanced', an array of one weight per class, or { class: weight }, got ${describe(classWeight)}`,
      );
    }
    for (let r = 0; r < Y.rows; r++) w[r] *= perClass[of[r]];
  }
  return matrix(w, Y.rows, 1);
}

function weight(v: unknown, where: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
    throw new RangeError(`${where} must be a finite number ≥ 0, got ${describe(v)}`);
  return v;
}
