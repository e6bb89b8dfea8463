/**
 * The numerical core behind `ANN`: a stack of layers, the loss at its head, and passes over
 * batches — forward, loss, backward. It checks nothing (the ANN checks every input first), knows
 * nothing of optimizers (the fit loop updates `parameters` from their gradients) and speaks only
 * the kernel interface.
 *
 * Memory, in allocation order: the parameters; then what lives as long as the network (an
 * optimizer's state, `allocatePersistent`); then the batch buffers, planned for the largest batch
 * seen so far and re-planned only when a larger one comes.
 */
import { LossKernel, type Buffer, type Kernels } from '../backend/kernels.js';
import type { FloatArray, Matrix } from '../io/matrix.js';
import { countCorrect } from './accuracy.js';
import { hasKink } from './activations.js';
import type { Architecture, InitName } from './architecture.js';
import { Dense } from './dense.js';
import type { Layer } from './layer.js';
import type { Objective } from './losses.js';
import { Dropout } from './dropout.js';
import { allFinite, restore, saveAside, transposeInto, untranspose, type Parameter } from './parameter.js';
import { Random } from './random.js';
import { GatherAhead } from './gather-ahead.js';
import { SampleRows } from './sample-rows.js';
import { CsrRows, rowsOf, type InputRows, type Samples } from './csr-rows.js';
import { SparseInputDense, sparseCapable } from './sparse-input.js';

/** Separates the dropout masks' stream from the other streams of the same seed. */
const DROPOUT_STREAM = 0x68e31da4;

/** Slots of the Float64Array that `Network.lossAndGradients` adds its figures to. */
export const StepStats = {
  /** Σ loss over the samples of every step since the array was zeroed. */
  Loss: 0,
  /** Correct predictions over the same samples. */
  Correct: 1,
  /** Σ loss over the samples of the last step alone. */
  BatchLoss: 2,
  Size: 3,
} as const;

/** The batch buffers that are not a layer's: the input and the targets (capacity rows each), and the gradient at each layer's output. */
interface BatchPlan {
  capacity: number;
  input: Buffer;
  targets: Buffer;
  /** gradients[i]: ∂loss/∂(output of layer i). */
  gradients: Buffer[];
  /** Each sample's weight in the loss (capacity values), when training with weights. */
  weights: Buffer;
  /** A second input buffer, which the next step's samples are gathered into ahead (gather-ahead.ts); null on one thread. */
  spare: Buffer | null;
}

/** Where a training step takes its batch from: the samples, their order this epoch, how to chunk, and where to count. */
export interface StepSource {
  readonly x: InputRows;
  readonly y: SampleRows;
  /** The epoch's order of the samples, or null for in order. */
  order: Uint32Array | null;
  /** Rows per kernel pass: a larger batch runs in chunks whose gradients are summed. */
  readonly chunk: number;
  /** Count correct predictions too. */
  readonly classify: boolean;
  /** Each sample's weight in the loss (one column), or null for all 1. */
  readonly w: SampleRows | null;
  /** Where the step adds its figures (see StepStats). */
  readonly stats: Float64Array;
}

/** Rows per kernel pass when predicting, evaluating, or taking gradients over a whole set. */
export const CHUNK = 1024;

export class Network {
  readonly layers: readonly Layer[];
  /** Draws the dropout masks (a stream of the network's seed of its own, saved with the model). */
  readonly masks: Random;
  /** The dense layers, in order (every layer, until other kinds exist); the last is the output. */
  private readonly dense: readonly Dense[];
  /** The first layer when it may take the sparse path (sparseInput 'auto' or 'always'), else null. */
  private readonly sparseFirst: SparseInputDense | null;
  /** Every trainable tensor, layer by layer: W1, b1, W2, b2, … */
  readonly parameters: readonly Parameter[];
  readonly inputs: number;
  readonly outputs: number;
  private readonly parametersEnd: number;
  private persistentEnd: number;
  private plan: BatchPlan | null = null;
  /** Rows of the last `load`. */
  private loadedRows = 0;
  /** The last `load` gathered sample weights: the loss and its gradient are weighted. */
  private weighted = false;
  /**
   * The factor of ∂loss/∂output for a batch of `scaleSamples` samples, kept from step to step (see
   * backward). It starts as null so that V8 stores the number itself in the field, not its bits:
   * reading it then creates nothing.
   */
  private gradientScale: number | null = null;
  private scaleSamples = 0;
  /** The next step's samples gathered beside the workers' products (kernels on several threads). */
  private readonly ahead: GatherAhead;
  /**
   * What a training step hands the kernels to do beside the workers' part of its first product cut
   * among threads (Kernels.overlap): the next step's gather and, for a sparse first layer, that
   * batch's compression and the loaded batch's CSC copy for its weight gradient. None touches what
   * a product of the step reads or writes. Made once: offering it allocates nothing.
   */
  private readonly besideProduct = (): void => {
    const ahead = this.ahead;
    const first = this.sparseFirst;
    if (ahead.run() && first !== null) first.compressAhead(ahead.target!, ahead.count);
    first?.prepareColumns(this.loadedRows);
  };

  constructor(
    readonly kernels: Kernels,
    arch: Architecture,
    readonly objective: Objective,
  ) {
    const { layers: sizes, activations } = arch;
    const depth = sizes.length - 1;
    // Checked before anything is allocated: a network too large is refused at once, whole.
    const lengths: number[] = [];
    let count = 0;
    for (let l = 1; l <= depth; l++) {
      lengths.push(...Dense.bufferLengths(sizes[l - 1], sizes[l]));
      count += sizes[l] * (sizes[l - 1] + 1);
    }
    kernels.checkRoom(
      lengths,
      `the ${count.toLocaleString('en-US')} parameters of a ${sizes.join('-')} network (a value, a gradient and a backup of each, ${kernels.precision})`,
    );
    const dense: Dense[] = [];
    const layers: Layer[] = [];
    this.masks = new Random(arch.seed ^ DROPOUT_STREAM);
    for (let l = 1; l <= depth; l++) {
      const head = l === depth && objective.fused;
      const layer =
        l === 1 && sparseCapable(arch.sparseInput, sizes[0])
          ? new SparseInputDense(kernels, l, sizes[0], sizes[1], activations[0], arch.leakyReluSlope, head, arch.sparseInput)
          : new Dense(kernels, l, sizes[l - 1], sizes[l], activations[l - 1], arch.leakyReluSlope, head);
      dense.push(layer);
      layers.push(layer);
      if (l < depth && arch.dropout[l - 1] > 0) layers.push(new Dropout(kernels, sizes[l], arch.dropout[l - 1], this.masks));
    }
    this.dense = dense;
    this.sparseFirst = dense[0] instanceof SparseInputDense ? dense[0] : null;
    this.layers = layers;
    this.parameters = this.layers.flatMap((layer) => layer.parameters());
    this.inputs = sizes[0];
    this.outputs = sizes[depth];
    this.parametersEnd = kernels.mark();
    this.persistentEnd = this.parametersEnd;
    this.ahead = new GatherAhead(kernels);
  }

  /**
   * Allocates buffers that live as long as the network (an optimizer's state) through `make`,
   * freeing what an earlier call allocated (and the batch buffers, planned again on next use).
   */
  allocatePersistent<T>(make: (kernels: Kernels) => T): T {
    this.kernels.release(this.parametersEnd);
    this.plan = null;
    const made = make(this.kernels);
    this.persistentEnd = this.kernels.mark();
    return made;
  }

  /** The batch buffers, with room for at least `rows` samples. */
  private batch(rows: number): BatchPlan {
    if (this.plan === null || this.plan.capacity < rows) {
      const k = this.kernels;
      k.release(this.persistentEnd);
      this.plan = null;
      const input = k.alloc(rows * this.inputs);
      const gradients: Buffer[] = [];
      for (const layer of this.layers) {
        layer.plan(k, rows);
        gradients.push(k.alloc(rows * layer.outputs));
      }
      const targets = k.alloc(rows * this.outputs);
      const weights = k.alloc(rows);
      this.plan = { capacity: rows, input, targets, gradients, weights, spare: k.overlaps ? k.alloc(rows * this.inputs) : null };
    }
    return this.plan;
  }

  private get head(): Dense {
    return this.dense[this.dense.length - 1];
  }

  /** Copies samples order[start … start+rows−1] of x (and y) into the batch buffers, planned for them. */
  load(
    x: InputRows,
    y: SampleRows | null,
    order: ArrayLike<number> | null,
    start: number,
    rows: number,
    w: SampleRows | null = null,
  ): void {
    const plan = this.batch(rows);
    this.loadedRows = rows;
    this.weighted = w !== null;
    const first = this.sparseFirst;
    // Whatever this load is: samples gathered ahead serve the load right after alone.
    const gathered = this.ahead.take(x, order, start, rows, plan.spare);
    if (first !== null && x instanceof CsrRows) first.loadCompressed(x, order, start, rows, plan.input);
    else {
      if (gathered) {
        const input = plan.input;
        plan.input = plan.spare!;
        plan.spare = input;
        first?.takeAhead(plan.input, rows);
      } else {
        x.gather(this.kernels.view(plan.input), order, start, rows);
        first?.choose(plan.input, rows);
      }
    }
    if (y !== null) y.gather(this.kernels.view(plan.targets), order, start, rows);
    if (w !== null) w.gather(this.kernels.view(plan.weights), order, start, rows);
  }

  /** The network's output for the first `rows` loaded samples. */
  forward(rows: number, training: boolean): void {
    // Index loops, here and in backward: a step allocates nothing, not even an iterator.
    const layers = this.layers;
    let input = this.plan!.input;
    for (let i = 0; i < layers.length; i++) {
      layers[i].forward(input, rows, training);
      input = layers[i].output;
    }
  }

  /** The output of the last forward pass: rows × outputs at the start of a view valid until the next allocation. */
  outputView(): FloatArray {
    return this.kernels.view(this.head.output);
  }

  /** Adds the loss summed over the loaded rows (and outputs) to into[slot]: divide by `lossDivisor`. */
  lossSum(rows: number, into: Float64Array, slot: number): void {
    const head = this.head;
    const out = this.objective.fused ? head.preActivation : head.output;
    const plan = this.plan!;
    this.kernels.lossSum(this.objective.kernel, out, plan.targets, rows, this.outputs, into, slot, this.weighted ? plan.weights : null);
  }

  /** What the loss sum is divided by for `samples` samples. */
  lossDivisor(samples: number): number {
    return this.objective.perOutput ? samples * this.outputs : samples;
  }

  /**
   * The gradients of the mean loss over `total` samples, from the `rows` loaded samples after
   * `forward`; with `accumulate`, added to what the gradients hold (a large batch in chunks).
   */
  backward(rows: number, total: number, accumulate: boolean): void {
    const { kernels: k, objective } = this;
    const plan = this.plan!;
    const last = this.layers.length - 1;
    // Computed once per batch size, not per step: it goes to a kernel call that V8 may compile
    // apart from this one, and a number computed afresh would cross it as a new heap object.
    if (this.gradientScale === null || total !== this.scaleSamples) {
      this.gradientScale = objective.gradientFactor / this.lossDivisor(total);
      this.scaleSamples = total;
    }
    const scale = this.gradientScale;
    // σ with binary CE and softmax with categorical CE: ∂loss/∂z = scale·(ŷ − y), the same scaled
    // difference as the squared error's gradient; the head layer then skips its activation.
    const kernel = objective.fused ? LossKernel.SquaredError : objective.kernel;
    k.lossGradient(kernel, this.head.output, plan.targets, plan.gradients[last], rows * this.outputs, scale);
    if (this.weighted) k.scaleRows(plan.gradients[last], plan.weights, rows, this.outputs);
    for (let i = last; i >= 0; i--) {
      const input = i === 0 ? plan.input : this.layers[i - 1].output;
      this.layers[i].backward(input, plan.gradients[i], i === 0 ? null : plan.gradients[i - 1], rows, accumulate);
    }
  }

  /**
   * Forward, loss and backward over samples order[start … start+rows−1] of a step, in chunks of
   * at most `source.chunk` rows (gradients summed over them): the gradients of the batch's mean
   * loss, ready for an update — to be made only when true is returned (the loss is finite). The
   * loss and correct count are added to `source.stats`. Allocates nothing. `next` and `nextRows`:
   * the next step's samples (order[next …]), which the kernels may gather ahead while their
   * workers compute this one (−1: no next step, or not known).
   */
  lossAndGradients(source: StepSource, start: number, rows: number, next = -1, nextRows = 0): boolean {
    const { stats, chunk } = source;
    stats[StepStats.BatchLoss] = 0;
    let correct = 0;
    for (let c = 0; c < rows; c += chunk) {
      const cr = Math.min(chunk, rows - c);
      this.load(source.x, source.y, source.order, start + c, cr, source.w);
      const spare = this.plan!.spare;
      if (spare !== null) {
        if (next >= 0 && rows <= chunk && nextRows <= this.plan!.capacity && source.x instanceof SampleRows)
          this.ahead.arm(source.x, source.order, next, nextRows, spare);
        this.kernels.overlap(this.besideProduct);
      }
      this.forward(cr, true);
      this.lossSum(cr, stats, StepStats.BatchLoss);
      if (source.classify) correct += this.countCorrect(cr);
      this.backward(cr, rows, c > 0);
      // A job no product took is withdrawn: it belongs to this pass alone.
      this.kernels.overlap(null);
    }
    stats[StepStats.Loss] += stats[StepStats.BatchLoss];
    stats[StepStats.Correct] += correct;
    return Number.isFinite(stats[StepStats.BatchLoss]);
  }

  /**
   * True when the loss of the loaded samples is finite with the weights as they are now: after an
   * update, finite weights can still be so large that outputs overflow (a linear unit at a huge
   * learning rate), and then every prediction would be NaN. `scratch[0]` is overwritten.
   */
  lossFiniteOnLoaded(scratch: Float64Array): boolean {
    scratch[0] = 0;
    this.forward(this.loadedRows, false);
    this.lossSum(this.loadedRows, scratch, 0);
    return Number.isFinite(scratch[0]);
  }

  /** Correct predictions among the loaded rows: ŷ ≥ 0.5 against y ≥ 0.5 for one output, argmax for several. */
  countCorrect(rows: number): number {
    return countCorrect(this.outputView(), this.kernels.view(this.plan!.targets), rows, this.outputs);
  }

  /** Copies every parameter aside (`restore` brings them back). */
  saveAside(): void {
    saveAside(this.kernels, this.parameters);
  }

  /** The parameters as they were at the last `saveAside`. */
  restore(): void {
    restore(this.kernels, this.parameters);
  }

  /** True when every parameter is finite. */
  finite(): boolean {
    return allFinite(this.kernels, this.parameters);
  }

  /**
   * Scales every gradient by the same factor so that their global L2 norm is at most `maxNorm`
   * (as torch.nn.utils.clip_grad_norm_: factor maxNorm / (norm + 1e-6), applied when below 1).
   * `scratch[0]` is overwritten.
   */
  clipGradients(maxNorm: number, scratch: Float64Array): void {
    const { kernels, parameters } = this;
    scratch[0] = 0;
    for (let i = 0; i < parameters.length; i++) kernels.sumOfSquares(parameters[i].gradient, parameters[i].length, scratch, 0);
    const factor = maxNorm / (Math.sqrt(scratch[0]) + 1e-6);
    if (factor >= 1) return;
    for (let i = 0; i < parameters.length; i++) kernels.scale(parameters[i].gradient, parameters[i].length, factor);
  }

  /** Fresh weights drawn from `rng`, layer by layer. */
  initialize(init: InitName, rng: Random): void {
    for (const layer of this.dense) layer.initialize(init, rng);
  }

  /** Copies of each layer's W (units × inputs) and b. */
  weights(): { W: FloatArray; b: FloatArray }[] {
    return this.dense.map((layer) => layer.read());
  }

  /** Replaces each layer's W and b (checked by the caller). */
  setWeights(weights: readonly { W: ArrayLike<number>; b: ArrayLike<number> }[]): void {
    this.dense.forEach((layer, i) => layer.write(weights[i].W, weights[i].b));
  }

  /** Copies of each layer's gradients, as the last backward pass left them. */
  gradients(): { dW: FloatArray; db: FloatArray }[] {
    return this.dense.map((layer) => layer.readGradients());
  }

  /**
   * An optimizer's state buffers (so many per parameter, each in the parameters' order: moments,
   * velocities) as plain arrays in the saved layout: where the network keeps Wᵀ, W (units × inputs),
   * so that a saved state fits a network of either layout.
   */
  savedState(buffers: readonly Buffer[]): number[][] {
    return buffers.map((b, i) => {
      const values = this.kernels.view(b);
      const t = this.stateLayout(b, i);
      return Array.from(t === null ? values : untranspose(values.slice(), values, t.rows, t.cols));
    });
  }

  /** Puts saved state (as `savedState` gives it, lengths checked by the caller) into the buffers, in the network's layout. */
  restoreState(buffers: readonly Buffer[], saved: readonly ArrayLike<number>[]): void {
    buffers.forEach((b, i) => {
      const t = this.stateLayout(b, i);
      if (t === null) this.kernels.view(b).set(saved[i]);
      else transposeInto(this.kernels.view(b), saved[i], t.rows, t.cols);
    });
  }

  /** The transposed layout of state buffer i, when its parameter (i modulo their count) has one. */
  private stateLayout(b: Buffer, i: number): Parameter['transposed'] {
    const p = this.parameters[i % this.parameters.length];
    return b.length === p.length ? p.transposed : null;
  }

  /** Runs `body` on consecutive chunks of at most CHUNK rows of X (and Y), loaded into the batch buffers. */
  chunks(X: Samples, Y: Matrix | null, body: (start: number, rows: number) => void): void {
    const chunk = Math.min(X.rows, CHUNK);
    const [xRows, yRows] = [rowsOf(X), Y && (rowsOf(Y) as SampleRows)];
    for (let start = 0; start < X.rows; start += chunk) {
      const rows = Math.min(chunk, X.rows - start);
      this.load(xRows, yRows, null, start, rows);
      body(start, rows);
    }
  }

  /**
   * For every sample of X, whether each pre-activation of a layer with a kinked activation (ReLU,
   * leaky ReLU) is positive: two weight settings with the same pattern lie on the same smooth
   * piece of the loss (gradient checking needs that). Empty when no layer has a kink.
   */
  kinkPattern(X: Samples): Uint8Array {
    const kinked = this.dense.filter((layer) => hasKink(layer.activation));
    const out = new Uint8Array(kinked.reduce((n, layer) => n + X.rows * layer.outputs, 0));
    if (kinked.length === 0) return out;
    this.load(rowsOf(X), null, null, 0, X.rows);
    this.forward(X.rows, false);
    let o = 0;
    for (const layer of kinked) {
      const z = this.kernels.view(layer.preActivation);
      for (let i = 0; i < X.rows * layer.outputs; i++) out[o++] = z[i] > 0 ? 1 : 0;
    }
    return out;
  }

  /** True when the loaded batch runs the first layer's sparse path (for tests and benchmarks). */
  get sparseBatch(): boolean {
    return this.sparseFirst?.sparse ?? false;
  }

  /** True when some layer's activation has a kink (see kinkPattern). */
  get hasKinks(): boolean {
    return this.dense.some((layer) => hasKink(layer.activation));
  }
}
