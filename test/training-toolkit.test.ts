/**
 * The training toolkit beyond the optimizers (those replay PyTorch in optimizer-replay.test.ts):
 * schedules other than the replayed ones, early stopping with the best weights restored, a
 * held-out validation split, and fit options refused by name.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ANN, type EpochLog, type FitOptions, type Matrix } from '../src/index.js';
import { seedsTwoVarieties } from './helpers/datasets.js';

const NETWORK = { layers: [7, 6, 1], activation: 'tanh', output: 'sigmoid', loss: 'binaryCrossEntropy', seed: 5 } as const;
let data: { x: Matrix; y: Matrix };

beforeAll(async () => {
  data = await seedsTwoVarieties(1, 2);
});

/** The learning rate of every step of a fit with `options`. */
async function ratesOf(options: FitOptions): Promise<number[]> {
  const net = await ANN.create(NETWORK);
  const rates: number[] = [];
  await net.fit(data.x, data.y, { batchSize: 35, learningRate: 0.1, ...options, onBatchEnd: (log) => void rates.push(log.learningRate) });
  net.dispose();
  return rates;
}

describe('learning-rate schedules', () => {
  it('exponential per epoch, step per step, and a linear warm-up before a cosine', async () => {
    // 140 rows in batches of 35: four steps an epoch.
    const exp = await ratesOf({ epochs: 3, schedule: { type: 'exponential', factor: 0.5 } });
    expect(exp).toEqual([0.1, 0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025, 0.025]);
    const step = await ratesOf({ epochs: 2, schedule: { type: 'step', every: 3, factor: 0.1, per: 'step' } });
    expect(step.map((r) => Number(r.toPrecision(12)))).toEqual([0.1, 0.1, 0.1, 0.01, 0.01, 0.01, 0.001, 0.001]);
    const cosine = await ratesOf({ epochs: 2, schedule: { type: 'cosine', steps: 4, minLearningRate: 0.02, per: 'step', warmup: 4 } });
    expect(cosine.slice(0, 4)).toEqual([1, 2, 3, 4].map((k) => (0.1 * k) / 4));
    expect(cosine.slice(4)).toEqual([0, 1, 2, 3].map((t) => 0.02 + (0.08 * (1 + Math.cos((Math.PI * t) / 4))) / 2));
  });

  it('a function of (step, epoch), counted over the network’s whole training, across fits', async () => {
    const net = await ANN.create(NETWORK);
    const seen: [number, number][] = [];
    const schedule = (step: number, epoch: number) => {
      seen.push([step, epoch]);
      return 0.1 / (1 + step);
    };
    await net.fit(data.x, data.y, { batchSize: 70, epochs: 2, schedule });
    await net.fit(data.x, data.y, { batchSize: 70, epochs: 1, schedule });
    expect(seen).toEqual([
      [0, 0],
      [1, 0],
      [2, 1],
      [3, 1],
      [4, 2],
      [5, 2],
    ]);
    await expect(net.fit(data.x, data.y, { schedule: () => -1 })).rejects.toThrow(
      /^fit: options\.schedule\(6, 3\) must return a finite number > 0, got -1$/,
    );
    net.dispose();
  });

  it('plateau: the rate is cut by the factor after `patience` epochs without improvement', async () => {
    const net = await ANN.create(NETWORK);
    const logs: EpochLog[] = [];
    // A rate so small that the validation loss barely moves: minDelta makes every epoch a non-improvement after the first.
    await net.fit(data.x, data.y, {
      epochs: 6,
      batchSize: 140,
      learningRate: 1e-6,
      validationData: [data.x, data.y],
      schedule: { type: 'plateau', monitor: 'valLoss', factor: 0.5, patience: 2, minDelta: 1 },
      onEpochEnd: (log) => void logs.push(log),
    });
    expect(logs.map((l) => l.learningRate)).toEqual([1e-6, 1e-6, 1e-6, 5e-7, 5e-7, 2.5e-7]);
    net.dispose();
  });
});

describe('early stopping', () => {
  it('stops after `patience` epochs without improvement and, with restoreBestWeights, ends with the best epoch’s weights', async () => {
    // Validation on the other variety pair: the fit to 1-vs-2 gets worse on it as training goes on.
    const other = await seedsTwoVarieties(3, 2);
    const net = await ANN.create(NETWORK);
    const weightsAt: ReturnType<ANN['getWeights']>[] = [];
    const logs = await net.fit(data.x, data.y, {
      epochs: 200,
      batchSize: 16,
      optimizer: { name: 'adam', learningRate: 0.05 },
      validationData: [other.x, other.y],
      earlyStopping: { monitor: 'valLoss', patience: 3, restoreBestWeights: true },
      onEpochEnd: () => void weightsAt.push(net.getWeights()),
    });
    expect(logs.length).toBeLessThan(200);
    const losses = logs.map((l) => l.valLoss!);
    const best = losses.indexOf(Math.min(...losses));
    expect(logs.length, 'stopped three epochs after the best').toBe(best + 1 + 3);
    expect(net.getWeights()).toEqual(weightsAt[best]);
    expect(net.evaluate(other.x, other.y).loss).toBe(losses[best]);
    net.dispose();
  });

  it('refuses a monitor that needs validation data it does not have, and bad fields, by name', async () => {
    const net = await ANN.create(NETWORK);
    await expect(net.fit(data.x, data.y, { earlyStopping: { monitor: 'valAccuracy' } })).rejects.toThrow(
      /^fit: options\.earlyStopping\.monitor 'valAccuracy' needs validation data \(validationData or validationSplit\)$/,
    );
    await expect(net.fit(data.x, data.y, { earlyStopping: { patience: 0 } })).rejects.toThrow(
      /^fit: options\.earlyStopping\.patience must be an integer ≥ 1, got 0$/,
    );
    await expect(net.fit(data.x, data.y, { earlyStopping: { restore: true } as never })).rejects.toThrow(
      /^fit: options\.earlyStopping: unknown field 'restore' \(did you mean 'restoreBestWeights'\?\)$/,
    );
    net.dispose();
  });
});

describe('validationSplit', () => {
  it('holds out that fraction, stratified and seeded, and reports on it', async () => {
    const net = await ANN.create(NETWORK);
    const logs = await net.fit(data.x, data.y, { epochs: 2, validationSplit: 0.25 });
    expect(logs.every((l) => l.valLoss !== undefined && l.valAccuracy !== undefined)).toBe(true);
    const again = await ANN.create(NETWORK);
    const logsAgain = await again.fit(data.x, data.y, { epochs: 2, validationSplit: 0.25 });
    expect(logsAgain.map((l) => l.valLoss)).toEqual(logs.map((l) => l.valLoss));
    // 140 rows, 70 of each variety: 17.5 → 18 of each held out (stratified), 36 in all, so the accuracy is a multiple of 1/36.
    for (const l of logs) expect(Math.abs(l.valAccuracy! * 36 - Math.round(l.valAccuracy! * 36))).toBeLessThan(1e-9);
    await expect(net.fit(data.x, data.y, { validationSplit: 1 })).rejects.toThrow(
      /^fit: options\.validationSplit must be a fraction in \(0, 1\), got 1$/,
    );
    await expect(net.fit(data.x, data.y, { validationSplit: 0.2, validationData: [data.x, data.y] })).rejects.toThrow(
      /both give validation data/,
    );
    net.dispose();
    again.dispose();
  });
});

describe('unknown fit options', () => {
  it('are refused by name with the nearest valid one, before anything changes', async () => {
    const net = await ANN.create(NETWORK);
    const before = net.getWeights();
    await expect(net.fit(data.x, data.y, { validation_split: 0.2 } as never)).rejects.toThrow(
      /^fit: unknown option 'validation_split' \(did you mean 'validationSplit'\?\)$/,
    );
    await expect(net.fit(data.x, data.y, { epoch: 3 } as never)).rejects.toThrow(
      /^fit: unknown option 'epoch' \(did you mean 'epochs'\?\)$/,
    );
    await expect(net.fit(data.x, data.y, { dropout: 0.5 } as never)).rejects.toThrow(
      /^fit: unknown option 'dropout'; the options are epochs, batchSize, /,
    );
    await expect(net.fit(data.x, data.y, { schedule: { type: 'step', every: 2, factor: 0.5, gamma: 1 } as never })).rejects.toThrow(
      /^fit: options\.schedule: a 'step' schedule has no field 'gamma'; its fields are every, factor, per, warmup$/,
    );
    expect(net.getWeights()).toEqual(before);
    net.dispose();
  });
});

describe('dropout', () => {
  const DROPPING = { layers: [7, 64, 48, 1], activation: 'tanh', output: 'sigmoid', loss: 'binaryCrossEntropy', seed: 8 } as const;

  it('drops about the rate of each hidden layer’s values in fit, reproducibly from the seed, and changes what is learned', async () => {
    // tanh units are never exactly 0, so a zero after the mask is a dropped value.
    const fit = { epochs: 3, batchSize: 70, learningRate: 0.01 };
    const a = await ANN.create({ ...DROPPING, dropout: [0.5, 0.25] });
    const zeros: number[][] = [];
    const { internalsOf } = await import('../src/ann.js');
    await a.fit(data.x, data.y, {
      ...fit,
      onBatchEnd: ({ batch, batches }) => {
        // After an epoch's last step the network has checked its loss outside training: skip it.
        if (batch === batches) return;
        // The layers after each dense hidden layer: their last training outputs.
        const network = internalsOf(a).network();
        zeros.push(
          network.layers
            .filter((l) => l.toJSON().type === 'dropout')
            .map((l) => {
              const out = Array.from(network.kernels.view(l.output)).slice(0, 70 * l.outputs);
              const before = Array.from(network.kernels.view(network.layers[network.layers.indexOf(l) - 1].output)).slice(
                0,
                70 * l.outputs,
              );
              const live = before.filter((v) => v !== 0).length;
              return out.filter((v, i) => v === 0 && before[i] !== 0).length / live;
            }),
        );
      },
    });
    expect(zeros.length).toBe(3);
    for (const [first, second] of zeros) {
      // 70 × 64 and 70 × 48 values: binomial standard deviations of 0.0075 and 0.0074.
      expect(Math.abs(first - 0.5)).toBeLessThan(0.04);
      expect(Math.abs(second - 0.25)).toBeLessThan(0.04);
    }
    const b = await ANN.create({ ...DROPPING, dropout: [0.5, 0.25] });
    await b.fit(data.x, data.y, fit);
    expect(b.getWeights()).toEqual(a.getWeights());
    const none = await ANN.create(DROPPING);
    await none.fit(data.x, data.y, fit);
    expect(none.getWeights()).not.toEqual(a.getWeights());
    for (const net of [a, b, none]) net.dispose();
  });

  it('is inactive in predict, evaluate and gradients: they equal those of the same weights without dropout', async () => {
    const dropping = await ANN.create({ ...DROPPING, dropout: 0.4 });
    await dropping.fit(data.x, data.y, { epochs: 2, learningRate: 0.1 });
    const plain = await ANN.create(DROPPING);
    plain.setWeights(dropping.getWeights());
    expect(dropping.predict(data.x).data).toEqual(plain.predict(data.x).data);
    expect(dropping.predict(data.x).data).toEqual(dropping.predict(data.x).data);
    expect(dropping.evaluate(data.x, data.y)).toEqual(plain.evaluate(data.x, data.y));
    expect(dropping.gradients(data.x, data.y)).toEqual(plain.gradients(data.x, data.y));
    dropping.dispose();
    plain.dispose();
  });

  it('refuses bad rates by name', async () => {
    await expect(ANN.create({ ...DROPPING, dropout: 1 })).rejects.toThrow(
      /^ANN\.create: options\.dropout must be a rate in \[0, 1\), got 1$/,
    );
    await expect(ANN.create({ ...DROPPING, dropout: [0.1] })).rejects.toThrow(
      /^ANN\.create: options\.dropout has 1 rates, but the network has 2 hidden layers$/,
    );
    await expect(ANN.create({ layers: [3, 1], dropout: 0.5 })).rejects.toThrow(/nowhere to drop units/);
    await expect(ANN.create({ ...DROPPING, drop_out: 0.5 } as never)).rejects.toThrow(
      /^ANN\.create: unknown option 'drop_out' \(did you mean 'dropout'\?\)$/,
    );
  });
});

describe('summary()', () => {
  it('lists the layers, their shapes and parameter counts, and what the network trains with', async () => {
    const net = await ANN.create({ layers: [7, 6, 1], dropout: 0.2, seed: 2, loss: 'binaryCrossEntropy' });
    expect(net.summary()).toBe(
      [
        'ANN 7-6-1: 55 parameters, loss binaryCrossEntropy, wasm f32, seed 2',
        "runs on 1 thread ('auto' keeps a network whose largest layer has 42 weights (under 8,192) on one thread: its kernels are too small to share)",
        'layer    units  activation  parameters',
        'input    7',
        'dense 1  6      sigmoid     48 (W 6×7, b 6)',
        'dropout  6      rate 0.2',
        'dense 2  1      sigmoid     7 (W 1×6, b 1)',
        'trains with: not trained yet; 0 steps, 0 epochs so far',
      ].join('\n'),
    );
    await net.fit(data.x, data.y, { epochs: 2, batchSize: 70, optimizer: { name: 'adamw', learningRate: 0.01 } });
    expect(net.summary().split('\n').at(-1)).toBe(
      'trains with: adamw (learningRate 0.01, beta1 0.9, beta2 0.999, epsilon 1e-8, weightDecay 0.01); 4 steps, 2 epochs so far',
    );
    net.dispose();
  });
});

describe('class and sample weights', () => {
  // One sigmoid unit on two inputs, float64: every number below can be worked out by hand.
  const x = [
    [1, 2],
    [0.5, -1],
    [-1, 0.25],
    [2, 1],
  ];
  const y = [1, 0, 0, 0];
  const W0 = [0.3, -0.2];
  const b0 = 0.1;
  const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
  const z = x.map(([a, b]) => W0[0] * a + W0[1] * b + b0);
  const bce = z.map((zi, i) => -(y[i] * Math.log(sigmoid(zi)) + (1 - y[i]) * Math.log(1 - sigmoid(zi))));

  async function oneStep(options: FitOptions): Promise<{ loss: number; W: number[]; b: number }> {
    const net = await ANN.create({ layers: [2, 1], output: 'sigmoid', loss: 'binaryCrossEntropy', precision: 'f64', seed: 1 });
    net.setWeights([{ W: W0, b: [b0] }]);
    let loss = Number.NaN;
    await net.fit(x, y, {
      epochs: 1,
      batchSize: 4,
      shuffle: false,
      learningRate: 0.5,
      ...options,
      onBatchEnd: (log) => void (loss = log.loss),
    });
    const [{ W, b }] = net.getWeights();
    net.dispose();
    return { loss, W: Array.from(W), b: b[0] };
  }

  /** The loss Σ wᵢ·ℓᵢ / n and the weights after one SGD step on it, by hand. */
  function byHand(w: number[]): { loss: number; W: number[]; b: number } {
    const loss = bce.reduce((s, l, i) => s + w[i] * l, 0) / 4;
    const d = z.map((zi, i) => (w[i] * (sigmoid(zi) - y[i])) / 4);
    const gW = [0, 1].map((j) => d.reduce((s, di, i) => s + di * x[i][j], 0));
    const gb = d.reduce((s, di) => s + di, 0);
    return { loss, W: W0.map((v, j) => v - 0.5 * gW[j]), b: b0 - 0.5 * gb };
  }

  const close = (got: { loss: number; W: number[]; b: number }, want: { loss: number; W: number[]; b: number }) => {
    expect(Math.abs(got.loss - want.loss) / want.loss).toBeLessThan(1e-12);
    got.W.forEach((v, j) => expect(Math.abs(v - want.W[j])).toBeLessThan(1e-12));
    expect(Math.abs(got.b - want.b)).toBeLessThan(1e-12);
  };

  it('weight each sample’s loss and its gradient as defined: Σ wᵢ·ℓᵢ / n', async () => {
    close(await oneStep({}), byHand([1, 1, 1, 1]));
    close(await oneStep({ classWeight: { 1: 3 } }), byHand([3, 1, 1, 1]));
    close(await oneStep({ classWeight: [0.5, 2] }), byHand([2, 0.5, 0.5, 0.5]));
    // balanced: n / (classes · n_c) = 4 / (2 · 1) for the one positive, 4 / (2 · 3) for the negatives.
    close(await oneStep({ classWeight: 'balanced' }), byHand([2, 2 / 3, 2 / 3, 2 / 3]));
    close(await oneStep({ sampleWeight: [1, 0, 2, 0.5] }), byHand([1, 0, 2, 0.5]));
    close(await oneStep({ sampleWeight: [1, 0, 2, 0.5], classWeight: { 0: 3 } }), byHand([1, 0, 6, 1.5]));
    // The weights change the result: unweighted and weighted differ.
    expect((await oneStep({ classWeight: { 1: 3 } })).W).not.toEqual((await oneStep({})).W);
  });

  it('refuse what does not fit, by name', async () => {
    await expect(oneStep({ sampleWeight: [1, 2] })).rejects.toThrow(/^fit: options\.sampleWeight has 2 weights, but there are 4 samples$/);
    await expect(oneStep({ sampleWeight: [1, -1, 1, 1] })).rejects.toThrow(
      /^fit: options\.sampleWeight\[1\] must be a finite number ≥ 0, got -1$/,
    );
    await expect(oneStep({ classWeight: [1, 2, 3] })).rejects.toThrow(
      /^fit: options\.classWeight has 3 weights, but the targets have 2 classes$/,
    );
    await expect(oneStep({ classWeight: { 2: 1 } })).rejects.toThrow(
      /^fit: options\.classWeight: '2' is not a class; the classes are 0 … 1$/,
    );
    const regression = await ANN.create({ layers: [2, 1], output: 'identity', seed: 1 });
    await expect(regression.fit(x, [0.3, 1.5, 2, 0], { classWeight: 'balanced' })).rejects.toThrow(
      /^fit: options\.classWeight needs class targets/,
    );
    regression.dispose();
  });
});
