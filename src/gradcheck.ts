/**
 * Gradient checking: the analytic gradient of every parameter against a finite-difference
 * estimate of the same derivative. The estimate is taken on a float64 twin of the network (same
 * weights) with the fourth-order central stencil
 *   f′(w) ≈ (f(w − 2h) − 8 f(w − h) + 8 f(w + h) − f(w + 2h)) / 12h,
 * whose truncation error (∝ h⁴) is negligible at h = 1e-4, so what remains is float64 rounding
 * (about 1e-12 absolute). A float64 network should therefore agree to ~1e-9 relative; a float32
 * one shows its own rounding (~1e-4).
 */
import { ANN } from './ann.js';
import type { MatrixLike } from './matrix.js';

export interface GradCheckOptions {
  /** Finite-difference step. Default 1e-4. */
  step?: number;
  /**
   * Gradients smaller than this are compared absolutely: the relative error of a parameter is
   * |analytic − numeric| / max(|analytic|, |numeric|, floor). Default 1e-6.
   */
  floor?: number;
}

/** The maximum relative error over each weight layer's parameters (W and b), one number per layer. */
export async function gradCheck(net: ANN, x: MatrixLike, y: MatrixLike | readonly number[], options: GradCheckOptions = {}): Promise<number[]> {
  const h = options.step ?? 1e-4;
  const floor = options.floor ?? 1e-6;
  const analytic = net.gradients(x, y);
  const json = net.toJSON();
  const twin = await ANN.fromJSON({ ...json, precision: 'f64' }, { backend: net.backend });
  try {
    const weights = twin.getWeights();
    const lossAt = (): number => {
      twin.setWeights(weights);
      return twin.evaluate(x, y).loss;
    };
    const derivative = (arr: Float32Array | Float64Array, i: number): number => {
      const w = arr[i];
      const f = (d: number): number => {
        arr[i] = w + d;
        return lossAt();
      };
      const value = (f(-2 * h) - 8 * f(-h) + 8 * f(h) - f(2 * h)) / (12 * h);
      arr[i] = w;
      return value;
    };
    return weights.map((layer, l) => {
      let worst = 0;
      for (const [params, grads] of [
        [layer.W, analytic[l].dW],
        [layer.b, analytic[l].db],
      ] as const) {
        for (let i = 0; i < params.length; i++) {
          const numeric = derivative(params, i);
          const a = grads[i];
          const rel = Math.abs(a - numeric) / Math.max(Math.abs(a), Math.abs(numeric), floor);
          // NaN must surface as a failure, not vanish in Math.max.
          worst = Number.isNaN(rel) ? NaN : Math.max(worst, rel);
          if (Number.isNaN(worst)) return NaN;
        }
      }
      return worst;
    });
  } finally {
    twin.dispose();
  }
}
