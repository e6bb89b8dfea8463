/**
 * Growing WebAssembly memory replaces its ArrayBuffer and empties every typed-array view made on
 * the old one. A view kept across a growth would read zeros and drop writes without an error, so
 * this test grows a network's memory in the middle of training and checks that nothing was lost.
 * On several threads the memory is shared: it grows between kernel calls, never while a worker
 * runs, and the workers (whose instances see the same memory) go on computing on the grown one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANN, selectRows, type Matrix } from '../src/index.js';
import { internalsOf } from '../src/ann.js';
import type { WasmKernels } from '../src/backend/wasm.js';
import { setPartMinimums } from '../src/backend/threaded.js';
import { seedsTwoVarieties } from './helpers/datasets.js';

const FIT = { epochs: 4, batchSize: 8, learningRate: 0.3 };
const OPTIONS = { layers: [7, 5, 1], activation: 'sigmoid', output: 'sigmoid', loss: 'binaryCrossEntropy', seed: 11 } as const;

describe.each([1, 2, 3])('memory growth in the middle of fit(), on %i thread(s)', (threads) => {
  // Every kernel call cut as finely as it goes, so that the workers run before and after the growth.
  let before: ReturnType<typeof setPartMinimums>;
  beforeAll(() => {
    before = setPartMinimums(1, 1);
  });
  afterAll(() => {
    setPartMinimums(before.gemm, before.elementwise);
  });

  it('loses no weight, gradient or batch: training goes on exactly as without it', async () => {
    const { x, y } = await seedsTwoVarieties(1, 3);
    const plain = await ANN.create({ ...OPTIONS, threads: 1 });
    const plainLogs = await plain.fit(x, y, FIT);

    const grown = await ANN.create({ ...OPTIONS, threads });
    expect(grown.threads).toBe(threads);
    const kernels = internalsOf(grown).network().kernels as WasmKernels;
    expect(kernels.memory.buffer instanceof SharedArrayBuffer, 'a shared memory exactly when on several threads').toBe(threads > 1);
    // 1,024 samples at once need a batch plan far larger than batches of 8: predicting them
    // between two training steps re-plans the batch buffers and grows the memory.
    const many: Matrix = selectRows(
      x,
      Array.from({ length: 1024 }, (_, i) => i % x.rows),
    );
    const sizes: number[] = [];
    const grownLogs = await grown.fit(x, y, {
      ...FIT,
      onBatchEnd: ({ epoch, batch }) => {
        if (epoch === 2 && batch === 3) {
          sizes.push(kernels.memoryBytes);
          grown.predict(many);
          sizes.push(kernels.memoryBytes);
        }
      },
    });
    expect(sizes[1], 'the predict call grew the wasm memory').toBeGreaterThan(sizes[0]);
    expect(grownLogs.map((l) => [l.loss, l.accuracy])).toEqual(plainLogs.map((l) => [l.loss, l.accuracy]));
    expect(grown.getWeights()).toEqual(plain.getWeights());
    expect(grown.predict(x).data).toEqual(plain.predict(x).data);
    plain.dispose();
    grown.dispose();
  });
});
