/**
 * Random networks and data for the differential fuzz test (test/fuzz-backends.test.ts): every
 * architecture, activation and head that ANN.create accepts, drawn from one seed, so that a failing
 * case is reproduced from its seed alone.
 */
import { Random, type ActivationName, type CreateOptions, type KernelBuild, type LossName, type Precision } from '../../src/index.js';

const HIDDEN: readonly ActivationName[] = ['identity', 'sigmoid', 'tanh', 'relu', 'leakyRelu'];
/** Every output activation with every loss that accepts it (architecture.ts refuses the rest). */
export const HEADS: readonly (readonly [ActivationName, LossName])[] = [
  ...(['identity', 'sigmoid', 'tanh', 'relu', 'leakyRelu', 'softmax'] as const).map((o) => [o, 'meanSquaredError'] as const),
  ['sigmoid', 'binaryCrossEntropy'],
  ['softmax', 'binaryCrossEntropy'],
  ['softmax', 'categoricalCrossEntropy'],
];

export interface FuzzCase {
  seed: number;
  options: CreateOptions & { precision: Precision };
  build: KernelBuild;
  rows: number;
  /** Samples (rows × inputs) and targets (rows × outputs) the loss accepts, row-major, no NaN. */
  x: Float64Array;
  y: Float64Array;
  fit: { epochs: number; batchSize: number; learningRate: number; momentum: number; shuffle: boolean };
}

/** Head × hidden activation × precision: the combinations that `fuzzCase(seed, k)` for k below this covers, one each. */
export const COMBINATIONS = HEADS.length * HIDDEN.length * 2;

/**
 * The case of `seed`: one network, its data and a short training run. With `cover` = k <
 * COMBINATIONS, the k-th combination of head, hidden activation (in the first hidden layer) and
 * precision is taken instead of drawn, so that a run of COMBINATIONS cases meets every one.
 */
export function fuzzCase(seed: number, cover?: number): FuzzCase {
  const rng = new Random(seed);
  const pick = <T>(list: readonly T[]): T => list[rng.int(list.length)];
  const covered = cover !== undefined && cover < COMBINATIONS;
  const drawnDepth = 1 + rng.int(5); // weight layers
  const depth = covered ? Math.max(2, drawnDepth) : drawnDepth;
  const [output, loss] = covered ? HEADS[cover % HEADS.length] : pick(HEADS);
  const widths = Array.from({ length: depth + 1 }, () => 1 + rng.int(70));
  // A softmax needs two units at least; keep the width otherwise drawn.
  if (output === 'softmax' && widths[depth] < 2) widths[depth] = 2 + rng.int(69);
  const drawnPrecision: Precision = pick(['f32', 'f64'] as const);
  const precision: Precision = covered ? (Math.floor(cover / (HEADS.length * HIDDEN.length)) === 0 ? 'f64' : 'f32') : drawnPrecision;
  const activation = Array.from({ length: depth - 1 }, () => pick(HIDDEN));
  if (covered) activation[0] = HIDDEN[Math.floor(cover / HEADS.length) % HIDDEN.length];
  const options: FuzzCase['options'] = {
    layers: widths,
    activation,
    output,
    loss,
    leakyReluSlope: pick([0.01, 0.1, 0.3, rng.uniform(-0.5, 1.5)]),
    init: pick(['glorot', 'he'] as const),
    seed: rng.int(2 ** 32),
    precision,
    backend: 'wasm',
  };
  // Mostly a few rows; now and then more than one chunk of the passes (CHUNK = 1024, core/network.ts).
  const rows = rng.int(12) === 0 ? 1025 + rng.int(80) : 1 + rng.int(48);
  const inputs = widths[0];
  const outputs = widths[depth];
  const scale = pick([1, 3]);
  const x = Float64Array.from({ length: rows * inputs }, () => rng.uniform(-scale, scale));
  const y = new Float64Array(rows * outputs);
  for (let r = 0; r < rows; r++) {
    const row = y.subarray(r * outputs, (r + 1) * outputs);
    if (loss === 'meanSquaredError') row.forEach((_, j) => (row[j] = rng.uniform(-2, 2)));
    else if (loss === 'binaryCrossEntropy') row.forEach((_, j) => (row[j] = rng.int(3) === 0 ? rng.next() : rng.int(2)));
    else if (rng.int(2) === 0) row[rng.int(outputs)] = 1;
    else {
      // A soft distribution summing to 1 (to float64 rounding, far inside checkTargets' 1e-5).
      row.forEach((_, j) => (row[j] = rng.next()));
      const sum = row.reduce((a, b) => a + b, 0);
      row.forEach((v, j) => (row[j] = v / sum));
    }
  }
  // A batch that divides the rows, or one that leaves a short last batch (or is larger than the set).
  // A few steps only, at most four an epoch: rounding differences grow along a training trajectory
  // (with lr 0.1 and a leaky slope above 1, a hundredfold within six steps), and what is compared
  // here is the kernels, not how fast two runs drift apart.
  const least = Math.ceil(rows / 4);
  const sizes = Array.from({ length: rows - least + 1 }, (_, i) => least + i);
  const divisors = sizes.filter((b) => rows % b === 0).concat(rows);
  const others = sizes.filter((b) => rows % b !== 0).concat(rows + 1 + rng.int(10));
  const batchSize = rng.int(2) === 0 ? pick(others) : pick(divisors);
  return {
    seed,
    options,
    build: pick(['simd', 'relaxed'] as const),
    rows,
    x,
    y,
    fit: { epochs: 1 + rng.int(2), batchSize, learningRate: pick([0.001, 0.01, 0.1]), momentum: pick([0, 0.9]), shuffle: rng.int(2) === 0 },
  };
}

/** One line that names everything about a case, for assertion messages. */
export function describeCase(c: FuzzCase): string {
  const o = c.options;
  const acts = [...(o.activation as ActivationName[]), o.output].join('/');
  const f = c.fit;
  return (
    `case seed ${c.seed}: ${o.layers.join('-')} ${acts}, ${o.loss}, ${o.precision}, ${c.build} build, leakyReluSlope ${o.leakyReluSlope}, init ${o.init}, ` +
    `net seed ${o.seed}; ${c.rows} rows; fit ${f.epochs} epochs, batch ${f.batchSize}, lr ${f.learningRate}, momentum ${f.momentum}, shuffle ${f.shuffle}`
  );
}
