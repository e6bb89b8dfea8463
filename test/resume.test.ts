/**
 * A resumed run equals an uninterrupted one: each epoch's order is drawn afresh from the
 * shuffling generator, whose position the network keeps between fits and saves with the model,
 * so fit(4) gives the weights of fit(2) then fit(2), with or without a save and load between.
 * A fit that diverges puts the generator back with the weights. The optimizer's state (moments,
 * velocities, step count), the schedule's position and the dropout masks' generator are kept
 * between fits and saved too, so the same holds for Adam with dropout on a schedule.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ANN, type FitOptions, type Matrix } from '../src/index.js';
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

  for (const backend of ['wasm', 'js'] as const) {
    it(`with Adam, momentum, dropout and a schedule too: stopped, saved, loaded and fitted on, bit for bit (${backend})`, async () => {
      const network = { ...NETWORK, layers: [7, 9, 6, 1], activation: ['relu', 'tanh'], dropout: [0.3, 0.1], backend } as const;
      const runs = [
        {
          optimizer: { name: 'adam', learningRate: 0.02, weightDecay: 1e-3 },
          schedule: { type: 'cosine', steps: 40, per: 'step', minLearningRate: 0.001 },
        },
        { optimizer: { name: 'sgd', momentum: 0.9, nesterov: true }, schedule: { type: 'exponential', factor: 0.8 } },
        { optimizer: 'rmsprop', clipNorm: 1 },
      ] as const;
      for (const run of runs) {
        const fit = { ...FIT, ...run } as FitOptions;
        const whole = await ANN.create(network);
        await whole.fit(data.x, data.y, { ...fit, epochs: 4 });
        const first = await ANN.create(network);
        await first.fit(data.x, data.y, { ...fit, epochs: 2 });
        const loaded = await ANN.load(new TextEncoder().encode(first.toFile()), { backend });
        const saved = first.toJSON();
        await loaded.fit(data.x, data.y, { ...fit, epochs: 2 });
        await first.fit(data.x, data.y, { ...fit, epochs: 2 });
        expect(first.getWeights(), `${JSON.stringify(run)}: fit(2) + fit(2)`).toEqual(whole.getWeights());
        expect(loaded.getWeights(), `${JSON.stringify(run)}: fit(2) + save + load + fit(2)`).toEqual(whole.getWeights());
        // The kept state matters: the same save without the optimizer's state ends elsewhere.
        const forgetful = await ANN.fromJSON({ ...saved, trainingState: { ...saved.trainingState!, optimizer: null } }, { backend });
        await forgetful.fit(data.x, data.y, { ...fit, epochs: 2 });
        expect(forgetful.getWeights(), `${JSON.stringify(run)}: without the optimizer's state`).not.toEqual(whole.getWeights());
        for (const net of [whole, first, loaded, forgetful]) net.dispose();
      }
    });
  }

  it('a different optimizer setting starts the optimizer afresh', async () => {
    const a = await ANN.create(NETWORK);
    await a.fit(data.x, data.y, { ...FIT, epochs: 2, optimizer: { name: 'adam', learningRate: 0.01 } });
    await a.fit(data.x, data.y, { ...FIT, epochs: 2, optimizer: { name: 'adam', learningRate: 0.01, beta1: 0.8 } });
    const b = await ANN.create(NETWORK);
    await b.fit(data.x, data.y, { ...FIT, epochs: 2, optimizer: { name: 'adam', learningRate: 0.01 } });
    // b's second fit: the same weights and generator, but its optimizer made new (b forgets its moments by changing nothing else).
    const c = await ANN.fromJSON({ ...b.toJSON(), trainingState: { ...b.toJSON().trainingState!, optimizer: null } });
    await c.fit(data.x, data.y, { ...FIT, epochs: 2, optimizer: { name: 'adam', learningRate: 0.01, beta1: 0.8 } });
    expect(c.getWeights()).toEqual(a.getWeights());
    for (const net of [a, b, c]) net.dispose();
  });

  it('the learning rate of the last fit is what summary() and a saved model tell, and a changed rate keeps the moments', async () => {
    const net = await ANN.create(NETWORK);
    await net.fit(data.x, data.y, { ...FIT, epochs: 1, optimizer: { name: 'adam', learningRate: 0.003 } });
    expect(net.summary()).toMatch(/trains with: adam \(learningRate 0\.003, /);
    await net.fit(data.x, data.y, { ...FIT, epochs: 1, optimizer: { name: 'adam', learningRate: 0.002 } });
    expect(net.summary()).toMatch(/trains with: adam \(learningRate 0\.002, /);
    // The moments went on from the first fit (two epochs' steps), not afresh.
    expect(net.toJSON().trainingState!.optimizer).toMatchObject({
      name: 'adam',
      learningRate: 0.002,
      steps: 2 * Math.ceil(data.x.rows / 16),
    });
    const loaded = await ANN.load(new TextEncoder().encode(net.toFile()));
    expect(loaded.summary()).toMatch(/trains with: adam \(learningRate 0\.002, /);
    // A file written before the rate was kept loads, and shows the optimizer's default.
    const json = net.toJSON();
    const { learningRate: _, ...older } = json.trainingState!.optimizer!;
    const old = await ANN.fromJSON({ ...json, trainingState: { ...json.trainingState!, optimizer: older } });
    expect(old.summary()).toMatch(/trains with: adam \(learningRate 0\.001, /);
    for (const n of [net, loaded, old]) n.dispose();
  });

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
