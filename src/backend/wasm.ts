/**
 * The kernels in WebAssembly. Each instance owns one linear memory, laid out by a bump
 * allocator: the packing workspace of the matrix product first, then whatever the network
 * plans. Pointers stay inside this file.
 */
import type { FloatArray } from '../io/matrix.js';
import { Activation, LossKernel, type Buffer, type Kernels, type Precision } from './kernels.js';
import { kernelBuild, kernelModule, type KernelBuild } from './wasm-module.js';

interface KernelExports {
  memory: WebAssembly.Memory;
  heap_base(): number;
  gemm_workspace_bytes_f32(): number;
  gemm_workspace_bytes_f64(): number;
  [name: string]: unknown;
}

type Fn = (...args: number[]) => number;

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

function ptr(b: Buffer): number {
  return (b as WasmBuffer).ptr;
}

export class WasmKernels implements Kernels {
  readonly name = 'wasm' as const;
  private readonly memory: WebAssembly.Memory;
  private readonly bytesPer: number;
  private readonly workspace: number;
  /** Eight bytes where a kernel leaves a scalar result, and a view of them. */
  private readonly resultSlot: number;
  private result: Float64Array;
  private readonly base: number;
  private top: number;
  private fgemm: Fn;
  private fbiasAdd: Fn;
  private fbiasGradient: Fn;
  private factivate: Fn;
  private factivateBackward: Fn;
  private flossSum: Fn;
  private flossGradient: Fn;
  private fsgd: Fn;

  private constructor(
    exports: KernelExports,
    readonly precision: Precision,
    readonly build: KernelBuild,
  ) {
    this.memory = exports.memory;
    this.bytesPer = precision === 'f32' ? 4 : 8;
    const fn = (name: string): Fn => exports[`${name}_${precision}`] as Fn;
    this.fgemm = fn('gemm');
    this.fbiasAdd = fn('bias_add');
    this.fbiasGradient = fn('bias_gradient');
    this.factivate = fn('activate');
    this.factivateBackward = fn('activate_backward');
    this.flossSum = fn('loss_sum');
    this.flossGradient = fn('loss_gradient');
    this.fsgd = fn('sgd_update');
    this.workspace = alignUp(exports.heap_base());
    const workBytes = precision === 'f32' ? exports.gemm_workspace_bytes_f32() : exports.gemm_workspace_bytes_f64();
    this.resultSlot = alignUp(this.workspace + workBytes);
    this.base = alignUp(this.resultSlot + 8);
    this.top = this.base;
    this.ensure(this.top);
    this.result = new Float64Array(this.memory.buffer, this.resultSlot, 1);
  }

  /** A backend on a fresh instance of the (cached) compiled module of `build` (by default the one `kernelBuild()` names). */
  static async create(precision: Precision, build: KernelBuild = kernelBuild()): Promise<WasmKernels> {
    const module = await kernelModule(build);
    const instance = await WebAssembly.instantiate(module, { env: { abort: wasmAbort } });
    return new WasmKernels(instance.exports as unknown as KernelExports, precision, build);
  }

  /** Bytes of linear memory this instance has (it only grows). */
  get memoryBytes(): number {
    return this.memory.buffer.byteLength;
  }

  /** Bytes of linear memory in use (the workspace included). */
  get bytesUsed(): number {
    return this.top;
  }

  alloc(length: number): Buffer {
    const buf = new WasmBuffer(this.top, length);
    const end = alignUp(this.top + length * this.bytesPer);
    this.ensure(end);
    // Memory below the old top may hold released buffers: a new buffer starts at zero.
    new Uint8Array(this.memory.buffer, this.top, end - this.top).fill(0);
    this.top = end;
    return buf;
  }

  mark(): number {
    return this.top;
  }

  release(mark: number): void {
    if (mark < this.base || mark > this.top) throw new RangeError(`WasmKernels.release: mark ${mark} outside [${this.base}, ${this.top}]`);
    this.top = mark;
  }

  view(buf: Buffer): FloatArray {
    const b = buf as WasmBuffer;
    if (b.cached === null || b.cached.buffer !== this.memory.buffer) {
      b.cached =
        this.precision === 'f32'
          ? new Float32Array(this.memory.buffer, b.ptr, b.length)
          : new Float64Array(this.memory.buffer, b.ptr, b.length);
    }
    return b.cached;
  }

  dispose(): void {
    this.top = this.base;
  }

  /** Grows linear memory so that bytes [0, end) exist. */
  private ensure(end: number): void {
    const have = this.memory.buffer.byteLength;
    if (end <= have) return;
    try {
      this.memory.grow(Math.ceil((end - have) / PAGE));
    } catch {
      throw new RangeError(
        `backprop-wasm: the network needs ${(end / 2 ** 20).toFixed(0)} MiB of WebAssembly memory, more than this runtime grants (32-bit wasm allows at most 4 GiB); use fewer or smaller layers, or a smaller batch`,
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
    this.fbiasGradient(ptr(dz), ptr(db), rows, cols, +accumulate);
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

  lossSum(kind: LossKernel, out: Buffer, y: Buffer, rows: number, cols: number, into: Float64Array, slot: number): void {
    need(out, rows * cols, 'lossSum output');
    need(y, rows * cols, 'lossSum Y');
    this.flossSum(kind, ptr(out), ptr(y), rows, cols, this.resultSlot);
    if (this.result.buffer !== this.memory.buffer) this.result = new Float64Array(this.memory.buffer, this.resultSlot, 1);
    into[slot] += this.result[0];
  }

  lossGradient(kind: LossKernel, a: Buffer, y: Buffer, d: Buffer, length: number, scale: number): void {
    need(a, length, 'lossGradient output');
    need(y, length, 'lossGradient Y');
    need(d, length, 'lossGradient D');
    this.flossGradient(kind, ptr(a), ptr(y), ptr(d), length, scale);
  }

  sgdUpdate(w: Buffer, g: Buffer, v: Buffer, length: number, lr: number, momentum: number): void {
    need(w, length, 'sgdUpdate W');
    need(g, length, 'sgdUpdate gradient');
    if (momentum !== 0) need(v, length, 'sgdUpdate velocity');
    this.fsgd(ptr(w), ptr(g), ptr(v), length, lr, momentum);
  }
}

function alignUp(n: number): number {
  return Math.ceil(n / ALIGN) * ALIGN;
}

/** A kernel is handed only pointers that the caller sized: a short buffer is a bug, stopped before it can write past its end. */
function need(buf: Buffer, length: number, what: string): void {
  if (buf.length < length) throw new RangeError(`${what}: buffer holds ${buf.length} numbers, the operation needs ${length}`);
}

function wasmAbort(): never {
  throw new Error('backprop-wasm: a kernel aborted');
}
