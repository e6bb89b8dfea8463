/**
 * The next step's inputs, gathered while the workers compute. Gathering a batch (one copy per
 * sample from the user's array into the kernels' memory) runs on the calling thread, which the
 * workers cannot help with: they see the kernels' memory alone. So during a step's first product
 * that is cut among threads, the calling thread copies the next step's samples into a spare input
 * buffer (Kernels.overlap) and takes a smaller share of the product; the next `load` swaps that
 * buffer in instead of gathering. A copy is a copy: a step sees the same numbers either way.
 *
 * An offer holds for the next `take` alone, which withdraws it: samples gathered ahead are used
 * only by the load that immediately follows, for exactly the samples they are, so that nothing
 * between (a reshuffle, another set's pass) can make them stale.
 */
import type { Buffer, Kernels } from '../backend/kernels.js';
import type { SampleRows } from './sample-rows.js';

export class GatherAhead {
  private source: SampleRows | null = null;
  private order: Uint32Array | null = null;
  private start = -1;
  private rows = 0;
  private into: Buffer | null = null;
  /** True once the job has copied the offered samples into `into`. */
  private done = false;
  /** The job handed to the kernels, made once: an offer allocates nothing. */
  private readonly job = (): void => {
    this.source!.gather(this.kernels.view(this.into!), this.order, this.start, this.rows);
    this.done = true;
  };

  constructor(private readonly kernels: Kernels) {}

  /** Offers the kernels the copy of samples order[start … start + rows − 1] (start … when order is null) of `source` into `into`. */
  offer(source: SampleRows, order: Uint32Array | null, start: number, rows: number, into: Buffer): void {
    this.source = source;
    this.order = order;
    this.start = start;
    this.rows = rows;
    this.into = into;
    this.done = false;
    this.kernels.overlap(this.job);
  }

  /** Withdraws the offer; true when it ran, for these very samples into `into`. */
  take(source: unknown, order: ArrayLike<number> | null, start: number, rows: number, into: Buffer | null): boolean {
    this.kernels.overlap(null);
    const hit =
      this.done && source === this.source && order === this.order && start === this.start && rows === this.rows && into === this.into;
    this.done = false;
    this.source = null;
    this.into = null;
    return hit;
  }
}
