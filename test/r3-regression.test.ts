/**
 * R3 — numeric and analytic derivatives, and linear regression by gradient descent on
 * y = 4 + 3x + 0.3·noise (100 seeded points, x in [0, 2)).
 */
import { describe, expect, it } from 'vitest';
import { ANN, gradCheck, Random } from '../src/index.js';

/** 100 points of y = 4 + 3x + 0.3·N(0, 1), seeded. */
function line(seed: number) {
  const rng = new Random(seed);
  const x = new Float64Array(100);
  const y = new Float64Array(100);
  for (let i = 0; i < 100; i++) {
    x[i] = 2 * rng.next();
    // Box–Muller: a standard normal from two uniforms.
    const noise = Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
    y[i] = 4 + 3 * x[i] + 0.3 * noise;
  }
  return { x: { data: x, rows: 100 }, y: { data: y, rows: 100 } };
}

/** Least squares in closed form, the answer gradient descent must converge to. */
function ordinaryLeastSquares(x: Float64Array, y: Float64Array) {
  const n = x.length;
  const mx = x.reduce((a, b) => a + b) / n;
  const my = y.reduce((a, b) => a + b) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
  }
  const slope = sxy / sxx;
  return { slope, intercept: my - slope * mx };
}

const linear = (layers: number[]) =>
  ANN.create({ layers, activation: 'identity', output: 'identity', loss: 'meanSquaredError', precision: 'f64', seed: 3 });

describe('R3: linear regression by gradient descent', () => {
  const data = line(42);

  it('recovers slope ≈ 3 and intercept ≈ 4, exactly the least-squares line', async () => {
    const net = await linear([1, 1]);
    await net.fit(data.x, data.y, { epochs: 1000, batchSize: 100, learningRate: 0.1 });
    const [{ W, b }] = net.getWeights();
    const ols = ordinaryLeastSquares(data.x.data, data.y.data);
    console.log(
      `R3 fit: slope ${W[0].toFixed(4)}, intercept ${b[0].toFixed(4)} (least squares ${ols.slope.toFixed(4)}, ${ols.intercept.toFixed(4)})`,
    );
    expect(Math.abs(W[0] - 3)).toBeLessThan(0.1);
    expect(Math.abs(b[0] - 4)).toBeLessThan(0.15);
    expect(Math.abs(W[0] - ols.slope)).toBeLessThan(1e-6);
    expect(Math.abs(b[0] - ols.intercept)).toBeLessThan(1e-6);
    net.dispose();
  });

  it('numeric and analytic derivatives agree on the regression loss', async () => {
    const net = await linear([1, 1]);
    const { maxRelativeError } = await gradCheck(net, data.x, data.y);
    expect(Math.max(...maxRelativeError)).toBeLessThan(1e-8);
    net.dispose();
  });

  it('a two-neuron linear chain follows the same path with numeric gradients as with chain-rule ones', async () => {
    const analytic = await linear([1, 1, 1]);
    const numeric = await linear([1, 1, 1]);
    const rate = 0.05;
    const steps = 200;
    await analytic.fit(data.x, data.y, { epochs: steps, batchSize: 100, learningRate: rate, shuffle: false });
    // The same descent by hand, each derivative a central difference of the loss (exact for a
    // quadratic in one weight, up to rounding).
    const h = 1e-5;
    for (let s = 0; s < steps; s++) {
      const weights = numeric.getWeights();
      const grads = weights.map((layer) => ({ W: new Float64Array(layer.W.length), b: new Float64Array(layer.b.length) }));
      weights.forEach((layer, l) => {
        for (const key of ['W', 'b'] as const) {
          for (let i = 0; i < layer[key].length; i++) {
            const w = layer[key][i];
            layer[key][i] = w + h;
            numeric.setWeights(weights);
            const up = numeric.evaluate(data.x, data.y).loss;
            layer[key][i] = w - h;
            numeric.setWeights(weights);
            const down = numeric.evaluate(data.x, data.y).loss;
            layer[key][i] = w;
            grads[l][key][i] = (up - down) / (2 * h);
          }
        }
      });
      numeric.setWeights(
        weights.map((layer, l) => ({
          W: layer.W.map((w, i) => w - rate * grads[l].W[i]),
          b: layer.b.map((v, i) => v - rate * grads[l].b[i]),
        })),
      );
    }
    const a = analytic.getWeights();
    const n = numeric.getWeights();
    a.forEach((layer, l) => {
      expect(Math.abs(layer.W[0] - n[l].W[0])).toBeLessThan(1e-6);
      expect(Math.abs(layer.b[0] - n[l].b[0])).toBeLessThan(1e-6);
    });
    // The chain has learned the line: its end-to-end slope is w2·w1.
    expect(Math.abs(a[1].W[0] * a[0].W[0] - 3)).toBeLessThan(0.2);
    analytic.dispose();
    numeric.dispose();
  });
});
