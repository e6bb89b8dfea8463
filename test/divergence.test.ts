/**
 * fit() never resolves with a network that predicts NaN. The guard checks the loss before each
 * update and the weights after an epoch's last one; finite weights can still be so large that the
 * outputs overflow, so the epoch's last update is also checked on the loss it gives.
 */
import { describe, expect, it } from 'vitest';
import { ANN } from '../src/index.js';

describe('an update that leaves finite weights whose outputs overflow', () => {
  for (const backend of ['wasm', 'js'] as const) {
    it(`makes fit reject, rolled back to the epoch's start, instead of resolving with NaN predictions (${backend})`, async () => {
      // Found by a sweep of learning rates and input scales: full batch, float32, a ReLU layer.
      const x = Array.from({ length: 20 }, (_, i) => [100 * (i / 20), 100 * ((i % 3) - 1)]);
      const y = x.map((r) => [r[0] - r[1]]);
      const net = await ANN.create({ layers: [2, 3, 1], activation: 'relu', output: 'identity', seed: 7, backend });
      const logs: number[] = [];
      const fit = net.fit(x, y, { epochs: 2, batchSize: 20, learningRate: 10, onEpochEnd: (log) => void logs.push(log.loss) });
      await expect(fit).rejects.toThrow(/^fit: training diverged in epoch 2, batch 1: the learning rate \(10\) is too large/);
      // Epoch 1 ended with finite weights and outputs; epoch 2's update overflowed the outputs.
      expect(logs.length).toBe(1);
      const predictions = Array.from(net.predict(x).data);
      expect(predictions.every(Number.isFinite)).toBe(true);
      expect(Number.isFinite(net.evaluate(x, y).loss)).toBe(true);
      net.dispose();
    });
  }
});
