/** The real data sets of the reference experiments, prepared as the write-ups prepare them. */
import { loadDelimited, loadMnist, matrix, selectClasses, selectRows, type Matrix } from '../../src/index.js';

/** R1: the 5s (label 1) and 8s (label 0) of one MNIST set, pixels scaled to [0, 1]. */
export async function mnistFivesAndEights(set: 'train' | 'test'): Promise<{ x: Matrix; y: Matrix }> {
  const { images, labels } = await loadMnist({ set, digits: [5, 8] });
  return selectClasses(images, labels, 784, 5, 8, { scale: 255 });
}

const SEEDS = new URL('../../../shared/data/seeds_dataset.txt', import.meta.url);

/** The UCI seeds data: 210 kernels × 7 measurements, varieties 1, 2, 3 (as in the file). */
export async function seeds(): Promise<{ x: Matrix; labels: number[] }> {
  const { x, labels } = await loadDelimited(SEEDS, { labelColumn: -1 });
  return { x, labels: labels! };
}

/** Two varieties of the seeds data as a binary problem: `positive` → 1, `negative` → 0. */
export async function seedsTwoVarieties(positive: number, negative: number): Promise<{ x: Matrix; y: Matrix }> {
  const { x, labels } = await seeds();
  const keep = labels.flatMap((l, i) => (l === positive || l === negative ? [i] : []));
  const y = Float32Array.from(keep, (i) => (labels[i] === positive ? 1 : 0));
  return { x: selectRows(x, keep), y: matrix(y, keep.length, 1) };
}
