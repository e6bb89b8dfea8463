// R3: numeric vs analytic derivatives, and linear regression by gradient descent on
// y = 4 + 3x + 0.3·noise (100 seeded points, x in [0, 2)): a 1-1 identity network in float64,
// full-batch gradient descent (1,000 epochs, learning rate 0.1), checked against least squares;
// a gradient check; and a two-neuron linear chain trained with finite-difference gradients next
// to the same chain trained by backpropagation.
// Run: node examples/r3-regression.js
import { ANN, gradCheck, Random } from 'backprop-wasm';

/** 100 points of y = 4 + 3x + 0.3·N(0, 1), seeded. */
function line(seed) {
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
function ordinaryLeastSquares(x, y) {
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

const linear = (layers) => ANN.create({ layers, activation: 'identity', output: 'identity', loss: 'meanSquaredError', precision: 'f64', seed: 3 });
const data = line(42);

// 1. Linear regression by full-batch gradient descent.
console.log('linear regression: 100 points of y = 4 + 3x + 0.3·noise, 1-1 identity network, f64, batch 100, learning rate 0.1, 1000 epochs');
const net = await linear([1, 1]);
await net.fit(data.x, data.y, {
  epochs: 1000,
  batchSize: 100,
  learningRate: 0.1,
  onEpochEnd: (log) => {
    if (log.epoch === 1 || log.epoch % 100 === 0) console.log(`  epoch ${String(log.epoch).padStart(4)}  loss ${log.loss.toFixed(6)}`);
  },
});
const [{ W, b }] = net.getWeights();
const ols = ordinaryLeastSquares(data.x.data, data.y.data);
console.log(`fit: slope ${W[0].toFixed(6)}, intercept ${b[0].toFixed(6)}`);
console.log(`least squares: slope ${ols.slope.toFixed(6)}, intercept ${ols.intercept.toFixed(6)} (differences ${Math.abs(W[0] - ols.slope).toExponential(2)}, ${Math.abs(b[0] - ols.intercept).toExponential(2)})`);
net.dispose();

// 2. Gradient check: backpropagated gradients against finite differences of the loss.
const fresh = await linear([1, 1]);
const check = await gradCheck(fresh, data.x, data.y);
console.log(`gradient check: max relative error ${Math.max(...check.maxRelativeError).toExponential(2)} over ${check.checked} parameters (${check.skipped} skipped)`);
fresh.dispose();

// 3. A two-neuron linear chain: numeric gradients vs chain-rule gradients, same start, same steps.
const rate = 0.05;
const steps = 200;
const analytic = await linear([1, 1, 1]);
const numeric = await linear([1, 1, 1]);
await analytic.fit(data.x, data.y, { epochs: steps, batchSize: 100, learningRate: rate, shuffle: false });
// Each derivative a central difference of the loss (exact for a quadratic in one weight, up to rounding).
const h = 1e-5;
for (let s = 0; s < steps; s++) {
  const weights = numeric.getWeights();
  const grads = weights.map((layer) => ({ W: new Float64Array(layer.W.length), b: new Float64Array(layer.b.length) }));
  weights.forEach((layer, l) => {
    for (const key of ['W', 'b']) {
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
  numeric.setWeights(weights.map((layer, l) => ({ W: layer.W.map((w, i) => w - rate * grads[l].W[i]), b: layer.b.map((v, i) => v - rate * grads[l].b[i]) })));
}
const a = analytic.getWeights();
const n = numeric.getWeights();
console.log(`two-neuron chain, ${steps} full-batch steps at learning rate ${rate}:`);
let worst = 0;
a.forEach((layer, l) => {
  console.log(`  neuron ${l + 1}: w ${layer.W[0].toFixed(8)} (analytic) vs ${n[l].W[0].toFixed(8)} (numeric); b ${layer.b[0].toFixed(8)} vs ${n[l].b[0].toFixed(8)}`);
  worst = Math.max(worst, Math.abs(layer.W[0] - n[l].W[0]), Math.abs(layer.b[0] - n[l].b[0]));
});
console.log(`  largest difference between the two paths: ${worst.toExponential(2)}`);
console.log(`  end-to-end line: slope w2·w1 = ${(a[1].W[0] * a[0].W[0]).toFixed(4)}, intercept w2·b1 + b2 = ${(a[1].W[0] * a[0].b[0] + a[1].b[0]).toFixed(4)}; loss ${analytic.evaluate(data.x, data.y).loss.toFixed(6)}`);
analytic.dispose();
numeric.dispose();
