/**
 * R1 — the headline experiment: a 784-196-1 sigmoid network with binary cross-entropy tells MNIST
 * 5s from 8s (11,272 training images, 1,866 test images), about 96% train and test accuracy.
 * The experiment is examples/experiments/r1-mnist.js (npm start runs it too); in vitest its
 * 'backprop-wasm' is src/index.ts (vitest.config.ts).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { DEEPER_LAYERS, FULL_BATCH, fullBatch, LAYERS, loadData, minibatch, MINIBATCH } from '../examples/experiments/r1-mnist.js';

let data: Awaited<ReturnType<typeof loadData>>;

beforeAll(async () => {
  data = await loadData();
});

describe(`R1: MNIST 5 vs 8 with a ${LAYERS.join('-')} sigmoid network and binary cross-entropy`, () => {
  it('uses the real data: 11,272 training and 1,866 test images of 784 pixels in [0, 1]', () => {
    const { train, test } = data;
    expect([train.x.rows, train.x.cols, test.x.rows]).toEqual([11272, 784, 1866]);
    expect(Math.max(...train.x.data.subarray(0, 784 * 10))).toBeLessThanOrEqual(1);
    // 5421 fives are labelled 1, 5851 eights 0.
    expect(Array.from(train.y.data).reduce((a, b) => a + b, 0)).toBe(5421);
  });

  it('minibatch SGD reaches ≥ 96% train and ≥ 96% test accuracy', async () => {
    const { history, train, test } = await minibatch(data, { epochs: 3 });
    const seconds = history.reduce((s, h) => s + h.seconds, 0);
    console.log(
      `R1 minibatch (batch ${MINIBATCH.batchSize}, lr ${MINIBATCH.learningRate}): ${history.length} epochs in ${seconds.toFixed(2)} s; train ${(100 * train.accuracy!).toFixed(2)}%, test ${(100 * test.accuracy!).toFixed(2)}%`,
    );
    expect(train.accuracy).toBeGreaterThanOrEqual(0.96);
    expect(test.accuracy).toBeGreaterThanOrEqual(0.96);
    // The loss falls from epoch to epoch.
    for (let i = 1; i < history.length; i++) expect(history[i].loss).toBeLessThan(history[i - 1].loss);
  });

  // Full-batch gradient descent, as the write-up does it: one step per pass over all 11,272 images.
  const { epochs: ITERATIONS, learningRate: RATE } = FULL_BATCH;
  let shallow: { loss: number; accuracy: number };

  it(`full-batch gradient descent also converges (${ITERATIONS} iterations, learning rate ${RATE})`, async () => {
    const { history, train, test } = await fullBatch(data);
    shallow = { loss: train.loss, accuracy: train.accuracy! };
    console.log(
      `R1 full batch: loss ${history[0].loss.toFixed(3)} → ${train.loss.toFixed(3)} in ${ITERATIONS} iterations, ${history.reduce((s, h) => s + h.seconds, 0).toFixed(1)} s; train ${(100 * train.accuracy!).toFixed(2)}%, test ${(100 * test.accuracy!).toFixed(2)}%`,
    );
    expect(train.loss).toBeLessThan(history[0].loss / 3);
    expect(train.accuracy).toBeGreaterThanOrEqual(0.95);
    expect(test.accuracy).toBeGreaterThanOrEqual(0.95);
  });

  it(`the deeper array ${DEEPER_LAYERS.join('-')} does worse with the same data, iterations and learning rate`, async () => {
    const { train: deep } = await fullBatch(data, { layers: DEEPER_LAYERS });
    console.log(
      `R1 deeper array: train loss ${deep.loss.toFixed(3)} (vs ${shallow.loss.toFixed(3)}), accuracy ${(100 * deep.accuracy!).toFixed(2)}% (vs ${(100 * shallow.accuracy).toFixed(2)}%)`,
    );
    expect(deep.loss).toBeGreaterThan(shallow.loss);
    expect(deep.accuracy!).toBeLessThan(shallow.accuracy);
  });
});
