/**
 * validationSplit with CSR input: the rows held out are the ones a dense x of the same values
 * gives up (one split of row indices, stratified on the targets and seeded, for both kinds of x),
 * and the sample weights travel with their rows. So a fit on CSR with validationSplit equals, bit
 * for bit, the fit on the dense x, and the fit on the held-in rows with the held-out rows passed
 * as validationData.
 */
import { describe, expect, it } from 'vitest';
import { ANN, type EpochLog } from '../src/index.js';
import { SPLIT_STREAM } from '../src/ann.js';
import { splitRowIndices } from '../src/data/transform.js';
import { randomArray } from './helpers/compare.js';
import { csrOf } from './helpers/sparse.js';

const [ROWS, COLS] = [61, 40];

/** ROWS × COLS at about 15% non-zeros, one all-zero row, and its CSR form. */
function sparseData() {
  const x = randomArray(ROWS * COLS, 5, 0, 1);
  const keep = randomArray(ROWS * COLS, 6, 0, 1);
  for (let i = 0; i < x.length; i++) if (keep[i] >= 0.15) x[i] = 0;
  x.fill(0, 7 * COLS, 8 * COLS);
  const csr = csrOf(x, ROWS, COLS);
  return { dense: { data: x, rows: ROWS, cols: COLS }, csr };
}

/** Labels from the first columns (imbalanced, so that stratification matters) and a weight per row. */
function targets(x: Float64Array): { y: number[]; w: number[] } {
  const y = Array.from({ length: ROWS }, (_, r) => (x[r * COLS] + x[r * COLS + 1] > 0.3 ? 1 : 0));
  const w = Array.from({ length: ROWS }, (_, r) => 0.5 + (r % 3) * 0.25);
  return { y, w };
}

async function trained(x: unknown, y: number[], options: Record<string, unknown>) {
  const net = await ANN.create({
    layers: [COLS, 6, 1],
    activation: 'tanh',
    output: 'sigmoid',
    loss: 'binaryCrossEntropy',
    seed: 3,
    precision: 'f64',
    threads: 1,
  });
  try {
    const logs: EpochLog[] = await net.fit(x as never, y, { epochs: 4, batchSize: 8, learningRate: 0.2, ...options });
    return { logs: logs.map((l) => ({ ...l, seconds: 0 })), weights: net.getWeights().flatMap((l) => [...l.W, ...l.b]) };
  } finally {
    net.dispose();
  }
}

describe('validationSplit with CSR x', () => {
  const { dense, csr } = sparseData();
  const { y, w } = targets(dense.data);

  it('holds out the same rows as with the dense x: logs and weights equal bit for bit', async () => {
    const options = { validationSplit: 0.25, sampleWeight: w };
    const fromCsr = await trained(csr, y, options);
    const fromDense = await trained(dense, y, options);
    expect(fromCsr.logs[0].valLoss).toBeGreaterThan(0);
    expect(fromCsr.logs).toEqual(fromDense.logs);
    expect(fromCsr.weights).toEqual(fromDense.weights);
  });

  it('is the fit on the held-in rows with the held-out ones as validationData (the split is stratified)', async () => {
    // The seed fit() splits with: the network's seed mixed with the split's own stream.
    const Y = { data: Float64Array.from(y), rows: ROWS, cols: 1 };
    const { train, test } = splitRowIndices(Y, 0.25, 3 ^ SPLIT_STREAM, true, 'test');
    const positives = (rows: number[]) => rows.filter((r) => y[r] === 1).length / rows.length;
    expect(Math.abs(positives(test) - positives(train))).toBeLessThan(0.1);
    const pick = (rows: number[]) => {
      const data = new Float64Array(rows.length * COLS);
      rows.forEach((r, i) => data.set(dense.data.subarray(r * COLS, (r + 1) * COLS), i * COLS));
      return { data, rows: rows.length, cols: COLS };
    };
    const explicit = await trained(
      pick(train),
      train.map((r) => y[r]),
      {
        validationData: [pick(test), test.map((r) => y[r])],
        sampleWeight: train.map((r) => w[r]),
      },
    );
    const split = await trained(csr, y, { validationSplit: 0.25, sampleWeight: w });
    expect(split.logs).toEqual(explicit.logs);
    expect(split.weights).toEqual(explicit.weights);
  });
});
