// R1, the headline experiment: a 784-196-1 sigmoid network with binary cross-entropy learns to
// tell MNIST 5s from 8s (11,272 training images, 1,866 test images), by minibatch SGD.
// The experiment itself is examples/experiments/r1-mnist.js (test/r1-mnist.test.ts runs it too).
// Run: npm start   (or: node examples/r1-mnist.js [epochs] [batchSize] [learningRate])
import { kernelBuild } from 'backprop-wasm';
import { loadData, minibatch, MINIBATCH } from './experiments/r1-mnist.js';
import { batchProgress, epochLine } from './print.js';

const [epochs, batchSize, learningRate] = [
  Number(process.argv[2] ?? MINIBATCH.epochs),
  Number(process.argv[3] ?? MINIBATCH.batchSize),
  Number(process.argv[4] ?? MINIBATCH.learningRate),
];

const started = performance.now();
const data = await loadData();
console.log(`MNIST 5 vs 8: ${data.train.x.rows} training images, ${data.test.x.rows} test images`);

const run = await minibatch(data, {
  epochs,
  batchSize,
  learningRate,
  validate: true,
  onStart: (net) =>
    console.log(
      `network ${net.layers.join('-')}, ${net.activations.join('/')}, ${net.loss}, ${net.backend} (${kernelBuild()} build) ${net.precision}; SGD batch ${batchSize}, learning rate ${learningRate}, ${epochs} epoch${epochs === 1 ? '' : 's'}`,
    ),
  onBatchEnd: batchProgress(epochs),
  onEpochEnd: (log) => console.log(epochLine(log)),
});

console.log(`final train accuracy ${(100 * (run.train.accuracy ?? NaN)).toFixed(2)}% (loss ${run.train.loss.toFixed(4)})`);
console.log(`final test accuracy  ${(100 * (run.test.accuracy ?? NaN)).toFixed(2)}% (loss ${run.test.loss.toFixed(4)})`);
console.log(
  `training took ${run.seconds.toFixed(2)} s (${(run.seconds / epochs).toFixed(2)} s per epoch); ${((performance.now() - started) / 1000).toFixed(2)} s in all, data loading included`,
);
