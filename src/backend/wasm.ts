/**
 * The kernels in WebAssembly. Each instance runs on one linear memory, handed in by its creator
 * (the module imports it as env.memory) and laid out by a bump allocator: the packing workspace
 * of the matrix product first, then whatever the network plans. Pointers stay inside this file.
 *
 * Nothing here assumes the memory's buffer is an ArrayBuffer rather than a SharedArrayBuffer:
 * views are made on `memory.buffer` whatever it is, and remade when it is replaced (growth).
 */
import type { FloatArray } from '../io/matrix.js';
import { checkKernelExports, type KernelAbi, type KernelFunctions } from './abi.js';
import { Activation, LossKernel, type Buffer, type IndexBuffer, type Kernels, type Precision } from './kernels.js';
import { createKernelMemory, giveBackKernelSlot, kernelsDisposed, kernelsMade, takeKernelSlot } from './kernel-memory.js';
import { checkRoom, formatBytes } from './room.js';
import { instantiateKernels, kernelBuild, kernelModule, type KernelBuild } from './wasm-module.js';

/** Buffers start on 64-byte boundaries: whole cache lines, and aligned vector loads. */
const ALIGN = 64;
const PAGE = 65536;

class WasmBuffer implements Buffer {
  /** The view and the ArrayBuffer it was made on: growing memory replaces the ArrayBuffer. */
  cached: FloatArray | null = null;
  constructor(
    readonly ptr: number,
    readonly length: number,
  ) {}
}

class WasmIndexBuffer implements IndexBuffer {
  readonly indices = true as const;
  cached: Int32Array | null = null;
  constructor(
    readonly ptr: number,
    readonly length: number,
  ) {}
}

/** The byte offset of a buffer in its memory (for the threaded kernels, src/backend/threaded.ts). */
export function ptr(b: Buffer | IndexBuffer): number {
  return (b as WasmBuffer | WasmIndexBuffer).ptr;
}

/** What every kernel function becomes when the kernels are disposed: a later call is a bug, stopped before it can write into a memory that another network may have taken. */
function disposed(): never {
  throw new Error('backprop-wasm: these kernels were disposed');
}

export class WasmKernels implements Kernels {
  readonly name = 'wasm' as const;
  /** The memory, the instance and its exports; null once disposed, so that nothing here keeps them from the collector. */
  private mem: WebAssembly.Memory | null;
  private instance: { readonly exports: WebAssembly.Exports } | null;
  private x: KernelAbi | null;
  /** The compiled module of the instance when `create` made these kernels: then the memory and instance are handed back for reuse on dispose. */
  private module: WebAssembly.Module | null = null;
  protected readonly bytesPer: number;
  /** The packing workspace of the matrix product on this thread. */
  protected readonly workspace: number;
  /** Bytes of the packing workspace at `workspace`. */
  private readonly workspaceBytes: number;
  /** Eight bytes where a kernel leaves a scalar result, and a view of them. */
  private readonly resultSlot: number;
  private result: Float64Array;
  private readonly base: number;
  private top: number;
  /** Bytes below which the memory may hold something other than zeros: a buffer allocated there is zero-filled (memory.grow adds zeros). */
  private dirty: number;
  /** The buffers allocated and not released, in address order, whose cached views `dispose` drops. */
  private buffers: (WasmBuffer | WasmIndexBuffer)[] = [];
  protected fgemm: KernelFunctions['gemm_f32'];
  protected fbiasAdd: KernelFunctions['bias_add_f32'];
  protected fbiasGradient: KernelFunctions['bias_gradient_f32'];
  protected factivate: KernelFunctions['activate_f32'];
  protected factivateBackward: KernelFunctions['activate_backward_f32'];
  private flossSum: KernelFunctions['loss_sum_f32'];
  private flossGradient: KernelFunctions['loss_gradient_f32'];
  protected fsgd: KernelFunctions['sgd_update_f32'];
  protected fadam: KernelFunctions['adam_update_f32'];
  protected frmsprop: KernelFunctions['rmsprop_update_f32'];
  private fsumSquares: KernelFunctions['sum_of_squares_f32'];
  private fscale: KernelFunctions['scale_f32'];
  private fmultiply: KernelFunctions['multiply_f32'];
  private fscaleRows: KernelFunctions['scale_rows_f32'];
  private fallFinite: KernelFunctions['all_finite_f32'];
  private fcsrFromDense: KernelFunctions['csr_from_dense_f32'];
  protected fcsrRowCounts: KernelFunctions['csr_row_counts_f32'];
  protected fcsrFillRows: KernelFunctions['csr_fill_rows_f32'];
  protected fcsrTranspose: KernelFunctions['csr_transpose_f32'];
  protected fcsrMatmul: KernelFunctions['csr_matmul_f32'];
  protected fcscTransposeMatmul: KernelFunctions['csc_transpose_matmul_f32'];
  protected fcscListed: KernelFunctions['csc_transpose_matmul_listed_f32'];
  protected fzeroRows: KernelFunctions['zero_rows_f32'];
  protected fsgdRows: KernelFunctions['sgd_update_rows_f32'];
  protected fadamRows: KernelFunctions['adam_update_rows_f32'];

  /**
   * Kernels on an instance of the kernel module that was given `memory` as its env.memory
   * (`instantiateKernels(module, memory)`). The instance's exports are checked against the ABI
   * (src/backend/abi.ts) first: a module that differs is refused with a `KernelAbiError`. The
   * memory is grown as far as the workspace needs; everything above is this object's to plan.
   */
  constructor(
    memory: WebAssembly.Memory,
    instance: { readonly exports: WebAssembly.Exports },
    readonly precision: Precision,
    readonly build: KernelBuild,
  ) {
    const x = checkKernelExports(instance.exports, memory, `the ${build} kernel module`);
    this.mem = memory;
    this.instance = instance;
    this.x = x;
    // A memory handed back by a disposed network holds its data: all of it counts as written.
    this.dirty = memory.buffer.byteLength;
    this.bytesPer = precision === 'f32' ? x.sizeof_f32.value : x.sizeof_f64.value;
    if (precision === 'f32') {
      this.fgemm = x.gemm_f32;
      this.fbiasAdd = x.bias_add_f32;
      this.fbiasGradient = x.bias_gradient_f32;
      this.factivate = x.activate_f32;
      this.factivateBackward = x.activate_backward_f32;
      this.flossSum = x.loss_sum_f32;
      this.flossGradient = x.loss_gradient_f32;
      this.fsgd = x.sgd_update_f32;
      this.fadam = x.adam_update_f32;
      this.frmsprop = x.rmsprop_update_f32;
      this.fsumSquares = x.sum_of_squares_f32;
      this.fscale = x.scale_f32;
      this.fmultiply = x.multiply_f32;
      this.fscaleRows = x.scale_rows_f32;
      this.fallFinite = x.all_finite_f32;
      this.fcsrFromDense = x.csr_from_dense_f32;
      this.fcsrRowCounts = x.csr_row_counts_f32;
      this.fcsrFillRows = x.csr_fill_rows_f32;
      this.fcsrTranspose = x.csr_transpose_f32;
      this.fcsrMatmul = x.csr_matmul_f32;
      this.fcscTransposeMatmul = x.csc_transpose_matmul_f32;
      this.fcscListed = x.csc_transpose_matmul_listed_f32;
      this.fzeroRows = x.zero_rows_f32;
      this.fsgdRows = x.sgd_update_rows_f32;
      this.fadamRows = x.adam_update_rows_f32;
    } else {
      this.fgemm = x.gemm_f64;
      this.fbiasAdd = x.bias_add_f64;
      this.fbiasGradient = x.bias_gradient_f64;
      this.factivate = x.activate_f64;
      this.factivateBackward = x.activate_backward_f64;
      this.flossSum = x.loss_sum_f64;
      this.flossGradient = x.loss_gradient_f64;
      this.fsgd = x.sgd_update_f64;
      this.fadam = x.adam_update_f64;
      this.frmsprop = x.rmsprop_update_f64;
      this.fsumSquares = x.sum_of_squares_f64;
      this.fscale = x.scale_f64;
      this.fmultiply = x.multiply_f64;
      this.fscaleRows = x.scale_rows_f64;
      this.fallFinite = x.all_finite_f64;
      this.fcsrFromDense = x.csr_from_dense_f64;
      this.fcsrRowCounts = x.csr_row_counts_f64;
      this.fcsrFillRows = x.csr_fill_rows_f64;
      this.fcsrTranspose = x.csr_transpose_f64;
      this.fcsrMatmul = x.csr_matmul_f64;
      this.fcscTransposeMatmul = x.csc_transpose_matmul_f64;
      this.fcscListed = x.csc_transpose_matmul_listed_f64;
      this.fzeroRows = x.zero_rows_f64;
      this.fsgdRows = x.sgd_update_rows_f64;
      this.fadamRows = x.adam_update_rows_f64;
    }
    this.workspace = alignUp(x.heap_base());
    const workBytes = precision === 'f32' ? x.gemm_workspace_bytes_f32() : x.gemm_workspace_bytes_f64();
    this.workspaceBytes = workBytes;
    this.resultSlot = alignUp(this.workspace + workBytes);
    this.base = alignUp(this.resultSlot + 8);
    this.top = this.base;
    this.ensure(this.top);
    this.result = new Float64Array(this.buffer(), this.resultSlot, 1);
    kernelsMade(this);
  }

  /** The memory the kernels run on (the instance's env.memory). */
  get memory(): WebAssembly.Memory {
    return this.mem ?? disposed();
  }

  /** The instance's exports, checked against the ABI. */
  get exports(): KernelAbi {
    return this.x ?? disposed();
  }

  /**
   * A backend on an instance of the (cached) compiled module of `build` (by default the one
   * `kernelBuild()` names) and its memory: those of a disposed network when one is waiting, else new ones.
   */
  static async create(precision: Precision, build: KernelBuild = kernelBuild()): Promise<WasmKernels> {
    const module = await kernelModule(build);
    const reused = takeKernelSlot(module);
    const memory = reused?.memory ?? createKernelMemory();
    const kernels = new WasmKernels(memory, reused?.instance ?? instantiateKernels(module, memory), precision, build);
    kernels.module = module;
    return kernels;
  }

  /** The memory's current buffer: an ArrayBuffer, or a SharedArrayBuffer for a shared memory. Growing the memory replaces it. */
  private buffer(): ArrayBufferLike {
    return this.memory.buffer;
  }

  /** Bytes of linear memory this instance has (it only grows). */
  get memoryBytes(): number {
    return this.buffer().byteLength;
  }

  /** Bytes of linear memory in use (the workspace included). */
  get bytesUsed(): number {
    return this.top;
  }

  alloc(length: number): Buffer {
    return this.place(new WasmBuffer(this.top, length), length * this.bytesPer);
  }

  allocIndices(length: number): IndexBuffer {
    return this.place(new WasmIndexBuffer(this.top, length), length * 4);
  }

  /** Gives `buf` (made at the top) its `bytes`, zero-filled, and moves the top past them. */
  private place<B extends WasmBuffer | WasmIndexBuffer>(buf: B, bytes: number): B {
    const end = alignUp(this.top + bytes);
    this.ensure(end);
    // Memory below the high-water mark may hold released buffers: a new buffer starts at zero.
    // Above it the memory is as grown, zero, and left untouched (its pages are not made resident).
    if (this.top < this.dirty) new Uint8Array(this.buffer(), this.top, Math.min(end, this.dirty) - this.top).fill(0);
    this.dirty = Math.max(this.dirty, end);
    this.top = end;
    this.buffers.push(buf);
    return buf;
  }

  checkRoom(lengths: readonly number[], what: string): void {
    const needed = lengths.reduce((sum, n) => sum + alignUp(n * this.bytesPer), this.top);
    checkRoom('wasm', `${what} need`, this.top, needed, 'use fewer or smaller layers');
  }

  mark(): number {
    return this.top;
  }

  release(mark: number): void {
    if (mark < this.base || mark > this.top) throw new RangeError(`WasmKernels.release: mark ${mark} outside [${this.base}, ${this.top}]`);
    this.top = mark;
    const bufs = this.buffers;
    while (bufs.length > 0 && bufs[bufs.length - 1].ptr >= mark) bufs.pop()!.cached = null;
  }

  indexView(buf: IndexBuffer): Int32Array {
    const b = buf as WasmIndexBuffer;
    const buffer = this.buffer();
    if (b.cached === null || b.cached.buffer !== buffer) b.cached = new Int32Array(buffer, b.ptr, b.length);
    return b.cached;
  }

  view(buf: Buffer): FloatArray {
    const b = buf as WasmBuffer;
    const buffer = this.buffer();
    if (b.cached === null || b.cached.buffer !== buffer) {
      b.cached = this.precision === 'f32' ? new Float32Array(buffer, b.ptr, b.length) : new Float64Array(buffer, b.ptr, b.length);
    }
    return b.cached;
  }

  /** On one thread there is nothing to overlap a job with. */
  readonly overlaps: boolean = false;

  overlap(_job: (() => void) | null): void {}

  /**
   * Drops every reference to the memory held here (the memory, the instance's exports and
   * functions, the views, the buffers' cached views) and hands the memory back for the next
   * network: a network kept referenced after `dispose()` no longer keeps its memory alive.
   */
  dispose(): void {
    const [memory, instance, module] = [this.mem, this.instance, this.module];
    if (memory === null) return;
    for (const b of this.buffers) b.cached = null;
    this.buffers = [];
    this.top = this.base;
    this.mem = null;
    this.instance = null;
    this.x = null;
    this.result = new Float64Array(0);
    this.fgemm = this.fbiasAdd = this.fbiasGradient = this.factivate = this.factivateBackward = disposed;
    this.flossSum = this.flossGradient = this.fsgd = this.fadam = this.frmsprop = disposed;
    this.fsumSquares = this.fscale = this.fmultiply = this.fscaleRows = this.fallFinite = disposed;
    this.fcsrFromDense =
      this.fcsrRowCounts =
      this.fcsrFillRows =
      this.fcsrTranspose =
      this.fcsrMatmul =
      this.fcscTransposeMatmul =
        disposed;
    this.fcscListed = this.fzeroRows = this.fsgdRows = this.fadamRows = disposed;
    kernelsDisposed(this);
    if (module !== null && instance !== null) giveBackKernelSlot({ module, memory, instance });
  }

  /** Grows linear memory so that bytes [0, end) exist. */
  private ensure(end: number): void {
    const have = this.buffer().byteLength;
    if (end <= have) return;
    checkRoom('wasm', 'the network needs', this.top, end, 'use fewer or smaller layers, or a smaller batch');
    try {
      this.memory.grow(Math.ceil((end - have) / PAGE));
    } catch (e) {
      throw new RangeError(
        `backprop-wasm: the network needs ${formatBytes(end)} of WebAssembly memory, and this runtime grants no more than ${formatBytes(have)} (${(e as Error).message}); use fewer or smaller layers, or a smaller batch`,
        { cause: e },
      );
    }
  }

  gemm(transA: boolean, transB: boolean, m: number, n: number, k: number, a: Buffer, b: Buffer, c: Buffer, accumulate: boolean): void {
    need(a, m * k, 'gemm A');
    need(b, k * n, 'gemm B');
    need(c, m * n, 'gemm C');
    const lda = transA ? m : k;
    const ldb = transB ? k : n;
    this.fgemm(+transA, +transB, m, n, k, ptr(a), lda, ptr(b), ldb, ptr(c), n, +accumulate, this.workspace);
  }

  biasAdd(z: Buffer, b: Buffer, rows: number, cols: number): void {
    need(z, rows * cols, 'biasAdd Z');
    need(b, cols, 'biasAdd b');
    this.fbiasAdd(ptr(z), ptr(b), rows, cols);
  }

  biasGradient(dz: Buffer, db: Buffer, rows: number, cols: number, accumulate: boolean): void {
    need(dz, rows * cols, 'biasGradient dZ');
    need(db, cols, 'biasGradient db');
    this.fbiasGradient(ptr(dz), cols, ptr(db), rows, cols, +accumulate);
  }

  activate(kind: Activation, z: Buffer, a: Buffer, rows: number, cols: number, slope: number): void {
    need(z, rows * cols, 'activate Z');
    need(a, rows * cols, 'activate A');
    this.factivate(kind, ptr(z), ptr(a), rows, cols, slope);
  }

  activateBackward(kind: Activation, z: Buffer, a: Buffer, da: Buffer, dz: Buffer, rows: number, cols: number, slope: number): void {
    const len = rows * cols;
    need(z, len, 'activateBackward Z');
    need(a, len, 'activateBackward A');
    need(da, len, 'activateBackward dA');
    need(dz, len, 'activateBackward dZ');
    this.factivateBackward(kind, ptr(z), ptr(a), ptr(da), ptr(dz), rows, cols, slope);
  }

  lossSum(
    kind: LossKernel,
    out: Buffer,
    y: Buffer,
    rows: number,
    cols: number,
    into: Float64Array,
    slot: number,
    weights?: Buffer | null,
  ): void {
    need(out, rows * cols, 'lossSum output');
    need(y, rows * cols, 'lossSum Y');
    if (weights) need(weights, rows, 'lossSum weights');
    this.flossSum(kind, ptr(out), ptr(y), rows, cols, weights ? ptr(weights) : 0, this.resultSlot);
    const buffer = this.buffer();
    if (this.result.buffer !== buffer) this.result = new Float64Array(buffer, this.resultSlot, 1);
    into[slot] += this.result[0];
  }

  lossGradient(kind: LossKernel, a: Buffer, y: Buffer, d: Buffer, length: number, scale: number): void {
    need(a, length, 'lossGradient output');
    need(y, length, 'lossGradient Y');
    need(d, length, 'lossGradient D');
    this.flossGradient(kind, ptr(a), ptr(y), ptr(d), length, scale);
  }

  sgdUpdate(w: Buffer, g: Buffer, v: Buffer, length: number, lr: number, momentum: number, nesterov: boolean, decay: number): void {
    need(w, length, 'sgdUpdate W');
    need(g, length, 'sgdUpdate gradient');
    if (momentum !== 0) need(v, length, 'sgdUpdate velocity');
    this.fsgd(ptr(w), ptr(g), ptr(v), length, lr, momentum, +nesterov, decay);
  }

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
  ): void {
    need(w, length, 'adamUpdate W');
    need(g, length, 'adamUpdate gradient');
    need(m, length, 'adamUpdate first moment');
    need(v, length, 'adamUpdate second moment');
    this.fadam(ptr(w), ptr(g), ptr(m), ptr(v), length, stepSize, beta1, beta2, epsilon, correction2, decay, shrink);
  }

  rmspropUpdate(w: Buffer, g: Buffer, v: Buffer, length: number, lr: number, rho: number, epsilon: number, decay: number): void {
    need(w, length, 'rmspropUpdate W');
    need(g, length, 'rmspropUpdate gradient');
    need(v, length, 'rmspropUpdate mean square');
    this.frmsprop(ptr(w), ptr(g), ptr(v), length, lr, rho, epsilon, decay);
  }

  sumOfSquares(x: Buffer, length: number, into: Float64Array, slot: number): void {
    need(x, length, 'sumOfSquares X');
    this.fsumSquares(ptr(x), length, this.resultSlot);
    if (this.result.buffer !== this.buffer()) this.result = new Float64Array(this.buffer(), this.resultSlot, 1);
    into[slot] += this.result[0];
  }

  scale(x: Buffer, length: number, factor: number): void {
    need(x, length, 'scale X');
    this.fscale(ptr(x), length, factor);
  }

  scaleRows(d: Buffer, w: Buffer, rows: number, cols: number): void {
    need(d, rows * cols, 'scaleRows D');
    need(w, rows, 'scaleRows weights');
    this.fscaleRows(ptr(d), ptr(w), rows, cols);
  }

  allFinite(x: Buffer, length: number): boolean {
    need(x, length, 'allFinite X');
    return this.fallFinite(ptr(x), length) === 1;
  }

  everyFinite(values: FloatArray): boolean {
    // The values are copied through gemm's packing workspace, idle between kernel calls, a chunk
    // at a time: a copy and a SIMD pass cost a fraction of the JS loop over the same numbers.
    const chunk = Math.floor(this.workspaceBytes / this.bytesPer);
    const buffer = this.buffer();
    const stage =
      this.precision === 'f32' ? new Float32Array(buffer, this.workspace, chunk) : new Float64Array(buffer, this.workspace, chunk);
    for (let start = 0; start < values.length; start += chunk) {
      const end = Math.min(values.length, start + chunk);
      stage.set(values.subarray(start, end));
      if (this.fallFinite(this.workspace, end - start) !== 1) return false;
    }
    return true;
  }

  csrFromDense(
    x: Buffer,
    rows: number,
    cols: number,
    rowStart: IndexBuffer,
    columns: IndexBuffer,
    values: Buffer,
    capacity: number,
  ): number {
    need(x, rows * cols, 'csrFromDense X');
    need(rowStart, rows + 1, 'csrFromDense rowStart');
    need(columns, capacity, 'csrFromDense columns');
    need(values, capacity, 'csrFromDense values');
    return this.fcsrFromDense(ptr(x), rows, cols, ptr(rowStart), ptr(columns), ptr(values), capacity);
  }

  csrRowCounts(x: Buffer, cols: number, rowStart: IndexBuffer, rowBegin: number, rowEnd: number): void {
    inRange(rowBegin, rowEnd, x.length / Math.max(cols, 1), 'csrRowCounts rows');
    need(rowStart, rowEnd + 1, 'csrRowCounts rowStart');
    this.fcsrRowCounts(ptr(x), cols, ptr(rowStart), rowBegin, rowEnd);
  }

  csrFillRows(
    x: Buffer,
    cols: number,
    rowStart: IndexBuffer,
    columns: IndexBuffer,
    values: Buffer,
    rowBegin: number,
    rowEnd: number,
  ): void {
    inRange(rowBegin, rowEnd, x.length / Math.max(cols, 1), 'csrFillRows rows');
    need(rowStart, rowEnd + 1, 'csrFillRows rowStart');
    // The starts are the caller's to have summed from csrRowCounts of the same rows: each row then writes only its own entries.
    const end = this.indexView(rowStart)[rowEnd];
    need(columns, end, 'csrFillRows columns');
    need(values, end, 'csrFillRows values');
    this.fcsrFillRows(ptr(x), cols, ptr(rowStart), ptr(columns), ptr(values), rowBegin, rowEnd);
  }

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
  ): void {
    need(rowStart, rows + 1, 'csrTranspose rowStart');
    const nnz = this.indexView(rowStart)[rows];
    need(columns, nnz, 'csrTranspose columns');
    need(values, nnz, 'csrTranspose values');
    need(colStart, cols + 1, 'csrTranspose colStart');
    need(rowIndex, nnz, 'csrTranspose rowIndex');
    need(colValues, nnz, 'csrTranspose colValues');
    inRange(colBegin, colEnd, cols, 'csrTranspose columns');
    this.fcsrTranspose(
      rows,
      cols,
      ptr(rowStart),
      ptr(columns),
      ptr(values),
      ptr(colStart),
      ptr(rowIndex),
      ptr(colValues),
      colBegin,
      colEnd,
    );
  }

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
  ): void {
    need(rowStart, rowEnd + 1, 'csrMatmul rowStart');
    need(d, k * n, 'csrMatmul D');
    need(z, rowEnd * n, 'csrMatmul Z');
    // The entries' indices are the caller's to keep below k (a batch built by csrFromDense or from checked CSR input).
    this.fcsrMatmul(ptr(rowStart), ptr(columns), ptr(values), k, ptr(d), n, ptr(z), rowBegin, rowEnd);
  }

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
  ): void {
    need(colStart, colEnd + 1, 'cscTransposeMatmul colStart');
    need(d, m * n, 'cscTransposeMatmul D');
    need(g, colEnd * n, 'cscTransposeMatmul G');
    this.fcscTransposeMatmul(ptr(colStart), ptr(rowIndex), ptr(values), m, ptr(d), n, ptr(g), colBegin, colEnd, +accumulate);
  }

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
  ): void {
    need(list, end, 'cscTransposeMatmulListed list');
    need(d, m * n, 'cscTransposeMatmulListed D');
    // The listed columns come from nonEmptyColumns on this colStart: below its length − 1, and G holds that many rows.
    need(g, (colStart.length - 1) * n, 'cscTransposeMatmulListed G');
    this.fcscListed(ptr(colStart), ptr(rowIndex), ptr(values), m, ptr(d), n, ptr(g), ptr(list), begin, end);
  }

  nonEmptyColumns(colStart: IndexBuffer, cols: number, out: IndexBuffer): number {
    need(colStart, cols + 1, 'nonEmptyColumns colStart');
    need(out, cols, 'nonEmptyColumns out');
    return this.exports.non_empty_columns(ptr(colStart), cols, ptr(out));
  }

  zeroRows(g: Buffer, width: number, list: IndexBuffer, count: number): void {
    need(list, count, 'zeroRows list');
    this.fzeroRows(ptr(g), width, ptr(list), 0, count);
  }

  sgdUpdateRows(w: Buffer, g: Buffer, width: number, list: IndexBuffer, count: number, learningRate: number): void {
    need(list, count, 'sgdUpdateRows list');
    need(g, w.length, 'sgdUpdateRows gradient');
    this.fsgdRows(ptr(w), ptr(g), width, ptr(list), 0, count, learningRate);
  }

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
  ): void {
    need(list, count, 'adamUpdateRows list');
    need(g, w.length, 'adamUpdateRows gradient');
    need(m, w.length, 'adamUpdateRows first moment');
    need(v, w.length, 'adamUpdateRows second moment');
    this.fadamRows(ptr(w), ptr(g), ptr(m), ptr(v), width, ptr(list), 0, count, stepSize, beta1, beta2, epsilon, correction2);
  }

  multiply(x: Buffer, y: Buffer, out: Buffer, length: number): void {
    need(x, length, 'multiply X');
    need(y, length, 'multiply Y');
    need(out, length, 'multiply out');
    this.fmultiply(ptr(x), ptr(y), ptr(out), length);
  }
}

function alignUp(n: number): number {
  return Math.ceil(n / ALIGN) * ALIGN;
}

/** A kernel is handed only pointers that the caller sized: a short buffer is a bug, stopped before it can write past its end. */
export function need(buf: Buffer | IndexBuffer, length: number, what: string): void {
  if (buf.length < length) throw new RangeError(`${what}: buffer holds ${buf.length} numbers, the operation needs ${length}`);
}

/** Checks that begin … end − 1 is a range (possibly empty) within 0 … limit − 1. */
export function inRange(begin: number, end: number, limit: number, what: string): void {
  if (!(Number.isInteger(begin) && Number.isInteger(end) && begin >= 0 && begin <= end && end <= limit))
    throw new RangeError(`${what}: expected a range within 0 … ${limit}, got ${begin} … ${end}`);
}
