/**
 * A resumed run equals an uninterrupted one: each epoch's order is drawn afresh from the
 * shuffling generator, whose position the network keeps between fits and saves with the model,
 * so fit(4) gives the weights of fit(2) then fit(2), with or without a save and load between.
 * A fit that diverges puts the generator back with the weights. (With momentum, the velocity
 * starts at zero in each fit, so resuming is exact for plain SGD.)
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ANN, type Matrix } from '../src/index.js';
import { seedsTwoVarieties } from './helpers/datasets.js';

const NETWORK = { layers: [7, 5, 1], activation: 'tanh', output: 'sigmoid', loss: 'binaryCrossEntropy', seed: 17 } as const;
const FIT = { batchSize: 16, learningRate: 0.2 };
let data: { x: Matrix; y: Matrix };

beforeAll(async () => {
  data = await seedsTwoVarieties(2, 3);
});

describe('resuming training', () => {
  for (const backend of ['wasm', 'js'] as const) {
    it(`fit(4) = fit(2) + fit(2), also through a model file (${backend})`, async () => {
      const whole = await ANN.create({ ...NETWORK, backend });
      const wholeLogs = await whole.fit(data.x, data.y, { ...FIT, epochs: 4 });

      const halves = await ANN.create({ ...NETWORK, backend });
      const first = await halves.fit(data.x, data.y, { ...FIT, epochs: 2 });
      const second = await halves.fit(data.x, data.y, { ...FIT, epochs: 2 });
      expect(halves.getWeights()).toEqual(whole.getWeights());
      expect([...first, ...second].map((l) => l.loss)).toEqual(wholeLogs.map((l) => l.loss));

      const saved = await ANN.create({ ...NETWORK, backend });
      await saved.fit(data.x, data.y, { ...FIT, epochs: 2 });
      const loaded = await ANN.load(new TextEncoder().encode(saved.toFile()), { backend });
      await loaded.fit(data.x, data.y, { ...FIT, epochs: 2 });
      expect(loaded.getWeights()).toEqual(whole.getWeights());

      // The order matters: without shuffling the same four epochs end elsewhere.
      const unshuffled = await ANN.create({ ...NETWORK, backend });
      await unshuffled.fit(data.x, data.y, { ...FIT, epochs: 4, shuffle: false });
      expect(unshuffled.getWeights()).not.toEqual(whole.getWeights());
      for (const net of [whole, halves, saved, loaded, unshuffled]) net.dispose();
    });
  }

  it('a diverged fit puts the shuffling generator back with the weights', async () => {
    const diverged = await ANN.create(NETWORK);
    const huge = diverged.fit(data.x, data.y, { ...FIT, epochs: 2, learningRate: 1e38 });
    await expect(huge).rejects.toThrow(/^fit: training diverged in epoch 1/);
    await diverged.fit(data.x, data.y, { ...FIT, epochs: 2 });
    const fresh = await ANN.create(NETWORK);
    await fresh.fit(data.x, data.y, { ...FIT, epochs: 2 });
    expect(diverged.getWeights()).toEqual(fresh.getWeights());
    diverged.dispose();
    fresh.dispose();
  });
});
