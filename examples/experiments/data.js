// The real data of the reference experiments (../../../shared/REFERENCE.md), prepared as the
// write-ups prepare them. Used by the experiments beside this file, and through them by the
// examples (examples/r*.js) and the tests (test/r*.test.ts, test/helpers/datasets.ts).
import { loadDelimited, loadMnist, matrix, selectClasses, selectRows } from 'backprop-wasm';

/** @typedef {import('backprop-wasm').Matrix} Matrix */
/** @typedef {{ x: Matrix, y: Matrix }} Labelled inputs x (one sample a row) and their targets y */

/**
 * R1: the 5s (label 1) and 8s (label 0) of one MNIST set, pixels scaled to [0, 1]. Only the 5s and
 * 8s are read from the file, and they are scaled while selected: the 47 MB training file is never
 * in memory whole, and the images exist once as floats.
 * @param {'train' | 'test'} set
 * @returns {Promise<Labelled>}
 */
export async function mnistFivesAndEights(set) {
  const { images, labels } = await loadMnist({ set, digits: [5, 8] });
  return selectClasses(images, labels, 784, 5, 8, { scale: 255 });
}

const SEEDS = new URL('../../data/seeds_dataset.txt', import.meta.url);

/**
 * The UCI seeds data: 210 kernels × 7 measurements, varieties 1, 2, 3 (as in the file).
 * @returns {Promise<{ x: Matrix, labels: number[] }>}
 */
export async function seeds() {
  const { x, labels } = await loadDelimited(SEEDS, { labelColumn: -1 });
  if (labels === null) throw new Error(`${SEEDS.pathname}: no label column`);
  return { x, labels };
}

/**
 * Two varieties of the seeds data as a binary problem: `positive` → 1, `negative` → 0.
 * @param {number} positive
 * @param {number} negative
 * @returns {Promise<Labelled>}
 */
export async function seedsTwoVarieties(positive, negative) {
  const { x, labels } = await seeds();
  const keep = labels.flatMap((l, i) => (l === positive || l === negative ? [i] : []));
  const y = Float32Array.from(keep, (i) => (labels[i] === positive ? 1 : 0));
  return { x: selectRows(x, keep), y: matrix(y, keep.length, 1) };
}
