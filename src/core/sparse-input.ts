/**
 * The first dense layer when its input may be mostly zeros (one-hot or bag-of-words features, the
 * blank pixels of a digit): for a batch with few enough non-zeros, the forward product Z = X·Wᵀ
 * and the weight gradient dW = dZᵀ·X run over the non-zeros alone; for any other batch the dense
 * products run. The first layer's input gradient is never needed, so those two are all there is.
 *
 * Layout: W is kept transposed, Wᵀ (inputs × units, row-major), so that each non-zero x[r, c]
 * adds x·Wᵀ[c, :] to a row of Z, and x·dZ[r, :] to the row dWᵀ[c, :]: contiguous rows of units,
 * eight vectors at a time (assembly/sparse.ts). The dense products read the same layout
 * (gemm without transposes); the optimizers update elementwise and care for no layout. What
 * leaves the layer (weights, gradients) is turned back to W (units × inputs).
 *
 * The batch is compressed into CSR in buffers planned with the batch: from the dense batch (a
 * scan that stops once the batch is known to be too dense), or copied from rows that are already
 * compressed (CSR input, src/core/csr-rows.ts). On several threads, a training step compresses the
 * next step's batch, gathered ahead, into a second set of those buffers beside the workers' part of
 * the forward product (compressAhead), and the next load swaps the sets (takeAhead). Backward
 * makes the column-compressed copy (CSC) it needs for dW from the CSR, unless a training step made
 * it already beside the same product (prepareColumns). Both sparse products add in gemm's order:
 * the sparse and the dense path give the same numbers bit for bit (see assembly/sparse.ts).
 */
import type { Buffer, IndexBuffer, Kernels } from '../backend/kernels.js';
import type { FloatArray } from '../io/matrix.js';
import type { ActivationName } from './activations.js';
import type { InitName, SparseInputMode } from './architecture.js';
import type { CsrRows } from './csr-rows.js';
import { Dense } from './dense.js';
import { initWeights } from './init.js';
import { type GradientRows, transposeInto, untranspose } from './parameter.js';
import type { Random } from './random.js';

/**
 * 'auto' takes the sparse path for a batch whose share of non-zeros is at most this. Measured with
 * `npm run bench -- --only sparse` (the density sweep, bench/RESULTS.md): on R1's 784 → 196 layer,
 * one thread, with the products eight rows at a time, the sparse path's epochs were 1.24–1.37×
 * faster than the dense ones at 40% and 1.06–1.14× at 50% (four runs, batch 32 and 256), while a
 * switch at 35% left batches of 40% paying the scan that gave up (0.96–1.06× of 'never'). Below the
 * 50% crossover, so that a batch just under the switch still gains.
 */
export const SPARSE_MAX_DENSITY = 0.45;

/**
 * 'auto' keeps a first layer of fewer inputs than this dense, as 'never' does: its products are a
 * few dozen multiply-adds a row, where skipping zeros saves nothing that the per-batch scan for
 * them would not cost (the seeds table of the sparse bench, 7 inputs).
 */
export const SPARSE_MIN_INPUTS = 32;

/** True when a first layer of `inputs` inputs takes the sparse path's layout under `mode`. */
export function sparseCapable(mode: SparseInputMode, inputs: number): mode is Exclude<SparseInputMode, 'never'> {
  return mode === 'always' || (mode === 'auto' && inputs >= SPARSE_MIN_INPUTS);
}

/**
 * The backward pass writes the weight gradient's rows by list (the inputs the batch has, zeroing
 * the previous batch's) when at most this share of the inputs occur in the batch; above it the
 * whole gradient, as the threaded kernels cut it (the listed product runs on the calling thread).
 * Either way the optimizer is handed the list (gradientRows). A bag of words (hundreds of 50,000
 * words a batch) is far below; R1's pixels (most of 784 in a batch) above.
 */
export const LISTED_MAX_SHARE = 0.5;

export class SparseInputDense extends Dense {
  private rowStart!: IndexBuffer;
  private columns!: IndexBuffer;
  private values!: Buffer;
  private colStart!: IndexBuffer;
  private rowIndex!: IndexBuffer;
  private colValues!: Buffer;
  /** Non-zeros the compressed buffers hold. */
  private room = 0;
  /** The loaded batch is in the compressed buffers, and the products run over its non-zeros. */
  private compressed = false;
  /** The CSC copy of the loaded batch is made (backward makes it once per batch). */
  private columnsReady = false;
  /** The inputs present in the batch of the last backward pass, and the pass before's: two lists swapped each pass. */
  private present!: IndexBuffer;
  private written!: IndexBuffer;
  /** True when the weight gradient is zero outside rows written[0 … writtenCount − 1]. */
  private rowsKnown = false;
  private writtenCount = 0;
  /** What the weights' gradientRows points at after a pass over a compressed batch (one object, so that no pass allocates). */
  private listedRows!: GradientRows;
  /** The second set of CSR buffers, for the next batch compressed ahead (kernels that overlap); null otherwise. */
  private aheadRowStart: IndexBuffer | null = null;
  private aheadColumns: IndexBuffer | null = null;
  private aheadValues: Buffer | null = null;
  /** The input buffer and rows that the second set holds the compression of (null: none), and whether it was sparse enough. */
  private aheadOf: Buffer | null = null;
  private aheadRows = 0;
  private aheadCompressed = false;

  constructor(
    kernels: Kernels,
    index: number,
    inputs: number,
    outputs: number,
    activation: ActivationName,
    slope: number,
    gradientIsPreActivation: boolean,
    readonly mode: Exclude<SparseInputMode, 'never'>,
  ) {
    super(kernels, index, inputs, outputs, activation, slope, gradientIsPreActivation, true);
  }

  override plan(kernels: Kernels, capacity: number): void {
    super.plan(kernels, capacity);
    this.room = this.roomFor(capacity);
    this.rowStart = kernels.allocIndices(capacity + 1);
    this.columns = kernels.allocIndices(this.room);
    this.values = kernels.alloc(this.room);
    this.colStart = kernels.allocIndices(this.inputs + 1);
    this.rowIndex = kernels.allocIndices(this.room);
    this.colValues = kernels.alloc(this.room);
    this.present = kernels.allocIndices(this.inputs);
    this.written = kernels.allocIndices(this.inputs);
    this.listedRows = { list: this.written, count: 0, width: this.outputs };
    const ahead = kernels.overlaps;
    this.aheadRowStart = ahead ? kernels.allocIndices(capacity + 1) : null;
    this.aheadColumns = ahead ? kernels.allocIndices(this.room) : null;
    this.aheadValues = ahead ? kernels.alloc(this.room) : null;
    this.aheadOf = null;
    this.rowsKnown = false;
    this.weights.gradientRows = null;
    this.compressed = false;
  }

  /** Non-zeros of `rows` rows that the sparse path takes: every value when forced, else up to the switch-over density. */
  private limit(rows: number): number {
    return this.mode === 'always' ? rows * this.inputs : Math.floor(SPARSE_MAX_DENSITY * rows * this.inputs);
  }

  private roomFor(capacity: number): number {
    return Math.max(1, this.limit(capacity));
  }

  /** True when the loaded batch runs the sparse path. */
  get sparse(): boolean {
    return this.compressed;
  }

  /** Chooses the path for the dense batch just loaded into `input` (rows × inputs), compressing it when it is sparse enough. */
  choose(input: Buffer, rows: number): void {
    this.aheadOf = null;
    const nnz = this.kernels.csrFromDense(input, rows, this.inputs, this.rowStart, this.columns, this.values, this.limit(rows));
    this.compressed = nnz >= 0;
    this.columnsReady = false;
  }

  /**
   * Compresses the dense batch in `input` (rows × inputs, the next step's, gathered ahead) into the
   * second set of buffers, which nothing of the loaded batch reads: a training step calls it beside
   * the workers' part of a product. Nothing where the kernels do not overlap.
   */
  compressAhead(input: Buffer, rows: number): void {
    if (this.aheadRowStart === null) return;
    this.aheadOf = null;
    const nnz = this.kernels.csrFromDense(
      input,
      rows,
      this.inputs,
      this.aheadRowStart,
      this.aheadColumns!,
      this.aheadValues!,
      this.limit(rows),
    );
    this.aheadCompressed = nnz >= 0;
    this.aheadOf = input;
    this.aheadRows = rows;
  }

  /**
   * As `choose`, for a batch loaded into `input` that was gathered ahead: takes the second set of
   * buffers when it holds this very buffer's compression (the sets are swapped), else compresses.
   * The same numbers either way: a compression is a function of the batch.
   */
  takeAhead(input: Buffer, rows: number): void {
    if (this.aheadOf !== input || this.aheadRows !== rows) return this.choose(input, rows);
    this.aheadOf = null;
    // Swapped through locals: a destructuring swap may build an array each step.
    const rowStart = this.rowStart;
    const columns = this.columns;
    const values = this.values;
    this.rowStart = this.aheadRowStart!;
    this.columns = this.aheadColumns!;
    this.values = this.aheadValues!;
    this.aheadRowStart = rowStart;
    this.aheadColumns = columns;
    this.aheadValues = values;
    this.compressed = this.aheadCompressed;
    this.columnsReady = false;
  }

  /**
   * Loads samples order[start … start + rows − 1] of compressed rows: into the compressed buffers
   * when sparse enough, else expanded into `input` for the dense path.
   */
  loadCompressed(source: CsrRows, order: ArrayLike<number> | null, start: number, rows: number, input: Buffer): void {
    const k = this.kernels;
    const nnz = source.gatherCompressed(
      k.indexView(this.rowStart),
      k.indexView(this.columns),
      k.view(this.values),
      order,
      start,
      rows,
      this.limit(rows),
    );
    this.aheadOf = null;
    this.compressed = nnz >= 0;
    this.columnsReady = false;
    if (!this.compressed) source.gather(k.view(input), order, start, rows);
  }

  override forward(input: Buffer, rows: number, _training: boolean): void {
    const k = this.kernels;
    if (this.compressed)
      k.csrMatmul(this.rowStart, this.columns, this.values, this.inputs, this.weights.value, this.outputs, this.z, 0, rows);
    else k.gemm(false, false, rows, this.outputs, this.inputs, input, this.weights.value, this.z, false);
    k.biasAdd(this.z, this.bias.value, rows, this.outputs);
    k.activate(this.code, this.z, this.a, rows, this.outputs, this.slope);
  }

  override backward(input: Buffer, gradient: Buffer, inputGradient: Buffer | null, rows: number, accumulate: boolean): void {
    const k = this.kernels;
    if (!this.gradientIsPreActivation) k.activateBackward(this.code, this.z, this.a, gradient, gradient, rows, this.outputs, this.slope);
    // dWᵀ (inputs × units) = Xᵀ (inputs × rows) · dZ (rows × units)
    if (this.compressed) {
      this.prepareColumns(rows);
      if (accumulate) this.accumulateSparse(rows, gradient);
      else this.writeSparse(rows, gradient);
    } else {
      k.gemm(true, false, this.inputs, this.outputs, rows, input, gradient, this.weights.gradient, accumulate);
      this.rowsKnown = false;
      this.weights.gradientRows = null;
    }
    k.biasGradient(gradient, this.bias.gradient, rows, this.outputs, accumulate);
    // dX (rows × inputs) = dZ (rows × units) · W, W being (Wᵀ)ᵀ. Unused for a first layer, kept for the protocol.
    if (inputGradient !== null) {
      if (this.compressed) throw new Error('SparseInputDense: an input gradient needs the dense input');
      k.gemm(false, true, rows, this.inputs, this.outputs, gradient, this.weights.value, inputGradient, false);
    }
  }

  /**
   * Makes the CSC copy of the loaded batch (`rows` rows) that the weight gradient reads, once per
   * batch: the backward pass calls it, and a training step may call it earlier, beside the workers'
   * part of a product (Network.lossAndGradients), as nothing else reads or writes the copy.
   */
  prepareColumns(rows: number): void {
    if (!this.compressed || this.columnsReady) return;
    this.kernels.csrTranspose(
      rows,
      this.inputs,
      this.rowStart,
      this.columns,
      this.values,
      this.colStart,
      this.rowIndex,
      this.colValues,
      0,
      this.inputs,
    );
    this.columnsReady = true;
  }

  /** dWᵀ += Xᵀ·dZ over the whole gradient: its non-zero rows are no longer known. */
  private accumulateSparse(rows: number, gradient: Buffer): void {
    const g = this.weights.gradient;
    this.kernels.cscTransposeMatmul(this.colStart, this.rowIndex, this.colValues, rows, gradient, this.outputs, g, 0, this.inputs, true);
    this.rowsKnown = false;
    this.weights.gradientRows = null;
  }

  /**
   * dWᵀ = Xᵀ·dZ: by list when few inputs are present and the zero rows are known (the previous
   * pass's rows cleared, the present ones written), else the whole gradient; either way the same
   * numbers, and afterwards the gradient is zero outside the present rows.
   */
  private writeSparse(rows: number, gradient: Buffer): void {
    const k = this.kernels;
    const g = this.weights.gradient;
    const count = k.nonEmptyColumns(this.colStart, this.inputs, this.present);
    const listed = count <= LISTED_MAX_SHARE * this.inputs;
    if (listed && this.rowsKnown) {
      k.zeroRows(g, this.outputs, this.written, this.writtenCount);
      k.cscTransposeMatmulListed(this.colStart, this.rowIndex, this.colValues, rows, gradient, this.outputs, g, this.present, 0, count);
    } else {
      k.cscTransposeMatmul(this.colStart, this.rowIndex, this.colValues, rows, gradient, this.outputs, g, 0, this.inputs, false);
    }
    // Swapped through a local: a destructuring swap may build an array each step.
    const done = this.present;
    this.present = this.written;
    this.written = done;
    this.writtenCount = count;
    this.rowsKnown = true;
    this.listedRows.list = this.written;
    this.listedRows.count = count;
    this.weights.gradientRows = this.listedRows;
  }

  /** Fresh weights, the same numbers as a Dense layer draws from the same generator, stored transposed. */
  override initialize(init: InitName, rng: Random): void {
    const wt = this.kernels.view(this.weights.value);
    const w = wt.slice();
    initWeights(w, this.outputs, this.inputs, init, rng);
    transposeInto(wt, w, this.outputs, this.inputs);
  }

  override read(): { W: FloatArray; b: FloatArray } {
    const wt = this.kernels.view(this.weights.value);
    return { W: untranspose(wt.slice(), wt, this.outputs, this.inputs), b: this.kernels.view(this.bias.value).slice() };
  }

  override write(W: ArrayLike<number>, b: ArrayLike<number>): void {
    transposeInto(this.kernels.view(this.weights.value), W, this.outputs, this.inputs);
    this.kernels.view(this.bias.value).set(b);
  }

  override readGradients(): { dW: FloatArray; db: FloatArray } {
    const g = this.kernels.view(this.weights.gradient);
    return { dW: untranspose(g.slice(), g, this.outputs, this.inputs), db: this.kernels.view(this.bias.gradient).slice() };
  }
}
