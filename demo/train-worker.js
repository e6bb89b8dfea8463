// The demo's module worker: it owns the data and the network, so the page never freezes while
// the network trains. It imports the package's built files as any page would; the kernel module
// is found next to them through import.meta.url, with no configuration.
//
// Inputs: the page always sends MNIST grey levels, 0–255, and this worker gives each network what it
// expects. A network with a standardizer scales its own inputs (the command's MNIST models carry
// "÷ 255", and so do the models trained here), so it gets the raw grey levels; a network without
// one (e.g. trained in Node on mnistMatrix) gets them ÷ 255, in [0, 1]. That is how any model file
// reads digits correctly here, and how a model saved here evaluates with `backprop-wasm eval`.
//
// Page → worker: init {dataUrl, trainSize, testSize} · train {epochs, batchSize, learningRate, hidden, seed} · stop ·
//                predict {id, pixels, rows} · export {id} · import {id, name, text}
// Worker → page: status · data · model · progress · test · done · error · reply {id, ...}
import { ANN, Standardizer, loadMnist, mnistMatrix, oneHot, scaleToUnit } from '../dist/index.js';

/** Test images whose running accuracy is plotted within an epoch (a cheap probe, not the test score). */
const PROBE_SIZE = 1000;
/** How many misclassified test images the page shows. */
const SHOWN_MISTAKES = 12;
/** Longest stretch of training without answering messages (stop, predictions for the drawing pad). */
const YIELD_MS = 25;
const PROGRESS_MS = 60;
/** The probe runs at least this often, in epochs and in time (a slow run still gets a curve). */
const PROBES_PER_EPOCH = 16;
const PROBE_MS = 500;

let data = null;
let net = null;
let training = false;
let stopRequested = false;

class Stopped extends Error {}

const post = (message) => self.postMessage(message);

// A message-channel round trip lets queued messages run without setTimeout's 4 ms clamp.
const channel = new MessageChannel();
const waiting = [];
channel.port1.onmessage = () => waiting.shift()?.();
const yieldToMessages = () =>
  new Promise((resolve) => {
    waiting.push(resolve);
    channel.port2.postMessage(null);
  });

self.onmessage = async ({ data: msg }) => {
  try {
    switch (msg.type) {
      case 'init':
        return await init(msg);
      case 'train':
        return await train(msg);
      case 'stop':
        stopRequested = true;
        return;
      case 'predict':
        return await reply(msg.id, () => ({ probabilities: requireNet().predict(inputsFor(requireNet(), msg.pixels, msg.rows)).data }));
      case 'export':
        // The package's model file (format 2: exact weights, a checksum, what the outputs mean).
        return await reply(msg.id, () => ({ text: requireNet().toFile(), name: `mnist-${requireNet().layers.join('-')}.json` }));
      case 'import':
        return await reply(msg.id, () => importModel(msg));
      default:
        throw new Error(`unknown message type ${JSON.stringify(msg.type)}`);
    }
  } catch (err) {
    post({ type: 'error', message: err.message });
  }
};

function requireNet() {
  if (net === null) throw new Error('no network yet: train one or load a model file');
  return net;
}

/** True when `network` scales its own inputs, and so is to be fed raw grey levels (see the top of this file). */
const scalesItsInputs = (network) => network.standardizer !== null;

/** `rows` images of grey levels 0–255 as the inputs `network` expects. */
function inputsFor(network, pixels, rows) {
  const x = { data: pixels, rows, cols: 784 };
  return scalesItsInputs(network) ? x : scaleToUnit(x);
}

/** The first `rows` test images as the current network expects them (both forms are kept: 31 MB each for 10,000). */
function testInputs(rows = data.testLabels.length) {
  const all = scalesItsInputs(net) ? data.testRaw : data.testScaled;
  return { data: all.data.subarray(0, rows * 784), rows, cols: 784 };
}

/** Answers request `id` with what `body` returns, or with its error's message. */
async function reply(id, body) {
  try {
    post({ type: 'reply', id, ...(await body()) });
  } catch (err) {
    post({ type: 'reply', id, error: err.message });
  }
}

async function init({ dataUrl, trainSize, testSize }) {
  post({ type: 'status', text: 'loading MNIST…' });
  const [train, test] = await Promise.all([loadMnist({ set: 'train', dir: dataUrl }), loadMnist({ set: 'test', dir: dataUrl })]);
  const n = Math.min(trainSize, train.count);
  const m = Math.min(testSize, test.count);
  const testImages = test.images.slice(0, m * 784);
  const p = Math.min(PROBE_SIZE, m);
  const testY = oneHot(test.labels.subarray(0, m), 10).y;
  data = {
    // Training inputs are pixels / 255 (see train() for why not the raw grey levels).
    x: mnistMatrix(train.images.subarray(0, n * 784), n),
    y: oneHot(train.labels.subarray(0, n), 10).y,
    testScaled: mnistMatrix(testImages, m),
    testRaw: { data: Float32Array.from(testImages), rows: m, cols: 784 },
    testY,
    testImages,
    testLabels: test.labels.slice(0, m),
    probeRows: p,
    probeY: { data: testY.data.subarray(0, p * 10), rows: p, cols: 10 },
  };
  post({ type: 'data', train: n, test: m });
  post({ type: 'status', text: `MNIST loaded: ${n.toLocaleString('en')} training and ${m.toLocaleString('en')} test images` });
}

async function train({ epochs, batchSize, learningRate, hidden, seed }) {
  if (data === null) throw new Error('the data is not loaded yet');
  if (training) throw new Error('already training; stop first');
  training = true;
  stopRequested = false;
  try {
    net?.dispose();
    net = null;
    // The network trains on pixels / 255 without a standardizer, and gets the command's "÷ 255"
    // standardizer when training ends: the same network, bit for bit, as one trained with it on raw
    // grey levels (the standardizer computes the very same float32 numbers), without a second
    // 188 MB copy of the training images. Until then testInputs() and inputsFor() feed it [0, 1].
    net = await ANN.create({ layers: [784, hidden, 10], activation: 'relu', output: 'softmax', loss: 'categoricalCrossEntropy', seed });
    postModel('trained here');
    post({ type: 'status', text: `training ${net.layers.join('-')} (seed ${net.seed})…` });

    let points = [];
    let probes = [];
    let lastPost = performance.now();
    let lastYield = lastPost;
    let lastProbe = lastPost;
    let lastProbeX = 0;
    // Samples per second counts the time spent inside fit only, not this callback's own work.
    let trainMs = 0;
    let trainedSamples = 0;
    let leftCallback = performance.now();
    let testAccuracy = null;

    const flush = (extra = {}) => {
      post({ type: 'progress', points, probes, samplesPerSecond: trainMs > 0 ? (1000 * trainedSamples) / trainMs : 0, ...extra });
      points = [];
      probes = [];
    };

    await net.fit(data.x, data.y, {
      epochs,
      batchSize,
      learningRate,
      onBatchEnd: async ({ epoch, batch, batches, loss, samples }) => {
        const entered = performance.now();
        trainMs += entered - leftCallback;
        trainedSamples += samples;
        const x = epoch - 1 + batch / batches;
        points.push([x, loss]);
        if (x - lastProbeX >= 1 / PROBES_PER_EPOCH || entered - lastProbe >= PROBE_MS) {
          const probe = net.evaluate(testInputs(data.probeRows), data.probeY);
          probes.push([x, probe.loss, probe.accuracy]);
          lastProbe = performance.now();
          lastProbeX = x;
        }
        if (entered - lastPost >= PROGRESS_MS) {
          flush({ epoch, batch, batches });
          lastPost = entered;
        }
        if (entered - lastYield >= YIELD_MS) {
          await yieldToMessages();
          lastYield = performance.now();
        }
        if (stopRequested) throw new Stopped('stopped');
        leftCallback = performance.now();
      },
      onEpochEnd: async (log) => {
        const entered = performance.now();
        trainMs += entered - leftCallback;
        flush({ epoch: log.epoch, batch: 0, batches: 0 });
        const report = testReport();
        testAccuracy = report.testAccuracy;
        post({ type: 'test', epoch: log.epoch, loss: log.loss, accuracy: log.accuracy, ...report });
        await yieldToMessages();
        leftCallback = performance.now();
        return !stopRequested;
      },
    });
    scaleOwnInputs(net);
    describeRun(net, { epochs, batchSize, learningRate }, { stopped: stopRequested, testAccuracy });
    post({ type: 'done', stopped: stopRequested });
  } catch (err) {
    if (!(err instanceof Stopped)) throw err;
    scaleOwnInputs(net);
    const report = testReport();
    describeRun(net, { epochs, batchSize, learningRate }, { stopped: true, testAccuracy: report.testAccuracy });
    post({ type: 'test', ...report });
    post({ type: 'done', stopped: true });
  } finally {
    training = false;
  }
}

/** Gives a network trained here on pixels / 255 the command's scaling, so that it takes raw grey levels from now on. */
function scaleOwnInputs(network) {
  network.standardizer = Standardizer.pixels(); // what the command stores with its MNIST models
  postModel('trained here');
}

function postModel(origin) {
  post({
    type: 'model',
    layers: [...net.layers],
    activations: [...net.activations],
    seed: net.seed,
    scalesInputs: scalesItsInputs(net),
    origin,
    // The network's own workers do the kernels' work on every core (the page is cross-origin isolated).
    threads: net.threads,
    threadsReason: net.threadsReason,
  });
}

/** What a downloaded model file says about its outputs and its training. */
function describeRun(network, { epochs, batchSize, learningRate }, { stopped, testAccuracy }) {
  network.meta = {
    classes: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    training: {
      data: `MNIST, the first ${data.x.rows} training images; inputs are grey levels 0–255, scaled by the model's standardizer (÷ 255)`,
      epochs: stopped ? `${epochs} (stopped early)` : epochs,
      batchSize,
      learningRate,
      testAccuracy,
      trainedIn: 'the backprop-wasm demo page',
    },
  };
}

/** Test loss and accuracy, and the first few test images the network gets wrong. */
function testReport() {
  const inputs = testInputs();
  const { loss, accuracy } = net.evaluate(inputs, data.testY);
  const probabilities = net.predict(inputs).data;
  const mistakes = [];
  for (let i = 0; i < data.testLabels.length && mistakes.length < SHOWN_MISTAKES; i++) {
    const row = probabilities.subarray(i * 10, i * 10 + 10);
    let best = 0;
    for (let k = 1; k < 10; k++) if (row[k] > row[best]) best = k;
    if (best !== data.testLabels[i]) {
      mistakes.push({
        index: i,
        label: data.testLabels[i],
        predicted: best,
        confidence: row[best],
        pixels: data.testImages.slice(i * 784, (i + 1) * 784),
      });
    }
  }
  return { testLoss: loss, testAccuracy: accuracy, mistakes };
}

async function importModel({ name, text }) {
  if (training) throw new Error('stop training before loading a model');
  let loaded;
  try {
    // Reads both the model file (net.save / toFile) and the older toJSON() text.
    loaded = await ANN.fromJSON(text);
  } catch (err) {
    throw new Error(`${name}: ${err.message}`);
  }
  const { layers } = loaded;
  if (layers[0] !== 784 || layers[layers.length - 1] !== 10) {
    loaded.dispose();
    throw new Error(`${name}: the network is ${layers.join('-')}; this page needs 784 inputs (28 × 28 pixels) and 10 outputs (digits)`);
  }
  // Output k must mean digit k (a model file names its classes; toJSON text does not).
  const classes = loaded.meta?.classes;
  if (
    classes !== undefined &&
    classes !== null &&
    !(Array.isArray(classes) && classes.length === 10 && classes.every((c, k) => String(c) === String(k)))
  ) {
    loaded.dispose();
    throw new Error(`${name}: its outputs are the classes ${JSON.stringify(classes)}; this page needs the digits 0–9 in order`);
  }
  // Only a model that loaded completely replaces the current one.
  net?.dispose();
  net = loaded;
  postModel(`loaded from ${name}`);
  if (data !== null) post({ type: 'test', ...testReport() });
  return { layers: [...layers] };
}
