/**
 * The activation memory of one network for batches of up to `capacity` samples, allocated once
 * and reused by every step. A batch with fewer rows uses the leading rows of each buffer: the
 * layout is row-major with one sample per row, so those rows are a dense matrix of their own.
 */
import type { Buffer, Kernels } from '../backend/kernels.js';

export class BatchPlan {
  /** a[0] is the input batch (capacity × sizes[0]); a[l] = f(z[l]) for layer l ≥ 1. */
  readonly a: Buffer[] = [];
  /** z[l] = a[l−1]·W[l]ᵀ + b[l] (capacity × sizes[l]); z[0] is unused. */
  readonly z: Buffer[] = [];
  /** delta[l] holds ∂loss/∂a[l] and then, in place, ∂loss/∂z[l]; delta[0] is unused (the input needs no gradient). */
  readonly delta: Buffer[] = [];
  /** Targets of the batch (capacity × outputs). */
  readonly y: Buffer;

  constructor(
    k: Kernels,
    sizes: readonly number[],
    readonly capacity: number,
  ) {
    this.a.push(k.alloc(capacity * sizes[0]));
    this.z.push(this.a[0]);
    this.delta.push(this.a[0]);
    for (let l = 1; l < sizes.length; l++) {
      this.z.push(k.alloc(capacity * sizes[l]));
      this.a.push(k.alloc(capacity * sizes[l]));
      this.delta.push(k.alloc(capacity * sizes[l]));
    }
    this.y = k.alloc(capacity * sizes[sizes.length - 1]);
  }
}
