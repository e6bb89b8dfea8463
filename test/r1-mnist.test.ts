/**
 * R1 — the headline experiment: a 784-196-1 sigmoid network with binary cross-entropy tells MNIST
 * 5s from 8s (11,272 training images, 1,866 test images), about 96% train and test accuracy.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ANN, type Matrix } from '../src/index.js';
import { mnistFivesAndEights } from './helpers/datasets.js';

let train: { x: Matrix; y: Matrix };
let test: { x: Matrix; y: Matrix };

beforeAll(async () => {
  train = await mnistFivesAndEights('train');
  test = await mnistFivesAndEights('test');
});

const sigmoidNet = (layers: number[]) =>
  ANN.create({ layers, activation: 'sigmoid', output: 'sigmoid', loss: 'binaryCrossEntropy', seed: 1 });

describe('R1: MNIST 5 vs 8 with a 784-196-1 sigmoid network and binary cross-entropy', () => {
  it('uses the real data: 11,272 training and 1,866 test images of 784 pixels in [0, 1]', () => {
    expect([train.x.rows, train.x.cols, test.x.rows]).toEqual([11272, 784, 1866]);
    expect(Math.max(...train.x.data.subarray(0, 784 * 10))).toBeLessThanOrEqual(1);
    // 5421 fives are labelled 1, 5851 eights 0.
    expect(train.y.data.reduce((a, b) => a + b, 0)).toBe(5421);
  });

  it('minibatch SGD reaches ≥ 96% train and ≥ 96% test accuracy', async () => {
    const net = await sigmoidNet([784, 196, 1]);
    const history = await net.fit(train.x, train.y, { epochs: 3, batchSize: 32, learningRate: 0.5 });
    const trainEval = net.evaluate(train.x, train.y);
    const testEval = net.evaluate(test.x, test.y);
    const seconds = history.reduce((s, h) => s + h.seconds, 0);
    console.log(
      `R1 minibatch (batch 32, lr 0.5): ${history.length} epochs in ${seconds.toFixed(2)} s; train ${(100 * trainEval.accuracy!).toFixed(2)}%, test ${(100 * testEval.accuracy!).toFixed(2)}%`,
    );
    expect(trainEval.accuracy).toBeGreaterThanOrEqual(0.96);
    expect(testEval.accuracy).toBeGreaterThanOrEqual(0.96);
    // The loss falls from epoch to epoch.
    for (let i = 1; i < history.length; i++) expect(history[i].loss).toBeLessThan(history[i - 1].loss);
    net.dispose();
  });

  // Full-batch gradient descent, as the write-up does it: one step per pass over all 11,272 images.
  const ITERATIONS = 60;
  const RATE = 2;
  let shallow: { loss: number; accuracy: number };

  it(`full-batch gradient descent also converges (${ITERATIONS} iterations, learning rate ${RATE})`, async () => {
    const net = await sigmoidNet([784, 196, 1]);
    const history = await net.fit(train.x, train.y, { epochs: ITERATIONS, batchSize: train.x.rows, learningRate: RATE });
    const trainEval = net.evaluate(train.x, train.y);
    const testEval = net.evaluate(test.x, test.y);
    shallow = { loss: trainEval.loss, accuracy: trainEval.accuracy! };
    console.log(
      `R1 full batch: loss ${history[0].loss.toFixed(3)} → ${trainEval.loss.toFixed(3)} in ${ITERATIONS} iterations, ${history.reduce((s, h) => s + h.seconds, 0).toFixed(1)} s; train ${(100 * trainEval.accuracy!).toFixed(2)}%, test ${(100 * testEval.accuracy!).toFixed(2)}%`,
    );
    expect(trainEval.loss).toBeLessThan(history[0].loss / 3);
    expect(trainEval.accuracy).toBeGreaterThanOrEqual(0.95);
    expect(testEval.accuracy).toBeGreaterThanOrEqual(0.95);
    net.dispose();
  });

  it('the deeper array 784-196-98-49-1 does worse with the same data, iterations and learning rate', async () => {
    const net = await sigmoidNet([784, 196, 98, 49, 1]);
    await net.fit(train.x, train.y, { epochs: ITERATIONS, batchSize: train.x.rows, learningRate: RATE });
    const deep = net.evaluate(train.x, train.y);
    console.log(
      `R1 deeper array: train loss ${deep.loss.toFixed(3)} (vs ${shallow.loss.toFixed(3)}), accuracy ${(100 * deep.accuracy!).toFixed(2)}% (vs ${(100 * shallow.accuracy).toFixed(2)}%)`,
    );
    expect(deep.loss).toBeGreaterThan(shallow.loss);
    expect(deep.accuracy!).toBeLessThan(shallow.accuracy);
    net.dispose();
  });
});
