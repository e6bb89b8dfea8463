// R5: two wheat varieties of the UCI seeds data (Kama → 1 vs Rosa → 0, 140 kernels), standardised
// with the training rows' statistics, a 7-4-1 sigmoid network with binary cross-entropy trained by
// per-sample SGD (30 epochs, learning rate 0.1) on stratified 70/30 splits.
// The experiment itself is examples/experiments/r5-seeds-binary.js (test/r5-seeds-binary.test.ts runs it too).
// Run: node examples/r5-seeds-binary.js
import { loadData, runSplits, SGD } from './experiments/r5-seeds-binary.js';
import { pct } from './print.js';

const data = await loadData();
console.log(
  `seeds, Kama vs Rosa: ${data.x.rows} kernels × ${data.x.cols} measurements, ${Array.from(data.y.data).reduce((a, b) => a + b, 0)} Kama`,
);

// The first split is shown epoch by epoch.
const { runs, accuracies, mean } = await runSplits(data, {
  onStart: (net, split, splitSeed) => {
    if (splitSeed === 1)
      console.log(
        `network ${net.layers.join('-')}, ${net.activations.join('/')}, ${net.loss}; SGD batch ${SGD.batchSize}, learning rate ${SGD.learningRate}, ${SGD.epochs} epochs; ${split.xTrain.rows} train / ${split.xTest.rows} test kernels`,
      );
  },
  onEpochEnd: (log, splitSeed) => {
    if (splitSeed === 1 && (log.epoch === 1 || log.epoch % 5 === 0))
      console.log(`  epoch ${String(log.epoch).padStart(2)}  loss ${log.loss.toFixed(4)}  train accuracy ${pct(log.accuracy)}`);
  },
});
for (const { splitSeed, train, test } of runs) {
  console.log(
    `split seed ${splitSeed}: train accuracy ${pct(train.accuracy)}, test accuracy ${pct(test.accuracy)} (test loss ${test.loss.toFixed(4)})`,
  );
}
console.log(`test accuracy on the seeded split (seed 1): ${pct(accuracies[0])}`);
console.log(`test accuracy over five 70/30 splits: ${accuracies.map(pct).join(', ')} (mean ${pct(mean)})`);
