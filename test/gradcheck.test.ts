/**
 * Gradient checks: every parameter's analytic gradient (backpropagation through the kernels)
 * against a fourth-order central finite difference, for every activation × loss pair that makes
 * sense, depths 1–4, batches of 1, 3 and 17, and widths 1, 3, 7 and 33.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ANN, gradCheck, type ActivationName, type BackendName, type LossName } from '../src/index.js';
import { internalsOf } from '../src/ann.js';
import { randomArray } from './helpers/compare.js';

type Head = [output: ActivationName, loss: LossName];
const HIDDEN: ActivationName[] = ['identity', 'sigmoid', 'tanh', 'relu', 'leakyRelu'];
const HEADS: Head[] = [
  ['sigmoid', 'binaryCrossEntropy'],
  ['softmax', 'binaryCrossEntropy'],
  ['softmax', 'categoricalCrossEntropy'],
  ['identity', 'meanSquaredError'],
  ['sigmoid', 'meanSquaredError'],
  ['tanh', 'meanSquaredError'],
  ['softmax', 'meanSquaredError'],
  ['leakyRelu', 'meanSquaredError'],
];
const WIDTHS = [1, 3, 7, 33];
const BATCHES = [1, 3, 17];

/** Inputs in [−1, 1] and targets that the loss accepts: one-hot rows, 0/1 labels, or any value. */
function data(head: Head, inputs: number, outputs: number, rows: number, seed: number) {
  const x = { data: randomArray(rows * inputs, seed), rows };
  const raw = randomArray(rows * outputs, seed + 1, 0, 1);
  let y: Float64Array;
  if (head[1] === 'categoricalCrossEntropy') {
    y = new Float64Array(rows * outputs);
    for (let r = 0; r < rows; r++) y[r * outputs + Math.floor(raw[r * outputs] * outputs)] = 1;
  } else if (head[1] === 'binaryCrossEntropy') {
    y = raw.map((v) => (v > 0.5 ? 1 : 0));
  } else {
    y = raw.map((v) => 2 * v - 1);
  }
  return { x, y: { data: y, rows } };
}

interface Case {
  hidden: ActivationName;
  head: Head;
  layers: number[];
  batch: number;
}

/** Every hidden activation with every head, cycling through depths, widths and batch sizes. */
function cases(): Case[] {
  const out: Case[] = [];
  let i = 0;
  for (const head of HEADS) {
    const outputs = head[0] === 'softmax' ? 3 : 1 + (i % 2);
    // Depth 1: no hidden layer, only the head.
    out.push({ hidden: 'identity', head, layers: [WIDTHS[i % 4], outputs], batch: BATCHES[i % 3] });
    for (const hidden of HIDDEN) {
      i++;
      const depth = 2 + (i % 3); // 2, 3 or 4 weight layers
      const layers = [WIDTHS[(i + 1) % 4]];
      for (let d = 1; d < depth; d++) layers.push(WIDTHS[(i + d) % 4] === 1 && d === depth - 1 ? 3 : WIDTHS[(i + d) % 4]);
      layers.push(outputs);
      out.push({ hidden, head, layers, batch: BATCHES[i % 3] });
    }
  }
  return out;
}

const ALL = cases();

describe('the case list covers what the gradient check must cover', () => {
  it('every hidden activation × every head, depths 1–4, batches 1/3/17, widths 1/3/7/33', () => {
    for (const h of HIDDEN)
      for (const head of HEADS) expect(ALL.some((c) => c.hidden === h && c.head === head && c.layers.length > 2)).toBe(true);
    for (const depth of [1, 2, 3, 4]) expect(ALL.some((c) => c.layers.length - 1 === depth)).toBe(true);
    for (const b of BATCHES) expect(ALL.some((c) => c.batch === b)).toBe(true);
    for (const w of WIDTHS) expect(ALL.some((c) => c.layers.slice(0, -1).includes(w))).toBe(true);
  });
});

for (const backend of ['wasm', 'js'] as BackendName[]) {
  describe(`float64 gradients on the ${backend} backend match finite differences to 1e-6`, () => {
    ALL.forEach((c, n) => {
      if (backend === 'js' && n % 3 !== 0) return; // the TS backend is the oracle elsewhere; a third of the grid keeps it honest here
      const name = `${c.layers.join('-')} ${c.hidden} → ${c.head[0]} + ${c.head[1]}, batch ${c.batch}`;
      it(name, async () => {
        const net = await ANN.create({
          layers: c.layers,
          activation: c.hidden,
          output: c.head[0],
          loss: c.head[1],
          precision: 'f64',
          backend,
          seed: 7 + n,
          leakyReluSlope: 0.05,
        });
        const { x, y } = data(c.head, c.layers[0], c.layers[c.layers.length - 1], c.batch, 100 + n);
        const { maxRelativeError, checked, skipped } = await gradCheck(net, x, y);
        expect(maxRelativeError).toHaveLength(c.layers.length - 1);
        maxRelativeError.forEach((e, l) => expect(e, `layer ${l + 1}: max relative error ${e}`).toBeLessThan(1e-6));
        // Parameters next to a ReLU kink are left out; they must stay a small minority.
        expect(skipped, `${skipped} of ${checked + skipped} parameters skipped at kinks`).toBeLessThanOrEqual(0.02 * (checked + skipped));
        net.dispose();
      });
    });
  });
}

describe('float32 wasm gradients match float64 ones to 1e-3 relative', () => {
  ALL.forEach((c, n) => {
    const name = `${c.layers.join('-')} ${c.hidden} → ${c.head[0]} + ${c.head[1]}, batch ${c.batch}`;
    it(name, async () => {
      const f32 = await ANN.create({
        layers: c.layers,
        activation: c.hidden,
        output: c.head[0],
        loss: c.head[1],
        precision: 'f32',
        seed: 7 + n,
        leakyReluSlope: 0.05,
      });
      const f64 = await ANN.fromJSON({ ...f32.toJSON(), precision: 'f64' });
      const { x, y } = data(c.head, c.layers[0], c.layers[c.layers.length - 1], c.batch, 100 + n);
      const g32 = f32.gradients(x, y);
      const g64 = f64.gradients(x, y);
      g32.forEach((layer, l) => {
        for (const key of ['dW', 'db'] as const) {
          const a = layer[key];
          const b = g64[l][key];
          // Relative to the layer's largest gradient: float32 rounding is relative to the sums it came from.
          const scale = Math.max(...Array.from(b, Math.abs), 1e-12);
          for (let i = 0; i < a.length; i++) {
            expect(Math.abs(a[i] - b[i]) / scale, `layer ${l + 1} ${key}[${i}]: f32 ${a[i]}, f64 ${b[i]}`).toBeLessThan(1e-3);
          }
        }
      });
      f32.dispose();
      f64.dispose();
    });
  });
});

/** Makes the network's activation derivative 1% too large: every gradient below the output layer is off by 1%. */
function breakActivationDerivative(net: ANN): void {
  const k = internalsOf(net).network().kernels;
  const honest = k.activateBackward.bind(k);
  k.activateBackward = (kind, z, a, da, dz, rows, cols, slope) => {
    honest(kind, z, a, da, dz, rows, cols, slope);
    const v = k.view(dz);
    for (let i = 0; i < rows * cols; i++) v[i] *= 1.01;
  };
}

describe('gradCheck can fail', () => {
  it('reports a large error when backpropagation is wrong by 1% in one layer', async () => {
    const net = await ANN.create({
      layers: [4, 5, 1],
      activation: 'tanh',
      output: 'sigmoid',
      loss: 'binaryCrossEntropy',
      precision: 'f64',
      backend: 'js',
      seed: 3,
    });
    breakActivationDerivative(net);
    const { x, y } = data(['sigmoid', 'binaryCrossEntropy'], 4, 1, 5, 1);
    const { maxRelativeError } = await gradCheck(net, x, y);
    expect(maxRelativeError[0]).toBeGreaterThan(5e-3);
    expect(maxRelativeError[1]).toBeLessThan(1e-6); // the output layer's gradient does not pass through activateBackward
  });
});

describe('gradCheck on a spread of the parameters (maxPerLayer)', () => {
  it('compares at most that many weights and biases per layer, still catches a wrong layer, and refuses a count below 1', async () => {
    const net = await ANN.create({
      layers: [6, 9, 2],
      activation: 'tanh',
      output: 'softmax',
      loss: 'categoricalCrossEntropy',
      precision: 'f64',
      backend: 'js',
      seed: 5,
    });
    const { x, y } = data(['softmax', 'categoricalCrossEntropy'], 6, 2, 4, 5);
    const all = await gradCheck(net, x, y);
    expect(all.checked + all.skipped).toBe(9 * 6 + 9 + 2 * 9 + 2);
    const some = await gradCheck(net, x, y, { maxPerLayer: 4 });
    // Layer 1: 4 of 54 weights, 4 of 9 biases; layer 2: 4 of 18 weights, both biases.
    expect(some.checked + some.skipped).toBe(4 + 4 + 4 + 2);
    expect(some.maxRelativeError.every((e) => e < 1e-6)).toBe(true);
    breakActivationDerivative(net);
    expect((await gradCheck(net, x, y, { maxPerLayer: 4 })).maxRelativeError[0]).toBeGreaterThan(5e-3);
    await expect(gradCheck(net, x, y, { maxPerLayer: 0 })).rejects.toThrow(/maxPerLayer must be a positive integer, got 0/);
  });
});

describe('gradCheck as the README documents it', () => {
  it('returns a promise of the result, and the README says to await it', async () => {
    const net = await ANN.create({
      layers: [3, 2, 1],
      activation: 'tanh',
      output: 'sigmoid',
      loss: 'binaryCrossEntropy',
      precision: 'f64',
      seed: 2,
    });
    const { x, y } = data(['sigmoid', 'binaryCrossEntropy'], 3, 1, 4, 2);
    const pending = gradCheck(net, x, y);
    expect(pending).toBeInstanceOf(Promise);
    expect((await pending).maxRelativeError).toHaveLength(2);
    net.dispose();
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const documented = readme.split('\n').find((line) => line.includes('gradCheck(net'));
    expect(documented, 'the README line documenting gradCheck').toMatch(
      /`await gradCheck\(net, x, y, [^`]*\)` → a promise of `\{ maxRelativeError/,
    );
  });
});
