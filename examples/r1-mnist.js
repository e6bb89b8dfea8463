// R1, the headline experiment: a 784-196-1 sigmoid network with binary cross-entropy learns to
// tell MNIST 5s from 8s (11,272 training images, 1,866 test images), by minibatch SGD.
// The experiment itself is examples/experiments/r1-mnist.js (test/r1-mnist.test.ts runs it too).
// Run: npm start   (or: node examples/r1-mnist.js [epochs] [batchSize] [learningRate] [--threads auto|N])
import { kernelBuild } from 'backprop-wasm';
import { loadData, minibatch, MINIBATCH } from './experiments/r1-mnist.js';
import { batchProgress, epochLine } from './print.js';

// --threads N (or --threads=N) anywhere; the rest are positional. ANN.create refuses a bad count by name.
const args = process.argv.slice(2);
/** @type {'auto' | number} */
let threads = 'auto';
for (let i = 0; i < args.length; i++) {
  const m = /^--threads(?:=(.*))?$/.exec(args[i]);
  if (m === null) continue;
  const value = m[1] ?? args[i + 1];
  args.splice(i, m[1] === undefined ? 2 : 1);
  threads = value === 'auto' ? 'auto' : Number(value);
  break;
}
const [epochs, batchSize, learningRate] = [
  Number(args[0] ?? MINIBATCH.epochs),
  Number(args[1] ?? MINIBATCH.batchSize),
  Number(args[2] ?? MINIBATCH.learningRate),
];

const started = performance.now();
const data = await loadData();
console.log(`MNIST 5 vs 8: ${data.train.x.rows} training images, ${data.test.x.rows} test images`);

const run = await minibatch(data, {
  epochs,
  batchSize,
  learningRate,
  threads,
  validate: true,
  onStart: (net) =>
    console.log(
      `network ${net.layers.join('-')}, ${net.activations.join('/')}, ${net.loss}, ${net.backend} (${kernelBuild()} build) ${net.precision} on ${net.threads} thread${net.threads === 1 ? '' : 's'}; SGD batch ${batchSize}, learning rate ${learningRate}, ${epochs} epoch${epochs === 1 ? '' : 's'}`,
    ),
  onBatchEnd: batchProgress(epochs),
  onEpochEnd: (log) => console.log(epochLine(log)),
});

console.log(`final train accuracy ${(100 * (run.train.accuracy ?? NaN)).toFixed(2)}% (loss ${run.train.loss.toFixed(4)})`);
console.log(`final test accuracy  ${(100 * (run.test.accuracy ?? NaN)).toFixed(2)}% (loss ${run.test.loss.toFixed(4)})`);
console.log(
  `training took ${run.seconds.toFixed(2)} s (${(run.seconds / epochs).toFixed(2)} s per epoch); ${((performance.now() - started) / 1000).toFixed(2)} s in all, data loading included`,
);
