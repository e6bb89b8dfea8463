/**
 * Growing WebAssembly memory replaces its ArrayBuffer and empties every typed-array view made on
 * the old one. A view kept across a growth would read zeros and drop writes without an error, so
 * this test grows a network's memory in the middle of training and checks that nothing was lost.
 */
import { describe, expect, it } from 'vitest';
import { ANN, selectRows, type Matrix } from '../src/index.js';
import { internalsOf } from '../src/ann.js';
import type { WasmKernels } from '../src/backend/wasm.js';
import { seedsTwoVarieties } from './helpers/datasets.js';

const FIT = { epochs: 4, batchSize: 8, learningRate: 0.3 };
const OPTIONS = { layers: [7, 5, 1], activation: 'sigmoid', output: 'sigmoid', loss: 'binaryCrossEntropy', seed: 11 } as const;

describe('memory growth in the middle of fit()', () => {
  it('loses no weight, gradient or batch: training goes on exactly as without it', async () => {
    const { x, y } = await seedsTwoVarieties(1, 3);
    const plain = await ANN.create(OPTIONS);
    const plainLogs = await plain.fit(x, y, FIT);

    const grown = await ANN.create(OPTIONS);
    const kernels = internalsOf(grown).network().kernels as WasmKernels;
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
