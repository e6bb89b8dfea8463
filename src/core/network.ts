/**
 * The numerical core behind `ANN`: parameters, forward and backward propagation, the SGD update.
 * It checks nothing (the ANN checks every input first) and speaks only the kernel interface.
 *
 * Shapes: W[l] is sizes[l] × sizes[l−1] (units × inputs, row-major) and b[l] has sizes[l] values;
 * a batch is rows × units, one sample per row, so the forward product is Z = A·Wᵀ.
 */
import { Activation, LossKernel, type Buffer, type Kernels } from '../backend/kernels.js';
import { BatchPlan } from './batch-plan.js';
import type { FloatArray } from '../io/matrix.js';
import type { SampleRows } from './sample-rows.js';
import type { Objective } from './options.js';

/** Slots of the Float64Array that `Network.step` adds its figures to. */
export const StepStats = {
  /** Σ loss over the samples of every step since the array was zeroed. */
  Loss: 0,
  /** Correct predictions over the same samples. */
  Correct: 1,
  /** Σ loss over the samples of the last step alone. */
  BatchLoss: 2,
  Size: 3,
} as const;

export class Network {
  /** Index 0 is unused so that W[l] belongs to layer l, as in the references. */
  readonly W: Buffer[] = [];
  readonly b: Buffer[] = [];
  readonly dW: Buffer[] = [];
  readonly db: Buffer[] = [];
  private readonly vW: Buffer[] = [];
  private readonly vb: Buffer[] = [];
  /** A copy of W and b to fall back on when training diverges. */
  private readonly savedW: Buffer[] = [];
  private readonly savedb: Buffer[] = [];
  private readonly paramsEnd: number;
  private plan: BatchPlan | null = null;
  readonly depth: number;

  constructor(
    readonly k: Kernels,
    readonly sizes: readonly number[],
    /** acts[l] is the activation of layer l (acts[0] unused). */
    readonly acts: readonly Activation[],
    readonly slope: number,
    readonly objective: Objective,
  ) {
    this.depth = sizes.length - 1;
    const none = k.alloc(0);
    for (const list of [this.W, this.b, this.dW, this.db, this.vW, this.vb, this.savedW, this.savedb]) list.push(none);
    for (let l = 1; l <= this.depth; l++) {
      const n = sizes[l] * sizes[l - 1];
      this.W.push(k.alloc(n));
      this.b.push(k.alloc(sizes[l]));
      this.dW.push(k.alloc(n));
      this.db.push(k.alloc(sizes[l]));
      this.vW.push(k.alloc(n));
      this.vb.push(k.alloc(sizes[l]));
      this.savedW.push(k.alloc(n));
      this.savedb.push(k.alloc(sizes[l]));
    }
    this.paramsEnd = k.mark();
  }

  get outputs(): number {
    return this.sizes[this.depth];
  }

  /** The batch buffers, with room for at least `rows` samples (re-planned only when too small). */
  batch(rows: number): BatchPlan {
    if (this.plan === null || this.plan.capacity < rows) {
      this.k.release(this.paramsEnd);
      this.plan = null;
      this.plan = new BatchPlan(this.k, this.sizes, rows);
    }
    return this.plan;
  }

  /** Copies samples order[start … start+rows−1] of x (and y) into the batch buffers. */
  load(plan: BatchPlan, x: SampleRows, y: SampleRows | null, order: ArrayLike<number> | null, start: number, rows: number): void {
    x.gather(this.k.view(plan.a[0]), order, start, rows);
    if (y !== null) y.gather(this.k.view(plan.y), order, start, rows);
  }

  /** a[L] for the first `rows` samples of the batch. */
  forward(plan: BatchPlan, rows: number): void {
    const { k, sizes } = this;
    for (let l = 1; l <= this.depth; l++) {
      k.gemm(false, true, rows, sizes[l], sizes[l - 1], plan.a[l - 1], this.W[l], plan.z[l], false);
      k.biasAdd(plan.z[l], this.b[l], rows, sizes[l]);
      k.activate(this.acts[l], plan.z[l], plan.a[l], rows, sizes[l], this.slope);
    }
  }

  /** Adds the loss summed over the batch's rows (and outputs) to into[slot]: divide by `lossDivisor`. */
  lossSum(plan: BatchPlan, rows: number, into: Float64Array, slot: number): void {
    const L = this.depth;
    const out = this.objective.fused ? plan.z[L] : plan.a[L];
    this.k.lossSum(this.objective.kernel, out, plan.y, rows, this.outputs, into, slot);
  }

  /** What the loss sum is divided by for `samples` samples. */
  lossDivisor(samples: number): number {
    return this.objective.perOutput ? samples * this.outputs : samples;
  }

  /**
   * dW and db of the mean loss over `total` samples, from the `rows` samples in the batch after
   * `forward`; with `accumulate`, added to what dW and db hold (a large batch in several chunks).
   */
  backward(plan: BatchPlan, rows: number, total: number, accumulate: boolean): void {
    const { k, sizes, objective } = this;
    const L = this.depth;
    const scale = objective.gradientFactor / this.lossDivisor(total);
    if (objective.fused) {
      // σ with binary CE and softmax with categorical CE: ∂loss/∂z = scale·(ŷ − y), the same
      // scaled difference as the squared error's gradient, written straight to dZ.
      k.lossGradient(LossKernel.SquaredError, plan.a[L], plan.y, plan.delta[L], rows * sizes[L], scale);
    } else {
      k.lossGradient(objective.kernel, plan.a[L], plan.y, plan.delta[L], rows * sizes[L], scale);
      k.activateBackward(this.acts[L], plan.z[L], plan.a[L], plan.delta[L], plan.delta[L], rows, sizes[L], this.slope);
    }
    for (let l = L; l >= 1; l--) {
      // dW (units × inputs) = dZᵀ (units × rows) · A (rows × inputs)
      k.gemm(true, false, sizes[l], sizes[l - 1], rows, plan.delta[l], plan.a[l - 1], this.dW[l], accumulate);
      k.biasGradient(plan.delta[l], this.db[l], rows, sizes[l], accumulate);
      if (l > 1) {
        // dA (rows × inputs) = dZ (rows × units) · W (units × inputs), then dZ of the layer below in place.
        k.gemm(false, false, rows, sizes[l - 1], sizes[l], plan.delta[l], this.W[l], plan.delta[l - 1], false);
        k.activateBackward(
          this.acts[l - 1],
          plan.z[l - 1],
          plan.a[l - 1],
          plan.delta[l - 1],
          plan.delta[l - 1],
          rows,
          sizes[l - 1],
          this.slope,
        );
      }
    }
  }

  /**
   * One minibatch SGD step on samples order[start … start+rows−1] (start … in order when order is
   * null): forward, loss and backward in chunks of at most `chunk` rows (dW summed over them),
   * then the update — made only when the loss is finite, and then true is returned. The loss and
   * correct count are added to `stats` (see StepStats). Allocates nothing.
   */
  step(
    x: SampleRows,
    y: SampleRows,
    order: ArrayLike<number> | null,
    start: number,
    rows: number,
    chunk: number,
    classify: boolean,
    learningRate: number,
    momentum: number,
    stats: Float64Array,
  ): boolean {
    stats[StepStats.BatchLoss] = 0;
    let correct = 0;
    for (let c = 0; c < rows; c += chunk) {
      const cr = Math.min(chunk, rows - c);
      const plan = this.batch(cr);
      this.load(plan, x, y, order, start + c, cr);
      this.forward(plan, cr);
      this.lossSum(plan, cr, stats, StepStats.BatchLoss);
      if (classify) correct += this.countCorrect(plan, cr);
      this.backward(plan, cr, rows, c > 0);
    }
    stats[StepStats.Loss] += stats[StepStats.BatchLoss];
    stats[StepStats.Correct] += correct;
    if (!Number.isFinite(stats[StepStats.BatchLoss])) return false;
    this.update(learningRate, momentum);
    return true;
  }

  /** One SGD step with the gradients in dW and db. */
  update(learningRate: number, momentum: number): void {
    for (let l = 1; l <= this.depth; l++) {
      this.k.sgdUpdate(this.W[l], this.dW[l], this.vW[l], this.W[l].length, learningRate, momentum);
      this.k.sgdUpdate(this.b[l], this.db[l], this.vb[l], this.b[l].length, learningRate, momentum);
    }
  }

  /** Copies W and b aside (`restore` brings them back). */
  save(): void {
    for (let l = 1; l <= this.depth; l++) {
      this.k.view(this.savedW[l]).set(this.k.view(this.W[l]));
      this.k.view(this.savedb[l]).set(this.k.view(this.b[l]));
    }
  }

  /** True when every weight and bias is finite. */
  finite(): boolean {
    for (let l = 1; l <= this.depth; l++) {
      for (const buf of [this.W[l], this.b[l]]) {
        const v = this.k.view(buf);
        for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i])) return false;
      }
    }
    return true;
  }

  /** W and b as they were at the last `save`. */
  restore(): void {
    for (let l = 1; l <= this.depth; l++) {
      this.k.view(this.W[l]).set(this.k.view(this.savedW[l]));
      this.k.view(this.b[l]).set(this.k.view(this.savedb[l]));
    }
  }

  /** Forgets the momentum of earlier steps. */
  resetVelocity(): void {
    for (let l = 1; l <= this.depth; l++) {
      this.k.view(this.vW[l]).fill(0);
      this.k.view(this.vb[l]).fill(0);
    }
  }

  /** Correct predictions among the batch's rows: ŷ ≥ 0.5 against y ≥ 0.5 for one output, argmax for several. */
  countCorrect(plan: BatchPlan, rows: number): number {
    const out = this.k.view(plan.a[this.depth]);
    const y = this.k.view(plan.y);
    return countCorrect(out, y, rows, this.outputs);
  }
}

export function countCorrect(out: FloatArray, y: FloatArray, rows: number, cols: number): number {
  let correct = 0;
  if (cols === 1) {
    for (let r = 0; r < rows; r++) if (out[r] >= 0.5 === y[r] >= 0.5) correct++;
    return correct;
  }
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let best = 0;
    let target = 0;
    for (let j = 1; j < cols; j++) {
      if (out[o + j] > out[o + best]) best = j;
      if (y[o + j] > y[o + target]) target = j;
    }
    if (best === target) correct++;
  }
  return correct;
}
