/**
 * R5 — two wheat varieties (Kama vs Rosa) of the UCI seeds data, standardised, a sigmoid network
 * with binary cross-entropy trained by per-sample SGD: ≥ 90% test accuracy on a seeded 70/30 split.
 * The experiment is examples/experiments/r5-seeds-binary.js (examples/r5-seeds-binary.js runs it too).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadData, run, runSplits } from '../examples/experiments/r5-seeds-binary.js';

let data: Awaited<ReturnType<typeof loadData>>;

beforeAll(async () => {
  data = await loadData();
});

describe('R5: seeds, Kama vs Rosa, 7-4-1 sigmoid network, binary cross-entropy, SGD', () => {
  it('uses 140 kernels of two varieties, 70 of each', () => {
    expect(data.x.rows).toBe(140);
    expect(Array.from(data.y.data).reduce((a, b) => a + b, 0)).toBe(70);
  });

  it('standardises with statistics of the training rows only', async () => {
    const { standardizer, split } = await run(data, { splitSeed: 1 });
    const z = standardizer.apply(split.xTrain);
    for (let c = 0; c < z.cols; c++) {
      let mean = 0;
      for (let r = 0; r < z.rows; r++) mean += z.data[r * z.cols + c] / z.rows;
      expect(Math.abs(mean)).toBeLessThan(1e-5);
    }
  });

  it('reaches ≥ 90% test accuracy on the seeded split, and ≥ 90% on average over five splits', async () => {
    const { accuracies, mean } = await runSplits(data);
    console.log(
      `R5 test accuracy over five 70/30 splits: ${accuracies.map((a) => (100 * a).toFixed(1)).join(', ')} (mean ${(100 * mean).toFixed(1)}%)`,
    );
    expect(accuracies[0]).toBeGreaterThanOrEqual(0.9);
    expect(mean).toBeGreaterThanOrEqual(0.9);
  });
});
