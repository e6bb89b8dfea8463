/**
 * The optimizers replay PyTorch's own trajectories (data/optimizer_reference.json, copied from the project's shared references;
 * torch.optim in float64): for twelve runs — SGD, momentum, Nesterov, weight decay, Adam, Adam
 * with L2, AdamW, RMSprop, minibatches, a step schedule per epoch, a cosine schedule per step,
 * gradient clipping — the loss before every step, the rate of every step and the weights after
 * the last, through the public API, on both backends: float64 within 1e-9 relative, float32
 * within 2e-3.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ANN, type FitOptions } from '../src/index.js';

interface Run {
  optimizer: string;
  options: Record<string, number | boolean>;
  batchSize?: number;
  epochs: number;
  schedule?: FitOptions['schedule'];
  clipNorm?: number;
  lossBeforeEachStep: number[];
  learningRateOfEachStep: number[];
  final: { W: number[][]; b: number[] }[];
}

const ref = JSON.parse(readFileSync(new URL('../data/optimizer_reference.json', import.meta.url), 'utf8')) as {
  network: { layers: number[]; activations: string[] };
  x: number[][];
  y: number[][];
  initial: { W: number[][]; b: number[] }[];
  runs: Run[];
};

const TOLERANCE = { f64: 1e-9, f32: 2e-3 } as const;

/** |a − b| relative to the larger magnitude, with a floor of 1 for values near zero in float32 (its absolute rounding). */
function relative(a: number, b: number, precision: 'f32' | 'f64'): number {
  const scale = Math.max(Math.abs(a), Math.abs(b), precision === 'f32' ? 1 : 1e-12);
  return Math.abs(a - b) / scale;
}

function describeRun(run: Run): string {
  const extras = [
    run.batchSize ? `batch ${run.batchSize}` : 'full batch',
    run.schedule ? `${(run.schedule as { type: string }).type} schedule` : '',
    run.clipNorm ? `clipNorm ${run.clipNorm}` : '',
  ]
    .filter(Boolean)
    .join(', ');
  return `${run.optimizer} ${JSON.stringify(run.options)} (${extras})`;
}

describe('optimizers against torch.optim (float64 trajectories)', () => {
  for (const run of ref.runs) {
    for (const backend of ['wasm', 'js'] as const) {
      for (const precision of ['f64', 'f32'] as const) {
        it(`${describeRun(run)}, ${backend} ${precision}`, async () => {
          const net = await ANN.create({
            layers: ref.network.layers,
            activation: ['tanh', 'relu'],
            output: 'softmax',
            loss: 'categoricalCrossEntropy',
            backend,
            precision,
            seed: 1,
          });
          net.setWeights(ref.initial);
          const losses: number[] = [];
          const rates: number[] = [];
          await net.fit(ref.x, ref.y, {
            optimizer: { name: run.optimizer, ...run.options } as FitOptions['optimizer'],
            batchSize: run.batchSize ?? ref.x.length,
            epochs: run.epochs,
            shuffle: false,
            schedule: run.schedule,
            clipNorm: run.clipNorm,
            onBatchEnd: (log) => {
              losses.push(log.loss);
              rates.push(log.learningRate);
            },
          });
          const tol = TOLERANCE[precision];
          expect(losses.length).toBe(run.lossBeforeEachStep.length);
          let worstLoss = 0;
          losses.forEach((l, i) => {
            worstLoss = Math.max(worstLoss, relative(l, run.lossBeforeEachStep[i], precision));
            expect(rates[i], `rate of step ${i}`).toBeCloseTo(run.learningRateOfEachStep[i], 12);
          });
          expect(worstLoss, 'largest relative error of the loss before a step').toBeLessThan(tol);
          let worstWeight = 0;
          net.getWeights().forEach((layer, l) => {
            const want = run.final[l];
            want.W.flat().forEach((w, i) => (worstWeight = Math.max(worstWeight, relative(layer.W[i], w, precision))));
            want.b.forEach((b, i) => (worstWeight = Math.max(worstWeight, relative(layer.b[i], b, precision))));
          });
          expect(worstWeight, 'largest relative error of a final weight').toBeLessThan(tol);
          console.log(
            `${describeRun(run)}, ${backend} ${precision}: loss ${worstLoss.toExponential(1)}, weights ${worstWeight.toExponential(1)}`,
          );
          net.dispose();
        });
      }
    }
  }
});
