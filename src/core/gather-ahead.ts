/**
 * The next step's inputs, gathered while the workers compute. Gathering a batch (one copy per
 * sample from the user's array into the kernels' memory) runs on the calling thread, which the
 * workers cannot help with: they see the kernels' memory alone. So a training step arms this with
 * the next step's samples and a spare input buffer, and the job it hands the kernels to run beside
 * the workers' part of a product (Kernels.overlap, Network.lossAndGradients) calls `run`; the next
 * `load` takes the buffer instead of gathering. A copy is a copy: a step sees the same numbers
 * either way.
 *
 * What was gathered serves the next `take` alone, which disarms: samples gathered ahead are used
 * only by the load that immediately follows, for exactly the samples they are, so that nothing
 * between (a reshuffle, another set's pass) can make them stale.
 */
import type { Buffer, Kernels } from '../backend/kernels.js';
import type { SampleRows } from './sample-rows.js';

export class GatherAhead {
  private source: SampleRows | null = null;
  private order: ArrayLike<number> | null = null;
  private start = -1;
  private rows = 0;
  private into: Buffer | null = null;
  /** True once `run` has copied the armed samples into `into`. */
  private done = false;

  constructor(private readonly kernels: Kernels) {}

  /** Arms the copy of samples order[start … start + rows − 1] (start … when order is null) of `source` into `into`. */
  arm(source: SampleRows, order: ArrayLike<number> | null, start: number, rows: number, into: Buffer): void {
    this.source = source;
    this.order = order;
    this.start = start;
    this.rows = rows;
    this.into = into;
    this.done = false;
  }

  /** Makes the armed copy (once); nothing when unarmed. True when it copied now (into `target`, `count` rows). */
  run(): boolean {
    if (this.source === null || this.done) return false;
    this.source.gather(this.kernels.view(this.into!), this.order, this.start, this.rows);
    this.done = true;
    return true;
  }

  /** The buffer armed to copy into (null when unarmed). */
  get target(): Buffer | null {
    return this.into;
  }

  /** The rows armed. */
  get count(): number {
    return this.rows;
  }

  /** Disarms; true when the copy was made, of these very samples into `into`. */
  take(source: unknown, order: ArrayLike<number> | null, start: number, rows: number, into: Buffer | null): boolean {
    const hit =
      this.done && source === this.source && order === this.order && start === this.start && rows === this.rows && into === this.into;
    this.done = false;
    this.source = null;
    this.into = null;
    return hit;
  }
}
