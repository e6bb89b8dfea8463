/**
 * A loss that is not finite at the weights a fit starts from is the data's doing, not the learning
 * rate's (issue 14: targets that overflowed the loss at the initial weights were reported as
 * "the learning rate (…) is too large"). fit says so, naming the batch; a rate that does make
 * training diverge is still named.
 */
import { describe, expect, it } from 'vitest';
import { ANN } from '../src/index.js';

const X = [[1], [2], [3], [4]];

describe.each(['wasm', 'js'] as const)('backend %s', (backend) => {
  it('targets whose squared error overflows float64 in the first batch: the data is blamed, the weights stay as they were', async () => {
    const net = await ANN.create({ layers: [1, 3, 1], output: 'identity', seed: 1, backend, precision: 'f64' });
    const before = net.getWeights();
    await expect(net.fit(X, [1e200, 2, 3, 4], { epochs: 2, batchSize: 2, shuffle: false })).rejects.toThrow(
      'fit: the loss of epoch 1, batch 1 is not finite at the starting weights, so no learning rate would help: inputs or targets too large? Standardize them (Standardizer.fit(x) for the inputs; scale the targets); the weights were restored to where the fit began',
    );
    expect(net.getWeights()).toEqual(before);
    net.dispose();
  });

  it('float32 inputs that overflow the outputs in batch 2: that batch is named, and the update of batch 1 undone', async () => {
    const net = await ANN.create({ layers: [2, 3, 1], activation: 'relu', output: 'identity', seed: 1, backend });
    const before = net.getWeights();
    await expect(
      net.fit(
        [
          [1, 1],
          [3e38, 3e38],
        ],
        [1, 2],
        { epochs: 2, batchSize: 1, shuffle: false },
      ),
    ).rejects.toThrow(/^fit: the loss of epoch 1, batch 2 is not finite at the starting weights, so no learning rate would help/);
    expect(net.getWeights()).toEqual(before);
    net.dispose();
  });

  it('data whose loss is finite at the start, with a learning rate that blows it up in epoch 1: the rate is blamed', async () => {
    const net = await ANN.create({ layers: [1, 3, 1], output: 'identity', seed: 1, backend });
    await expect(net.fit(X, [1, 2, 3, 4], { epochs: 1, batchSize: 1, learningRate: 1e18, shuffle: false })).rejects.toThrow(
      /^fit: training diverged in epoch 1, batch \d+: the learning rate \(1000000000000000000\) is too large for this network and data/,
    );
    net.dispose();
  });
});
