import { describe, it, expect } from 'vitest';
import { gzipSync } from 'node:zlib';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseIdx, readIdx } from '../../src/data/idx.js';
import type { ByteSource } from '../../src/data/source.js';
import { idxBytes } from './helpers.js';

const images = Array.from({ length: 2 * 3 * 4 }, (_, i) => i * 10);

describe('parseIdx', () => {
  it('parses 1-D labels and 3-D images', () => {
    const labels = parseIdx(idxBytes([5], [3, 1, 4, 1, 5]));
    expect(labels.dims).toEqual([5]);
    expect(Array.from(labels.data)).toEqual([3, 1, 4, 1, 5]);
    const img = parseIdx(idxBytes([2, 3, 4], images));
    expect(img.dims).toEqual([2, 3, 4]);
    expect(Array.from(img.data)).toEqual(images);
  });

  it('refuses what is not bytes with a message naming the argument, not a raw TypeError', () => {
    expect(() => parseIdx(null as never)).toThrow(/^parseIdx: buffer: bytes must be a Uint8Array of the file's contents, got null$/);
    expect(() => parseIdx(undefined as never, 'labels.idx')).toThrow(
      /^parseIdx: labels\.idx: bytes must be a Uint8Array of the file's contents, got undefined$/,
    );
    const buffer = idxBytes([2], [1, 2]).buffer;
    expect(() => parseIdx(buffer as never)).toThrow(
      /bytes must be a Uint8Array .*\(wrap an ArrayBuffer: new Uint8Array\(buffer\)\), got an object \(ArrayBuffer\)$/,
    );
    expect(() => parseIdx('train-labels.idx1-ubyte' as never)).toThrow(/\(readIdx reads a path or URL\), got 'train-labels\.idx1-ubyte'$/);
    expect(() => parseIdx([0, 0, 8, 1] as never)).toThrow(/got an array of length 4$/);
  });

  it('rejects short, foreign, unsupported and wrongly sized buffers with specific messages', () => {
    expect(() => parseIdx(new Uint8Array([0, 0, 8]))).toThrow(/buffer: too short .*need at least 4 bytes, got 3/);
    expect(() => parseIdx(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 1]))).toThrow(/not an idx file: magic number 0x89504e47/);
    expect(() => parseIdx(idxBytes([1], [0, 0, 0, 0], 0x0d))).toThrow(/unsupported idx data type 0x0d \(float32\)/);
    expect(() => parseIdx(idxBytes([], []))).toThrow(/0 dimensions/);
    const noDims = idxBytes([2, 3, 4], images).subarray(0, 10);
    expect(() => parseIdx(noDims)).toThrow(/declares 3 dimensions, so needs 16 bytes, but the file has only 10/);
    expect(() => parseIdx(idxBytes([2, 0], []))).toThrow(/dimension 1 is 0/);
    const full = idxBytes([2, 3, 4], images);
    expect(() => parseIdx(full.subarray(0, full.length - 5))).toThrow(/truncated: dims \[2, 3, 4\] expected 24 bytes of data, got 19/);
    expect(() => parseIdx(idxBytes([2, 3, 4], [...images, 0]))).toThrow(/too long: .*expected 24 bytes of data, got 25/);
  });
});

describe('readIdx', () => {
  it('reads plain and gzipped bytes, paths and file URLs alike', async () => {
    const plain = idxBytes([2, 3, 4], images);
    const gz = new Uint8Array(gzipSync(plain));
    expect(gz[0]).toBe(0x1f);
    const dir = await mkdtemp(join(tmpdir(), 'idx-'));
    const file = join(dir, 'x-idx3-ubyte.gz');
    await writeFile(file, gz);
    const sources: ByteSource[] = [plain, plain.buffer as ArrayBuffer, gz, file, pathToFileURL(file), pathToFileURL(file).href];
    for (const source of sources) {
      const { dims, data } = await readIdx(source);
      expect(dims).toEqual([2, 3, 4]);
      expect(Array.from(data)).toEqual(images);
    }
  });

  it('names the source in errors', async () => {
    await expect(readIdx('/no/such/file-idx1-ubyte')).rejects.toThrow(/readIdx: \/no\/such\/file-idx1-ubyte: cannot read file/);
    const corrupt = new Uint8Array(gzipSync(idxBytes([3], [1, 2, 3]))).subarray(0, 12);
    await expect(readIdx(corrupt)).rejects.toThrow(/readIdx: buffer: gzip decompression failed/);
    const dir = await mkdtemp(join(tmpdir(), 'idx-'));
    const file = join(dir, 'short-idx1-ubyte');
    await writeFile(file, idxBytes([3], [1, 2, 3]).subarray(0, 10));
    await expect(readIdx(file)).rejects.toThrow(new RegExp(`${file}: truncated: .*expected 3 bytes of data, got 2`));
  });
});
