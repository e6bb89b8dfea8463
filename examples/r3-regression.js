// R3: numeric vs analytic derivatives, and linear regression by gradient descent on
// y = 4 + 3x + 0.3·noise (100 seeded points, x in [0, 2)): a 1-1 identity network in float64,
// full-batch gradient descent (1,000 epochs, learning rate 0.1), checked against least squares;
// a gradient check; and a two-neuron linear chain trained with finite-difference gradients next
// to the same chain trained by backpropagation.
// The experiment itself is examples/experiments/r3-regression.js (test/r3-regression.test.ts runs it too).
// Run: node examples/r3-regression.js
import { chain, CHAIN, fitLine, gradientCheck, line, POINTS, REGRESSION } from './experiments/r3-regression.js';

const data = line();

// 1. Linear regression by full-batch gradient descent.
console.log(
  `linear regression: ${POINTS} points of y = 4 + 3x + 0.3·noise, 1-1 identity network, f64, batch ${REGRESSION.batchSize}, learning rate ${REGRESSION.learningRate}, ${REGRESSION.epochs} epochs`,
);
const fit = await fitLine(data, {
  onEpochEnd: (log) => {
    if (log.epoch === 1 || log.epoch % 100 === 0) console.log(`  epoch ${String(log.epoch).padStart(4)}  loss ${log.loss.toFixed(6)}`);
  },
});
const { slope, intercept, ols } = fit;
console.log(`fit: slope ${slope.toFixed(6)}, intercept ${intercept.toFixed(6)}`);
console.log(
  `least squares: slope ${ols.slope.toFixed(6)}, intercept ${ols.intercept.toFixed(6)} (differences ${Math.abs(slope - ols.slope).toExponential(2)}, ${Math.abs(intercept - ols.intercept).toExponential(2)})`,
);

// 2. Gradient check: backpropagated gradients against finite differences of the loss.
const check = await gradientCheck(data);
console.log(
  `gradient check: max relative error ${Math.max(...check.maxRelativeError).toExponential(2)} over ${check.checked} parameters (${check.skipped} skipped)`,
);

// 3. A two-neuron linear chain: numeric gradients vs chain-rule gradients, same start, same steps.
const { analytic: a, numeric: n, analyticLoss } = await chain(data);
console.log(`two-neuron chain, ${CHAIN.steps} full-batch steps at learning rate ${CHAIN.learningRate}:`);
let worst = 0;
a.forEach((layer, l) => {
  console.log(
    `  neuron ${l + 1}: w ${layer.W[0].toFixed(8)} (analytic) vs ${n[l].W[0].toFixed(8)} (numeric); b ${layer.b[0].toFixed(8)} vs ${n[l].b[0].toFixed(8)}`,
  );
  worst = Math.max(worst, Math.abs(layer.W[0] - n[l].W[0]), Math.abs(layer.b[0] - n[l].b[0]));
});
console.log(`  largest difference between the two paths: ${worst.toExponential(2)}`);
console.log(
  `  end-to-end line: slope w2·w1 = ${(a[1].W[0] * a[0].W[0]).toFixed(4)}, intercept w2·b1 + b2 = ${(a[1].W[0] * a[0].b[0] + a[1].b[0]).toFixed(4)}; loss ${analyticLoss.toFixed(6)}`,
);
