// The UCI seeds data (210 kernels × 7 measurements, varieties 1, 2, 3), loaded for the R2 and R5
// examples exactly as test/helpers/datasets.ts prepares it.
import { loadDelimited, matrix, selectRows } from 'backprop-wasm';

const SEEDS = new URL('../../shared/data/seeds_dataset.txt', import.meta.url);

/** All 210 kernels: x (210 × 7) and their varieties 1, 2, 3 as in the file. */
export async function seeds() {
  const { x, labels } = await loadDelimited(SEEDS, { labelColumn: -1 });
  return { x, labels };
}

/** Two varieties as a binary problem: `positive` → 1, `negative` → 0. */
export async function seedsTwoVarieties(positive, negative) {
  const { x, labels } = await seeds();
  const keep = labels.flatMap((l, i) => (l === positive || l === negative ? [i] : []));
  const y = Float32Array.from(keep, (i) => (labels[i] === positive ? 1 : 0));
  return { x: selectRows(x, keep), y: matrix(y, keep.length, 1) };
}

/** Percent with one decimal. */
export const pct = (a) => `${(100 * a).toFixed(1)}%`;
