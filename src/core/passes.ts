/**
 * Passes of a network over a whole set of samples, in chunks of at most CHUNK rows: prediction,
 * evaluation (mean loss and accuracy, as Keras and TF.js define them), and gradients.
 */
import type { FloatArray, Matrix } from '../io/matrix.js';
import { isClassification } from './accuracy.js';
import type { Network } from './network.js';
import type { Samples } from './csr-rows.js';

export interface Evaluation {
  loss: number;
  /** Absent for regression targets (one output, targets other than 0 and 1, squared error). */
  accuracy?: number;
}

/** The outputs for every row of X: a samples × outputs Matrix of X's precision. */
export function predict(network: Network, X: Samples): Matrix {
  const cols = network.outputs;
  const out = network.kernels.precision === 'f32' ? new Float32Array(X.rows * cols) : new Float64Array(X.rows * cols);
  network.chunks(X, null, (start, rows) => {
    network.forward(rows, false);
    out.set(network.outputView().subarray(0, rows * cols), start * cols);
  });
  return { data: out, rows: X.rows, cols };
}

/** Mean loss over the samples, and accuracy where it means something. */
export function evaluate(network: Network, X: Samples, Y: Matrix): Evaluation {
  const lossSum = new Float64Array(1);
  let correct = 0;
  const classify = isClassification(network.objective.name, Y);
  network.chunks(X, Y, (_start, rows) => {
    network.forward(rows, false);
    network.lossSum(rows, lossSum, 0);
    if (classify) correct += network.countCorrect(rows);
  });
  const result: Evaluation = { loss: lossSum[0] / network.lossDivisor(X.rows) };
  if (classify) result.accuracy = correct / X.rows;
  return result;
}

/** ∂(mean loss)/∂W and ∂(mean loss)/∂b of every layer over all the samples. */
export function gradients(network: Network, X: Samples, Y: Matrix): { dW: FloatArray; db: FloatArray }[] {
  network.chunks(X, Y, (start, rows) => {
    network.forward(rows, false);
    network.backward(rows, X.rows, start > 0);
  });
  return network.gradients();
}
