/**
 * Holes in arrays (`[3, , 1]`) are refused like any other missing value: forEach, map, every and
 * some skip holes, so a check written with them let such arrays through, into networks that
 * trained to nothing or computed different functions on the two backends, and saved files that
 * did not load.
 */
import { describe, expect, it } from 'vitest';
import { ANN, oneHot } from '../src/index.js';

describe('arrays with holes', () => {
  for (const backend of ['wasm', 'js'] as const) {
    it(`ANN.create refuses a hole in layers or activation, naming the index (${backend})`, async () => {
      await expect(ANN.create({ layers: [3, , 1] as number[], backend })).rejects.toThrow(
        /^ANN\.create: options\.layers\[1\] must be a positive integer, got undefined$/,
      );
      await expect(ANN.create({ layers: [3, 4, 4, 1], activation: [, 'relu'] as never, backend })).rejects.toThrow(
        /^ANN\.create: options\.activation\[0\] must be one of 'identity', 'sigmoid', 'tanh', 'relu', 'leakyRelu', got undefined$/,
      );
    });
  }

  it('setWeights and fromJSON refuse a hole in the layer list or in a layer', async () => {
    const net = await ANN.create({ layers: [2, 2, 1], seed: 1 });
    const [first, second] = net.getWeights();
    const before = net.getWeights();
    expect(() => net.setWeights([, second] as never)).toThrow(/^setWeights\[0\] must be \{ W, b \}, got undefined$/);
    expect(() => net.setWeights([first, { W: [1, ,], b: [0] }] as never)).toThrow(
      /^setWeights\[1\]\.W\[1\] must be a finite number, got undefined$/,
    );
    expect(() =>
      net.setWeights([
        {
          W: [
            [1, 2],
            [3, ,],
          ],
          b: [0, 0],
        },
        second,
      ] as never),
    ).toThrow(/^setWeights\[0\]\.W\[1\]\[1\] must be a finite number, got undefined$/);
    expect(net.getWeights()).toEqual(before);
    const json = net.toJSON();
    await expect(ANN.fromJSON({ ...json, layers: [2, , 1] as number[] })).rejects.toThrow(
      /^ANN\.fromJSON: layers\[1\] must be a positive integer, got undefined$/,
    );
    await expect(ANN.fromJSON({ ...json, weights: [json.weights[0], ,] as never })).rejects.toThrow(
      /^ANN\.fromJSON: weights\[1\] must be \{ W, b \}, got undefined$/,
    );
    net.dispose();
  });

  it('oneHot refuses a hole in its class list', () => {
    expect(() => oneHot([0, 1], [0, , 1] as number[])).toThrow(/^oneHot: classes must be a number or a non-empty array of numbers/);
  });
});
