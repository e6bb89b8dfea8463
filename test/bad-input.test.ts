/**
 * Bad input to the public API. Every case must (1) throw, or reject for the async calls, with a
 * message that names the argument and says what was expected and what came, and (2) change
 * nothing: the weights stay bit-for-bit the same, a later predict gives the same output, and
 * (for fit) a later valid fit trains exactly like a fresh twin network with the same seed, so no
 * random draws, velocities or "training" flag leaked from the failed call.
 */
import { describe, expect, it } from 'vitest';
import { ANN, parseIdx, type ANNOptions, type BackendName, type FitOptions, type ModelJSON } from '../src/index.js';

const SEED = 20240607;
const BACKENDS: BackendName[] = ['wasm', 'js'];

/** Casts a deliberately wrong value past the type checker. */
const bad = <T = never>(v: unknown): T => v as T;

/** Three samples of four inputs. */
const X = [
  [0.1, 0.2, 0.3, 0.4],
  [0.5, -0.6, 0.7, 0.8],
  [-0.9, 1.0, 0.0, 0.2],
];
const PROBE = [
  [0.3, -0.2, 0.9, -0.4],
  [1.5, 0.25, -1.0, 0.0],
];
const Y_REG = [0.2, 0.7, 0.4];
const Y_BIN = [0, 1, 1];
const Y_CAT = [
  [1, 0],
  [0, 1],
  [1, 0],
];

type Kind = 'reg' | 'bin' | 'cat';

function options(kind: Kind, backend: BackendName): ANNOptions {
  switch (kind) {
    case 'reg':
      return { layers: [4, 3, 1], activation: 'tanh', output: 'identity', loss: 'meanSquaredError', seed: SEED, backend };
    case 'bin':
      return { layers: [4, 3, 1], activation: 'tanh', output: 'sigmoid', loss: 'binaryCrossEntropy', seed: SEED, backend };
    case 'cat':
      return { layers: [4, 3, 2], activation: 'tanh', output: 'softmax', loss: 'categoricalCrossEntropy', seed: SEED, backend };
  }
}
const labels = (kind: Kind) => (kind === 'reg' ? Y_REG : kind === 'bin' ? Y_BIN : Y_CAT);
const make = (kind: Kind, backend: BackendName) => ANN.create(options(kind, backend));

interface Snapshot {
  weights: { W: number[]; b: number[] }[];
  out: number[];
}

/** Deep copies of every weight and of the output on PROBE. */
function snapshot(net: ANN): Snapshot {
  return {
    weights: net.getWeights().map(({ W, b }) => ({ W: Array.from(W), b: Array.from(b) })),
    out: Array.from(net.predict(PROBE).data),
  };
}

function expectUnchanged(net: ANN, before: Snapshot): void {
  const after = snapshot(net);
  expect(after.weights).toEqual(before.weights);
  expect(after.out).toEqual(before.out);
}

/** A valid fit after the failure must train exactly as on a fresh network with the same seed. */
async function expectTrainsLikeTwin(net: ANN, kind: Kind, backend: BackendName): Promise<void> {
  const twin = await make(kind, backend);
  const fit: FitOptions = { epochs: 2, batchSize: 2, learningRate: 0.1, momentum: 0.5, shuffle: true };
  const h1 = await net.fit(X, labels(kind), fit);
  const h2 = await twin.fit(X, labels(kind), fit);
  expect(h1.map((h) => h.loss)).toEqual(h2.map((h) => h.loss));
  expect(snapshot(net)).toEqual(snapshot(twin));
  twin.dispose();
}

/** A synchronous call that must throw `re` and leave `net` as it was. */
function expectThrowsNoChange(net: ANN, call: () => unknown, re: RegExp): void {
  const before = snapshot(net);
  expect(call).toThrow(re);
  expectUnchanged(net, before);
}

/** A fit that must reject with `re`, leave the network as it was, and leave its training intact. */
async function expectFitRejects(kind: Kind, backend: BackendName, x: unknown, y: unknown, opts: unknown, re: RegExp): Promise<void> {
  const net = await make(kind, backend);
  const before = snapshot(net);
  await expect(net.fit(bad(x), bad(y), bad(opts))).rejects.toThrow(re);
  expectUnchanged(net, before);
  await expectTrainsLikeTwin(net, kind, backend);
  net.dispose();
}

/** ANN.create must reject with `re`; creating afterwards with the same seed still gives the same network. */
async function expectCreateRejects(backend: BackendName, opts: unknown, re: RegExp): Promise<void> {
  const ref = await make('reg', backend);
  const before = snapshot(ref);
  await expect(ANN.create(bad(opts))).rejects.toThrow(re);
  expectUnchanged(ref, before);
  const again = await make('reg', backend);
  expect(snapshot(again)).toEqual(before);
  again.dispose();
  ref.dispose();
}

describe.each(BACKENDS)('bad input, backend %s', (backend) => {
  describe('x: shape and width', () => {
    it('fit: a nested row of the wrong length', async () => {
      const x = [X[0], [0.5, -0.6, 0.7], X[2]];
      await expectFitRejects('reg', backend, x, Y_REG, {}, /fit: x\[1\] has 3 values per row, the network has 4 inputs/);
    });

    it('predict: a nested row of the wrong length', async () => {
      const net = await make('reg', backend);
      expectThrowsNoChange(
        net,
        () => net.predict([X[0], X[1], [1, 2, 3, 4, 5]]),
        /predict: x\[2\] has 5 values per row, the network has 4 inputs/,
      );
      net.dispose();
    });

    it('fit: { data, rows } whose length is not rows × a whole number of columns', async () => {
      await expectFitRejects(
        'reg',
        backend,
        { data: new Float32Array(11), rows: 3 },
        Y_REG,
        {},
        /fit: x\.data has 11 values, expected x\.rows × 4 inputs = 12/,
      );
    });

    it('predict: { data, rows, cols } whose length is not rows × cols', async () => {
      const net = await make('reg', backend);
      expectThrowsNoChange(
        net,
        () => net.predict({ data: new Float64Array(12), rows: 3, cols: 5 }),
        /predict: x has 5 values per row, the network has 4 inputs/,
      );
      net.dispose();
    });

    it('fit: x with the wrong number of columns for the network', async () => {
      const x = X.map((r) => r.slice(0, 3));
      await expectFitRejects('reg', backend, x, Y_REG, {}, /fit: x\[0\] has 3 values per row, the network has 4 inputs/);
    });

    it.each(['predict', 'evaluate', 'gradients'] as const)('%s: x with the wrong number of columns for the network', async (method) => {
      const net = await make('reg', backend);
      const x = { data: new Float32Array(10), rows: 2 };
      const call = method === 'predict' ? () => net.predict(x) : () => net[method](x, [0.1, 0.2]);
      expectThrowsNoChange(net, call, new RegExp(`${method}: x\\.data has 10 values, expected x\\.rows × 4 inputs = 8`));
      net.dispose();
    });
  });

  describe('labels: count', () => {
    it('fit: fewer labels than samples', async () => {
      await expectFitRejects('reg', backend, X, [0.1, 0.2], {}, /fit: y has 2 rows \(targets\), but x has 3 samples/);
    });

    it('evaluate: more one-hot rows than samples', async () => {
      const net = await make('cat', backend);
      expectThrowsNoChange(net, () => net.evaluate(X, [...Y_CAT, [0, 1]]), /evaluate: y has 4 rows \(targets\), but x has 3 samples/);
      net.dispose();
    });

    it('gradients: fewer labels than samples', async () => {
      const net = await make('bin', backend);
      expectThrowsNoChange(net, () => net.gradients(X, [1]), /gradients: y has 1 rows \(targets\), but x has 3 samples/);
      net.dispose();
    });

    it('fit: validationData with a label count that does not match its samples', async () => {
      await expectFitRejects(
        'reg',
        backend,
        X,
        Y_REG,
        { validationData: [X.slice(0, 2), [0.5]] },
        /fit: validationData\[1\] has 1 rows \(targets\), but \S+ has 2 samples/,
      );
    });

    // Was a bug: the message said "but x has 2 samples"; x has 3 samples, the 2 are validationData[0]'s.
    it('fit: the validationData label-count message names validationData[0], not x', async () => {
      const net = await make('reg', backend);
      await expect(net.fit(X, Y_REG, { validationData: [X.slice(0, 2), [0.5]] })).rejects.toThrow(
        /fit: validationData\[1\] has 1 rows \(targets\), but validationData\[0\] has 2 samples/,
      );
      net.dispose();
    });
  });

  describe('NaN and Infinity', () => {
    it('fit: NaN in nested inputs', async () => {
      const x = X.map((r) => [...r]);
      x[1][2] = NaN;
      await expectFitRejects('reg', backend, x, Y_REG, {}, /fit: x\[1\]\[2\] is NaN; every value must be a finite number/);
    });

    it('fit: Infinity in { data, rows } inputs', async () => {
      const data = new Float32Array(X.flat());
      data[11] = Infinity;
      await expectFitRejects(
        'reg',
        backend,
        { data, rows: 3 },
        Y_REG,
        {},
        /fit: x row 2, column 3 is Infinity; every value must be a finite number/,
      );
    });

    it('predict: -Infinity in nested inputs', async () => {
      const net = await make('reg', backend);
      expectThrowsNoChange(
        net,
        () => net.predict([[0, -Infinity, 0, 0]]),
        /predict: x\[0\]\[1\] is -Infinity; every value must be a finite number/,
      );
      net.dispose();
    });

    it('evaluate: NaN in a plain-array { data, rows } input', async () => {
      const net = await make('reg', backend);
      const data = X.flat();
      data[5] = NaN;
      expectThrowsNoChange(
        net,
        () => net.evaluate({ data, rows: 3 }, Y_REG),
        /evaluate: x row 1, column 1 is NaN; every value must be a finite number/,
      );
      net.dispose();
    });

    it('fit: NaN in flat labels', async () => {
      await expectFitRejects('reg', backend, X, [0.1, NaN, 0.3], {}, /fit: y row 1, column 0 is NaN; every value must be a finite number/);
    });

    it('fit: Infinity in one-hot labels', async () => {
      const y = [
        [1, 0],
        [0, 1],
        [0, Infinity],
      ];
      await expectFitRejects('cat', backend, X, y, {}, /fit: y\[2\]\[1\] is Infinity; every value must be a finite number/);
    });

    it('evaluate: -Infinity in labels', async () => {
      const net = await make('reg', backend);
      expectThrowsNoChange(
        net,
        () => net.evaluate(X, [0, -Infinity, 0]),
        /evaluate: y row 1, column 0 is -Infinity; every value must be a finite number/,
      );
      net.dispose();
    });

    it('fit: NaN in validation inputs', async () => {
      const vx = X.map((r) => [...r]);
      vx[0][0] = NaN;
      await expectFitRejects(
        'reg',
        backend,
        X,
        Y_REG,
        { validationData: [vx, Y_REG] },
        /fit: validationData\[0\]\[0\]\[0\] is NaN; every value must be a finite number/,
      );
    });
  });

  // A finite JS number beyond the float32 range (|v| > 3.4e38) becomes ±Infinity in an f32 network.
  describe('values finite in JS but not in float32 (precision f32)', () => {
    it('control: an f64 network accepts 1e39', async () => {
      const net = await ANN.create({ ...options('reg', backend), precision: 'f64' });
      expect(Number.isFinite(net.predict([[1e39, 0, 0, 0]]).data[0])).toBe(true);
      net.dispose();
    });

    // Was a bug (fixed): accepted; x becomes Infinity in float32. wasm: fit resolves with a finite loss and
    // the weights silently become NaN; js: fit resolves and trains on the Infinity row.
    it('fit: 1e39 in x', async () => {
      await expectFitRejects('reg', backend, [[1e39, 0, 0, 0], X[1], X[2]], Y_REG, {}, /fit: x\[0\]\[0\] is 1e\+39.*(finite|float32|f32)/);
    });

    // Was a bug (fixed): accepted; returns an output computed from x = Infinity.
    it('predict: -1e39 in { data: Float64Array, rows } x', async () => {
      const net = await make('reg', backend);
      expectThrowsNoChange(
        net,
        () => net.predict({ data: new Float64Array([0, -1e39, 0, 0]), rows: 1 }),
        /predict: x row 0, column 1 is -1e\+39.*(finite|float32|f32)/,
      );
      net.dispose();
    });

    // Was a bug (fixed): fit rejects only after training, with "fit: the training loss became Infinity in
    // epoch 1; lower options.learningRate (0.01)", and the weights are already ±Infinity.
    it('fit: 1e39 in labels', async () => {
      await expectFitRejects('reg', backend, X, [0, 1e39, 0], {}, /fit: y row 1, column 0 is 1e\+39.*(finite|float32|f32)/);
    });

    // Was a bug (fixed): accepted; returns { loss: Infinity }.
    it('evaluate: 1e39 in labels', async () => {
      const net = await make('reg', backend);
      expectThrowsNoChange(net, () => net.evaluate(X, [0, 1e39, 0]), /evaluate: y row 1, column 0 is 1e\+39.*(finite|float32|f32)/);
      net.dispose();
    });

    // Was a bug (fixed): accepted; getWeights()[0].W[0] is then Infinity and predict gives non-finite or saturated output.
    it('setWeights: a weight of 1e39', async () => {
      const net = await make('reg', backend);
      const w = [
        { W: [1e39, ...new Array(11).fill(0.1)], b: [0, 0, 0] },
        { W: [0.1, 0.1, 0.1], b: [0] },
      ];
      expectThrowsNoChange(net, () => net.setWeights(w), /setWeights\[0\]\.W\[0\].*1e\+39/);
      net.dispose();
    });

    // Was a bug (fixed): the f32 model loads, with Infinity as weights[0].W[0].
    it('ANN.fromJSON: a weight of 1e39 in an f32 model', async () => {
      const net = await make('reg', backend);
      const m = net.toJSON();
      m.weights[0].W[0] = 1e39;
      await expect(ANN.fromJSON(m, { backend })).rejects.toThrow(/ANN\.fromJSON: weights\[0\]\.W\[0\].*1e\+39/);
      net.dispose();
    });
  });

  describe('review findings', () => {
    it('categorical targets whose rows do not sum to 1 are refused (the gradient would be wrong)', async () => {
      await expectFitRejects(
        'cat',
        backend,
        X,
        [
          [1, 1],
          [0, 0],
          [0, 1],
        ],
        {},
        /fit: y row 0 sums to 2; loss 'categoricalCrossEntropy' needs each target row to be a distribution summing to 1/,
      );
    });

    it('flat class indices for a several-output network get a hint', async () => {
      const net = await make('cat', backend);
      expectThrowsNoChange(
        net,
        () => net.evaluate(X, [0, 1, 1]),
        /evaluate: y has 1 values per row, the network has 2 outputs \(class indices\? one-hot encode them with oneHot\(\)\)/,
      );
      net.dispose();
    });

    it('a seed that is not an integer in [0, 2³²) is refused', async () => {
      for (const seed of [1.5, -1, 2 ** 32]) {
        await expect(ANN.create({ ...options('reg', backend), seed })).rejects.toThrow(
          /ANN\.create: options\.seed must be an integer in \[0, 2³²\), got/,
        );
      }
    });

    it('shuffle must be a boolean', async () => {
      await expectFitRejects(
        'reg',
        backend,
        X,
        Y_REG,
        { shuffle: 'no' as unknown as boolean },
        /fit: options\.shuffle must be true or false, got 'no'/,
      );
    });

    it('a string cols is named as such', async () => {
      await expectFitRejects(
        'reg',
        backend,
        { data: new Float32Array(12), rows: 3, cols: '4' as unknown as number },
        Y_REG,
        {},
        /fit: x\.cols must be a positive integer, got '4'/,
      );
    });

    it('b given as nested rows is refused', async () => {
      const net = await make('reg', backend);
      const w = net.getWeights().map(({ W, b }) => ({ W: Array.from(W), b: Array.from(b, (v) => [v]) }));
      expectThrowsNoChange(
        net,
        () => net.setWeights(w as never),
        /setWeights\[0\]\.b\[0\] must be a finite number, got an array of length 1/,
      );
      net.dispose();
    });

    it('fromJSON with null options, a broken standardizer or shuffle state names the problem', async () => {
      const net = await make('reg', backend);
      const m = net.toJSON();
      const again = await ANN.fromJSON(m, null);
      again.dispose();
      await expect(ANN.fromJSON({ ...m, standardizer: { mean: [0], std: [] } } as never)).rejects.toThrow(
        /ANN\.fromJSON: standardizer: Standardizer\.fromJSON: mean and std must be/,
      );
      await expect(ANN.fromJSON({ ...m, shuffleState: [1, 2, 3] })).rejects.toThrow(
        /ANN\.fromJSON: shuffleState must be four unsigned 32-bit integers/,
      );
      await expect(ANN.fromJSON({ ...m, activations: ['tanh', 'identity'], loss: 'binaryCrossEntropy' })).rejects.toThrow(
        /ANN\.fromJSON: loss 'binaryCrossEntropy' needs outputs in \[0, 1\]: activations \(last\) must be 'sigmoid' or 'softmax', got 'identity'/,
      );
      net.dispose();
    });
  });

  describe('labels outside the loss range', () => {
    it('fit: 1.5 with binaryCrossEntropy', async () => {
      await expectFitRejects(
        'bin',
        backend,
        X,
        [0, 1.5, 1],
        {},
        /fit: y row 1, column 0 is 1\.5; loss 'binaryCrossEntropy' needs targets in \[0, 1\]/,
      );
    });

    it('evaluate: -0.2 with binaryCrossEntropy', async () => {
      const net = await make('bin', backend);
      // f32 storage prints -0.2 as -0.20000000298023224: accept the digits after it.
      expectThrowsNoChange(
        net,
        () => net.evaluate(X, [0, 1, -0.2]),
        /evaluate: y row 2, column 0 is -0\.2\d*; loss 'binaryCrossEntropy' needs targets in \[0, 1\]/,
      );
      net.dispose();
    });

    it('gradients: 1.5 with binaryCrossEntropy', async () => {
      const net = await make('bin', backend);
      expectThrowsNoChange(
        net,
        () => net.gradients(X, [1.5, 0, 1]),
        /gradients: y row 0, column 0 is 1\.5; loss 'binaryCrossEntropy' needs targets in \[0, 1\]/,
      );
      net.dispose();
    });

    it('fit: 1.5 in a one-hot row with categoricalCrossEntropy', async () => {
      const y = [
        [1, 0],
        [0, 1.5],
        [1, 0],
      ];
      await expectFitRejects(
        'cat',
        backend,
        X,
        y,
        {},
        /fit: y row 1, column 1 is 1\.5; loss 'categoricalCrossEntropy' needs targets in \[0, 1\]/,
      );
    });

    it('evaluate: -0.2 with categoricalCrossEntropy', async () => {
      const net = await make('cat', backend);
      const y = [
        [1, 0],
        [-0.2, 1],
        [1, 0],
      ];
      expectThrowsNoChange(
        net,
        () => net.evaluate(X, y),
        /evaluate: y row 1, column 0 is -0\.2\d*; loss 'categoricalCrossEntropy' needs targets in \[0, 1\]/,
      );
      net.dispose();
    });

    it('fit: validation labels outside [0, 1] with binaryCrossEntropy', async () => {
      await expectFitRejects(
        'bin',
        backend,
        X,
        Y_BIN,
        { validationData: [X, [0, 2, 1]] },
        /fit: validationData\[1\] row 1, column 0 is 2; loss 'binaryCrossEntropy' needs targets in \[0, 1\]/,
      );
    });
  });

  describe('ANN.create options', () => {
    const base = { layers: [4, 3, 1], seed: SEED, backend };

    it('unknown hidden activation', async () => {
      await expectCreateRejects(
        backend,
        { ...base, activation: 'swish' },
        /ANN\.create: options\.activation must be one of 'identity', 'sigmoid', 'tanh', 'relu', 'leakyRelu', got 'swish'/,
      );
    });

    it('unknown hidden activation inside an activation array', async () => {
      await expectCreateRejects(
        backend,
        { ...base, layers: [4, 3, 3, 1], activation: ['relu', 'gelu'] },
        /ANN\.create: options\.activation\[1\] must be one of .*'leakyRelu', got 'gelu'/,
      );
    });

    it('unknown output activation', async () => {
      await expectCreateRejects(
        backend,
        { ...base, output: 'softplus' },
        /ANN\.create: options\.output must be one of 'identity', .*'softmax', got 'softplus'/,
      );
    });

    it('unknown loss', async () => {
      await expectCreateRejects(
        backend,
        { ...base, loss: 'hinge' },
        /ANN\.create: options\.loss must be one of 'meanSquaredError', 'binaryCrossEntropy', 'categoricalCrossEntropy', got 'hinge'/,
      );
    });

    it('unknown precision', async () => {
      await expectCreateRejects(
        backend,
        { ...base, precision: 'f16' },
        /ANN\.create: options\.precision must be one of 'f32', 'f64', got 'f16'/,
      );
    });

    it("'softmax' as the hidden activation", async () => {
      await expectCreateRejects(
        backend,
        { ...base, activation: 'softmax' },
        /ANN\.create: options\.activation: 'softmax' is only available as the output activation/,
      );
    });

    it("'softmax' as one hidden activation of an array", async () => {
      await expectCreateRejects(
        backend,
        { ...base, layers: [4, 3, 3, 1], activation: ['tanh', 'softmax'] },
        /ANN\.create: options\.activation\[1\]: 'softmax' is only available as the output activation/,
      );
    });

    it('categoricalCrossEntropy without a softmax output', async () => {
      await expectCreateRejects(
        backend,
        { ...base, layers: [4, 3, 2], loss: 'categoricalCrossEntropy', output: 'sigmoid' },
        /ANN\.create: loss 'categoricalCrossEntropy' needs options\.output 'softmax', got 'sigmoid'/,
      );
    });

    it('binaryCrossEntropy with an identity output', async () => {
      await expectCreateRejects(
        backend,
        { ...base, loss: 'binaryCrossEntropy', output: 'identity' },
        /ANN\.create: loss 'binaryCrossEntropy' needs outputs in \[0, 1\]: options\.output must be 'sigmoid' or 'softmax', got 'identity'/,
      );
    });

    it('a softmax output with a single unit', async () => {
      await expectCreateRejects(
        backend,
        { ...base, output: 'softmax', loss: 'categoricalCrossEntropy' },
        /ANN\.create: a softmax output needs at least 2 units, got 1/,
      );
    });

    it.each([0, 2.5, -3])('layer width %s', async (width) => {
      await expectCreateRejects(
        backend,
        { ...base, layers: [4, width, 1] },
        new RegExp(`ANN\\.create: options\\.layers\\[1\\] must be a positive integer, got ${String(width).replace('.', '\\.')}`),
      );
    });

    it.each([[[4]], [[]]])('fewer than two layers: %j', async (layers) => {
      await expectCreateRejects(
        backend,
        { ...base, layers },
        new RegExp(
          `ANN\\.create: options\\.layers must be an array of at least two sizes \\(input and output\\), got an array of length ${layers.length}`,
        ),
      );
    });

    it('an activation array of the wrong length', async () => {
      await expectCreateRejects(
        backend,
        { ...base, activation: ['tanh', 'relu'] },
        /ANN\.create: options\.activation has 2 names, but the network has 1 hidden layers/,
      );
    });
  });

  describe('fit options', () => {
    it.each([NaN, Infinity, 0, -0.1])('learningRate %s', async (lr) => {
      await expectFitRejects(
        'reg',
        backend,
        X,
        Y_REG,
        { learningRate: lr },
        new RegExp(`fit: options\\.learningRate must be a finite number > 0, got ${String(lr).replace('.', '\\.')}`),
      );
    });

    it.each([1, -0.1])('momentum %s', async (m) => {
      await expectFitRejects(
        'reg',
        backend,
        X,
        Y_REG,
        { momentum: m },
        new RegExp(`fit: options\\.momentum must be a number in \\[0, 1\\), got ${String(m).replace('.', '\\.')}`),
      );
    });

    it.each([0, 1.5])('batchSize %s', async (bs) => {
      await expectFitRejects(
        'reg',
        backend,
        X,
        Y_REG,
        { batchSize: bs },
        new RegExp(`fit: options\\.batchSize must be an integer ≥ 1, got ${String(bs).replace('.', '\\.')}`),
      );
    });

    it('epochs 0', async () => {
      await expectFitRejects('reg', backend, X, Y_REG, { epochs: 0 }, /fit: options\.epochs must be a positive integer, got 0/);
    });
  });

  describe('setWeights', () => {
    /** Valid weights for [4, 3, 1], different from the seeded ones. */
    const good = () => [
      { W: Array.from({ length: 12 }, (_, i) => 0.01 * (i + 1)), b: [0.1, 0.2, 0.3] },
      { W: [0.5, -0.5, 0.25], b: [0.05] },
    ];

    it('the right weights are accepted (control)', async () => {
      const net = await make('reg', backend);
      net.setWeights(good());
      expect(Array.from(net.getWeights()[1].W)).toEqual([0.5, -0.5, 0.25]);
      net.dispose();
    });

    it('the wrong number of layers', async () => {
      const net = await make('reg', backend);
      expectThrowsNoChange(
        net,
        () => net.setWeights(good().slice(0, 1)),
        /setWeights: expected an array of 2 layers \(\{ W, b \}\), got an array of length 1/,
      );
      net.dispose();
    });

    it('a flat W of the wrong length', async () => {
      const net = await make('reg', backend);
      const w = good();
      w[0].W = w[0].W.slice(0, 11);
      expectThrowsNoChange(net, () => net.setWeights(w), /setWeights\[0\]\.W must hold 3 × 4 values \(units × inputs\) = 12, got 11/);
      net.dispose();
    });

    it('a nested W with the wrong number of rows', async () => {
      const net = await make('reg', backend);
      const w = good();
      const nested = [
        [1, 2, 3, 4],
        [5, 6, 7, 8],
      ];
      expectThrowsNoChange(
        net,
        () => net.setWeights([{ W: nested, b: w[0].b }, w[1]]),
        /setWeights\[0\]\.W must have 3 rows \(units\), got 2/,
      );
      net.dispose();
    });

    it('a nested W with a row of the wrong length', async () => {
      const net = await make('reg', backend);
      const w = good();
      const nested = [
        [1, 2, 3, 4],
        [5, 6, 7],
        [9, 10, 11, 12],
      ];
      expectThrowsNoChange(
        net,
        () => net.setWeights([{ W: nested, b: w[0].b }, w[1]]),
        /setWeights\[0\]\.W\[1\] must have 4 values \(inputs\), got an array of length 3/,
      );
      net.dispose();
    });

    it('b of the wrong length', async () => {
      const net = await make('reg', backend);
      const w = good();
      w[1].b = [0.05, 0.06];
      expectThrowsNoChange(net, () => net.setWeights(w), /setWeights\[1\]\.b must hold 1 values \(one per unit\), got 2/);
      net.dispose();
    });

    it('a NaN weight in a flat W', async () => {
      const net = await make('reg', backend);
      const w = good();
      w[1].W[2] = NaN;
      expectThrowsNoChange(net, () => net.setWeights(w), /setWeights\[1\]\.W\[2\] must be a finite number, got NaN/);
      net.dispose();
    });

    it('a NaN weight in a nested W', async () => {
      const net = await make('reg', backend);
      const w = good();
      const nested = [
        [1, 2, 3, 4],
        [5, 6, 7, NaN],
        [9, 10, 11, 12],
      ];
      expectThrowsNoChange(
        net,
        () => net.setWeights([{ W: nested, b: w[0].b }, w[1]]),
        /setWeights\[0\]\.W\[1\]\[3\] must be a finite number, got NaN/,
      );
      net.dispose();
    });

    it('a partly valid list (layer 0 good, layer 1 bad) changes nothing', async () => {
      const net = await make('reg', backend);
      const w = good();
      w[1].b = [Infinity];
      expectThrowsNoChange(net, () => net.setWeights(w), /setWeights\[1\]\.b\[0\] must be a finite number, got Infinity/);
      expect(Array.from(net.getWeights()[0].W)).not.toEqual(good()[0].W);
      net.dispose();
    });
  });

  describe('ANN.fromJSON', () => {
    /** A saved model, the network it came from, and a snapshot of both. */
    async function saved() {
      const net = await make('reg', backend);
      const model = net.toJSON();
      const copy = () => JSON.parse(JSON.stringify(model)) as ModelJSON;
      return { net, model, copy, before: snapshot(net) };
    }

    /** fromJSON must reject with `re`, leave its argument and the source network unchanged. */
    async function expectLoadRejects(
      arg: unknown,
      re: RegExp,
      s: Awaited<ReturnType<typeof saved>>,
      opts: { backend?: BackendName } = { backend },
    ) {
      const argBefore = typeof arg === 'string' ? arg : JSON.parse(JSON.stringify(arg));
      await expect(ANN.fromJSON(bad(arg), bad(opts))).rejects.toThrow(re);
      if (typeof arg === 'string') expect(arg).toBe(argBefore);
      else if (!JSON.stringify(arg).includes('null')) expect(arg).toEqual(argBefore);
      expectUnchanged(s.net, s.before);
      // The untouched model still loads into the same network.
      const again = await ANN.fromJSON(s.copy(), { backend });
      expect(snapshot(again)).toEqual(s.before);
      again.dispose();
      s.net.dispose();
    }

    it('the saved model loads (control)', async () => {
      const s = await saved();
      const loaded = await ANN.fromJSON(JSON.stringify(s.model), { backend });
      expect(snapshot(loaded)).toEqual(s.before);
      loaded.dispose();
      s.net.dispose();
    });

    it('invalid JSON text', async () => {
      const s = await saved();
      await expectLoadRejects(JSON.stringify(s.model).slice(0, -7), /ANN\.fromJSON: the text is not valid JSON \(.+\)/, s);
    });

    it('a wrong format field', async () => {
      const s = await saved();
      const m = s.copy();
      (m as { format: string }).format = 'keras';
      await expectLoadRejects(m, /ANN\.fromJSON: format must be 'backprop-wasm\/ann', got 'keras'/, s);
    });

    it('a newer version number', async () => {
      const s = await saved();
      const m = s.copy();
      m.version = 4;
      await expectLoadRejects(
        m,
        /ANN\.fromJSON: format version 4 is not supported \(this library reads versions 1, 2 and 3\); it was written by a newer backprop-wasm/,
        s,
      );
    });

    it('weights of the wrong shape (W one value short)', async () => {
      const s = await saved();
      const m = s.copy();
      m.weights[0].W.pop();
      await expectLoadRejects(m, /ANN\.fromJSON: weights\[0\]\.W must hold 3 × 4 values \(units × inputs\) = 12, got 11/, s);
    });

    it('weights with the wrong number of layers', async () => {
      const s = await saved();
      const m = s.copy();
      m.weights.push({ W: [1], b: [1] });
      await expectLoadRejects(m, /ANN\.fromJSON: weights: expected an array of 2 layers \(\{ W, b \}\), got an array of length 3/, s);
    });

    it('a NaN weight (object)', async () => {
      const s = await saved();
      const m = s.copy();
      m.weights[1].W[0] = NaN;
      await expectLoadRejects(m, /ANN\.fromJSON: weights\[1\]\.W\[0\] must be a finite number, got NaN/, s);
    });

    it('a null weight (JSON text, as JSON.stringify writes NaN)', async () => {
      const s = await saved();
      const m = s.copy();
      m.weights[0].b[2] = NaN;
      const text = JSON.stringify(m);
      expect(text).toContain('null');
      await expectLoadRejects(text, /ANN\.fromJSON: weights\[0\]\.b\[2\] must be a finite number, got null/, s);
    });

    it('an unknown hidden activation', async () => {
      const s = await saved();
      const m = s.copy();
      m.activations[0] = 'swish';
      await expectLoadRejects(m, /ANN\.fromJSON: .*activation.* must be one of 'identity', .*got 'swish'/, s);
    });

    it('an unknown output activation', async () => {
      const s = await saved();
      const m = s.copy();
      m.activations[1] = 'swish';
      await expectLoadRejects(m, /ANN\.fromJSON: activations \(last\) must be one of 'identity', .*got 'swish'/, s);
    });

    it('an unknown backend option', async () => {
      const s = await saved();
      await expectLoadRejects(s.copy(), /ANN\.fromJSON: options\.backend must be one of 'wasm', 'js', got 'gpu'/, s, {
        backend: bad('gpu'),
      });
    });
  });

  describe('use after dispose()', () => {
    const sync = {
      predict: (n: ANN) => n.predict(X),
      evaluate: (n: ANN) => n.evaluate(X, Y_REG),
      gradients: (n: ANN) => n.gradients(X, Y_REG),
      getWeights: (n: ANN) => n.getWeights(),
      setWeights: (n: ANN) =>
        n.setWeights([
          { W: new Array(12).fill(0), b: [0, 0, 0] },
          { W: [0, 0, 0], b: [0] },
        ]),
      toJSON: (n: ANN) => n.toJSON(),
    };

    it.each(Object.keys(sync) as (keyof typeof sync)[])('%s throws /disposed/', async (method) => {
      const net = await make('reg', backend);
      net.dispose();
      expect(() => sync[method](net)).toThrow(new RegExp(`${method}: this network was disposed; create or load a new one`));
    });

    it('fit rejects /disposed/', async () => {
      const net = await make('reg', backend);
      net.dispose();
      await expect(net.fit(X, Y_REG)).rejects.toThrow(/fit: this network was disposed; create or load a new one/);
    });

    it('a callback that disposes the network and stops the fit: the same rejection, also with early stopping restoring the best weights', async () => {
      for (const earlyStopping of [undefined, { monitor: 'loss' as const, patience: 5, restoreBestWeights: true }]) {
        const net = await make('reg', backend);
        const onEpochEnd = ({ epoch }: { epoch: number }) => {
          if (epoch === 1) {
            net.dispose();
            return false;
          }
        };
        await expect(net.fit(X, Y_REG, { epochs: 4, earlyStopping, onEpochEnd })).rejects.toThrow(
          /^fit: this network was disposed; create or load a new one$/,
        );
      }
    });

    it('dispose() twice is harmless and the network stays disposed', async () => {
      const net = await make('reg', backend);
      net.dispose();
      expect(() => net.dispose()).not.toThrow();
      expect(() => net.predict(X)).toThrow(/predict: this network was disposed/);
    });
  });

  describe('concurrent fit', () => {
    it('a second fit while one is running rejects, and the running fit trains as if alone', async () => {
      const net = await make('reg', backend);
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      let entered!: () => void;
      const inBatch = new Promise<void>((r) => (entered = r));
      const fit: FitOptions = { epochs: 2, batchSize: 1, learningRate: 0.1, shuffle: true };
      const first = net.fit(X, Y_REG, {
        ...fit,
        onBatchEnd: async (log) => {
          if (log.epoch === 1 && log.batch === 1) {
            entered();
            await gate;
          }
        },
      });
      await inBatch;
      const midway = snapshot(net);
      await expect(net.fit(X, Y_REG, fit)).rejects.toThrow(/fit: this network is already training; await the running fit\(\) first/);
      expectUnchanged(net, midway);
      release();
      const history = await first;

      const twin = await make('reg', backend);
      const alone = await twin.fit(X, Y_REG, fit);
      expect(history).toHaveLength(2);
      expect(history.map((h) => h.loss)).toEqual(alone.map((h) => h.loss));
      expect(snapshot(net)).toEqual(snapshot(twin));
      // The flag is cleared: a later fit is accepted.
      await expect(net.fit(X, Y_REG, fit)).resolves.toHaveLength(2);
      twin.dispose();
      net.dispose();
    });
  });
});

describe('ANN.create: unknown backend', () => {
  it("backend 'gpu'", async () => {
    await expect(ANN.create(bad({ layers: [4, 3, 1], seed: SEED, backend: 'gpu' }))).rejects.toThrow(
      /ANN\.create: options\.backend must be one of 'wasm', 'js', got 'gpu'/,
    );
  });
});

describe('parseIdx on bad bytes', () => {
  /** An unsigned-byte idx buffer: magic 00 00 08 rank, big-endian dims, then the values. */
  function idx(dims: number[], values: number[]): Uint8Array {
    const header = 4 + 4 * dims.length;
    const out = new Uint8Array(header + values.length);
    const view = new DataView(out.buffer);
    out[2] = 0x08;
    out[3] = dims.length;
    dims.forEach((d, i) => view.setUint32(4 + 4 * i, d));
    out.set(values, header);
    return out;
  }

  it('a well-formed buffer parses (control)', () => {
    expect(parseIdx(idx([2, 3], [1, 2, 3, 4, 5, 6]))).toEqual({ dims: [2, 3], data: new Uint8Array([1, 2, 3, 4, 5, 6]) });
  });

  it('a buffer truncated in the data', () => {
    const bytes = idx([2, 3], [1, 2, 3, 4, 5, 6]).slice(0, -2);
    const copy = bytes.slice();
    expect(() => parseIdx(bytes, 'labels.idx')).toThrow(/parseIdx: labels\.idx: truncated: dims \[2, 3\] expected 6 bytes of data, got 4/);
    expect(bytes).toEqual(copy);
  });

  it('a buffer truncated in the header', () => {
    const bytes = idx([2, 3], [1, 2, 3, 4, 5, 6]).slice(0, 9);
    expect(() => parseIdx(bytes)).toThrow(/parseIdx: buffer: header declares 2 dimensions, so needs 12 bytes, but the file has only 9/);
  });

  it('a buffer shorter than the magic number', () => {
    expect(() => parseIdx(new Uint8Array([0, 0]))).toThrow(/parseIdx: buffer: too short for an idx header: need at least 4 bytes, got 2/);
  });

  it('a corrupt magic number', () => {
    const bytes = idx([2, 3], [1, 2, 3, 4, 5, 6]);
    bytes[0] = 0x12;
    bytes[1] = 0x34;
    const copy = bytes.slice();
    expect(() => parseIdx(bytes, 'images.idx')).toThrow(
      /parseIdx: images\.idx: not an idx file: magic number 0x12340802 should start with two zero bytes/,
    );
    expect(bytes).toEqual(copy);
  });

  it('a magic number with an unsupported type byte', () => {
    const bytes = idx([2, 3], [1, 2, 3, 4, 5, 6]);
    bytes[2] = 0x0c;
    expect(() => parseIdx(bytes)).toThrow(
      /parseIdx: buffer: unsupported idx data type 0x0c \(int32\); only unsigned bytes \(0x08\) are supported/,
    );
  });
});
