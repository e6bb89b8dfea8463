/**
 * Regression targets standardized for training: (y − mean) / std with the training rows' mean and
 * standard deviation, saved in the model (meta.targetScaling), and undone on the outputs, so that
 * predictions and eval's errors are in the label's own units. Targets in the thousands (or 1e12,
 * from a wrong --label-column) otherwise start the squared error near their square, and SGD at the
 * default rate runs off to losses of 1e23 or diverges.
 */
import { matrix, type FloatArray, type Matrix } from '../io/matrix.js';

/** One mean and standard deviation per output. */
export interface TargetScaling {
  mean: number[];
  std: number[];
}

/** The mean and population standard deviation of each column of `y` over `rows` (a constant column gets std 1). */
export function fitTargetScaling(y: Matrix, rows: ArrayLike<number>): TargetScaling {
  const mean: number[] = [];
  const std: number[] = [];
  for (let c = 0; c < y.cols; c++) {
    let sum = 0;
    for (let i = 0; i < rows.length; i++) sum += y.data[rows[i] * y.cols + c];
    const m = sum / rows.length;
    let ss = 0;
    for (let i = 0; i < rows.length; i++) ss += (y.data[rows[i] * y.cols + c] - m) ** 2;
    const s = Math.sqrt(ss / rows.length);
    mean.push(m);
    std.push(s > 0 && Number.isFinite(s) ? s : 1);
  }
  return { mean, std };
}

/** The targets standardized: a new matrix. */
export function scaleTargets(y: Matrix, scaling: TargetScaling): Matrix {
  const out = new Float64Array(y.data.length);
  for (let i = 0; i < out.length; i++) {
    const c = i % y.cols;
    out[i] = (y.data[i] - scaling.mean[c]) / scaling.std[c];
  }
  return matrix(out, y.rows, y.cols);
}

/** Network outputs (rows × outputs) back in the targets' units; without a scaling, the outputs as they are. */
export function unscaleOutputs(out: FloatArray, outputs: number, scaling: TargetScaling | undefined): FloatArray {
  if (scaling === undefined) return out;
  const y = new Float64Array(out.length);
  for (let i = 0; i < out.length; i++) {
    const c = i % outputs;
    y[i] = out[i] * scaling.std[c] + scaling.mean[c];
  }
  return y;
}
