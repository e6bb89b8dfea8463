/**
 * R2 — an MLP with sigmoid everywhere, squared error, and per-sample SGD (batch of 1), scored by
 * argmax: the three wheat varieties of the UCI seeds data.
 * The experiment is examples/experiments/r2-seeds-mlp.js (examples/r2-seeds-mlp.js runs it too).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadData, runSplits } from '../examples/experiments/r2-seeds-mlp.js';

let data: Awaited<ReturnType<typeof loadData>>;

beforeAll(async () => {
  data = await loadData();
});

describe('R2: seeds, three varieties, 7-5-3 sigmoid MLP, squared error, per-sample SGD', () => {
  it('uses one-hot targets for 210 kernels of 3 varieties', () => {
    expect([data.x.rows, data.x.cols, data.y.cols]).toEqual([210, 7, 3]);
  });

  it('learns: the loss falls and argmax accuracy is ≥ 90% on held-out kernels, averaged over five splits', async () => {
    const { runs, accuracies, mean } = await runSplits(data);
    for (const { history, train } of runs) {
      expect(history[history.length - 1].loss).toBeLessThan(history[0].loss / 3);
      expect(train.accuracy).toBeGreaterThan(0.9);
    }
    console.log(
      `R2 test accuracy over five 70/30 splits: ${accuracies.map((a) => (100 * a).toFixed(1)).join(', ')} (mean ${(100 * mean).toFixed(1)}%)`,
    );
    expect(mean).toBeGreaterThanOrEqual(0.9);
  });
});
