/**
 * The kernel module's ABI: every export of `build/kernels.wasm` and `build/kernels-relaxed.wasm`
 * (assembly/index.ts), with its signature, and the check that a module really has them.
 *
 * A module and this library are built separately (the .wasm by `npm run build:wasm`, the
 * JavaScript by `tsc`), and nothing links them: a stale build/ folder, or an old module handed to
 * setWasmSource(), would otherwise run with arguments shifted by one, or treat softmax as ReLU,
 * without an error. So an instance is checked once, when a `WasmKernels` is made on it: every
 * export listed here is present with this many parameters (a wasm function's `.length`), nothing
 * else is exported, the codes agree with `Activation` and `LossKernel` (kernels.ts, the one place
 * they are defined), the sizes agree with what the allocator assumes, and the memory is the one
 * the caller handed in.
 *
 * Parameter types cannot be read from a JavaScript function (only their number), so a change of
 * type alone (f32 for f64) is not caught here; the kernel tests catch that.
 */
import { Activation, LossKernel } from './kernels.js';

/** A byte offset into the module's memory (`usize`, an i32 in wasm32). */
export type Ptr = number;
/** An i32 flag: 0 or 1. */
export type Flag = number;
/** An i32. */
export type Int = number;
/** An f32 or f64. */
export type Float = number;

/** Every function the module exports. Matrices are row-major; `ld*` are row strides in elements. */
export interface KernelFunctions {
  /** First byte of the memory the caller may use (above the module's static data). */
  heap_base(): Ptr;
  /** Bytes of scratch memory `gemm_f32` needs at `work`. */
  gemm_workspace_bytes_f32(): Int;
  gemm_workspace_bytes_f64(): Int;

  /** C (m × n) = op(A) · op(B) (+ C when accumulate), op(X) = Xᵀ when its flag is set. */
  gemm_f32(
    transA: Flag,
    transB: Flag,
    m: Int,
    n: Int,
    k: Int,
    a: Ptr,
    lda: Int,
    b: Ptr,
    ldb: Int,
    c: Ptr,
    ldc: Int,
    accumulate: Flag,
    work: Ptr,
  ): void;
  gemm_f64(
    transA: Flag,
    transB: Flag,
    m: Int,
    n: Int,
    k: Int,
    a: Ptr,
    lda: Int,
    b: Ptr,
    ldb: Int,
    c: Ptr,
    ldc: Int,
    accumulate: Flag,
    work: Ptr,
  ): void;

  bias_add_f32(z: Ptr, b: Ptr, rows: Int, cols: Int): void;
  bias_add_f64(z: Ptr, b: Ptr, rows: Int, cols: Int): void;
  /** dZ's rows are `ldz` values apart (cols, or more for a range of columns). */
  bias_gradient_f32(dz: Ptr, ldz: Int, db: Ptr, rows: Int, cols: Int, accumulate: Flag): void;
  bias_gradient_f64(dz: Ptr, ldz: Int, db: Ptr, rows: Int, cols: Int, accumulate: Flag): void;

  /** `kind` is an `Activation` code. */
  activate_f32(kind: Activation, z: Ptr, a: Ptr, rows: Int, cols: Int, slope: Float): void;
  activate_f64(kind: Activation, z: Ptr, a: Ptr, rows: Int, cols: Int, slope: Float): void;
  activate_backward_f32(kind: Activation, z: Ptr, a: Ptr, da: Ptr, dz: Ptr, rows: Int, cols: Int, slope: Float): void;
  activate_backward_f64(kind: Activation, z: Ptr, a: Ptr, da: Ptr, dz: Ptr, rows: Int, cols: Int, slope: Float): void;

  /** `kind` is a `LossKernel` code; the sum is stored as an f64 at `result`. */
  loss_sum_f32(kind: LossKernel, out: Ptr, y: Ptr, rows: Int, cols: Int, weights: Ptr, result: Ptr): void;
  loss_sum_f64(kind: LossKernel, out: Ptr, y: Ptr, rows: Int, cols: Int, weights: Ptr, result: Ptr): void;
  /** D[r, c] ·= w[r]. */
  scale_rows_f32(d: Ptr, w: Ptr, rows: Int, cols: Int): void;
  scale_rows_f64(d: Ptr, w: Ptr, rows: Int, cols: Int): void;
  loss_gradient_f32(kind: LossKernel, a: Ptr, y: Ptr, d: Ptr, len: Int, scale: Float): void;
  loss_gradient_f64(kind: LossKernel, a: Ptr, y: Ptr, d: Ptr, len: Int, scale: Float): void;

  /** The optimizers' updates (see assembly/sgd.ts, adam.ts, rmsprop.ts). */
  sgd_update_f32(w: Ptr, g: Ptr, v: Ptr, len: Int, lr: Float, momentum: Float, nesterov: Flag, decay: Float): void;
  sgd_update_f64(w: Ptr, g: Ptr, v: Ptr, len: Int, lr: Float, momentum: Float, nesterov: Flag, decay: Float): void;
  adam_update_f32(
    w: Ptr,
    g: Ptr,
    m: Ptr,
    v: Ptr,
    len: Int,
    stepSize: Float,
    beta1: Float,
    beta2: Float,
    epsilon: Float,
    correction2: Float,
    decay: Float,
    shrink: Float,
  ): void;
  adam_update_f64(
    w: Ptr,
    g: Ptr,
    m: Ptr,
    v: Ptr,
    len: Int,
    stepSize: Float,
    beta1: Float,
    beta2: Float,
    epsilon: Float,
    correction2: Float,
    decay: Float,
    shrink: Float,
  ): void;
  rmsprop_update_f32(w: Ptr, g: Ptr, v: Ptr, len: Int, lr: Float, rho: Float, epsilon: Float, decay: Float): void;
  rmsprop_update_f64(w: Ptr, g: Ptr, v: Ptr, len: Int, lr: Float, rho: Float, epsilon: Float, decay: Float): void;
  /** Σ x², stored as an f64 at `result`; x ·= factor; out = x ⊙ y. */
  sum_of_squares_f32(x: Ptr, len: Int, result: Ptr): void;
  sum_of_squares_f64(x: Ptr, len: Int, result: Ptr): void;
  /** 1 when every x[i] is finite, else 0. */
  all_finite_f32(x: Ptr, len: Int): Int;
  all_finite_f64(x: Ptr, len: Int): Int;
  scale_f32(x: Ptr, len: Int, factor: Float): void;
  scale_f64(x: Ptr, len: Int, factor: Float): void;
  multiply_f32(x: Ptr, y: Ptr, out: Ptr, len: Int): void;
  multiply_f64(x: Ptr, y: Ptr, out: Ptr, len: Int): void;

  /**
   * A compressed X for a first layer whose input is mostly zeros, built (assembly/csr-build.ts) and
   * multiplied (assembly/sparse.ts): i32 index arrays; the dense operand is Wᵀ (k × n) or dZ (m × n);
   * each product takes a range of its output's rows, the CSR's passes a range of rows, the CSC a
   * range of columns. csr_from_dense returns the count of non-zeros, or −1 above `capacity`.
   */
  csr_from_dense_f32(x: Ptr, rows: Int, cols: Int, rowStart: Ptr, columns: Ptr, values: Ptr, capacity: Int): Int;
  csr_from_dense_f64(x: Ptr, rows: Int, cols: Int, rowStart: Ptr, columns: Ptr, values: Ptr, capacity: Int): Int;
  csr_row_counts_f32(x: Ptr, cols: Int, rowStart: Ptr, rowBegin: Int, rowEnd: Int): void;
  csr_row_counts_f64(x: Ptr, cols: Int, rowStart: Ptr, rowBegin: Int, rowEnd: Int): void;
  csr_fill_rows_f32(x: Ptr, cols: Int, rowStart: Ptr, columns: Ptr, values: Ptr, rowBegin: Int, rowEnd: Int): void;
  csr_fill_rows_f64(x: Ptr, cols: Int, rowStart: Ptr, columns: Ptr, values: Ptr, rowBegin: Int, rowEnd: Int): void;
  csr_transpose_f32(
    rows: Int,
    cols: Int,
    rowStart: Ptr,
    columns: Ptr,
    values: Ptr,
    colStart: Ptr,
    rowIndex: Ptr,
    colValues: Ptr,
    colBegin: Int,
    colEnd: Int,
  ): void;
  csr_transpose_f64(
    rows: Int,
    cols: Int,
    rowStart: Ptr,
    columns: Ptr,
    values: Ptr,
    colStart: Ptr,
    rowIndex: Ptr,
    colValues: Ptr,
    colBegin: Int,
    colEnd: Int,
  ): void;
  csr_matmul_f32(rowStart: Ptr, columns: Ptr, values: Ptr, k: Int, d: Ptr, n: Int, z: Ptr, rowBegin: Int, rowEnd: Int): void;
  csr_matmul_f64(rowStart: Ptr, columns: Ptr, values: Ptr, k: Int, d: Ptr, n: Int, z: Ptr, rowBegin: Int, rowEnd: Int): void;
  csc_transpose_matmul_f32(
    colStart: Ptr,
    rowIndex: Ptr,
    values: Ptr,
    m: Int,
    d: Ptr,
    n: Int,
    g: Ptr,
    colBegin: Int,
    colEnd: Int,
    accumulate: Flag,
  ): void;
  csc_transpose_matmul_f64(
    colStart: Ptr,
    rowIndex: Ptr,
    values: Ptr,
    m: Int,
    d: Ptr,
    n: Int,
    g: Ptr,
    colBegin: Int,
    colEnd: Int,
    accumulate: Flag,
  ): void;
  csc_transpose_matmul_listed_f32(
    colStart: Ptr,
    rowIndex: Ptr,
    values: Ptr,
    m: Int,
    d: Ptr,
    n: Int,
    g: Ptr,
    list: Ptr,
    begin: Int,
    end: Int,
  ): void;
  csc_transpose_matmul_listed_f64(
    colStart: Ptr,
    rowIndex: Ptr,
    values: Ptr,
    m: Int,
    d: Ptr,
    n: Int,
    g: Ptr,
    list: Ptr,
    begin: Int,
    end: Int,
  ): void;

  /** Row lists of the sparse first layer's gradient (assembly/rows.ts): the rows a batch's inputs touch. */
  non_empty_columns(colStart: Ptr, cols: Int, out: Ptr): Int;
  zero_rows_f32(g: Ptr, width: Int, list: Ptr, begin: Int, end: Int): void;
  zero_rows_f64(g: Ptr, width: Int, list: Ptr, begin: Int, end: Int): void;
  sgd_update_rows_f32(w: Ptr, g: Ptr, width: Int, list: Ptr, begin: Int, end: Int, lr: Float): void;
  sgd_update_rows_f64(w: Ptr, g: Ptr, width: Int, list: Ptr, begin: Int, end: Int, lr: Float): void;
  adam_update_rows_f32(
    w: Ptr,
    g: Ptr,
    m: Ptr,
    v: Ptr,
    width: Int,
    list: Ptr,
    begin: Int,
    end: Int,
    stepSize: Float,
    beta1: Float,
    beta2: Float,
    epsilon: Float,
    correction2: Float,
  ): void;
  adam_update_rows_f64(
    w: Ptr,
    g: Ptr,
    m: Ptr,
    v: Ptr,
    width: Int,
    list: Ptr,
    begin: Int,
    end: Int,
    stepSize: Float,
    beta1: Float,
    beta2: Float,
    epsilon: Float,
    correction2: Float,
  ): void;

  /** The benchmark's ceilings (bench/peak.js): a register-only multiply-add loop, and its flops per iteration. */
  simd_peak_f32(iterations: Int): Float;
  simd_peak_flops_per_iteration(): Int;
  /** The GEMM micro-kernel alone on L1-resident panels; grows the memory to hold its workspace above heap_base. */
  kernel_peak_f32(iterations: Int): void;
  kernel_peak_flops_f32(): Int;
}

/** The codes, as immutable i32 globals named `<family>_<key>` after the constants in kernels.ts. */
export interface KernelCodes {
  readonly Activation_Identity: WebAssembly.Global;
  readonly Activation_Sigmoid: WebAssembly.Global;
  readonly Activation_Tanh: WebAssembly.Global;
  readonly Activation_Relu: WebAssembly.Global;
  readonly Activation_LeakyRelu: WebAssembly.Global;
  readonly Activation_Softmax: WebAssembly.Global;
  readonly LossKernel_SquaredError: WebAssembly.Global;
  readonly LossKernel_BinaryCrossEntropy: WebAssembly.Global;
  readonly LossKernel_BinaryCrossEntropyLogits: WebAssembly.Global;
  readonly LossKernel_CategoricalCrossEntropyLogits: WebAssembly.Global;
}

/** Bytes of the types buffers and pointers are sized with, as immutable i32 globals. */
export interface KernelSizes {
  readonly sizeof_f32: WebAssembly.Global;
  readonly sizeof_f64: WebAssembly.Global;
  readonly sizeof_usize: WebAssembly.Global;
}

/** Every export of the kernel module. */
export interface KernelAbi extends KernelFunctions, KernelCodes, KernelSizes {
  /** The imported env.memory, exported again: the one the caller handed in. */
  readonly memory: WebAssembly.Memory;
}

/** Each function's number of parameters. The type makes tsc hold it to `KernelFunctions`: every function, and each count equal to its signature's. */
export const KERNEL_FUNCTIONS = {
  heap_base: 0,
  gemm_workspace_bytes_f32: 0,
  gemm_workspace_bytes_f64: 0,
  gemm_f32: 13,
  gemm_f64: 13,
  bias_add_f32: 4,
  bias_add_f64: 4,
  bias_gradient_f32: 6,
  bias_gradient_f64: 6,
  activate_f32: 6,
  activate_f64: 6,
  activate_backward_f32: 8,
  activate_backward_f64: 8,
  loss_sum_f32: 7,
  loss_sum_f64: 7,
  scale_rows_f32: 4,
  scale_rows_f64: 4,
  loss_gradient_f32: 6,
  loss_gradient_f64: 6,
  sgd_update_f32: 8,
  sgd_update_f64: 8,
  adam_update_f32: 12,
  adam_update_f64: 12,
  rmsprop_update_f32: 8,
  rmsprop_update_f64: 8,
  sum_of_squares_f32: 3,
  sum_of_squares_f64: 3,
  all_finite_f32: 2,
  all_finite_f64: 2,
  scale_f32: 3,
  scale_f64: 3,
  multiply_f32: 4,
  multiply_f64: 4,
  csr_from_dense_f32: 7,
  csr_from_dense_f64: 7,
  csr_row_counts_f32: 5,
  csr_row_counts_f64: 5,
  csr_fill_rows_f32: 7,
  csr_fill_rows_f64: 7,
  csr_transpose_f32: 10,
  csr_transpose_f64: 10,
  csr_matmul_f32: 9,
  csr_matmul_f64: 9,
  csc_transpose_matmul_f32: 10,
  csc_transpose_matmul_f64: 10,
  csc_transpose_matmul_listed_f32: 10,
  csc_transpose_matmul_listed_f64: 10,
  non_empty_columns: 3,
  zero_rows_f32: 5,
  zero_rows_f64: 5,
  sgd_update_rows_f32: 7,
  sgd_update_rows_f64: 7,
  adam_update_rows_f32: 13,
  adam_update_rows_f64: 13,
  simd_peak_f32: 1,
  simd_peak_flops_per_iteration: 0,
  kernel_peak_f32: 1,
  kernel_peak_flops_f32: 0,
} as const satisfies { [K in keyof KernelFunctions]: Parameters<KernelFunctions[K]>['length'] };

/** The code families and where their values are defined. */
const CODE_FAMILIES = { Activation, LossKernel } as const;
type CodeExport = { [F in keyof typeof CODE_FAMILIES]: `${F}_${keyof (typeof CODE_FAMILIES)[F] & string}` }[keyof typeof CODE_FAMILIES];
// tsc stops here if KernelCodes and the constants in kernels.ts name different codes.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const codesListed: Same<keyof KernelCodes, CodeExport> = true;
void codesListed;

/** The sizes this library assumes: 4- and 8-byte floats (the allocator's bytes per number) and 32-bit pointers. */
export const KERNEL_SIZES = { sizeof_f32: 4, sizeof_f64: 8, sizeof_usize: 4 } as const satisfies { [K in keyof KernelSizes]: number };

/** Every code global and its value here: `Activation_Sigmoid` → Activation.Sigmoid, and so on. */
export function kernelCodes(): Record<keyof KernelCodes, number> {
  const codes: Record<string, number> = {};
  for (const [family, values] of Object.entries(CODE_FAMILIES)) {
    for (const [key, value] of Object.entries(values)) codes[`${family}_${key}`] = value;
  }
  return codes as Record<keyof KernelCodes, number>;
}

const STALE = 'The build/ folder is probably stale: run "npm run build" (or give setWasmSource() a module built from this version)';

/** Thrown when a kernel module does not match this library. */
export class KernelAbiError extends Error {
  override readonly name = 'KernelAbiError';
}

/** A function's parameters in words: "13 parameters", "1 parameter". */
function params(n: number): string {
  return `${n} parameter${n === 1 ? '' : 's'}`;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'function') return `a function of ${params(value.length)}`;
  if (value instanceof WebAssembly.Global) return `a global holding ${String(value.value)}`;
  if (value instanceof WebAssembly.Memory) return 'a memory';
  return typeof value;
}

/**
 * The exports of an instance, checked against the ABI: returns them typed, or throws a
 * `KernelAbiError` that names every export that differs, expected against got. `memory` is the
 * memory the instance was given as env.memory; `what` names the module in the message.
 */
export function checkKernelExports(exports: WebAssembly.Exports, memory: WebAssembly.Memory, what = 'the kernel module'): KernelAbi {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const [name, count] of Object.entries(KERNEL_FUNCTIONS)) {
    seen.add(name);
    const fn = exports[name];
    if (typeof fn !== 'function' || fn.length !== count)
      problems.push(`export ${name}: expected a function of ${params(count)}, got ${describe(fn)}`);
  }
  const codes = kernelCodes();
  for (const [name, value] of Object.entries(codes)) {
    seen.add(name);
    const g = exports[name];
    const code = name.replace('_', '.');
    if (!(g instanceof WebAssembly.Global))
      problems.push(`export ${name}: expected the code ${code} (${value}) as a global, got ${describe(g)}`);
    else if (g.value !== value)
      problems.push(`code ${code} is ${String(g.value)} in the module (export ${name}) but ${value} here (src/backend/kernels.ts)`);
  }
  for (const [name, bytes] of Object.entries(KERNEL_SIZES)) {
    seen.add(name);
    const g = exports[name];
    if (!(g instanceof WebAssembly.Global)) problems.push(`export ${name}: expected a global holding ${bytes}, got ${describe(g)}`);
    else if (g.value !== bytes) problems.push(`export ${name}: expected ${bytes} bytes, got ${String(g.value)}`);
  }
  seen.add('memory');
  if (!(exports.memory instanceof WebAssembly.Memory)) problems.push(`export memory: expected the memory, got ${describe(exports.memory)}`);
  else if (exports.memory !== memory)
    problems.push(
      'export memory: expected the memory handed in as env.memory, got a memory of its own (a module built before the memory was imported?)',
    );
  for (const name of Object.keys(exports)) {
    if (!seen.has(name)) problems.push(`export ${name}: not in the ABI (src/backend/abi.ts), got ${describe(exports[name])}`);
  }
  if (problems.length > 0) throw mismatch(what, problems);
  return exports as unknown as KernelAbi;
}

/**
 * Checks what a compiled module imports before it is instantiated: the memory (env.memory) and at
 * most an `env.abort` function. A module from before the memory was handed in imports no memory.
 */
export function checkKernelImports(module: WebAssembly.Module, what = 'the kernel module'): void {
  const imports = WebAssembly.Module.imports(module);
  const problems: string[] = [];
  if (!imports.some((i) => i.module === 'env' && i.name === 'memory' && i.kind === 'memory')) {
    problems.push('it does not import its memory as env.memory (a module built before the memory was handed in: it creates its own)');
  }
  for (const i of imports) {
    const known = i.module === 'env' && ((i.name === 'memory' && i.kind === 'memory') || (i.name === 'abort' && i.kind === 'function'));
    if (!known) problems.push(`it imports ${i.module}.${i.name} (${i.kind}), which this library does not provide`);
  }
  if (problems.length > 0) throw mismatch(what, problems);
}

/** The error for a module that does not fit this library: what differs, and what to do. */
export function mismatch(what: string, problems: string[]): KernelAbiError {
  return new KernelAbiError(`backprop-wasm: ${what} does not match this library: ${problems.join('; ')}. ${STALE}.`);
}
