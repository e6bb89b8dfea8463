/**
 * The rows of a parameter that an optimizer with per-value state must update: those whose gradient
 * has ever been non-zero since the state was zero. A first layer over sparse input lists the rows
 * (inputs) each batch has (Parameter.gradientRows); an input that no batch has had yet has a zero
 * gradient and zero moments, and Adam would leave its row as it is. A quarter of R1's 784 pixels
 * are 0 in every one of its 11,272 training images (the border of the digits), so these rows are
 * not updated at all, and a bag of words updates the words it has seen.
 */
import type { IndexBuffer, Kernels } from '../backend/kernels.js';
import type { GradientRows } from '../core/parameter.js';

export class LiveRows {
  /** One flag per row: it has been listed (or its state was non-zero when restored). */
  private readonly flags: Uint8Array;
  /** The flagged rows (in the order they were first listed, or increasing after a restore), count of them: the list handed to the kernel. */
  readonly list: IndexBuffer;
  count = 0;

  constructor(
    private readonly kernels: Kernels,
    readonly rows: number,
    readonly width: number,
  ) {
    this.flags = new Uint8Array(rows);
    this.list = kernels.allocIndices(rows);
  }

  /** Every row is live: what the update must assume when a pass did not list its rows. */
  get all(): boolean {
    return this.count === this.rows;
  }

  /**
   * Adds the rows a pass listed; with null (a pass that did not list them: a dense batch, or a
   * batch gathered in chunks whose gradients were summed), every row. A new row goes at the end of
   * the list: the rows are independent, so their order changes no number, and a vocabulary of
   * 50,000 words is not scanned again at every step that meets a new word.
   */
  add(rows: GradientRows | null): void {
    if (this.all) return;
    if (rows === null) {
      this.markAll();
      return;
    }
    const list = this.kernels.indexView(rows.list);
    const out = this.kernels.indexView(this.list);
    const flags = this.flags;
    let count = this.count;
    for (let i = 0; i < rows.count; i++) {
      const r = list[i];
      if (flags[r] === 0) {
        flags[r] = 1;
        out[count++] = r;
      }
    }
    this.count = count;
  }

  markAll(): void {
    this.flags.fill(1);
    this.rebuild();
  }

  /** After the state was written from outside (a model loaded): the rows where any state array is non-zero. */
  restore(state: readonly ArrayLike<number>[]): void {
    const { flags, width } = this;
    flags.fill(0);
    for (const values of state) {
      for (let r = 0; r < this.rows; r++) {
        if (flags[r] !== 0) continue;
        for (let j = r * width, end = j + width; j < end; j++) {
          // -0 counts as non-zero: the update would turn it into +0.
          if (values[j] !== 0 || Object.is(values[j], -0)) {
            flags[r] = 1;
            break;
          }
        }
      }
    }
    this.rebuild();
  }

  /** The list from the flags, in increasing order. */
  private rebuild(): void {
    const out = this.kernels.indexView(this.list);
    let count = 0;
    for (let r = 0; r < this.rows; r++) if (this.flags[r] !== 0) out[count++] = r;
    this.count = count;
  }
}
