/**
 * The losses a user can name and how each is computed from the output layer (an `Objective`).
 */
import { LossKernel } from '../backend/kernels.js';
import type { Matrix } from '../io/matrix.js';
import type { ActivationName } from './activations.js';

export type LossName = 'meanSquaredError' | 'binaryCrossEntropy' | 'categoricalCrossEntropy';

export const LOSSES: readonly LossName[] = ['meanSquaredError', 'binaryCrossEntropy', 'categoricalCrossEntropy'];

/** How a loss is computed from the output layer. */
export interface Objective {
  name: LossName;
  /** Kernel for the loss value. */
  kernel: LossKernel;
  /** True when the output activation is folded into the loss (its gradient with respect to Z is ŷ − y). */
  fused: boolean;
  /** The loss value is the sum divided by samples × outputs (true) or by samples (false). */
  perOutput: boolean;
  /** d(loss sum)/d(output) = gradientFactor · (ŷ − y) for the squared error. */
  gradientFactor: number;
  /** Targets must lie in [0, 1]. */
  probabilityTargets: boolean;
}

export function objectiveOf(loss: LossName, output: ActivationName): Objective {
  switch (loss) {
    case 'meanSquaredError':
      return { name: loss, kernel: LossKernel.SquaredError, fused: false, perOutput: true, gradientFactor: 2, probabilityTargets: false };
    case 'binaryCrossEntropy':
      return output === 'sigmoid'
        ? {
            name: loss,
            kernel: LossKernel.BinaryCrossEntropyLogits,
            fused: true,
            perOutput: true,
            gradientFactor: 1,
            probabilityTargets: true,
          }
        : { name: loss, kernel: LossKernel.BinaryCrossEntropy, fused: false, perOutput: true, gradientFactor: 1, probabilityTargets: true };
    case 'categoricalCrossEntropy':
      return {
        name: loss,
        kernel: LossKernel.CategoricalCrossEntropyLogits,
        fused: true,
        perOutput: false,
        gradientFactor: 1,
        probabilityTargets: true,
      };
  }
}

/** Refuses targets outside the loss's range: [0, 1] for cross-entropy, and rows summing to 1 for the categorical one. */
export function checkTargets(loss: LossName, Y: Matrix, where: string, name: string): void {
  if (loss !== 'meanSquaredError') {
    const bad = Y.data.findIndex((v) => v < 0 || v > 1);
    if (bad >= 0) {
      const v = Y.data instanceof Float32Array ? Number(Y.data[bad].toPrecision(7)) : Y.data[bad];
      throw new RangeError(
        `${where}: ${name} row ${Math.floor(bad / Y.cols)}, column ${bad % Y.cols} is ${v}; loss '${loss}' needs targets in [0, 1]`,
      );
    }
  }
  if (loss === 'categoricalCrossEntropy') {
    // The output gradient softmax(z) − y is that of −Σ y·log softmax(z) only when Σ y = 1.
    for (let r = 0; r < Y.rows; r++) {
      let sum = 0;
      for (let j = 0; j < Y.cols; j++) sum += Y.data[r * Y.cols + j];
      if (Math.abs(sum - 1) > 1e-5 * Y.cols) {
        throw new RangeError(
          `${where}: ${name} row ${r} sums to ${Number(sum.toPrecision(7))}; loss 'categoricalCrossEntropy' needs each target row to be a distribution summing to 1 (one-hot: use oneHot())`,
        );
      }
    }
  }
}
