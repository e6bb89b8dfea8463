/**
 * R4 — four layers (5-3-5-4), leaky ReLU (slope 0.1) then two sigmoid layers, squared error,
 * plain SGD at learning rate 0.01 on one sample for 10,000 steps. Started from the reference
 * code's own initial weights (numpy, seed 42), the loss must follow the trajectory that the
 * reference recorded in ../shared/data/r4_reference.json.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ANN, type BackendName, type Precision } from '../src/index.js';

interface Reference {
  layers: number[];
  learningRate: number;
  steps: number;
  x: number[];
  y: number[];
  initialWeights: { W: number[][]; b: number[] }[];
  lossBeforeStep: Record<string, number>;
  lossAfterAllSteps: number;
  outputAfterAllSteps: number[];
}

const ref = JSON.parse(readFileSync(new URL('../../shared/data/r4_reference.json', import.meta.url), 'utf8')) as Reference;

async function replay(backend: BackendName, precision: Precision) {
  const net = await ANN.create({
    layers: ref.layers,
    activation: ['leakyRelu', 'sigmoid'],
    leakyReluSlope: 0.1,
    output: 'sigmoid',
    loss: 'meanSquaredError',
    backend,
    precision,
  });
  net.setWeights(ref.initialWeights);
  // One sample, batch of one, no shuffling: each epoch is one step, and its logged loss is the
  // loss measured before that step's update.
  const history = await net.fit([ref.x], [ref.y], { epochs: ref.steps, batchSize: 1, learningRate: ref.learningRate, shuffle: false });
  const after = net.evaluate([ref.x], [ref.y]).loss;
  const output = Array.from(net.predict([ref.x]).data);
  net.dispose();
  return { history, after, output };
}

const cases: [BackendName, Precision, number][] = [
  ['wasm', 'f64', 1e-6],
  ['js', 'f64', 1e-6],
  ['wasm', 'f32', 1e-2],
  ['js', 'f32', 1e-2],
];

describe('R4: four layers, mixed activations, 10,000 SGD steps on one sample', () => {
  for (const [backend, precision, tolerance] of cases) {
    it(`${backend} ${precision} follows the reference loss to < ${tolerance} relative at every checkpoint`, async () => {
      const { history, after, output } = await replay(backend, precision);
      expect(history).toHaveLength(ref.steps);
      const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
      for (const [step, loss] of Object.entries(ref.lossBeforeStep)) {
        const got = history[Number(step)].loss;
        expect(rel(got, loss), `loss before step ${step}: got ${got}, reference ${loss}`).toBeLessThan(tolerance);
      }
      expect(rel(after, ref.lossAfterAllSteps), `loss after all steps: got ${after}, reference ${ref.lossAfterAllSteps}`).toBeLessThan(
        tolerance,
      );
      output.forEach((v, i) => expect(Math.abs(v - ref.outputAfterAllSteps[i])).toBeLessThan(precision === 'f64' ? 1e-9 : 1e-4));
    });
  }
});
