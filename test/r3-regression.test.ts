/**
 * R3 — numeric and analytic derivatives, and linear regression by gradient descent on
 * y = 4 + 3x + 0.3·noise (100 seeded points, x in [0, 2)).
 * The experiment is examples/experiments/r3-regression.js (examples/r3-regression.js runs it too).
 */
import { describe, expect, it } from 'vitest';
import { chain, fitLine, gradientCheck, line } from '../examples/experiments/r3-regression.js';

describe('R3: linear regression by gradient descent', () => {
  const data = line(42);

  it('recovers slope ≈ 3 and intercept ≈ 4, exactly the least-squares line', async () => {
    const { slope, intercept, ols } = await fitLine(data);
    console.log(
      `R3 fit: slope ${slope.toFixed(4)}, intercept ${intercept.toFixed(4)} (least squares ${ols.slope.toFixed(4)}, ${ols.intercept.toFixed(4)})`,
    );
    expect(Math.abs(slope - 3)).toBeLessThan(0.1);
    expect(Math.abs(intercept - 4)).toBeLessThan(0.15);
    expect(Math.abs(slope - ols.slope)).toBeLessThan(1e-6);
    expect(Math.abs(intercept - ols.intercept)).toBeLessThan(1e-6);
  });

  it('numeric and analytic derivatives agree on the regression loss', async () => {
    const { maxRelativeError } = await gradientCheck(data);
    expect(Math.max(...maxRelativeError)).toBeLessThan(1e-8);
  });

  it('a two-neuron linear chain follows the same path with numeric gradients as with chain-rule ones', async () => {
    // The same descent twice: by backpropagation, and by hand with each derivative a central
    // difference of the loss (exact for a quadratic in one weight, up to rounding).
    const { analytic: a, numeric: n } = await chain(data);
    a.forEach((layer, l) => {
      expect(Math.abs(layer.W[0] - n[l].W[0])).toBeLessThan(1e-6);
      expect(Math.abs(layer.b[0] - n[l].b[0])).toBeLessThan(1e-6);
    });
    // The chain has learned the line: its end-to-end slope is w2·w1.
    expect(Math.abs(a[1].W[0] * a[0].W[0] - 3)).toBeLessThan(0.2);
  });
});
