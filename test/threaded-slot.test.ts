/**
 * A disposed threaded network hands its shared memory, instance and workers to the next threaded
 * network on the same build and thread count (src/backend/threaded-slot.ts), so that the kernels'
 * call sites keep seeing one instance's functions (bench/allocation.js: no allocation a step for
 * the second network of a process either). The network that takes them over computes what a
 * fresh one computes, the memory's old contents notwithstanding.
 */
import { describe, expect, it } from 'vitest';
import { threadedSlotsPooled } from '../src/backend/threaded-slot.js';
import { ANN } from '../src/index.js';
import { randomArray } from './helpers/compare.js';

const x = { rows: 40, cols: 30, data: randomArray(40 * 30, 3, 0, 1) };
const y = { rows: 40, cols: 1, data: Float64Array.from(randomArray(40, 4, 0, 1), (v) => (v > 0.5 ? 1 : 0)) };

async function trained(threads: number, optimizer: 'sgd' | 'adam') {
  const net = await ANN.create({ layers: [30, 20, 1], loss: 'binaryCrossEntropy', output: 'sigmoid', seed: 9, threads });
  await net.fit(x, y, { epochs: 3, batchSize: 8, optimizer, learningRate: 0.05 });
  return { net, weights: net.getWeights().map((l) => Array.from(l.W as ArrayLike<number>)) };
}

describe('threaded networks one after another', () => {
  it('the second takes over the first one’s memory, instance and workers, and computes the same', async () => {
    const first = await trained(2, 'adam');
    first.net.dispose();
    expect(threadedSlotsPooled()).toBe(1);
    // An SGD network in between dirties the memory it takes over.
    const between = await trained(2, 'sgd');
    expect(threadedSlotsPooled()).toBe(0);
    between.net.dispose();
    const again = await trained(2, 'adam');
    expect(again.net.threads).toBe(2);
    expect(again.weights).toEqual(first.weights);
    again.net.dispose();
    expect(threadedSlotsPooled()).toBe(1);
  });

  it('another thread count starts its own workers, and the kept set stays for its own count', async () => {
    const two = await trained(2, 'sgd');
    two.net.dispose();
    expect(threadedSlotsPooled()).toBe(1);
    const three = await trained(3, 'sgd');
    expect(three.net.threads).toBe(3);
    expect(threadedSlotsPooled()).toBe(1);
    const one = await trained(1, 'sgd');
    expect(three.weights).toEqual(one.weights);
    three.net.dispose();
    one.net.dispose();
    // The newest kept: the 3-thread set replaced the 2-thread one, whose workers were terminated.
    expect(threadedSlotsPooled()).toBe(1);
    const twoAgain = await trained(2, 'sgd');
    expect(twoAgain.weights).toEqual(two.weights);
    twoAgain.net.dispose();
  });

  it('a disposed network still refuses work when its workers went to the next', async () => {
    const { net } = await trained(2, 'sgd');
    net.dispose();
    const next = await trained(2, 'sgd');
    expect(() => net.predict([new Array(30).fill(0)])).toThrow(/disposed/);
    expect(next.net.predict([new Array(30).fill(0)]).data.length).toBe(1);
    next.net.dispose();
  });
});
