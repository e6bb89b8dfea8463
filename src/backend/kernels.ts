/**
 * The seam between the API and the kernels. The ANN speaks only this interface; two
 * implementations exist: WebAssembly (`wasm.ts`, the fast one) and plain TypeScript (`js.ts`,
 * the oracle for tests and the baseline for benchmarks). Buffers are opaque handles: the API
 * never sees a pointer, and a kernel never sees a layer.
 *
 * Every matrix is dense and row-major. Batches are row-major too: one sample per row.
 */
import type { FloatArray } from '../io/matrix.js';

export type Precision = 'f32' | 'f64';
export type BackendName = 'wasm' | 'js';

/** Activation codes, shared with assembly/activation.ts. */
export const Activation = { Identity: 0, Sigmoid: 1, Tanh: 2, Relu: 3, LeakyRelu: 4, Softmax: 5 } as const;
export type Activation = (typeof Activation)[keyof typeof Activation];

/** Loss codes, shared with assembly/loss.ts. */
export const LossKernel = {
  /** Σ (ŷ − y)² */
  SquaredError: 0,
  /** binary cross-entropy on probabilities, clipped to [1e-7, 1 − 1e-7] */
  BinaryCrossEntropy: 1,
  /** binary cross-entropy of σ(z), from the logits z */
  BinaryCrossEntropyLogits: 2,
  /** categorical cross-entropy of softmax(z) per row, from the logits z */
  CategoricalCrossEntropyLogits: 3,
} as const;
export type LossKernel = (typeof LossKernel)[keyof typeof LossKernel];

/** A block of `length` numbers owned by one backend. */
export interface Buffer {
  readonly length: number;
}

/** A block of `length` 32-bit integers owned by one backend: the indices of a compressed (sparse) batch. */
export interface IndexBuffer {
  readonly length: number;
  /** Tells it from a Buffer, which holds floats. */
  readonly indices: true;
}

export interface Kernels {
  readonly name: BackendName;
  readonly precision: Precision;

  /** A zero-filled buffer of `length` numbers. */
  alloc(length: number): Buffer;
  /**
   * Refuses, before anything is allocated, buffers of these lengths that would take the backend
   * past its limit (src/backend/room.ts): a RangeError naming the bytes needed and the limit.
   * `what` names them, as the subject of "need …" ("the 12 parameters of a 2-3-1 network").
   */
  checkRoom(lengths: readonly number[], what: string): void;
  /** The current allocation point, for `release`. */
  mark(): number;
  /** Frees every buffer allocated after `mark` (they must not be used again). */
  release(mark: number): void;
  /** A typed-array view of the buffer; valid until the next `alloc`. */
  view(buf: Buffer): FloatArray;
  /** Drops everything this backend holds, for the garbage collector (wasm: the memory goes back for reuse); nothing may be used after. */
  dispose(): void;

  /**
   * True when `overlap` takes jobs: kernels on several threads, where the calling thread can do
   * other work while the workers compute their share of a product.
   */
  readonly overlaps: boolean;
  /**
   * Hands `job` to the next product cut among threads (gemm, csrMatmul, cscTransposeMatmul): the
   * calling thread runs it after it has handed the workers their parts, then its own part, made
   * smaller to make room for the job. `job` must touch no buffer that product reads or writes.
   * Null withdraws a job that has not run. A job may never run (no product large enough to cut
   * follows): the caller checks. Does nothing where `overlaps` is false.
   */
  overlap(job: (() => void) | null): void;

  /**
   * C (m × n) = op(A) · op(B) (+ C when accumulate), op(X) = Xᵀ when its flag is set.
   * A is stored m × k (k × m when transA), B is k × n (n × k when transB), all dense.
   */
  gemm(transA: boolean, transB: boolean, m: number, n: number, k: number, a: Buffer, b: Buffer, c: Buffer, accumulate: boolean): void;
  /** Z[r, c] += b[c] for rows × cols. */
  biasAdd(z: Buffer, b: Buffer, rows: number, cols: number): void;
  /** db[c] = Σ_r dZ[r, c] (+ db[c] when accumulate). */
  biasGradient(dz: Buffer, db: Buffer, rows: number, cols: number, accumulate: boolean): void;
  /** A = f(Z) elementwise (softmax: per row); `slope` is the leaky ReLU slope. */
  activate(kind: Activation, z: Buffer, a: Buffer, rows: number, cols: number, slope: number): void;
  /** dZ = dA ⊙ f′(Z) (softmax: the per-row Jacobian product). dZ may be dA. */
  activateBackward(kind: Activation, z: Buffer, a: Buffer, da: Buffer, dz: Buffer, rows: number, cols: number, slope: number): void;
  /**
   * Adds the loss summed over rows × cols (`out` is Ŷ, or Z for the logit forms) to into[slot],
   * each row's multiplied by weights[r] when weights are given.
   * The sum goes into an array rather than out as a return value because a returned double can be
   * a new heap object, and a training step allocates nothing.
   */
  lossSum(
    kind: LossKernel,
    out: Buffer,
    y: Buffer,
    rows: number,
    cols: number,
    into: Float64Array,
    slot: number,
    weights?: Buffer | null,
  ): void;
  /** D[r, c] ·= w[r] for rows × cols: each row's gradient weighted as its loss is. */
  scaleRows(d: Buffer, w: Buffer, rows: number, cols: number): void;
  /** D = gradient of scale × lossSum: scale·(ŷ − y) except for BCE on probabilities. */
  lossGradient(kind: LossKernel, a: Buffer, y: Buffer, d: Buffer, length: number, scale: number): void;
  /** torch.optim.SGD: d = g + λw; with momentum μ: v = μv + d, d = v (or d + μv, Nesterov); w −= lr·d. v is untouched when μ = 0. */
  sgdUpdate(w: Buffer, g: Buffer, v: Buffer, length: number, lr: number, momentum: number, nesterov: boolean, decay: number): void;
  /**
   * Adam: g′ = g + λw; m = β₁m + (1 − β₁)g′; v = β₂v + (1 − β₂)g′²; w = w·shrink − stepSize·m/(√v/correction2 + ε),
   * the bias corrections folded into stepSize and correction2 and AdamW's decay into shrink by the caller.
   */
  adamUpdate(
    w: Buffer,
    g: Buffer,
    m: Buffer,
    v: Buffer,
    length: number,
    stepSize: number,
    beta1: number,
    beta2: number,
    epsilon: number,
    correction2: number,
    decay: number,
    shrink: number,
  ): void;
  /** RMSprop: g′ = g + λw; v = ρv + (1 − ρ)g′²; w −= lr·g′/(√v + ε). */
  rmspropUpdate(w: Buffer, g: Buffer, v: Buffer, length: number, lr: number, rho: number, epsilon: number, decay: number): void;
  /** Adds Σ x[i]² (summed in float64) to into[slot]. */
  sumOfSquares(x: Buffer, length: number, into: Float64Array, slot: number): void;
  /** True when every x[i] is finite (a boolean comes back without allocating, unlike a double). */
  allFinite(x: Buffer, length: number): boolean;
  /**
   * True when every number of `values`, an array of this precision outside the kernels (a user's
   * input), is finite: the check `fit`, `predict` and `evaluate` make on every input, at the
   * kernels' speed rather than a JS loop's (it ran once per call over the whole data set).
   */
  everyFinite(values: FloatArray): boolean;
  /** A zero-filled buffer of `length` 32-bit integers, allocated like `alloc` (released with it, from `mark`). */
  allocIndices(length: number): IndexBuffer;
  /** An Int32Array view of the buffer; valid until the next `alloc`. */
  indexView(buf: IndexBuffer): Int32Array;

  // Compressed X, for a first layer whose input is mostly zeros. X (rows × k) in CSR: the non-zeros
  // of row r are entries rowStart[r] … rowStart[r + 1] − 1 of columns (ascending) and values;
  // rowStart[0] = 0. CSC is the same for Xᵀ. The products take a range of their output's rows (for
  // threads) and add in gemm's order: their results equal gemm's on the dense X bit for bit.

  /**
   * X (rows × cols, dense) into CSR, when it has at most `capacity` non-zeros and its first
   * quarter of rows not much more than its share of them (tooDenseAtQuarter): their count, else −1 (the
   * buffers then hold nothing useful).
   */
  csrFromDense(
    x: Buffer,
    rows: number,
    cols: number,
    rowStart: IndexBuffer,
    columns: IndexBuffer,
    values: Buffer,
    capacity: number,
  ): number;
  /**
   * The same CSR in two passes over ranges of rows, for threads: rowStart[r + 1] = the non-zeros of
   * row r, for rows rowBegin … rowEnd − 1 of X (· × cols) ...
   */
  csrRowCounts(x: Buffer, cols: number, rowStart: IndexBuffer, rowBegin: number, rowEnd: number): void;
  /** ... then, once the caller has summed the counts into starts (rowStart[0] = 0), those rows' entries. */
  csrFillRows(x: Buffer, cols: number, rowStart: IndexBuffer, columns: IndexBuffer, values: Buffer, rowBegin: number, rowEnd: number): void;
  /**
   * Columns colBegin … colEnd − 1 of the CSC form (colStart: cols + 1 entries, rowIndex, colValues)
   * of X (rows × cols) in CSR: their starts (colStart[cols] too when colEnd = cols) and entries.
   * Ranges that together cover 0 … cols give the whole CSC, however they are cut.
   */
  csrTranspose(
    rows: number,
    cols: number,
    rowStart: IndexBuffer,
    columns: IndexBuffer,
    values: Buffer,
    colStart: IndexBuffer,
    rowIndex: IndexBuffer,
    colValues: Buffer,
    colBegin: number,
    colEnd: number,
  ): void;
  /** Rows rowBegin … rowEnd − 1 of Z (· × n) = X·D, X (· × k) in CSR, D (k × n) dense: gemm(false, false, rows, n, k, X, D, Z) on those rows. */
  csrMatmul(
    rowStart: IndexBuffer,
    columns: IndexBuffer,
    values: Buffer,
    k: number,
    d: Buffer,
    n: number,
    z: Buffer,
    rowBegin: number,
    rowEnd: number,
  ): void;
  /** Rows colBegin … colEnd − 1 of G (k × n) = Xᵀ·D (+ G when accumulate), X (m × k) in CSC, D (m × n) dense: gemm(true, false, k, n, m, X, D, G) on those rows. */
  cscTransposeMatmul(
    colStart: IndexBuffer,
    rowIndex: IndexBuffer,
    values: Buffer,
    m: number,
    d: Buffer,
    n: number,
    g: Buffer,
    colBegin: number,
    colEnd: number,
    accumulate: boolean,
  ): void;
  /**
   * cscTransposeMatmul (not accumulating) for the columns list[begin … end − 1] alone: their rows
   * of G are written, every other row left as it is (zero, where the caller keeps it so).
   */
  cscTransposeMatmulListed(
    colStart: IndexBuffer,
    rowIndex: IndexBuffer,
    values: Buffer,
    m: number,
    d: Buffer,
    n: number,
    g: Buffer,
    list: IndexBuffer,
    begin: number,
    end: number,
  ): void;
  /** The columns c < cols with entries in a CSC (colStart[c + 1] > colStart[c]), ascending into `out`; returns their count. */
  nonEmptyColumns(colStart: IndexBuffer, cols: number, out: IndexBuffer): number;
  /** Rows list[0 … count − 1] of g (rows of `width` values) set to zero. */
  zeroRows(g: Buffer, width: number, list: IndexBuffer, count: number): void;
  /**
   * w −= lr·g in rows list[0 … count − 1] alone (rows of `width` values): plain SGD when every
   * other row of g is zero; the same numbers as sgdUpdate without momentum or decay.
   */
  sgdUpdateRows(w: Buffer, g: Buffer, width: number, list: IndexBuffer, count: number, learningRate: number): void;
  /**
   * Plain Adam (adamUpdate without decay of either kind) in rows list[0 … count − 1] alone, rows of
   * `width` values: the same numbers as adamUpdate gives those rows. Every other row must have a zero
   * gradient and zero moments, where adamUpdate would change nothing.
   */
  adamUpdateRows(
    w: Buffer,
    g: Buffer,
    m: Buffer,
    v: Buffer,
    width: number,
    list: IndexBuffer,
    count: number,
    stepSize: number,
    beta1: number,
    beta2: number,
    epsilon: number,
    correction2: number,
  ): void;
  /** x[i] ·= factor. */
  scale(x: Buffer, length: number, factor: number): void;
  /** out[i] = x[i]·y[i]; out may be x or y. */
  multiply(x: Buffer, y: Buffer, out: Buffer, length: number): void;
}

/** Rows of a batch that csrFromDense counts before it may give up early: a quarter of them (all of them below 32 rows). */
export function quarterOfBatch(rows: number): number {
  return rows >= 32 ? rows >> 2 : rows;
}

/**
 * csrFromDense's early give-up: the first quarterOfBatch(rows) rows hold `prefix` non-zeros, more
 * than 11/10 of their share of `capacity`, so the batch is refused without counting the rest (the wasm
 * kernel, assembly/csr-build.ts, decides the same way, so the path does not depend on the backend
 * or the thread count).
 */
export function tooDenseAtQuarter(prefix: number, rows: number, capacity: number): boolean {
  return prefix * rows * 10 > capacity * quarterOfBatch(rows) * 11;
}
