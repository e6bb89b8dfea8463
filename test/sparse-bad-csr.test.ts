/**
 * CSR input that would index outside its rows or columns, or train on garbage, is refused by
 * name before anything runs: unsorted, repeated or out-of-range columns, a rowStart that
 * decreases, does not start at 0 or has the wrong length, lengths that disagree, non-finite
 * values; and the combination that cannot keep the zeros (a standardizer).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANN, Standardizer } from '../src/index.js';

/** 3 rows × 4 columns: [1 0 2 0], [0 0 0 0], [0 3 0 4]. */
function good() {
  return {
    rows: 3,
    cols: 4,
    rowStart: Int32Array.from([0, 2, 2, 4]),
    columns: Int32Array.from([0, 2, 1, 3]),
    values: Float32Array.from([1, 2, 3, 4]),
  };
}

const CASES: [string, (x: ReturnType<typeof good>) => unknown, RegExp][] = [
  [
    'columns unsorted within a row',
    (x) => ({ ...x, columns: Int32Array.from([2, 0, 1, 3]) }),
    /x\.columns must be strictly ascending within a row: row 0 has 2 then 0/,
  ],
  ['a column repeated', (x) => ({ ...x, columns: Int32Array.from([0, 0, 1, 3]) }), /strictly ascending within a row: row 0 has 0 then 0/],
  [
    'a column past the last',
    (x) => ({ ...x, columns: Int32Array.from([0, 2, 1, 4]) }),
    /x\.columns\[3\] \(row 2\) is 4, outside the 4 columns 0 … 3/,
  ],
  ['a negative column', (x) => ({ ...x, columns: Int8Array.from([-1, 2, 1, 3]) }), /x\.columns\[0\] \(row 0\) is -1; columns are 0-based/],
  [
    'rowStart decreasing',
    (x) => ({ ...x, rowStart: Int32Array.from([0, 3, 2, 4]) }),
    /x\.rowStart must not decrease: rowStart\[2\] = 2 < rowStart\[1\] = 3/,
  ],
  [
    'rowStart of the wrong length',
    (x) => ({ ...x, rowStart: Int32Array.from([0, 2, 4]) }),
    /x\.rowStart must have rows \+ 1 = 4 entries, got 3/,
  ],
  ['rowStart not starting at 0', (x) => ({ ...x, rowStart: Int32Array.from([1, 2, 2, 4]) }), /x\.rowStart\[0\] must be 0, got 1/],
  [
    'values shorter than the non-zeros',
    (x) => ({ ...x, values: Float32Array.from([1, 2, 3]) }),
    /rowStart\[3\] = 4 non-zeros, but columns has 4 and values 3; the three must agree/,
  ],
  ['columns longer than the non-zeros', (x) => ({ ...x, columns: Int32Array.from([0, 2, 1, 3, 3]) }), /columns has 5 and values 4/],
  [
    'a NaN value',
    (x) => ({ ...x, values: Float32Array.from([1, Number.NaN, 3, 4]) }),
    /x\.values\[1\] is NaN; every value must be a finite number/,
  ],
  [
    'a value that overflows float32',
    (x) => ({ ...x, values: Float64Array.from([1, 1e39, 3, 4]) }),
    /x\.values\[1\] is 1e\+39, which overflows float32/,
  ],
  ['cols other than the inputs', (x) => ({ ...x, cols: 5 }), /x\.cols must be the network's 4 inputs, got 5/],
  ['rows not a positive integer', (x) => ({ ...x, rows: 0 }), /x\.rows must be a positive integer, got 0/],
  [
    'indices in a plain array',
    (x) => ({ ...x, columns: [0, 2, 1, 3] }),
    /x\.columns must be an Int32Array \(or another integer typed array\)/,
  ],
  ['values in a plain array', (x) => ({ ...x, values: [1, 2, 3, 4] }), /x\.values must be a Float32Array or Float64Array/],
];

describe('bad CSR input is refused by name', () => {
  let net: ANN;
  beforeAll(async () => {
    net = await ANN.create({ layers: [4, 2, 1], seed: 1 });
  });
  afterAll(() => net.dispose());

  it('good CSR is taken by fit, predict, evaluate and gradients', async () => {
    await net.fit(good(), [1, 0, 1], { epochs: 1 });
    expect(net.predict(good()).rows).toBe(3);
    expect(Number.isFinite(net.evaluate(good(), [1, 0, 1]).loss)).toBe(true);
    expect(net.gradients(good(), [1, 0, 1])[0].dW.length).toBe(8);
  });

  for (const [name, mutate, message] of CASES) {
    it(name, async () => {
      const before = net.getWeights();
      const x = mutate(good());
      await expect(net.fit(x as never, [1, 0, 1]), 'fit').rejects.toThrow(message);
      expect(() => net.predict(x as never), 'predict').toThrow(message);
      expect(() => net.evaluate(x as never, [1, 0, 1]), 'evaluate').toThrow(message);
      expect(net.getWeights(), 'nothing changed').toEqual(before);
    });
  }

  it('CSR with a standardizer: refused, since mean subtraction would make every zero non-zero', async () => {
    const std = Standardizer.fit({ data: Float32Array.from([1, 0, 2, 0, 0, 3, 0, 4]), rows: 2, cols: 4 });
    const withStd = await ANN.create({ layers: [4, 2, 1], seed: 1, standardizer: std });
    expect(() => withStd.predict(good())).toThrow(
      /predict: x is CSR, and this network has a standardizer, whose mean subtraction would make every zero non-zero/,
    );
    withStd.dispose();
  });

  it('CSR as validationData is taken', async () => {
    const [log] = await net.fit(good(), [1, 0, 1], { epochs: 1, validationData: [good(), [1, 0, 1]] });
    expect(Number.isFinite(log.valLoss)).toBe(true);
  });

  it("sparseInput other than 'auto', 'always', 'never' is refused by name", async () => {
    await expect(ANN.create({ layers: [4, 1], sparseInput: 'yes' as never })).rejects.toThrow(
      /ANN\.create: options\.sparseInput must be one of 'auto', 'always', 'never', got 'yes'/,
    );
    await expect(ANN.create({ layers: [4, 1], sparse_input: 'auto' } as never)).rejects.toThrow(/did you mean 'sparseInput'/);
  });
});
