// R2: an MLP with sigmoid everywhere, squared error and per-sample SGD (batch of 1), scored by
// argmax, on the three wheat varieties of the UCI seeds data: a 7-5-3 network, 50 epochs at
// learning rate 0.3, on stratified 70/30 splits (standardised with the training rows' statistics).
// Run: node examples/r2-seeds-mlp.js
import { ANN, oneHot, Standardizer, trainTestSplit } from 'backprop-wasm';
import { pct, seeds } from './datasets.js';

const data = await seeds();
const x = data.x;
const y = oneHot(data.labels).y;
console.log(`seeds: ${x.rows} kernels × ${x.cols} measurements, ${y.cols} varieties (one-hot targets)`);

async function run(splitSeed, verbose) {
  const split = trainTestSplit(x, y, { testFraction: 0.3, seed: splitSeed, stratify: true });
  const net = await ANN.create({
    layers: [7, 5, 3],
    activation: 'sigmoid',
    output: 'sigmoid',
    loss: 'meanSquaredError',
    seed: 1,
    standardizer: Standardizer.fit(split.xTrain),
  });
  if (verbose) console.log(`network ${net.layers.join('-')}, ${net.activations.join('/')}, ${net.loss}; SGD batch 1, learning rate 0.3, 50 epochs; ${split.xTrain.rows} train / ${split.xTest.rows} test kernels`);
  const history = await net.fit(split.xTrain, split.yTrain, {
    epochs: 50,
    batchSize: 1,
    learningRate: 0.3,
    onEpochEnd: (log) => {
      if (verbose && (log.epoch === 1 || log.epoch % 10 === 0)) console.log(`  epoch ${String(log.epoch).padStart(2)}  loss ${log.loss.toFixed(4)}  train accuracy ${pct(log.accuracy)}`);
    },
  });
  const result = { history, train: net.evaluate(split.xTrain, split.yTrain), test: net.evaluate(split.xTest, split.yTest) };
  net.dispose();
  return result;
}

const accuracies = [];
for (const splitSeed of [1, 2, 3, 4, 5]) {
  const { history, train, test } = await run(splitSeed, splitSeed === 1);
  const [first, last] = [history[0].loss, history[history.length - 1].loss];
  console.log(`split seed ${splitSeed}: loss ${first.toFixed(4)} → ${last.toFixed(4)}, train accuracy ${pct(train.accuracy)}, test accuracy ${pct(test.accuracy)}`);
  accuracies.push(test.accuracy);
}
const mean = accuracies.reduce((a, b) => a + b) / accuracies.length;
console.log(`test accuracy on the seed-1 split: ${pct(accuracies[0])}`);
console.log(`test accuracy over five 70/30 splits: ${accuracies.map(pct).join(', ')} (mean ${pct(mean)})`);
