/**
 * The wasm kernels on several threads: the same kernel exports, each call cut into sub-ranges of
 * its OUTPUT that the calling thread and the workers of a pool (worker-pool.ts) compute at once on
 * one shared memory. Nothing here does arithmetic; it only cuts.
 *
 * Why outputs: every number a call produces is then computed by one thread, by the same sequence
 * of operations as on one thread, so results are bit-for-bit the same at any thread count. (Cutting
 * a sum over samples into parts and adding the parts would change f32 results.) What that needs of
 * each kernel:
 * - gemm: C's rows in multiples of the micro-tile's 4, or its columns in multiples of 8. Each
 *   element's dot product runs over the same depth blocks (chosen from k alone) in the same order
 *   whatever tile it falls in; padded rows and columns are separate lanes.
 * - elementwise kernels (activations but softmax, their derivatives, the optimizers' updates):
 *   ranges that start on a multiple of 16 values, so that every value falls in the vector body or
 *   the scalar tail as it would on one thread (the two may round differently: sigmoid's vector
 *   exp is not the scalar one).
 * - per-row kernels (softmax and its derivative, the bias add): whole rows.
 * - the bias gradient (a sum down each column of dZ): ranges of columns, 16 at a time.
 * - the sparse first layer's products (csrMatmul, cscTransposeMatmul): ranges of their output's
 *   rows (batch rows of Z; input columns of the Wᵀ-shaped gradient), which the kernels take as
 *   arguments; each output row is one thread's, summed in gemm's order. The ranges hold about as
 *   many non-zeros each (rows of a batch, and still more its columns, hold very different counts).
 * - the CSR copy of a dense batch: ranges of rows, in two passes (each row's count; then, the counts
 *   summed into starts here, each row's entries at its place); its CSC transpose: ranges of
 *   columns. Each index and value is written by one thread, to the place it has on one thread.
 * Reductions to one number (the loss, sums of squares) and the small per-step kernels stay on the
 * calling thread.
 *
 * Small calls stay on the calling thread too: a part must be worth the wake-up of a worker
 * (about 1–2 µs when it is polling, tens when it sleeps). The cutoffs are measured by
 * `npm run bench -- --only threads`.
 *
 * The products (gemm and the two sparse ones) cut among all threads do not cut evenly: the calling
 * thread's share follows how long the threads took last time (`shares`), and shrinks further
 * when it runs a job beside the workers (`overlap`: the next batch's gather, which only it can
 * do, src/core/gather-ahead.ts). Every output is still one thread's, computed as on one thread.
 *
 * A new kernel is made threaded by overriding its method here: check the buffers as WasmKernels
 * does, cut its output with `cut` (rows, columns or values, in a granule that keeps each output's
 * operations as they are), post each worker its part's arguments (`task` then `pool.post`, the
 * export's op from `opOf`), run part 0 on this thread, and `pool.wait()`.
 */
import { KERNEL_FUNCTIONS } from './abi.js';
import { Activation, quarterOfBatch, tooDenseAtQuarter, type Buffer, type IndexBuffer, type Precision } from './kernels.js';
import { createKernelMemory } from './kernel-memory.js';
import { inRange, need, ptr, WasmKernels } from './wasm.js';
import { instantiateKernels, kernelBuild, kernelModule, type KernelBuild } from './wasm-module.js';
import { giveBackThreadedSlot, takeThreadedSlot } from './threaded-slot.js';
import { WorkerPool } from './worker-pool.js';

/** Every export, in the order ops number them. */
const EXPORTS = Object.keys(KERNEL_FUNCTIONS);

/** Multiply-adds a gemm part must have: below it, a second thread costs more than it saves (bench/threads.js). */
let GEMM_PART_MIN = 1 << 17;
/** Values an elementwise part must have. */
let ELEMENTWISE_PART_MIN = 1 << 14;

/**
 * @internal The smallest parts worth a thread (multiply-adds of a gemm part, values of an
 * elementwise one), for tests that cut small problems on purpose and for the benchmark; returns
 * the previous ones. Results do not depend on them.
 */
export function setPartMinimums(gemm: number, elementwise: number): { gemm: number; elementwise: number } {
  const before = { gemm: GEMM_PART_MIN, elementwise: ELEMENTWISE_PART_MIN };
  GEMM_PART_MIN = Math.max(1, gemm);
  ELEMENTWISE_PART_MIN = Math.max(1, elementwise);
  return before;
}
/**
 * Entries that a part of a batch's transposition must move (csrTranspose), in elementwise values:
 * an entry costs a load, a count and a scattered store in each of two passes.
 */
const TRANSPOSE_ENTRY_VALUES = 4;
/** The products whose cuts follow how long the threads take (ThreadedKernels.shares): two slots each, without and with a job beside. */
const PRODUCT_GEMM = 0;
const PRODUCT_CSR = 2;
const PRODUCT_CSC = 4;
/** The calling thread's share of a product is counted in 1/SHARE_UNITS of the whole. */
const SHARE_UNITS = 64;
/** Values in the granule of an elementwise cut: 16 f32 (64 bytes, a cache line) keep the vector bodies whole. */
const GRANULE = 16;
/** gemm's micro-tile: rows of C in multiples of 4, columns in multiples of 8 (f32; f64 tiles are 4 wide, which 8 also divides). */
const TILE_ROWS = 4;
const TILE_COLS = 8;

/**
 * ⌊x / y⌋ of integers x ≥ 0, y > 0, computed so that no step's arithmetic makes a fraction: a
 * method called once a step can stay in V8's baseline code, where a fractional quotient is a new
 * heap number every time (and a training step allocates nothing).
 */
function quotient(x: number, y: number): number {
  return (x - (x % y)) / y;
}

/** ⌈x / y⌉ of integers x ≥ 0, y > 0, as `quotient` computes. */
function quotientUp(x: number, y: number): number {
  return quotient(x + y - 1, y);
}

/** Units (rows, say) of `per` values each that a part must have to hold `least` values. */
function partLength(least: number, per: number): number {
  return quotientUp(least, Math.max(per, 1));
}

export class ThreadedKernels extends WasmKernels {
  /** Threads a call may use: the workers and the calling thread. */
  readonly threads: number;
  private pool: WorkerPool | null;
  /** The module's instance on the memory (the workers have their own), handed back with it on dispose. */
  private readonly moduleInstance: { readonly exports: WebAssembly.Exports };
  /** The packing workspace of each worker's gemm, one apiece (they run at once). */
  private readonly workspaces: number[];
  /** Where the parts of the current call start, and (at [parts]) where the last one ends. */
  private readonly cuts: Int32Array;
  /** The float arguments of the call in progress (see activate). */
  private readonly scalars = new Float64Array(8);
  /** The job for the calling thread beside the next product cut among threads (see overlap), or null. */
  private job: (() => void) | null = null;
  /** True while a job runs: every call is then this thread's alone. */
  private inJob = false;
  /**
   * The calling thread's share, in 1/SHARE_UNITS, of a product cut among all threads: slot
   * PRODUCT_* alone, PRODUCT_* + 1 with a job beside (overlap). After each such product it moves by
   * one unit: up when this thread had to wait for the workers, down when it found them done, so
   * that it settles where all finish together, whatever the job costs and however fast each thread
   * runs on the machine (a worker measured slower than the calling thread on equal parts). Where
   * the cuts fall changes no result (see the top of this file).
   */
  private readonly shares = new Int32Array(6);
  /** The pointers of the arrays an optimizer's update walks, for postUpdateParts. */
  private readonly partArrays = new Float64Array(4);
  private readonly opGemm: number;
  private readonly opBiasAdd: number;
  private readonly opBiasGradient: number;
  private readonly opActivate: number;
  private readonly opActivateBackward: number;
  private readonly opSgd: number;
  private readonly opAdam: number;
  private readonly opRmsprop: number;
  private readonly opAdamRows: number;
  private readonly opSgdRows: number;
  private readonly opCsrRowCounts: number;
  private readonly opCsrFillRows: number;
  private readonly opCsrTranspose: number;
  private readonly opCsrMatmul: number;
  private readonly opCscTransposeMatmul: number;

  private constructor(
    memory: WebAssembly.Memory,
    instance: WebAssembly.Instance,
    precision: Precision,
    build: KernelBuild,
    pool: WorkerPool,
    /** The shared-memory module of the instance, handed back with it on dispose. */
    private readonly sharedModule: WebAssembly.Module,
  ) {
    super(memory, instance, precision, build);
    this.moduleInstance = instance;
    this.pool = pool;
    this.threads = pool.size + 1;
    this.cuts = new Int32Array(this.threads + 1);
    // An even share alone; beside a job, half of it (the job takes the rest of this thread's time).
    for (let slot = 0; slot < this.shares.length; slot += 2) {
      this.shares[slot] = quotient(SHARE_UNITS, this.threads);
      this.shares[slot + 1] = quotient(SHARE_UNITS, 2 * this.threads);
    }
    const x = this.exports;
    const workBytes = precision === 'f32' ? x.gemm_workspace_bytes_f32() : x.gemm_workspace_bytes_f64();
    this.workspaces = [];
    for (let w = 0; w < pool.size; w++) this.workspaces.push(ptr(this.alloc(Math.ceil(workBytes / this.bytesPer))));
    const suffix = precision === 'f32' ? '_f32' : '_f64';
    const op = (name: string) => EXPORTS.indexOf(name + suffix);
    this.opGemm = op('gemm');
    this.opBiasAdd = op('bias_add');
    this.opBiasGradient = op('bias_gradient');
    this.opActivate = op('activate');
    this.opActivateBackward = op('activate_backward');
    this.opSgd = op('sgd_update');
    this.opAdam = op('adam_update');
    this.opRmsprop = op('rmsprop_update');
    this.opAdamRows = op('adam_update_rows');
    this.opSgdRows = op('sgd_update_rows');
    this.opCsrRowCounts = op('csr_row_counts');
    this.opCsrFillRows = op('csr_fill_rows');
    this.opCsrTranspose = op('csr_transpose');
    this.opCsrMatmul = op('csr_matmul');
    this.opCscTransposeMatmul = op('csc_transpose_matmul');
  }

  /**
   * Kernels on `threads` threads (this one and threads − 1 workers), on a new shared memory with
   * the shared-memory variant of `build`. The workers instantiate the module before anything is
   * written to the memory.
   */
  static async createThreaded(precision: Precision, threads: number, build: KernelBuild = kernelBuild()): Promise<ThreadedKernels> {
    const module = await kernelModule(build, true);
    const reused = takeThreadedSlot(module, threads - 1);
    if (reused !== null) return new ThreadedKernels(reused.memory, reused.instance, precision, build, reused.pool, module);
    const memory = createKernelMemory(true);
    const pool = await WorkerPool.start(threads - 1, module, memory, EXPORTS);
    try {
      return new ThreadedKernels(memory, instantiateKernels(module, memory), precision, build, pool, module);
    } catch (e) {
      pool.dispose();
      throw e;
    }
  }

  /** Hands the memory, the instance and the workers to the next threaded network (threaded-slot.ts), or terminates the workers. */
  override dispose(): void {
    const pool = this.pool;
    if (pool === null) return;
    this.pool = null;
    const memory = this.memory;
    super.dispose();
    giveBackThreadedSlot({ module: this.sharedModule, memory, instance: this.moduleInstance, pool });
  }

  override readonly overlaps: boolean = true;

  override overlap(job: (() => void) | null): void {
    this.job = job;
  }

  /** The job offered for the next product, taken (so that it runs once), or null. */
  private takeJob(): (() => void) | null {
    const job = this.job;
    this.job = null;
    return job;
  }

  /**
   * Runs a taken job on this thread, after the workers have their parts: if it throws, they are
   * waited for first. Kernel calls the job makes run on this thread alone (see `cut`): the workers
   * are busy with the product. They reuse `cuts`: the product reads its own part's bounds first.
   */
  private runJob(job: () => void): void {
    this.inJob = true;
    try {
      job();
    } catch (e) {
      this.inJob = false;
      this.pool!.wait();
      throw e;
    }
    this.inJob = false;
  }

  /** Moves this thread's share in `slot` after a product cut by it (see shares). */
  private settleShare(slot: number, waited: boolean): void {
    this.shares[slot] = Math.max(0, Math.min(SHARE_UNITS, this.shares[slot] + (waited ? 1 : -1)));
  }

  /**
   * As `cut` into every thread's part, but part 0 (this thread's) about share / SHARE_UNITS of the
   * grains, possibly none, and the rest shared evenly by the workers.
   */
  private cutShared(total: number, granule: number, share: number): void {
    const parts = this.threads;
    const grains = quotientUp(total, granule);
    const own = Math.min(grains, quotient(grains * share, SHARE_UNITS));
    const cuts = this.cuts;
    cuts[0] = 0;
    for (let p = 1; p < parts; p++) cuts[p] = Math.min(total, (own + quotient((grains - own) * (p - 1), parts - 1)) * granule);
    cuts[parts] = total;
  }

  /**
   * Cuts [0, total) into at most `this.threads` parts for this call, each a multiple of `granule`
   * but the last, and at least `least` long (so that none costs more to hand over than it
   * saves); the parts' bounds go into `cuts`. Returns the number of parts (1: run here alone).
   */
  private cut(total: number, granule: number, least: number): number {
    const grains = quotientUp(total, granule);
    const parts = this.inJob ? 1 : Math.max(1, Math.min(this.threads, grains, quotient(total, Math.max(least, 1))));
    const cuts = this.cuts;
    for (let p = 0; p < parts; p++) cuts[p] = Math.min(total, quotient(grains * p, parts) * granule);
    cuts[parts] = total;
    return parts;
  }

  /** The argument block of worker w (part w + 1), for `pool.post`. */
  private task(w: number): Float64Array {
    return this.pool!.args(w);
  }

  override gemm(
    transA: boolean,
    transB: boolean,
    m: number,
    n: number,
    k: number,
    a: Buffer,
    b: Buffer,
    c: Buffer,
    accumulate: boolean,
  ): void {
    need(a, m * k, 'gemm A');
    need(b, k * n, 'gemm B');
    need(c, m * n, 'gemm C');
    const work = m * n * k;
    // Each part packs the whole of the operand it does not cut: cut the output along the larger
    // of op(A)'s rows and op(B)'s columns, so that the copy made by every thread is the smaller.
    const byRows = m >= n;
    const granule = byRows ? TILE_ROWS : TILE_COLS;
    let parts = work < 2 * GEMM_PART_MIN ? 1 : this.cut(byRows ? m : n, granule, quotientUp(GEMM_PART_MIN, quotient(work, byRows ? m : n)));
    if (parts === 1) return super.gemm(transA, transB, m, n, k, a, b, c, accumulate);
    const job = this.takeJob();
    if (job !== null) parts = this.threads;
    // Cut among all threads, the cut follows their speed (see shares); among fewer, it is even.
    const slot = job !== null ? PRODUCT_GEMM + 1 : PRODUCT_GEMM;
    const adaptive = parts === this.threads;
    if (adaptive) this.cutShared(byRows ? m : n, granule, this.shares[slot]);
    const sz = this.bytesPer;
    const lda = transA ? m : k;
    const ldb = transB ? k : n;
    const pa = ptr(a);
    const pb = ptr(b);
    const pc = ptr(c);
    const cuts = this.cuts;
    for (let p = parts - 1; p >= 0; p--) {
      const from = cuts[p];
      const size = cuts[p + 1] - from;
      // Rows of C are rows of op(A): rows of A, or its columns when transposed. Columns of C are columns of op(B).
      const ap = byRows ? pa + (transA ? from : from * lda) * sz : pa;
      const bp = byRows ? pb : pb + (transB ? from * ldb : from) * sz;
      const cp = pc + (byRows ? from * n : from) * sz;
      const mm = byRows ? size : m;
      const nn = byRows ? n : size;
      if (p === 0) {
        if (job !== null) this.runJob(job);
        if (size > 0) this.fgemm(+transA, +transB, mm, nn, k, ap, lda, bp, ldb, cp, n, +accumulate, this.workspace);
        break;
      }
      if (size === 0) continue;
      const t = this.task(p - 1);
      t[0] = +transA;
      t[1] = +transB;
      t[2] = mm;
      t[3] = nn;
      t[4] = k;
      t[5] = ap;
      t[6] = lda;
      t[7] = bp;
      t[8] = ldb;
      t[9] = cp;
      t[10] = n;
      t[11] = +accumulate;
      t[12] = this.workspaces[p - 1];
      this.pool!.post(p - 1, this.opGemm);
    }
    const waited = this.pool!.wait();
    if (adaptive) this.settleShare(slot, waited);
  }

  override biasAdd(z: Buffer, b: Buffer, rows: number, cols: number): void {
    need(z, rows * cols, 'biasAdd Z');
    need(b, cols, 'biasAdd b');
    const parts = this.cut(rows, 1, partLength(ELEMENTWISE_PART_MIN, cols));
    if (parts === 1) return super.biasAdd(z, b, rows, cols);
    const row = cols * this.bytesPer;
    const pz = ptr(z);
    const pb = ptr(b);
    const cuts = this.cuts;
    for (let p = 1; p < parts; p++) {
      const t = this.task(p - 1);
      t[0] = pz + cuts[p] * row;
      t[1] = pb;
      t[2] = cuts[p + 1] - cuts[p];
      t[3] = cols;
      this.pool!.post(p - 1, this.opBiasAdd);
    }
    this.fbiasAdd(pz, pb, cuts[1], cols);
    this.pool!.wait();
  }

  override biasGradient(dz: Buffer, db: Buffer, rows: number, cols: number, accumulate: boolean): void {
    need(dz, rows * cols, 'biasGradient dZ');
    need(db, cols, 'biasGradient db');
    // Each column's sum is one output: cut the columns (whole vectors of them), never the rows.
    const parts = this.cut(cols, GRANULE, partLength(ELEMENTWISE_PART_MIN, rows));
    if (parts === 1) return super.biasGradient(dz, db, rows, cols, accumulate);
    const sz = this.bytesPer;
    const pdz = ptr(dz);
    const pdb = ptr(db);
    const cuts = this.cuts;
    for (let p = 1; p < parts; p++) {
      const t = this.task(p - 1);
      t[0] = pdz + cuts[p] * sz;
      t[1] = cols;
      t[2] = pdb + cuts[p] * sz;
      t[3] = rows;
      t[4] = cuts[p + 1] - cuts[p];
      t[5] = +accumulate;
      this.pool!.post(p - 1, this.opBiasGradient);
    }
    this.fbiasGradient(pdz, cols, pdb, rows, cuts[1], +accumulate);
    this.pool!.wait();
  }

  // The methods below take floats that a caller computes afresh each step (Adam's step size, say).
  // Passed on to a function that V8 does not inline, each would become a new heap number: so each
  // method, small enough to be inlined into its caller, only parks its floats in `scalars` and
  // hands the work to a method that takes integers and buffers alone.

  override activate(kind: Activation, z: Buffer, a: Buffer, rows: number, cols: number, slope: number): void {
    this.scalars[0] = slope;
    this.runActivate(kind, z, a, rows, cols);
  }

  private runActivate(kind: Activation, z: Buffer, a: Buffer, rows: number, cols: number): void {
    need(z, rows * cols, 'activate Z');
    need(a, rows * cols, 'activate A');
    const slope = this.scalars[0];
    // Softmax normalises rows: cut whole rows. The others are elementwise: cut values, treated as one row.
    const perRow = kind === Activation.Softmax;
    const parts = this.cut(
      perRow ? rows : rows * cols,
      perRow ? 1 : GRANULE,
      perRow ? partLength(ELEMENTWISE_PART_MIN, cols) : ELEMENTWISE_PART_MIN,
    );
    const pz = ptr(z);
    const pa = ptr(a);
    if (parts === 1) return this.factivate(kind, pz, pa, rows, cols, slope);
    const unit = (perRow ? cols : 1) * this.bytesPer;
    const cuts = this.cuts;
    for (let p = 1; p < parts; p++) {
      const size = cuts[p + 1] - cuts[p];
      const t = this.task(p - 1);
      t[0] = kind;
      t[1] = pz + cuts[p] * unit;
      t[2] = pa + cuts[p] * unit;
      t[3] = perRow ? size : 1;
      t[4] = perRow ? cols : size;
      t[5] = slope;
      this.pool!.post(p - 1, this.opActivate);
    }
    this.factivate(kind, pz, pa, perRow ? cuts[1] : 1, perRow ? cols : cuts[1], slope);
    this.pool!.wait();
  }

  override activateBackward(
    kind: Activation,
    z: Buffer,
    a: Buffer,
    da: Buffer,
    dz: Buffer,
    rows: number,
    cols: number,
    slope: number,
  ): void {
    this.scalars[0] = slope;
    this.runActivateBackward(kind, z, a, da, dz, rows, cols);
  }

  private runActivateBackward(kind: Activation, z: Buffer, a: Buffer, da: Buffer, dz: Buffer, rows: number, cols: number): void {
    const len = rows * cols;
    need(z, len, 'activateBackward Z');
    need(a, len, 'activateBackward A');
    need(da, len, 'activateBackward dA');
    need(dz, len, 'activateBackward dZ');
    const slope = this.scalars[0];
    const perRow = kind === Activation.Softmax;
    const parts = this.cut(
      perRow ? rows : len,
      perRow ? 1 : GRANULE,
      perRow ? partLength(ELEMENTWISE_PART_MIN, cols) : ELEMENTWISE_PART_MIN,
    );
    const pz = ptr(z);
    const pa = ptr(a);
    const pda = ptr(da);
    const pdz = ptr(dz);
    if (parts === 1) return this.factivateBackward(kind, pz, pa, pda, pdz, rows, cols, slope);
    const unit = (perRow ? cols : 1) * this.bytesPer;
    const cuts = this.cuts;
    for (let p = 1; p < parts; p++) {
      const size = cuts[p + 1] - cuts[p];
      const off = cuts[p] * unit;
      const t = this.task(p - 1);
      t[0] = kind;
      t[1] = pz + off;
      t[2] = pa + off;
      t[3] = pda + off;
      t[4] = pdz + off;
      t[5] = perRow ? size : 1;
      t[6] = perRow ? cols : size;
      t[7] = slope;
      this.pool!.post(p - 1, this.opActivateBackward);
    }
    this.factivateBackward(kind, pz, pa, pda, pdz, perRow ? cuts[1] : 1, perRow ? cols : cuts[1], slope);
    this.pool!.wait();
  }

  override sgdUpdate(
    w: Buffer,
    g: Buffer,
    v: Buffer,
    length: number,
    lr: number,
    momentum: number,
    nesterov: boolean,
    decay: number,
  ): void {
    const s = this.scalars;
    s[0] = lr;
    s[1] = momentum;
    s[2] = +nesterov;
    s[3] = decay;
    this.runSgd(w, g, v, length);
  }

  private runSgd(w: Buffer, g: Buffer, v: Buffer, length: number): void {
    const s = this.scalars;
    const moves = s[1] !== 0;
    need(w, length, 'sgdUpdate W');
    need(g, length, 'sgdUpdate gradient');
    if (moves) need(v, length, 'sgdUpdate velocity');
    const a = this.partArrays;
    a[0] = ptr(w);
    a[1] = ptr(g);
    a[2] = ptr(v);
    // The velocity is not read without momentum, and may then be a short placeholder: its pointer stays as it is.
    const own = this.postUpdateParts(this.opSgd, 3, moves ? 0 : 0b100, length, 4);
    this.fsgd(a[0], a[1], a[2], own, s[0], s[1], s[2], s[3]);
    this.pool!.wait();
  }

  override adamUpdate(
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
  ): void {
    const s = this.scalars;
    s[0] = stepSize;
    s[1] = beta1;
    s[2] = beta2;
    s[3] = epsilon;
    s[4] = correction2;
    s[5] = decay;
    s[6] = shrink;
    this.runAdam(w, g, m, v, length);
  }

  private runAdam(w: Buffer, g: Buffer, m: Buffer, v: Buffer, length: number): void {
    need(w, length, 'adamUpdate W');
    need(g, length, 'adamUpdate gradient');
    need(m, length, 'adamUpdate first moment');
    need(v, length, 'adamUpdate second moment');
    const s = this.scalars;
    const a = this.partArrays;
    a[0] = ptr(w);
    a[1] = ptr(g);
    a[2] = ptr(m);
    a[3] = ptr(v);
    const own = this.postUpdateParts(this.opAdam, 4, 0, length, 7);
    this.fadam(a[0], a[1], a[2], a[3], own, s[0], s[1], s[2], s[3], s[4], s[5], s[6]);
    this.pool!.wait();
  }

  override sgdUpdateRows(w: Buffer, g: Buffer, width: number, list: IndexBuffer, count: number, learningRate: number): void {
    need(list, count, 'sgdUpdateRows list');
    need(g, w.length, 'sgdUpdateRows gradient');
    const a = this.partArrays;
    a[0] = ptr(w);
    a[1] = ptr(g);
    this.scalars[0] = learningRate;
    const own = this.postRowParts(this.opSgdRows, 2, width, list, count, 1);
    this.fsgdRows(a[0], a[1], width, ptr(list), 0, own, learningRate);
    this.pool!.wait();
  }

  override adamUpdateRows(
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
  ): void {
    need(list, count, 'adamUpdateRows list');
    need(g, w.length, 'adamUpdateRows gradient');
    need(m, w.length, 'adamUpdateRows first moment');
    need(v, w.length, 'adamUpdateRows second moment');
    const a = this.partArrays;
    a[0] = ptr(w);
    a[1] = ptr(g);
    a[2] = ptr(m);
    a[3] = ptr(v);
    const s = this.scalars;
    s[0] = stepSize;
    s[1] = beta1;
    s[2] = beta2;
    s[3] = epsilon;
    s[4] = correction2;
    const own = this.postRowParts(this.opAdamRows, 4, width, list, count, 5);
    this.fadamRows(a[0], a[1], a[2], a[3], width, ptr(list), 0, own, stepSize, beta1, beta2, epsilon, correction2);
    this.pool!.wait();
  }

  override rmspropUpdate(w: Buffer, g: Buffer, v: Buffer, length: number, lr: number, rho: number, epsilon: number, decay: number): void {
    const s = this.scalars;
    s[0] = lr;
    s[1] = rho;
    s[2] = epsilon;
    s[3] = decay;
    this.runRmsprop(w, g, v, length);
  }

  private runRmsprop(w: Buffer, g: Buffer, v: Buffer, length: number): void {
    need(w, length, 'rmspropUpdate W');
    need(g, length, 'rmspropUpdate gradient');
    need(v, length, 'rmspropUpdate mean square');
    const s = this.scalars;
    const a = this.partArrays;
    a[0] = ptr(w);
    a[1] = ptr(g);
    a[2] = ptr(v);
    const own = this.postUpdateParts(this.opRmsprop, 3, 0, length, 4);
    this.frmsprop(a[0], a[1], a[2], own, s[0], s[1], s[2], s[3]);
    this.pool!.wait();
  }

  /**
   * An optimizer's update over `length` values cut into parts, parts 1 … posted to the workers as
   * calls of export `op`: each task is the first `arrays` pointers of `partArrays`, advanced to the
   * part (but those whose bit is set in `keep`), the part's length, then the first `count` numbers
   * of `scalars`. Returns the length of part 0, which the caller runs before it waits.
   */
  private postUpdateParts(op: number, arrays: number, keep: number, length: number, count: number): number {
    const parts = this.cut(length, GRANULE, ELEMENTWISE_PART_MIN);
    const a = this.partArrays;
    const s = this.scalars;
    const cuts = this.cuts;
    const sz = this.bytesPer;
    for (let p = 1; p < parts; p++) {
      const off = cuts[p] * sz;
      const t = this.task(p - 1);
      for (let i = 0; i < arrays; i++) t[i] = (keep >> i) & 1 ? a[i] : a[i] + off;
      t[arrays] = cuts[p + 1] - cuts[p];
      for (let i = 0; i < count; i++) t[arrays + 1 + i] = s[i];
      this.pool!.post(p - 1, op);
    }
    return cuts[1];
  }

  /**
   * An update of the rows list[0 … count − 1] (rows of `width` values) cut into parts of whole rows,
   * each at least ELEMENTWISE_PART_MIN values, parts 1 … posted to the workers as calls of export
   * `op`: each task is the first `arrays` pointers of `partArrays`, width, the list, the part's
   * range of it, then the first `count` numbers of `scalars`. Returns the end of part 0.
   */
  private postRowParts(op: number, arrays: number, width: number, list: IndexBuffer, count: number, scalarCount: number): number {
    const parts = this.cut(count, 1, quotientUp(ELEMENTWISE_PART_MIN, Math.max(1, width)));
    const a = this.partArrays;
    const s = this.scalars;
    const cuts = this.cuts;
    for (let p = 1; p < parts; p++) {
      const t = this.task(p - 1);
      for (let i = 0; i < arrays; i++) t[i] = a[i];
      t[arrays] = width;
      t[arrays + 1] = ptr(list);
      t[arrays + 2] = cuts[p];
      t[arrays + 3] = cuts[p + 1];
      for (let i = 0; i < scalarCount; i++) t[arrays + 4 + i] = s[i];
      this.pool!.post(p - 1, op);
    }
    return cuts[1];
  }

  /**
   * Rows [begin, end) of a sparse product's output cut into parts of whole rows, each with at
   * least GEMM_PART_MIN multiply-adds on average (`work` is the whole range's), and about as many
   * of them each: a row's weight is its entries (starts[r + 1] − starts[r]) plus `perRow`. Returns
   * the number of parts; their bounds are in `cuts`.
   */
  private cutSparseRows(starts: Int32Array, begin: number, end: number, work: number, perRow: number): number {
    const rows = end - begin;
    if (work < 2 * GEMM_PART_MIN || rows < 2) return 1;
    const parts = this.cut(rows, 1, quotientUp(GEMM_PART_MIN * rows, work));
    if (parts > 1) this.balance(starts, begin, end, perRow, parts);
    return parts;
  }

  /**
   * Bounds of `parts` ranges of rows begin … end − 1 into `cuts`, each of about the same weight: a
   * row's is its entries in the prefix `starts` (starts[r + 1] − starts[r]) plus `perRow`.
   */
  private balance(starts: Int32Array, begin: number, end: number, perRow: number, parts: number, share = -1): void {
    const cuts = this.cuts;
    const first = starts[begin] + perRow * begin;
    const total = starts[end] + perRow * end - first;
    // Part p ends where the weight before it reaches p / parts of the whole; with a share (this
    // thread's part 0, see shares), share / SHARE_UNITS of it and then even parts of the rest.
    // Compared in integers, multiplied out: a fraction would be a new heap number each step until V8 optimises.
    const even = share < 0;
    const scale = even ? parts : SHARE_UNITS * (parts - 1);
    cuts[0] = begin;
    for (let p = 1; p < parts; p++) {
      const target = even ? total * p : total * (share * (parts - 1) + (SHARE_UNITS - share) * (p - 1));
      let lo = cuts[p - 1];
      let hi = end;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if ((starts[mid] + perRow * mid - first) * scale < target) lo = mid + 1;
        else hi = mid;
      }
      cuts[p] = lo;
    }
    cuts[parts] = end;
  }

  override csrFromDense(
    x: Buffer,
    rows: number,
    cols: number,
    rowStart: IndexBuffer,
    columns: IndexBuffer,
    values: Buffer,
    capacity: number,
  ): number {
    const parts = this.cut(rows, 1, partLength(ELEMENTWISE_PART_MIN, cols));
    if (parts === 1) return super.csrFromDense(x, rows, cols, rowStart, columns, values, capacity);
    need(x, rows * cols, 'csrFromDense X');
    need(rowStart, rows + 1, 'csrFromDense rowStart');
    need(columns, capacity, 'csrFromDense columns');
    need(values, capacity, 'csrFromDense values');
    const px = ptr(x);
    const pr = ptr(rowStart);
    const cuts = this.cuts;
    // Pass 1: each row's count, over rows cut evenly (a count is a comparison per vector, whatever the row holds).
    for (let p = 1; p < parts; p++) {
      const t = this.task(p - 1);
      t[0] = px;
      t[1] = cols;
      t[2] = pr;
      t[3] = cuts[p];
      t[4] = cuts[p + 1];
      this.pool!.post(p - 1, this.opCsrRowCounts);
    }
    this.fcsrRowCounts(px, cols, pr, 0, cuts[1]);
    this.pool!.wait();
    // The counts into starts, here: one addition a row.
    const starts = this.indexView(rowStart);
    starts[0] = 0;
    for (let r = 0; r < rows; r++) starts[r + 1] += starts[r];
    const nnz = starts[rows];
    if (nnz > capacity || tooDenseAtQuarter(starts[quarterOfBatch(rows)], rows, capacity)) return -1;
    // Pass 2: the entries, over rows cut to hold about as much work each (a row's scan, in vectors, and its entries).
    this.balance(starts, 0, rows, quotientUp(cols, 4), parts);
    const pc = ptr(columns);
    const pv = ptr(values);
    for (let p = 1; p < parts; p++) {
      const t = this.task(p - 1);
      t[0] = px;
      t[1] = cols;
      t[2] = pr;
      t[3] = pc;
      t[4] = pv;
      t[5] = cuts[p];
      t[6] = cuts[p + 1];
      this.pool!.post(p - 1, this.opCsrFillRows);
    }
    this.fcsrFillRows(px, cols, pr, pc, pv, 0, cuts[1]);
    this.pool!.wait();
    return nnz;
  }

  override csrTranspose(
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
  ): void {
    need(rowStart, rows + 1, 'csrTranspose rowStart');
    const nnz = this.indexView(rowStart)[rows];
    const parts = nnz * TRANSPOSE_ENTRY_VALUES < 2 * ELEMENTWISE_PART_MIN ? 1 : this.cut(colEnd - colBegin, 1, 1);
    if (parts === 1) return super.csrTranspose(rows, cols, rowStart, columns, values, colStart, rowIndex, colValues, colBegin, colEnd);
    need(columns, nnz, 'csrTranspose columns');
    need(values, nnz, 'csrTranspose values');
    need(colStart, cols + 1, 'csrTranspose colStart');
    need(rowIndex, nnz, 'csrTranspose rowIndex');
    need(colValues, nnz, 'csrTranspose colValues');
    inRange(colBegin, colEnd, cols, 'csrTranspose columns');
    const pr = ptr(rowStart);
    const pc = ptr(columns);
    const pv = ptr(values);
    const pcs = ptr(colStart);
    const pri = ptr(rowIndex);
    const pcv = ptr(colValues);
    const cuts = this.cuts;
    for (let p = 0; p <= parts; p++) cuts[p] += colBegin;
    for (let p = 1; p < parts; p++) {
      const t = this.task(p - 1);
      t[0] = rows;
      t[1] = cols;
      t[2] = pr;
      t[3] = pc;
      t[4] = pv;
      t[5] = pcs;
      t[6] = pri;
      t[7] = pcv;
      t[8] = cuts[p];
      t[9] = cuts[p + 1];
      this.pool!.post(p - 1, this.opCsrTranspose);
    }
    this.fcsrTranspose(rows, cols, pr, pc, pv, pcs, pri, pcv, cuts[0], cuts[1]);
    this.pool!.wait();
  }

  override csrMatmul(
    rowStart: IndexBuffer,
    columns: IndexBuffer,
    values: Buffer,
    k: number,
    d: Buffer,
    n: number,
    z: Buffer,
    rowBegin: number,
    rowEnd: number,
  ): void {
    need(rowStart, rowEnd + 1, 'csrMatmul rowStart');
    need(d, k * n, 'csrMatmul D');
    need(z, rowEnd * n, 'csrMatmul Z');
    const starts = this.indexView(rowStart);
    let parts = this.cutSparseRows(starts, rowBegin, rowEnd, (starts[rowEnd] - starts[rowBegin]) * n, 1);
    if (parts === 1) return super.csrMatmul(rowStart, columns, values, k, d, n, z, rowBegin, rowEnd);
    const job = this.takeJob();
    if (job !== null) parts = this.threads;
    const slot = job !== null ? PRODUCT_CSR + 1 : PRODUCT_CSR;
    const adaptive = parts === this.threads;
    if (adaptive) this.balance(starts, rowBegin, rowEnd, 1, parts, this.shares[slot]);
    const pr = ptr(rowStart);
    const pc = ptr(columns);
    const pv = ptr(values);
    const pd = ptr(d);
    const pz = ptr(z);
    const cuts = this.cuts;
    for (let p = 1; p < parts; p++) {
      if (cuts[p + 1] === cuts[p]) continue;
      const t = this.task(p - 1);
      t[0] = pr;
      t[1] = pc;
      t[2] = pv;
      t[3] = k;
      t[4] = pd;
      t[5] = n;
      t[6] = pz;
      t[7] = cuts[p];
      t[8] = cuts[p + 1];
      this.pool!.post(p - 1, this.opCsrMatmul);
    }
    // Read before the job, whose own kernel calls cut anew.
    const ownBegin = cuts[0];
    const ownEnd = cuts[1];
    if (job !== null) this.runJob(job);
    this.fcsrMatmul(pr, pc, pv, k, pd, n, pz, ownBegin, ownEnd);
    const waited = this.pool!.wait();
    if (adaptive) this.settleShare(slot, waited);
  }

  override cscTransposeMatmul(
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
  ): void {
    need(colStart, colEnd + 1, 'cscTransposeMatmul colStart');
    need(d, m * n, 'cscTransposeMatmul D');
    need(g, colEnd * n, 'cscTransposeMatmul G');
    const starts = this.indexView(colStart);
    // Every output row is written (zeroed or kept) even where its column has no entry: count a row's n besides the multiply-adds.
    let parts = this.cutSparseRows(starts, colBegin, colEnd, (starts[colEnd] - starts[colBegin] + (colEnd - colBegin)) * n, 1);
    if (parts === 1) return super.cscTransposeMatmul(colStart, rowIndex, values, m, d, n, g, colBegin, colEnd, accumulate);
    const job = this.takeJob();
    if (job !== null) parts = this.threads;
    const slot = job !== null ? PRODUCT_CSC + 1 : PRODUCT_CSC;
    const adaptive = parts === this.threads;
    if (adaptive) this.balance(starts, colBegin, colEnd, 1, parts, this.shares[slot]);
    const pc = ptr(colStart);
    const pr = ptr(rowIndex);
    const pv = ptr(values);
    const pd = ptr(d);
    const pg = ptr(g);
    const cuts = this.cuts;
    for (let p = 1; p < parts; p++) {
      if (cuts[p + 1] === cuts[p]) continue;
      const t = this.task(p - 1);
      t[0] = pc;
      t[1] = pr;
      t[2] = pv;
      t[3] = m;
      t[4] = pd;
      t[5] = n;
      t[6] = pg;
      t[7] = cuts[p];
      t[8] = cuts[p + 1];
      t[9] = +accumulate;
      this.pool!.post(p - 1, this.opCscTransposeMatmul);
    }
    // Read before the job, whose own kernel calls cut anew.
    const ownBegin = cuts[0];
    const ownEnd = cuts[1];
    if (job !== null) this.runJob(job);
    this.fcscTransposeMatmul(pc, pr, pv, m, pd, n, pg, ownBegin, ownEnd, +accumulate);
    const waited = this.pool!.wait();
    if (adaptive) this.settleShare(slot, waited);
  }
}
