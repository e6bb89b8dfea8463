/**
 * The optimizer seam: fit({ optimizer }) takes a name or an object whose settings win over fit()'s
 * top-level ones, refuses what it does not know by name, and SGD through it trains exactly as
 * the top-level learningRate and momentum do.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ANN, type FitOptions, type Matrix } from '../src/index.js';
import { internalsOf } from '../src/ann.js';
import { seedsTwoVarieties } from './helpers/datasets.js';

const NETWORK = { layers: [7, 6, 1], activation: 'tanh', output: 'sigmoid', loss: 'binaryCrossEntropy', seed: 21 } as const;
let data: { x: Matrix; y: Matrix };

beforeAll(async () => {
  data = await seedsTwoVarieties(1, 3);
});

async function weightsAfter(fit: FitOptions) {
  const net = await ANN.create(NETWORK);
  await net.fit(data.x, data.y, { epochs: 3, batchSize: 10, ...fit });
  const weights = net.getWeights();
  net.dispose();
  return weights;
}

describe('fit({ optimizer })', () => {
  it("'sgd' and { name: 'sgd', learningRate, momentum } train exactly as the top-level options do, and the object's settings win", async () => {
    const topLevel = await weightsAfter({ learningRate: 0.3, momentum: 0.8 });
    expect(await weightsAfter({ learningRate: 0.3, momentum: 0.8, optimizer: 'sgd' })).toEqual(topLevel);
    expect(await weightsAfter({ optimizer: { name: 'sgd', learningRate: 0.3, momentum: 0.8 } })).toEqual(topLevel);
    expect(await weightsAfter({ learningRate: 0.01, momentum: 0.1, optimizer: { name: 'sgd', learningRate: 0.3, momentum: 0.8 } })).toEqual(
      topLevel,
    );
    // The settings matter: had the object been ignored, these would be equal too.
    expect(await weightsAfter({ learningRate: 0.3, optimizer: { name: 'sgd', momentum: 0.5 } })).not.toEqual(topLevel);
    expect(await weightsAfter({ momentum: 0.8, optimizer: { name: 'sgd', learningRate: 0.2 } })).not.toEqual(topLevel);
  });

  it('refuses an unknown optimizer, an unknown setting and a bad value by name, and changes nothing', async () => {
    const net = await ANN.create(NETWORK);
    const before = net.getWeights();
    const cases: [unknown, RegExp][] = [
      ['adam', /^fit: options\.optimizer must be one of 'sgd', got 'adam'$/],
      [{ name: 'rmsprop' }, /^fit: options\.optimizer\.name must be one of 'sgd', got 'rmsprop'$/],
      [{ momentum: 0.9 }, /^fit: options\.optimizer\.name must be one of 'sgd', got undefined$/],
      [{ name: 'sgd', beta1: 0.9 }, /^fit: options\.optimizer: 'sgd' has no setting 'beta1'; its settings are learningRate, momentum$/],
      [{ name: 'sgd', momentum: 1 }, /^fit: options\.optimizer\.momentum must be a number in \[0, 1\), got 1$/],
      [{ name: 'sgd', learningRate: -1 }, /^fit: options\.optimizer\.learningRate must be a finite number > 0, got -1$/],
      [42, /^fit: options\.optimizer must be a name \('sgd'\) or an object \{ name, … \}, got 42$/],
      [null, /^fit: options\.optimizer must be a name \('sgd'\) or an object \{ name, … \}, got null$/],
    ];
    for (const [optimizer, message] of cases) {
      await expect(net.fit(data.x, data.y, { optimizer: optimizer as FitOptions['optimizer'] }), String(optimizer)).rejects.toThrow(
        message,
      );
    }
    expect(net.getWeights()).toEqual(before);
    net.dispose();
  });
});

describe('the parameter list', () => {
  it('holds every weight and bias of every layer once, in order, with its gradient and backup', async () => {
    const net = await ANN.create({ layers: [5, 4, 3, 2], output: 'softmax', loss: 'categoricalCrossEntropy', seed: 2 });
    const { parameters, kernels } = internalsOf(net).network();
    expect(parameters.map((p) => [p.name, p.length, p.decays])).toEqual([
      ['W1', 20, true],
      ['b1', 4, false],
      ['W2', 12, true],
      ['b2', 3, false],
      ['W3', 6, true],
      ['b3', 2, false],
    ]);
    const weights = net.getWeights();
    parameters.forEach((p, i) => {
      const layer = weights[i >> 1];
      expect(Array.from(kernels.view(p.value)), p.name).toEqual(Array.from(i % 2 === 0 ? layer.W : layer.b));
    });
    const buffers = new Set(parameters.flatMap((p) => [p.value, p.gradient, p.backup]));
    expect(buffers.size).toBe(3 * parameters.length);
    net.dispose();
  });
});
