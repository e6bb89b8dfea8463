/**
 * The sparse first layer's gradient by row list (a bag of words: few of many inputs in a batch):
 * the kernels against whole-array references, and training through the API — plain SGD updating
 * the listed rows alone, momentum and Adam the whole arrays — equal bit for bit to the dense path
 * ('never'), with batches that switch between listed, whole and dense passes, and gradients()
 * afterwards still the whole gradient.
 */
import { describe, expect, it } from 'vitest';
import { ANN } from '../src/index.js';
import { internalsOf } from '../src/ann.js';
import { JsKernels } from '../src/backend/js.js';
import type { BackendName, Kernels, Precision } from '../src/backend/kernels.js';
import { WasmKernels } from '../src/backend/wasm.js';
import { LISTED_MAX_SHARE } from '../src/core/sparse-input.js';
import { firstDifference, randomArray } from './helpers/compare.js';

describe('row-list kernels', () => {
  for (const precision of ['f32', 'f64'] as const) {
    it(`nonEmptyColumns, zeroRows, sgdUpdateRows, adamUpdateRows and the listed product against the whole-array kernels (${precision})`, async () => {
      const wasm = await WasmKernels.create(precision);
      try {
        for (const k of [wasm, new JsKernels(precision)] as Kernels[]) {
          // A CSC of 13 columns (a vector's worth and a tail) over 5 rows, columns 0, 4, 5, 11, 12 empty.
          const counts = [0, 2, 1, 3, 0, 0, 1, 2, 1, 1, 2, 0, 0];
          const starts = [0];
          for (const c of counts) starts.push(starts[starts.length - 1] + c);
          const nnz = starts[13];
          const colStart = k.allocIndices(14);
          k.indexView(colStart).set(starts);
          const rowIndex = k.allocIndices(nnz);
          const rows = Array.from({ length: nnz }, (_, e) => e % 5);
          k.indexView(rowIndex).set(rows);
          const values = k.alloc(nnz);
          k.view(values).set(randomArray(nnz, 3));
          const list = k.allocIndices(13);
          const count = k.nonEmptyColumns(colStart, 13, list);
          const nonEmpty = counts.flatMap((c, i) => (c > 0 ? [i] : []));
          expect(Array.from(k.indexView(list).subarray(0, count)), k.name).toEqual(nonEmpty);

          const width = 7;
          const d = k.alloc(5 * width);
          k.view(d).set(randomArray(5 * width, 4));
          const whole = k.alloc(13 * width);
          k.cscTransposeMatmul(colStart, rowIndex, values, 5, d, width, whole, 0, 13, false);
          const listed = k.alloc(13 * width);
          k.cscTransposeMatmulListed(colStart, rowIndex, values, 5, d, width, listed, list, 0, count);
          expect(firstDifference(k.view(listed), k.view(whole)), `${k.name}: first value of the listed product that differs`).toBe(-1);

          const w1 = k.alloc(13 * width);
          const w2 = k.alloc(13 * width);
          const start = randomArray(13 * width, 5);
          k.view(w1).set(start);
          k.view(w2).set(start);
          k.sgdUpdate(w1, whole, k.alloc(0), 13 * width, 0.3, 0, false, 0);
          k.sgdUpdateRows(w2, whole, width, list, count, 0.3);
          expect(firstDifference(k.view(w2), k.view(w1)), `${k.name}: first weight that differs`).toBe(-1);

          // Adam by rows: rows outside the list have a zero gradient and zero moments (as a row no
          // batch has had), where the whole-array update leaves w as it is.
          const gradient = k.alloc(13 * width);
          k.view(gradient).set(k.view(whole));
          const [a1, a2] = [k.alloc(13 * width), k.alloc(13 * width)];
          k.view(a1).set(start);
          k.view(a2).set(start);
          const moments = [1, 2, 3, 4].map(() => k.alloc(13 * width));
          const [m1, v1, m2, v2] = moments;
          const listedRows = new Set(k.indexView(list).subarray(0, count));
          for (const [i, b] of moments.entries()) {
            const values = randomArray(13 * width, 6 + (i % 2)).map(Math.abs);
            for (let r = 0; r < 13; r++) if (!listedRows.has(r)) values.fill(0, r * width, (r + 1) * width);
            k.view(b).set(values);
          }
          const adam = [0.01 / (1 - 0.9 ** 3), 0.9, 0.999, 1e-8, Math.sqrt(1 - 0.999 ** 3)] as const;
          const stored = k.view(a2).slice();
          k.adamUpdate(a1, gradient, m1, v1, 13 * width, ...adam, 0, 1);
          k.adamUpdateRows(a2, gradient, m2, v2, width, list, count, ...adam);
          expect(firstDifference(k.view(a2), k.view(a1)), `${k.name}: first Adam weight that differs`).toBe(-1);
          expect(firstDifference(k.view(m2), k.view(m1)), `${k.name}: first moment that differs`).toBe(-1);
          expect(firstDifference(k.view(v2), k.view(v1)), `${k.name}: second moment that differs`).toBe(-1);
          const moved = (r: number) =>
            k
              .view(a2)
              .subarray(r * width, (r + 1) * width)
              .some((x, j) => x !== stored[r * width + j]);
          expect(
            Array.from({ length: 13 }, (_, r) => moved(r)),
            `${k.name}: the rows Adam moved`,
          ).toEqual(counts.map((c) => c > 0));

          k.zeroRows(listed, width, list, count);
          expect(
            k.view(listed).every((v) => v === 0),
            `${k.name}: zeroRows`,
          ).toBe(true);
        }
      } finally {
        wasm.dispose();
      }
    });
  }
});

describe('the listed weight gradient against the whole one, every width and depth', () => {
  for (const precision of ['f32', 'f64'] as const) {
    it(`units 1, 3, 4, 7, 37, 199; batches of 3, 256 (one depth block) and 300 (two) (${precision})`, async () => {
      const wasm = await WasmKernels.create(precision);
      try {
        for (const k of [wasm, new JsKernels(precision)] as Kernels[]) {
          for (const m of [3, 256, 300]) {
            // X (m × 40) in CSC: column c holds rows r with (r·7 + c·3) % 5 === 0 (a fifth of them), columns 0 and 39 empty.
            const starts = [0];
            const rowsOf: number[] = [];
            for (let c = 0; c < 40; c++) {
              if (c > 0 && c < 39) for (let r = 0; r < m; r++) if ((r * 7 + c * 3) % 5 === 0) rowsOf.push(r);
              starts.push(rowsOf.length);
            }
            const colStart = k.allocIndices(41);
            k.indexView(colStart).set(starts);
            const rowIndex = k.allocIndices(Math.max(1, rowsOf.length));
            k.indexView(rowIndex).set(rowsOf);
            const values = k.alloc(Math.max(1, rowsOf.length));
            k.view(values).set(randomArray(rowsOf.length, 31));
            const list = k.allocIndices(40);
            const count = k.nonEmptyColumns(colStart, 40, list);
            for (const width of [1, 3, 4, 7, 37, 199]) {
              const mark = k.mark();
              const d = k.alloc(m * width);
              k.view(d).set(randomArray(m * width, 32));
              const whole = k.alloc(40 * width);
              k.cscTransposeMatmul(colStart, rowIndex, values, m, d, width, whole, 0, 40, false);
              const listed = k.alloc(40 * width);
              k.cscTransposeMatmulListed(colStart, rowIndex, values, m, d, width, listed, list, 0, count);
              expect(firstDifference(k.view(listed), k.view(whole)), `${k.name}, batch ${m}, ${width} units`).toBe(-1);
              k.release(mark);
            }
          }
        }
      } finally {
        wasm.dispose();
      }
    });
  }
});

/** `rows` documents of `perRow` words among `cols`, the first `denseRows` of them with every word (a batch that is not sparse). */
function bagOfWords(rows: number, cols: number, perRow: number, denseRows: number, seed: number) {
  let s = seed;
  const next = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0);
  const x = new Float64Array(rows * cols);
  const y: number[] = [];
  for (let r = 0; r < rows; r++) {
    if (r < denseRows) for (let c = 0; c < cols; c++) x[r * cols + c] = ((next() % 7) + 1) / 8;
    else for (let i = 0; i < perRow; i++) x[r * cols + (next() % cols)] = ((next() % 3) + 1) / 2;
    let low = 0;
    for (let c = 0; c < cols / 2; c++) low += x[r * cols + c];
    y.push(low > perRow / 2 ? 1 : 0);
  }
  return { x: { data: x, rows, cols }, y };
}

async function trained(
  backend: BackendName,
  precision: Precision,
  mode: 'auto' | 'never',
  data: ReturnType<typeof bagOfWords>,
  fit: object,
) {
  const net = await ANN.create({
    layers: [data.x.cols, 5, 1],
    activation: 'relu',
    output: 'sigmoid',
    loss: 'binaryCrossEntropy',
    seed: 2,
    backend,
    precision,
    sparseInput: mode,
    threads: 1,
  });
  try {
    await net.fit(data.x, data.y, { epochs: 3, batchSize: 8, shuffle: true, ...fit });
    const listed = internalsOf(net).network().parameters[0].gradientRows !== null;
    const gradients = net.gradients(data.x, data.y).flatMap((g) => [...g.dW, ...g.db]);
    return { weights: net.getWeights().flatMap((l) => [...l.W, ...l.b]), gradients, listed };
  } finally {
    net.dispose();
  }
}

describe('training a bag of words by row lists', () => {
  // 300 inputs, batches of 8 documents of 6 words: about 48 of 300 present, far below the listed share.
  const data = bagOfWords(90, 300, 6, 0, 11);
  const mixed = bagOfWords(90, 300, 6, 9, 12);
  expect(8 * 6).toBeLessThan(LISTED_MAX_SHARE * 300);
  const cases: [string, object][] = [
    ['plain SGD (the listed rows alone updated)', { learningRate: 0.4 }],
    ['SGD with momentum (whole arrays)', { optimizer: { name: 'sgd', learningRate: 0.1, momentum: 0.9 } }],
    ['SGD with weight decay (whole arrays)', { optimizer: { name: 'sgd', learningRate: 0.1, weightDecay: 0.01 } }],
    ['Adam', { optimizer: 'adam', learningRate: 0.01 }],
  ];
  const runs: [BackendName, Precision][] = [
    ['wasm', 'f32'],
    ['wasm', 'f64'],
    ['js', 'f64'],
  ];
  for (const [backend, precision] of runs) {
    for (const [name, fit] of cases) {
      it(`${name}: the same weights and gradients as the dense path (${backend}, ${precision})`, async () => {
        for (const [what, d] of [
          ['sparse batches', data],
          ['some batches dense', mixed],
        ] as const) {
          const auto = await trained(backend, precision, 'auto', d, fit);
          const never = await trained(backend, precision, 'never', d, fit);
          expect(firstDifference(auto.weights, never.weights), `${what}: first weight that differs`).toBe(-1);
          expect(firstDifference(auto.gradients, never.gradients), `${what}: first gradient that differs`).toBe(-1);
        }
      });
    }
  }

  it('plain SGD with clipNorm: the same weights as the dense path (wasm, f32)', async () => {
    // f32 only: the global norm sums the squares in the layout's order (Wᵀ here, W on the dense
    // path), which in f64 differs from the dense path by rounding, listed rows or not (as on main
    // before row lists); in f32 the float64 sum of float32 squares rounds to the same scale here.
    for (const d of [data, mixed]) {
      const auto = await trained('wasm', 'f32', 'auto', d, { learningRate: 0.4, clipNorm: 0.05 });
      const never = await trained('wasm', 'f32', 'never', d, { learningRate: 0.4, clipNorm: 0.05 });
      expect(firstDifference(auto.weights, never.weights), 'first weight that differs').toBe(-1);
    }
  });

  it('Adam updates the rows of the inputs seen so far; a model saved in between resumes with the same rows (wasm, f32)', async () => {
    // Documents in order (no shuffle): words 200 … 299 occur only in the second half, so after
    // the first half their rows have zero moments, are skipped, and the saved file says so.
    const half = 48;
    const docs = bagOfWords(2 * half, 300, 6, 0, 13);
    for (let r = 0; r < half; r++) for (let c = 200; c < 300; c++) docs.x.data[r * 300 + c] = 0;
    const first = { data: docs.x.data.subarray(0, half * 300), rows: half, cols: 300 };
    const fit = { epochs: 1, batchSize: 8, shuffle: false, optimizer: 'adam', learningRate: 0.01 } as const;
    const make = (mode: 'auto' | 'never') =>
      ANN.create({
        layers: [300, 5, 1],
        activation: 'relu',
        output: 'sigmoid',
        loss: 'binaryCrossEntropy',
        seed: 4,
        sparseInput: mode,
        threads: 1,
      });
    const [auto, never] = [await make('auto'), await make('never')];
    const before = auto.getWeights()[0].W.slice();
    for (const net of [auto, never]) await net.fit(first, docs.y.slice(0, half), fit);
    const unseen = auto.getWeights()[0].W.filter((_, i) => i % 300 >= 200);
    expect(unseen, 'the rows of words not seen yet are as initialised').toEqual(before.filter((_, i) => i % 300 >= 200));
    const restored = await ANN.fromJSON(auto.toJSON());
    for (const net of [auto, never, restored]) await net.fit(docs.x, docs.y, fit);
    expect(
      firstDifference(restored.getWeights()[0].W, never.getWeights()[0].W),
      'restored against the dense path: first weight that differs',
    ).toBe(-1);
    expect(firstDifference(auto.getWeights()[0].W, never.getWeights()[0].W), 'first weight that differs').toBe(-1);
    expect(auto.getWeights()[0].W.filter((_, i) => i % 300 >= 200)).not.toEqual(unseen);
    for (const net of [auto, never, restored]) net.dispose();
  });

  it('a fit on sparse batches ends with the gradient listed; a dense first layer never lists', async () => {
    expect((await trained('wasm', 'f32', 'auto', data, { learningRate: 0.4 })).listed).toBe(true);
    expect((await trained('wasm', 'f32', 'never', data, { learningRate: 0.4 })).listed).toBe(false);
  });
});
