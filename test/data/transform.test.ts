import { describe, it, expect } from 'vitest';
import { matrix, type Matrix } from '../../src/io/matrix.js';
import { selectClasses, scaleToUnit, mnistMatrix, oneHot, Standardizer, selectRows, trainTestSplit } from '../../src/data/transform.js';

/** Per-column mean and population std, computed independently of Standardizer. */
function columnStats(m: Matrix): { mean: number[]; std: number[] } {
  const mean: number[] = [];
  const std: number[] = [];
  for (let c = 0; c < m.cols; c++) {
    const col = Array.from({ length: m.rows }, (_, r) => m.data[r * m.cols + c]);
    const mu = col.reduce((a, b) => a + b, 0) / col.length;
    mean.push(mu);
    std.push(Math.sqrt(col.reduce((a, b) => a + (b - mu) ** 2, 0) / col.length));
  }
  return { mean, std };
}

const rows = (m: Matrix): number[][] => Array.from({ length: m.rows }, (_, r) => Array.from(m.data.subarray(r * m.cols, (r + 1) * m.cols)));

describe('selectClasses', () => {
  it('keeps only the chosen classes, y = 1 for positive, pixels unscaled', () => {
    const images = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]); // 4 samples × 2 features
    const { x, y } = selectClasses(images, [5, 3, 8, 5], 2, 5, [8], { precision: 'f64' });
    expect(x.data).toBeInstanceOf(Float64Array);
    expect(rows(x)).toEqual([
      [1, 2],
      [5, 6],
      [7, 8],
    ]);
    expect(Array.from(y.data)).toEqual([1, 0, 1]);
    expect(() => selectClasses(images, [5, 3, 8], 2, 5, 8)).toThrow(/images.length must be labels.length × featureCount = 6, got 8/);
    expect(() => selectClasses(images, [5, 3, 8, 5], 2, [5], [5, 8])).toThrow(/must not share classes, both contain 5/);
    expect(() => selectClasses(images, [5, 3, 8, 5], 2, 1, 2)).toThrow(/no label is in positive ∪ negative/);
  });

  it('with { scale } divides features on the way, exactly as scaleToUnit afterwards, and refuses a scale that is not positive', () => {
    const images = new Uint8Array([0, 51, 255, 7, 9, 128]); // 3 samples × 2 features
    const scaled = selectClasses(images, [5, 8, 5], 2, 5, 8, { scale: 255 });
    expect(scaled.x.data).toEqual(scaleToUnit(selectClasses(images, [5, 8, 5], 2, 5, 8).x, 255).data);
    expect(Array.from(scaled.y.data)).toEqual([1, 0, 1]);
    for (const bad of [0, -1, NaN])
      expect(() => selectClasses(images, [5, 8, 5], 2, 5, 8, { scale: bad })).toThrow(/options.scale must be a positive finite number/);
  });
});

describe('scaling', () => {
  it('scaleToUnit divides by max and keeps precision; mnistMatrix gives float32 in [0, 1]', () => {
    const s = scaleToUnit(matrix(new Float64Array([0, 51, 255]), 1), 255);
    expect(s.data).toBeInstanceOf(Float64Array);
    expect(Array.from(s.data)).toEqual([0, 0.2, 1]);
    expect(() => scaleToUnit(s, 0)).toThrow(/max must be a positive finite number, got 0/);
    const m = mnistMatrix(new Uint8Array(784 * 2).fill(255), 2);
    expect([m.rows, m.cols, m.data[0]]).toEqual([2, 784, 1]);
    expect(m.data).toBeInstanceOf(Float32Array);
    expect(() => mnistMatrix(new Uint8Array(784), 2)).toThrow(/images.length must be count × 784 = 1568, got 784/);
  });
});

describe('oneHot', () => {
  it('encodes sorted distinct labels by default, or a given class list', () => {
    const { y, classes } = oneHot([3, 1, 2, 3]);
    expect(classes).toEqual([1, 2, 3]);
    expect([y.rows, y.cols]).toEqual([4, 3]);
    expect(rows(y)).toEqual([
      [0, 0, 1],
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ]);
    expect(oneHot([0, 9], 10).y.cols).toBe(10);
    expect(rows(oneHot([5, 8], [8, 5]).y)).toEqual([
      [0, 1],
      [1, 0],
    ]);
    expect(() => oneHot([1, 4], [1, 2])).toThrow(/labels\[1\] must be one of \[1, 2\], got 4/);
  });
});

describe('Standardizer', () => {
  it('pixels() divides every column by 255 (or max), as scaleToUnit does', () => {
    const img = matrix(new Float32Array([0, 51, 255, 128, 7, 200]), 2, 3);
    expect(Standardizer.pixels(3).apply(img).data).toEqual(scaleToUnit(img).data);
    expect(Array.from(Standardizer.pixels(2, 10).apply(matrix(new Float64Array([5, 20]), 1)).data)).toEqual([0.5, 2]);
    expect(Standardizer.pixels().mean.length).toBe(784);
  });

  const x = matrix(new Float64Array([1, 10, 7, 2, 20, 7, 3, 30, 7, 4, 40, 7, 100, -5, 0]), 5, 3);
  const train = selectRows(x, [0, 1, 2, 3]);

  it('gives the training columns mean 0 and std 1, and constant columns no NaN', () => {
    const st = Standardizer.fit(train);
    const z = st.apply(train);
    const { mean, std } = columnStats(z);
    for (const m of mean) expect(m).toBeCloseTo(0, 12);
    expect(std[0]).toBeCloseTo(1, 12);
    expect(std[1]).toBeCloseTo(1, 12);
    expect(st.std[2]).toBe(1); // the constant column of 7s
    expect(Array.from(z.data).every(Number.isFinite)).toBe(true);
    // Applied to unseen rows it uses the training statistics.
    expect(st.apply(selectRows(x, [4])).data[0]).toBeCloseTo((100 - 2.5) / Math.sqrt(1.25), 12);
  });

  it('round-trips through JSON and validates', () => {
    const st = Standardizer.fit(train);
    const back = Standardizer.fromJSON(JSON.parse(JSON.stringify(st)));
    expect(Array.from(back.apply(train).data)).toEqual(Array.from(st.apply(train).data));
    expect(() => st.apply(matrix(new Float64Array(2), 1, 2))).toThrow(/x.cols must be 3 \(the fitted column count\), got 2/);
    expect(() => Standardizer.fromJSON({ mean: [0, 1], std: [1] })).toThrow(/equal length, got 2 and 1/);
    expect(() => Standardizer.fromJSON({ mean: [0], std: [0] })).toThrow(/std\[0\] must be finite and > 0, got 0/);
    expect(() => Standardizer.fromJSON({ mean: [NaN], std: [1] })).toThrow(/mean\[0\] must be finite, got NaN/);
  });
});

describe('trainTestSplit', () => {
  const n = 100;
  const x = matrix(
    Float32Array.from({ length: n * 2 }, (_, i) => i),
    n,
    2,
  );
  const y = matrix(
    Float32Array.from({ length: n }, (_, i) => (i < 80 ? 0 : 1)),
    n,
    1,
  );

  it('is reproducible with a seed, different with another, and keeps rows aligned', () => {
    const a = trainTestSplit(x, y, { testFraction: 0.25, seed: 1 });
    const b = trainTestSplit(x, y, { testFraction: 0.25, seed: 1 });
    const c = trainTestSplit(x, y, { testFraction: 0.25, seed: 2 });
    expect([a.xTrain.rows, a.xTest.rows, a.yTest.rows]).toEqual([75, 25, 25]);
    expect(rows(b.xTest)).toEqual(rows(a.xTest));
    expect(rows(c.xTest)).not.toEqual(rows(a.xTest));
    // Every sample appears exactly once, and its label follows it.
    const seen = [...rows(a.xTrain), ...rows(a.xTest)].map(([v]) => v / 2).sort((p, q) => p - q);
    expect(seen).toEqual(Array.from({ length: n }, (_, i) => i));
    rows(a.xTest).forEach(([v], r) => expect(a.yTest.data[r]).toBe(v / 2 < 80 ? 0 : 1));
  });

  it('stratifies: each class is split in proportion', () => {
    const s = trainTestSplit(x, y, { testFraction: 0.25, seed: 3, stratify: true });
    expect(Array.from(s.yTest.data).filter((v) => v === 1).length).toBe(5);
    expect(Array.from(s.yTrain.data).filter((v) => v === 1).length).toBe(15);
  });

  it('validates its arguments', () => {
    expect(() => trainTestSplit(x, y, { testFraction: 1, seed: 1 })).toThrow(/testFraction must be in \(0, 1\), got 1/);
    expect(() => trainTestSplit(x, selectRows(y, [0]), { testFraction: 0.5, seed: 1 })).toThrow(/y.rows must equal x.rows = 100, got 1/);
    expect(() => trainTestSplit(x, y, { testFraction: 0.001, seed: 1 })).toThrow(/gives 100 training and 0 test rows/);
    expect(() => selectRows(x, [0, 100])).toThrow(/indices\[1\] must be an integer in \[0, 99\], got 100/);
  });
});

describe('the helpers take every input form that fit takes', () => {
  // Four samples × two features, and their labels, in each form fit accepts.
  const nested = [
    [1, 10],
    [2, 30],
    [3, 20],
    [6, 40],
  ];
  const labels = [0, 1, 0, 1];
  const reference = matrix(Float64Array.from(nested.flat()), 4, 2);
  const xForms: [string, Parameters<typeof Standardizer.fit>[0]][] = [
    ['number[][]', nested],
    ['{ data: number[], rows }', { data: nested.flat(), rows: 4 }],
    ['{ data: number[], rows, cols }', { data: nested.flat(), rows: 4, cols: 2 }],
    // fit takes typed-array rows too (io/input.ts), though MatrixLike does not name them.
    ['Float32Array rows', nested.map((r) => Float32Array.from(r)) as unknown as number[][]],
  ];
  const yForms: [string, Parameters<typeof trainTestSplit>[1]][] = [
    ['a flat number[]', labels],
    ['a flat Float64Array', Float64Array.from(labels)],
    ['number[][] of one column', labels.map((l) => [l])],
    ['{ data, rows }', { data: labels, rows: 4 }],
  ];

  for (const [form, x] of xForms) {
    it(`Standardizer.fit and apply take ${form}, as a float64 Matrix of the same numbers`, () => {
      const st = Standardizer.fit(x);
      expect(st.toJSON()).toEqual(Standardizer.fit(reference).toJSON());
      const z = st.apply(x);
      expect(z.data).toBeInstanceOf(Float64Array);
      expect([z.rows, z.cols]).toEqual([4, 2]);
      expect(Array.from(z.data)).toEqual(Array.from(st.apply(reference).data));
      expect(Array.from(scaleToUnit(x, 10).data)).toEqual(Array.from(scaleToUnit(reference, 10).data));
    });
  }

  for (const [form, y] of yForms) {
    it(`trainTestSplit takes number[][] samples with labels as ${form}, and splits them as it splits matrices`, () => {
      const options = { testFraction: 0.5, seed: 4, stratify: true };
      const got = trainTestSplit(nested, y, options);
      const expected = trainTestSplit(reference, matrix(Float64Array.from(labels), 4, 1), options);
      for (const part of ['xTrain', 'yTrain', 'xTest', 'yTest'] as const) {
        expect([got[part].rows, got[part].cols], part).toEqual([expected[part].rows, expected[part].cols]);
        expect(Array.from(got[part].data), part).toEqual(Array.from(expected[part].data));
      }
      // Stratified: one sample of each class in each half.
      expect(Array.from(got.yTest.data).sort()).toEqual([0, 1]);
      expect(Array.from(selectRows(y, [3, 0]).data)).toEqual([1, 0]);
    });
  }

  it('keeps float32 data float32 (no copy into float64), whatever the form of the labels', () => {
    const x = { data: Float32Array.from(nested.flat()), rows: 4 };
    const s = trainTestSplit(x, Float32Array.from(labels), { testFraction: 0.5, seed: 1 });
    expect(s.xTrain.data).toBeInstanceOf(Float32Array);
    expect(s.yTest.data).toBeInstanceOf(Float32Array);
    expect(Standardizer.fit(x).apply(x).data).toBeInstanceOf(Float32Array);
  });

  it('refuses what fit refuses, naming the argument, the row or the cell', () => {
    expect(() => Standardizer.fit([[1, 2], [3]])).toThrow(/^Standardizer\.fit: x\[1\] has 1 values, expected 2 as in x\[0\]$/);
    expect(() =>
      Standardizer.fit([
        [1, 2],
        [3, '4' as unknown as number],
      ]),
    ).toThrow(/^Standardizer\.fit: x\[1\]\[1\] must be a number, got '4'$/);
    // eslint-disable-next-line no-sparse-arrays
    expect(() => Standardizer.fit([[1, 2], [3, ,] as number[]])).toThrow(
      /^Standardizer\.fit: x\[1\]\[1\] must be a number, got undefined$/,
    );
    expect(() => Standardizer.fit([])).toThrow(/^Standardizer\.fit: x is empty; it needs at least one row$/);
    expect(() => Standardizer.fit([[]])).toThrow(/^Standardizer\.fit: x\[0\] is empty/);
    // A flat array is one column only where fit reads it so: targets, not samples.
    expect(() => Standardizer.fit([1, 2, 3] as unknown as number[][])).toThrow(
      /^Standardizer\.fit: x must be number\[\]\[\] or \{ data, rows, cols\? \}, got an array of length 3$/,
    );
    expect(() => trainTestSplit(nested, [0, 1, 'a' as unknown as number, 1], { testFraction: 0.5, seed: 1 })).toThrow(
      /^trainTestSplit: y\[2\] must be a number, got 'a'$/,
    );
    expect(() => trainTestSplit(nested, [0, 1, 1], { testFraction: 0.5, seed: 1 })).toThrow(/y\.rows must equal x\.rows = 4, got 3/);
    expect(() => trainTestSplit({ data: [1, 2, 3], rows: 2 }, labels, { testFraction: 0.5, seed: 1 })).toThrow(
      /^trainTestSplit: x\.data\.length must be a positive multiple of rows = 2, got 3$/,
    );
    expect(() => trainTestSplit(reference, null as never, { testFraction: 0.5, seed: 1 })).toThrow(
      /^trainTestSplit: y must be number\[\]\[\] or \{ data, rows, cols\? \} or a flat array of numbers \(one column\), got null$/,
    );
  });
});
