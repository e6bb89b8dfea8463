// R5: two wheat varieties of the UCI seeds data (Kama → 1 vs Rosa → 0, 140 kernels), standardised
// with the training rows' statistics, a 7-4-1 sigmoid network with binary cross-entropy trained by
// per-sample SGD (30 epochs, learning rate 0.1) on stratified 70/30 splits.
// Run: node examples/r5-seeds-binary.js
import { ANN, Standardizer, trainTestSplit } from 'backprop-wasm';
import { pct, seedsTwoVarieties } from './datasets.js';

const { x, y } = await seedsTwoVarieties(1, 2);
console.log(`seeds, Kama vs Rosa: ${x.rows} kernels × ${x.cols} measurements, ${y.data.reduce((a, b) => a + b, 0)} Kama`);

async function run(splitSeed, verbose) {
  const split = trainTestSplit(x, y, { testFraction: 0.3, seed: splitSeed, stratify: true });
  const standardizer = Standardizer.fit(split.xTrain);
  const net = await ANN.create({ layers: [7, 4, 1], activation: 'sigmoid', output: 'sigmoid', loss: 'binaryCrossEntropy', seed: 1, standardizer });
  if (verbose) console.log(`network ${net.layers.join('-')}, ${net.activations.join('/')}, ${net.loss}; SGD batch 1, learning rate 0.1, 30 epochs; ${split.xTrain.rows} train / ${split.xTest.rows} test kernels`);
  await net.fit(split.xTrain, split.yTrain, {
    epochs: 30,
    batchSize: 1,
    learningRate: 0.1,
    onEpochEnd: (log) => {
      if (verbose && (log.epoch === 1 || log.epoch % 5 === 0)) console.log(`  epoch ${String(log.epoch).padStart(2)}  loss ${log.loss.toFixed(4)}  train accuracy ${pct(log.accuracy)}`);
    },
  });
  const train = net.evaluate(split.xTrain, split.yTrain);
  const test = net.evaluate(split.xTest, split.yTest);
  net.dispose();
  return { train, test };
}

const accuracies = [];
for (const splitSeed of [1, 2, 3, 4, 5]) {
  const { train, test } = await run(splitSeed, splitSeed === 1);
  console.log(`split seed ${splitSeed}: train accuracy ${pct(train.accuracy)}, test accuracy ${pct(test.accuracy)} (test loss ${test.loss.toFixed(4)})`);
  accuracies.push(test.accuracy);
}
const mean = accuracies.reduce((a, b) => a + b) / accuracies.length;
console.log(`test accuracy on the seeded split (seed 1): ${pct(accuracies[0])}`);
console.log(`test accuracy over five 70/30 splits: ${accuracies.map(pct).join(', ')} (mean ${pct(mean)})`);
