// R1, the headline experiment: a 784-196-1 sigmoid network with binary cross-entropy learns to
// tell MNIST 5s from 8s (11,272 training images, 1,866 test images), by minibatch SGD.
// Run: npm start   (or: node examples/r1-mnist.js [epochs] [batchSize] [learningRate])
import { ANN, kernelBuild, loadMnist, selectClasses } from 'backprop-wasm';
import { batchProgress, epochLine } from './progress.js';

const [epochs, batchSize, learningRate] = [Number(process.argv[2] ?? 5), Number(process.argv[3] ?? 32), Number(process.argv[4] ?? 0.5)];

/** The 5s (label 1) and 8s (label 0) of one MNIST set, pixels scaled to [0, 1]. */
async function fivesAndEights(set) {
  // Only the 5s and 8s are read from the file, and they are scaled while selected: the 47 MB
  // training file is never in memory whole, and the images exist once as floats.
  const { images, labels } = await loadMnist({ set, digits: [5, 8] });
  return selectClasses(images, labels, 784, 5, 8, { scale: 255 });
}

const started = performance.now();
const train = await fivesAndEights('train');
const test = await fivesAndEights('test');
console.log(`MNIST 5 vs 8: ${train.x.rows} training images, ${test.x.rows} test images`);

const net = await ANN.create({ layers: [784, 196, 1], activation: 'sigmoid', output: 'sigmoid', loss: 'binaryCrossEntropy', seed: 1 });
console.log(`network ${net.layers.join('-')}, ${net.activations.join('/')}, ${net.loss}, ${net.backend} (${kernelBuild()} build) ${net.precision}; SGD batch ${batchSize}, learning rate ${learningRate}, ${epochs} epoch${epochs === 1 ? "" : "s"}`);

const trainStart = performance.now();
await net.fit(train.x, train.y, {
  epochs,
  batchSize,
  learningRate,
  validationData: [test.x, test.y],
  onBatchEnd: batchProgress(epochs),
  onEpochEnd: (log) => console.log(epochLine(log)),
});
const trainSeconds = (performance.now() - trainStart) / 1000;

const trainEval = net.evaluate(train.x, train.y);
const testEval = net.evaluate(test.x, test.y);
console.log(`final train accuracy ${(100 * trainEval.accuracy).toFixed(2)}% (loss ${trainEval.loss.toFixed(4)})`);
console.log(`final test accuracy  ${(100 * testEval.accuracy).toFixed(2)}% (loss ${testEval.loss.toFixed(4)})`);
console.log(`training took ${trainSeconds.toFixed(2)} s (${(trainSeconds / epochs).toFixed(2)} s per epoch); ${((performance.now() - started) / 1000).toFixed(2)} s in all, data loading included`);
net.dispose();
