/**
 * Nothing is saved that would not load. A save is atomic, so a file that load() refuses would
 * replace the last good one: saving refuses instead, the old file stays, callbacks (which may
 * save checkpoints) never see a non-finite weight, and the standardizer refuses data it cannot
 * represent rather than fitting std = Infinity (which JSON writes as null).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ANN, matrix, Standardizer } from '../src/index.js';
import { internalsOf } from '../src/ann.js';

const dir = mkdtempSync(join(tmpdir(), 'bpw-saves-'));

describe('a network whose weights are not finite', () => {
  for (const backend of ['wasm', 'js'] as const) {
    it(`is refused by save, toFile and toJSON (${backend}), and the previous file stays as it was`, async () => {
      const net = await ANN.create({ layers: [3, 4, 1], seed: 5, backend });
      const file = join(dir, `model-${backend}.json`);
      await net.save(file);
      const before = readFileSync(file, 'utf8');
      const saved = net.getWeights();
      const { parameters, kernels } = internalsOf(net).network();
      kernels.view(parameters[2].value)[1] = Infinity; // W2[1], as an overflowing update leaves it
      await expect(net.save(file)).rejects.toThrow(
        /^save: refused, because the saved model would not load: the model: weights\[1\]\.W\[1\] must be a finite number, got Infinity; the file was not written$/,
      );
      expect(() => net.toFile()).toThrow(/^toFile: refused, .*weights\[1\]\.W\[1\] must be a finite number, got Infinity$/);
      expect(() => net.toJSON()).toThrow(/^toJSON: refused, .*weights\[1\]\.W\[1\] must be a finite number, got Infinity$/);
      expect(readFileSync(file, 'utf8')).toBe(before);
      const loaded = await ANN.load(file, { backend });
      expect(loaded.getWeights()).toEqual(saved);
      loaded.dispose();
      net.dispose();
    });
  }
});

describe('callbacks during fit', () => {
  it('never see a non-finite weight: an update that overflows stops training at once, rolled back', async () => {
    // A linear unit on inputs of 1e10 at a learning rate of 1e30: the first update's loss is
    // finite, the weights it leaves overflow float32.
    const x = matrix(
      Float32Array.from({ length: 40 }, (_, i) => (i % 2 ? 1e10 : -1e10)),
      20,
      2,
    );
    const y = matrix(
      Float32Array.from({ length: 20 }, (_, i) => i),
      20,
      1,
    );
    const net = await ANN.create({ layers: [2, 1], output: 'identity', seed: 3 });
    const start = net.getWeights();
    const seen: boolean[] = [];
    const file = join(dir, 'checkpoint.json');
    await net.save(file);
    const good = readFileSync(file, 'utf8');
    const fit = net.fit(x, y, {
      epochs: 2,
      batchSize: 5,
      learningRate: 1e30,
      onBatchEnd: async () => {
        seen.push(net.getWeights().every(({ W, b }) => [...W, ...b].every(Number.isFinite)));
        await net.save(file);
      },
    });
    await expect(fit).rejects.toThrow(/^fit: training diverged in epoch 1, batch 1: /);
    expect(seen).toEqual([]);
    expect(net.getWeights()).toEqual(start);
    expect(readFileSync(file, 'utf8')).toBe(good);
    net.dispose();
  });
});

describe('Standardizer.fit on finite values of any size', () => {
  it('gives a finite standard deviation where squaring the deviations would overflow, and it saves and loads', async () => {
    const x = matrix(Float64Array.from([1e200, 1, -1e200, 2, 3e200, 3]), 3, 2);
    const s = Standardizer.fit(x);
    // mean 1e200; deviations 0, −2e200, 2e200: std = 2e200·√(2/3)
    expect(s.mean[0]).toBe(1e200);
    expect(Math.abs(s.std[0] / (2e200 * Math.sqrt(2 / 3)) - 1)).toBeLessThan(1e-15);
    expect(s.std[1]).toBe(Math.sqrt(2 / 3));
    const net = await ANN.create({ layers: [2, 1], seed: 1, precision: 'f64', standardizer: s });
    const file = join(dir, 'large.json');
    await net.save(file);
    const loaded = await ANN.load(file);
    expect(loaded.standardizer!.std).toEqual(s.std);
    expect(loaded.predict(x).data).toEqual(net.predict(x).data);
    net.dispose();
    loaded.dispose();
  });

  it('takes the mean of values whose sum overflows', () => {
    const s = Standardizer.fit(matrix(Float64Array.from([1.5e308, 1.5e308, 1.2e308]), 3, 1));
    expect(Math.abs(s.mean[0] / 1.4e308 - 1)).toBeLessThan(1e-15);
    expect(Number.isFinite(s.std[0]) && s.std[0] > 0).toBe(true);
  });

  it('refuses a column whose spread a double cannot hold, naming it', () => {
    const x = matrix(Float64Array.from([0, 1.7e308, 0, -1.7e308, 0, 1.7e308]), 3, 2);
    expect(() => Standardizer.fit(x)).toThrow(
      /^Standardizer\.fit: column 1 cannot be standardized: its values \(from -1\.7e\+308 to 1\.7e\+308\) spread by a standard deviation of Infinity, which a double cannot hold$/,
    );
  });
});
