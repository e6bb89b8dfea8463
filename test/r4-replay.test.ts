/**
 * R4 — four layers (5-3-5-4), leaky ReLU (slope 0.1) then two sigmoid layers, squared error,
 * plain SGD at learning rate 0.01 on one sample for 10,000 steps. Started from the reference
 * code's own initial weights (numpy, seed 42), the loss must follow the trajectory that the
 * reference recorded in data/r4_reference.json (see data/README.md).
 * The experiment is examples/experiments/r4-replay.js (examples/r4-replay.js runs it too).
 */
import { describe, expect, it } from 'vitest';
import type { BackendName, Precision } from '../src/index.js';
import { loadReference, replay } from '../examples/experiments/r4-replay.js';

const ref = loadReference();

const cases: [BackendName, Precision, number][] = [
  ['wasm', 'f64', 1e-6],
  ['js', 'f64', 1e-6],
  ['wasm', 'f32', 1e-2],
  ['js', 'f32', 1e-2],
];

describe('R4: four layers, mixed activations, 10,000 SGD steps on one sample', () => {
  for (const [backend, precision, tolerance] of cases) {
    it(`${backend} ${precision} follows the reference loss to < ${tolerance} relative at every checkpoint`, async () => {
      const { history, after, output } = await replay(ref, { backend, precision });
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
