/** Accuracy: when it means something, and how many predictions are right. */
import type { FloatArray, Matrix } from '../io/matrix.js';
import type { LossName } from './losses.js';

/** Accuracy means something for cross-entropy, for several outputs, and for 0/1 targets. */
export function isClassification(loss: LossName, Y: Matrix): boolean {
  if (loss !== 'meanSquaredError' || Y.cols > 1) return true;
  return Y.data.every((v) => v === 0 || v === 1);
}

/** Correct rows of `out` against `y` (rows × cols): ŷ ≥ 0.5 against y ≥ 0.5 for one column, argmax for several. */
export function countCorrect(out: FloatArray, y: FloatArray, rows: number, cols: number): number {
  let correct = 0;
  if (cols === 1) {
    for (let r = 0; r < rows; r++) if (out[r] >= 0.5 === y[r] >= 0.5) correct++;
    return correct;
  }
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let best = 0;
    let target = 0;
    for (let j = 1; j < cols; j++) {
      if (out[o + j] > out[o + best]) best = j;
      if (y[o + j] > y[o + target]) target = j;
    }
    if (best === target) correct++;
  }
  return correct;
}
