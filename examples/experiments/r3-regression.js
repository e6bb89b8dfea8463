// R3 of ../../../shared/REFERENCE.md: numeric vs analytic derivatives, and linear regression by
// gradient descent on y = 4 + 3x + 0.3·noise (100 seeded points, x in [0, 2)): a 1-1 identity
// network in float64, full-batch gradient descent (1,000 epochs, learning rate 0.1), checked
// against least squares; a gradient check; and a two-neuron linear chain trained with
// finite-difference gradients next to the same chain trained by backpropagation.
// Run by examples/r3-regression.js and test/r3-regression.test.ts.
import { ANN, gradCheck, Random } from 'backprop-wasm';

/** @typedef {import('backprop-wasm').EpochLog} EpochLog */
/** @typedef {import('backprop-wasm').LayerWeights} LayerWeights */
/** @typedef {{ data: Float64Array, rows: number }} Column one value per sample */
/** @typedef {{ x: Column, y: Column }} Points */

/** The number of points, and the seed they are drawn with. */
export const POINTS = 100;
export const DATA_SEED = 42;
/** The seed of the networks' initial weights. */
export const NET_SEED = 3;
/** The regression: full-batch gradient descent. */
export const REGRESSION = { epochs: 1000, batchSize: POINTS, learningRate: 0.1 };
/** The two-neuron chain: full-batch steps, and the finite-difference step of the numeric gradients. */
export const CHAIN = { steps: 200, learningRate: 0.05, h: 1e-5 };

/**
 * POINTS points of y = 4 + 3x + 0.3·N(0, 1), x uniform in [0, 2), seeded.
 * @param {number} [seed] default DATA_SEED
 * @returns {Points}
 */
export function line(seed = DATA_SEED) {
  const rng = new Random(seed);
  const x = new Float64Array(POINTS);
  const y = new Float64Array(POINTS);
  for (let i = 0; i < POINTS; i++) {
    x[i] = 2 * rng.next();
    // Box–Muller: a standard normal from two uniforms.
    const noise = Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
    y[i] = 4 + 3 * x[i] + 0.3 * noise;
  }
  return { x: { data: x, rows: POINTS }, y: { data: y, rows: POINTS } };
}

/**
 * Least squares in closed form, the answer gradient descent must converge to.
 * @param {Float64Array} x
 * @param {Float64Array} y
 * @returns {{ slope: number, intercept: number }}
 */
export function ordinaryLeastSquares(x, y) {
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

/**
 * A linear network (identity activations, squared error) in float64.
 * @param {number[]} layers [1, 1] for the regression, [1, 1, 1] for the chain
 * @returns {Promise<ANN>}
 */
export function linear(layers) {
  return ANN.create({ layers, activation: 'identity', output: 'identity', loss: 'meanSquaredError', precision: 'f64', seed: NET_SEED });
}

/**
 * The regression: a 1-1 network fitted by gradient descent, and the least-squares line.
 * @param {Points} data from line()
 * @param {{ epochs?: number, batchSize?: number, learningRate?: number, onEpochEnd?: (log: EpochLog) => void }} [options] defaults REGRESSION's
 * @returns {Promise<{ slope: number, intercept: number, ols: { slope: number, intercept: number }, history: EpochLog[] }>} the fitted slope (W) and intercept (b), the least-squares ones, the loss per epoch
 */
export async function fitLine(data, options = {}) {
  const { epochs = REGRESSION.epochs, batchSize = REGRESSION.batchSize, learningRate = REGRESSION.learningRate, onEpochEnd } = options;
  const net = await linear([1, 1]);
  const history = await net.fit(data.x, data.y, { epochs, batchSize, learningRate, onEpochEnd });
  const [{ W, b }] = net.getWeights();
  net.dispose();
  return { slope: W[0], intercept: b[0], ols: ordinaryLeastSquares(data.x.data, data.y.data), history };
}

/**
 * Gradient check of a fresh 1-1 network: backpropagated gradients against finite differences of the loss.
 * @param {Points} data from line()
 * @returns {Promise<Awaited<ReturnType<typeof gradCheck>>>} maxRelativeError (one per layer), checked, skipped
 */
export async function gradientCheck(data) {
  const net = await linear([1, 1]);
  try {
    return await gradCheck(net, data.x, data.y);
  } finally {
    net.dispose();
  }
}

/**
 * A two-neuron linear chain (1-1-1) from the same start, trained twice by full-batch gradient
 * descent: by backpropagation (fit, no shuffle), and by hand with each derivative a central
 * difference of the loss (exact for a quadratic in one weight, up to rounding).
 * @param {Points} data from line()
 * @param {{ steps?: number, learningRate?: number, h?: number }} [options] defaults CHAIN's
 * @returns {Promise<{ analytic: LayerWeights[], numeric: LayerWeights[], analyticLoss: number }>} the weights each way, and the analytic chain's loss at the end
 */
export async function chain(data, options = {}) {
  const { steps = CHAIN.steps, learningRate: rate = CHAIN.learningRate, h = CHAIN.h } = options;
  const analytic = await linear([1, 1, 1]);
  const numeric = await linear([1, 1, 1]);
  await analytic.fit(data.x, data.y, { epochs: steps, batchSize: POINTS, learningRate: rate, shuffle: false });
  for (let s = 0; s < steps; s++) {
    const weights = numeric.getWeights();
    const grads = weights.map((layer) => ({ W: new Float64Array(layer.W.length), b: new Float64Array(layer.b.length) }));
    weights.forEach((layer, l) => {
      for (const key of /** @type {const} */ (['W', 'b'])) {
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
  const result = { analytic: analytic.getWeights(), numeric: numeric.getWeights(), analyticLoss: analytic.evaluate(data.x, data.y).loss };
  analytic.dispose();
  numeric.dispose();
  return result;
}
