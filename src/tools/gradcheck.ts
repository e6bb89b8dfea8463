/**
 * Gradient checking: the analytic gradient of every parameter against a finite-difference
 * estimate of the same derivative, taken on a float64 twin of the network (same weights).
 *
 * The estimate is the fourth-order central stencil
 *   f′(w) ≈ (f(w − 2h) − 8 f(w − h) + 8 f(w + h) − f(w + 2h)) / 12h,
 * whose truncation error (∝ h⁴, ~1e-14 at h = 1e-3) is below float64 rounding (~3e-13 here).
 *
 * ReLU and leaky ReLU have kinks, and a stencil that straddles one measures nothing. So for
 * every stencil point the check also records which ReLU-family pre-activations are positive;
 * when any differs from the pattern at w, a kink lies inside the stencil. Then a fourth-order
 * one-sided stencil on a side without the kink is used (the derivative at w is the one on the
 * side w belongs to: a pre-activation of exactly 0, as behind a dead unit with zero bias, counts
 * as ≤ 0 like the kernels' f′(0)), and failing that the step shrinks tenfold (down to 1e-5).
 * A parameter with kinks on both sides that close is not compared and is counted in `skipped`.
 */
import { ANN, internalsOf } from '../ann.js';
import type { CsrLike } from '../io/csr.js';
import type { MatrixLike } from '../io/matrix.js';

export interface GradCheckOptions {
  /** Largest finite-difference step. Default 1e-3. */
  step?: number;
  /**
   * Gradients smaller than this are compared absolutely: the relative error of a parameter is
   * |analytic − numeric| / max(|analytic|, |numeric|, floor). Default 1e-6.
   */
  floor?: number;
  /**
   * Compare at most this many of each layer's weights, and as many of its biases, evenly spaced
   * (first and last included). Default: all. Each parameter costs four evaluations of the loss
   * over all the samples, so checking all of a large network takes time that grows with the
   * square of its size (784-196-1: 154,057 parameters, about an hour).
   */
  maxPerLayer?: number;
}

export interface GradCheckResult {
  /** The maximum relative error over each weight layer's parameters (W and b), one number per layer. */
  maxRelativeError: number[];
  /** Parameters compared. */
  checked: number;
  /** Parameters left out because ReLU kinks lay on both sides of them, within 4e-5. */
  skipped: number;
}

const SHRINKS = 3;

/**
 * Compares backpropagated gradients with finite differences on x and y (see the file comment).
 * Asynchronous (it builds the float64 twin with ANN.fromJSON): `await` it for the result.
 */
export async function gradCheck(
  net: ANN,
  x: MatrixLike | CsrLike,
  y: MatrixLike | readonly number[],
  options: GradCheckOptions = {},
): Promise<GradCheckResult> {
  const step = options.step ?? 1e-3;
  const floor = options.floor ?? 1e-6;
  const most = options.maxPerLayer ?? Infinity;
  if (!(most >= 1) || (most !== Infinity && !Number.isInteger(most))) {
    throw new RangeError(`gradCheck: options.maxPerLayer must be a positive integer, got ${String(options.maxPerLayer)}`);
  }
  const analytic = net.gradients(x, y);
  const twin = await ANN.fromJSON({ ...net.toJSON(), precision: 'f64' }, { backend: net.backend });
  try {
    const weights = twin.getWeights();
    const inner = internalsOf(twin);
    const X = inner.inputs(x);
    const lossAt = (): number => {
      twin.setWeights(weights);
      return twin.evaluate(x, y).loss;
    };
    /** Which ReLU-family pre-activations are positive, for every sample: equal patterns, no kink crossed. */
    const pattern = (): Uint8Array => {
      twin.setWeights(weights);
      return inner.network().kinkPattern(X);
    };
    const hasKinks = inner.network().hasKinks;
    const same = (a: Uint8Array, b: Uint8Array) => a.every((v, i) => v === b[i]);

    /**
     * The finite difference at the largest step whose points cross no kink: the central stencil
     * if it is clean, else a fourth-order one-sided stencil on a clean side; null if none is.
     */
    const derivative = (arr: Float64Array, i: number): number | null => {
      const w = arr[i];
      const base = hasKinks ? pattern() : null;
      try {
        for (let s = 0, h = step; s < SHRINKS; s++, h /= 10) {
          const f = (d: number): number | null => {
            arr[i] = w + d;
            if (base !== null && !same(pattern(), base)) return null;
            return lossAt();
          };
          const [m1, p1] = [f(-h), f(h)];
          const [m2, p2] = [m1 === null ? null : f(-2 * h), p1 === null ? null : f(2 * h)];
          if (m2 !== null && m1 !== null && p1 !== null && p2 !== null) return (m2 - 8 * m1 + 8 * p1 - p2) / (12 * h);
          arr[i] = w;
          const f0 = lossAt();
          for (const side of [-1, 1]) {
            const pts = [1, 2, 3, 4].map((j) => (j <= 2 ? (side < 0 ? [m1, m2] : [p1, p2])[j - 1] : f(side * j * h)));
            if (pts.every((v) => v !== null)) {
              // (−25 f0 + 48 f1 − 36 f2 + 16 f3 − 3 f4) / 12h, mirrored for the left side.
              return (side * (-25 * f0 + 48 * pts[0]! - 36 * pts[1]! + 16 * pts[2]! - 3 * pts[3]!)) / (12 * h);
            }
          }
        }
        return null;
      } finally {
        arr[i] = w;
      }
    };

    let checked = 0;
    let skipped = 0;
    const maxRelativeError = weights.map((layer, l) => {
      let worst = 0;
      for (const [params, grads] of [
        [layer.W, analytic[l].dW],
        [layer.b, analytic[l].db],
      ] as const) {
        for (const i of spread(params.length, most)) {
          const numeric = derivative(params as Float64Array, i);
          if (numeric === null) {
            skipped++;
            continue;
          }
          checked++;
          const a = grads[i];
          const rel = Math.abs(a - numeric) / Math.max(Math.abs(a), Math.abs(numeric), floor);
          // NaN must surface as a failure, not vanish in Math.max.
          worst = Number.isNaN(rel) || Number.isNaN(worst) ? NaN : Math.max(worst, rel);
        }
      }
      return worst;
    });
    return { maxRelativeError, checked, skipped };
  } finally {
    twin.dispose();
  }
}

/** Up to `most` indices of 0 … n−1, evenly spaced, first and last included (all of them when n ≤ most). */
function* spread(n: number, most: number): Generator<number> {
  if (n <= most) {
    for (let i = 0; i < n; i++) yield i;
    return;
  }
  for (let j = 0; j < most; j++) yield most === 1 ? 0 : Math.round((j * (n - 1)) / (most - 1));
}
