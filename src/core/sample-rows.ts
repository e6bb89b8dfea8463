/**
 * A set of samples (rows of a Matrix) from which training gathers its batches. For training,
 * every row's view is made once, at the first gather, so that copying a batch into the kernels'
 * memory is one memcpy per sample and allocates nothing after that: a training step in steady
 * state creates no JS objects. For a single pass (predict, evaluate) no views are made; an
 * in-order block is copied through one subarray.
 */
import type { FloatArray, Matrix } from '../io/matrix.js';

/** Row views of arrays that were trained on, by array: they live as long as the array does. */
const VIEWS = new WeakMap<FloatArray, { cols: number; views: FloatArray[] }>();

/** Below this many values per row, a plain loop copies faster than a call to set(). */
const VIEW_MIN_COLS = 16;

export class SampleRows {
  private views: FloatArray[] | null = null;

  /** `repeated`: batches will be gathered from these rows again and again (training). */
  constructor(
    readonly matrix: Matrix,
    private readonly repeated = false,
  ) {}

  /** Copies samples order[start] … order[start + count − 1] (start … start + count − 1 when order is null) into dst, one row after another. */
  gather(dst: FloatArray, order: ArrayLike<number> | null, start: number, count: number): void {
    const { data, cols } = this.matrix;
    if (order === null && !this.repeated) {
      dst.set(data.subarray(start * cols, (start + count) * cols));
      return;
    }
    if (cols >= VIEW_MIN_COLS) {
      const views = this.views ?? this.makeViews();
      for (let r = 0; r < count; r++) dst.set(views[order === null ? start + r : order[start + r]], r * cols);
      return;
    }
    for (let r = 0; r < count; r++) {
      const from = (order === null ? start + r : order[start + r]) * cols;
      const to = r * cols;
      for (let j = 0; j < cols; j++) dst[to + j] = data[from + j];
    }
  }

  // Apart from gather: a closure there would make every call allocate a context for the variables it captures.
  private makeViews(): FloatArray[] {
    const { data, rows, cols } = this.matrix;
    // Kept with the array, so that fitting the same data again (epoch by epoch, say) makes none anew.
    const known = VIEWS.get(data);
    if (known !== undefined && known.cols === cols && known.views.length >= rows) return (this.views = known.views);
    this.views = Array.from({ length: rows }, (_, r) => data.subarray(r * cols, (r + 1) * cols));
    VIEWS.set(data, { cols, views: this.views });
    return this.views;
  }
}
