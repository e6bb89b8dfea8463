// R2: an MLP with sigmoid everywhere, squared error and per-sample SGD (batch of 1), scored by
// argmax, on the three wheat varieties of the UCI seeds data: a 7-5-3 network, 50 epochs at
// learning rate 0.3, on stratified 70/30 splits (standardised with the training rows' statistics).
// The experiment itself is examples/experiments/r2-seeds-mlp.js (test/r2-seeds-mlp.test.ts runs it too).
// Run: node examples/r2-seeds-mlp.js
import { loadData, runSplits, SGD } from './experiments/r2-seeds-mlp.js';
import { pct } from './print.js';

const data = await loadData();
console.log(`seeds: ${data.x.rows} kernels × ${data.x.cols} measurements, ${data.y.cols} varieties (one-hot targets)`);

// The first split is shown epoch by epoch.
const { runs, accuracies, mean } = await runSplits(data, {
  onStart: (net, split, splitSeed) => {
    if (splitSeed === 1)
      console.log(
        `network ${net.layers.join('-')}, ${net.activations.join('/')}, ${net.loss}; SGD batch ${SGD.batchSize}, learning rate ${SGD.learningRate}, ${SGD.epochs} epochs; ${split.xTrain.rows} train / ${split.xTest.rows} test kernels`,
      );
  },
  onEpochEnd: (log, splitSeed) => {
    if (splitSeed === 1 && (log.epoch === 1 || log.epoch % 10 === 0))
      console.log(`  epoch ${String(log.epoch).padStart(2)}  loss ${log.loss.toFixed(4)}  train accuracy ${pct(log.accuracy)}`);
  },
});
for (const { splitSeed, history, train, test } of runs) {
  const [first, last] = [history[0].loss, history[history.length - 1].loss];
  console.log(
    `split seed ${splitSeed}: loss ${first.toFixed(4)} → ${last.toFixed(4)}, train accuracy ${pct(train.accuracy)}, test accuracy ${pct(test.accuracy)}`,
  );
}
console.log(`test accuracy on the seed-1 split: ${pct(accuracies[0])}`);
console.log(`test accuracy over five 70/30 splits: ${accuracies.map(pct).join(', ')} (mean ${pct(mean)})`);
