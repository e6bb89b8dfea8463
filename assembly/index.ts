// The module's exports: every kernel instantiated for f32 and f64. Arguments are byte offsets
// into the module's memory and element counts; booleans are i32 (0 or 1). The memory is imported
// (env.memory): the caller creates it and plans every buffer above heap_base(); the module owns
// nothing in it but its static data.
//
// src/backend/abi.ts lists every export here with its signature, and the library refuses a module
// whose exports, parameter counts or codes differ from that list: change both together.
import { gemm, gemmWorkspaceBytes, microKernelPeak, microKernelPeakFlops } from './gemm';
import { activate, activateBackward, IDENTITY, SIGMOID, TANH, RELU, LEAKY_RELU, SOFTMAX } from './activation';
import { lossSum, lossGradient, scaleRows, MSE, BCE, BCE_LOGITS, CCE_LOGITS } from './loss';
import { biasAdd, biasGradient } from './bias';
import { sgdUpdate } from './sgd';
import { adamUpdate, adamUpdateRows } from './adam';
import { rmspropUpdate } from './rmsprop';
import { allFinite, scale, sumOfSquares } from './norm';
import { multiply } from './elementwise';
import { PEAK_FLOPS_PER_ITERATION, simdPeak } from './peak';
import { csrMatmul, cscTransposeMatmul, cscTransposeMatmulListed } from './sparse';
import { csrFillRows, csrFromDense, csrRowCounts, csrTranspose } from './csr-build';
import { nonEmptyColumns, sgdUpdateRows, zeroRows } from './rows';

// The codes the kernels take, as immutable i32 globals named after the TypeScript constants
// (`Activation.Sigmoid` in src/backend/kernels.ts is Activation_Sigmoid here), so that a library
// and a module that number them differently refuse each other at load time.
export const Activation_Identity: i32 = IDENTITY;
export const Activation_Sigmoid: i32 = SIGMOID;
export const Activation_Tanh: i32 = TANH;
export const Activation_Relu: i32 = RELU;
export const Activation_LeakyRelu: i32 = LEAKY_RELU;
export const Activation_Softmax: i32 = SOFTMAX;
export const LossKernel_SquaredError: i32 = MSE;
export const LossKernel_BinaryCrossEntropy: i32 = BCE;
export const LossKernel_BinaryCrossEntropyLogits: i32 = BCE_LOGITS;
export const LossKernel_CategoricalCrossEntropyLogits: i32 = CCE_LOGITS;

// Bytes of the types the caller sizes buffers and pointers with.
export const sizeof_f32: i32 = sizeof<f32>();
export const sizeof_f64: i32 = sizeof<f64>();
export const sizeof_usize: i32 = sizeof<usize>();

/** First byte of linear memory that the caller may use. */
export function heap_base(): usize {
  return __heap_base;
}

export function gemm_workspace_bytes_f32(): usize { return gemmWorkspaceBytes<f32>(); }
export function gemm_workspace_bytes_f64(): usize { return gemmWorkspaceBytes<f64>(); }

export function gemm_f32(transA: i32, transB: i32, m: i32, n: i32, k: i32, a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32, accumulate: i32, work: usize): void {
  gemm<f32>(transA != 0, transB != 0, m, n, k, a, lda, b, ldb, c, ldc, accumulate != 0, work);
}
export function gemm_f64(transA: i32, transB: i32, m: i32, n: i32, k: i32, a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32, accumulate: i32, work: usize): void {
  gemm<f64>(transA != 0, transB != 0, m, n, k, a, lda, b, ldb, c, ldc, accumulate != 0, work);
}

export function bias_add_f32(z: usize, b: usize, rows: i32, cols: i32): void { biasAdd<f32>(z, b, rows, cols); }
export function bias_add_f64(z: usize, b: usize, rows: i32, cols: i32): void { biasAdd<f64>(z, b, rows, cols); }
export function bias_gradient_f32(dz: usize, ldz: i32, db: usize, rows: i32, cols: i32, accumulate: i32): void { biasGradient<f32>(dz, ldz, db, rows, cols, accumulate != 0); }
export function bias_gradient_f64(dz: usize, ldz: i32, db: usize, rows: i32, cols: i32, accumulate: i32): void { biasGradient<f64>(dz, ldz, db, rows, cols, accumulate != 0); }

export function activate_f32(kind: i32, z: usize, a: usize, rows: i32, cols: i32, slope: f32): void { activate<f32>(kind, z, a, rows, cols, slope); }
export function activate_f64(kind: i32, z: usize, a: usize, rows: i32, cols: i32, slope: f64): void { activate<f64>(kind, z, a, rows, cols, slope); }
export function activate_backward_f32(kind: i32, z: usize, a: usize, da: usize, dz: usize, rows: i32, cols: i32, slope: f32): void { activateBackward<f32>(kind, z, a, da, dz, rows, cols, slope); }
export function activate_backward_f64(kind: i32, z: usize, a: usize, da: usize, dz: usize, rows: i32, cols: i32, slope: f64): void { activateBackward<f64>(kind, z, a, da, dz, rows, cols, slope); }

// The sum is stored as an f64 at `result` rather than returned: a returned f64 reaches JavaScript
// as a new heap number on every call, and a training step must allocate nothing.
export function loss_sum_f32(kind: i32, out: usize, y: usize, rows: i32, cols: i32, weights: usize, result: usize): void { store<f64>(result, lossSum<f32>(kind, out, y, rows, cols, weights)); }
export function loss_sum_f64(kind: i32, out: usize, y: usize, rows: i32, cols: i32, weights: usize, result: usize): void { store<f64>(result, lossSum<f64>(kind, out, y, rows, cols, weights)); }
export function scale_rows_f32(d: usize, w: usize, rows: i32, cols: i32): void { scaleRows<f32>(d, w, rows, cols); }
export function scale_rows_f64(d: usize, w: usize, rows: i32, cols: i32): void { scaleRows<f64>(d, w, rows, cols); }
export function loss_gradient_f32(kind: i32, a: usize, y: usize, d: usize, len: i32, scale: f32): void { lossGradient<f32>(kind, a, y, d, len, scale); }
export function loss_gradient_f64(kind: i32, a: usize, y: usize, d: usize, len: i32, scale: f64): void { lossGradient<f64>(kind, a, y, d, len, scale); }

export function sgd_update_f32(w: usize, g: usize, v: usize, len: i32, lr: f32, momentum: f32, nesterov: i32, decay: f32): void { sgdUpdate<f32>(w, g, v, len, lr, momentum, nesterov != 0, decay); }
export function sgd_update_f64(w: usize, g: usize, v: usize, len: i32, lr: f64, momentum: f64, nesterov: i32, decay: f64): void { sgdUpdate<f64>(w, g, v, len, lr, momentum, nesterov != 0, decay); }
export function adam_update_f32(w: usize, g: usize, m: usize, v: usize, len: i32, stepSize: f32, beta1: f32, beta2: f32, epsilon: f32, correction2: f32, decay: f32, shrink: f32): void { adamUpdate<f32>(w, g, m, v, len, stepSize, beta1, beta2, epsilon, correction2, decay, shrink); }
export function adam_update_f64(w: usize, g: usize, m: usize, v: usize, len: i32, stepSize: f64, beta1: f64, beta2: f64, epsilon: f64, correction2: f64, decay: f64, shrink: f64): void { adamUpdate<f64>(w, g, m, v, len, stepSize, beta1, beta2, epsilon, correction2, decay, shrink); }
export function rmsprop_update_f32(w: usize, g: usize, v: usize, len: i32, lr: f32, rho: f32, epsilon: f32, decay: f32): void { rmspropUpdate<f32>(w, g, v, len, lr, rho, epsilon, decay); }
export function rmsprop_update_f64(w: usize, g: usize, v: usize, len: i32, lr: f64, rho: f64, epsilon: f64, decay: f64): void { rmspropUpdate<f64>(w, g, v, len, lr, rho, epsilon, decay); }

// Stored at `result` as an f64, like the loss sum, so that no call returns a new heap number.
export function sum_of_squares_f32(x: usize, len: i32, result: usize): void { store<f64>(result, sumOfSquares<f32>(x, len)); }
export function sum_of_squares_f64(x: usize, len: i32, result: usize): void { store<f64>(result, sumOfSquares<f64>(x, len)); }
export function multiply_f32(x: usize, y: usize, out: usize, len: i32): void { multiply<f32>(x, y, out, len); }
export function multiply_f64(x: usize, y: usize, out: usize, len: i32): void { multiply<f64>(x, y, out, len); }
export function all_finite_f32(x: usize, len: i32): i32 { return allFinite<f32>(x, len); }
export function all_finite_f64(x: usize, len: i32): i32 { return allFinite<f64>(x, len); }
export function scale_f32(x: usize, len: i32, factor: f32): void { scale<f32>(x, len, factor); }
export function scale_f64(x: usize, len: i32, factor: f64): void { scale<f64>(x, len, factor); }

// A compressed (sparse) X, for a first layer whose input is mostly zeros: built (assembly/csr-build.ts) and
// multiplied (assembly/sparse.ts). Index arrays are i32; csr_from_dense returns the count of non-zeros, or −1
// when over capacity; the others take a range of rows or columns, for threads.
export function csr_from_dense_f32(x: usize, rows: i32, cols: i32, rowStart: usize, columns: usize, values: usize, capacity: i32): i32 { return csrFromDense<f32>(x, rows, cols, rowStart, columns, values, capacity); }
export function csr_from_dense_f64(x: usize, rows: i32, cols: i32, rowStart: usize, columns: usize, values: usize, capacity: i32): i32 { return csrFromDense<f64>(x, rows, cols, rowStart, columns, values, capacity); }
export function csr_row_counts_f32(x: usize, cols: i32, rowStart: usize, rowBegin: i32, rowEnd: i32): void { csrRowCounts<f32>(x, cols, rowStart, rowBegin, rowEnd); }
export function csr_row_counts_f64(x: usize, cols: i32, rowStart: usize, rowBegin: i32, rowEnd: i32): void { csrRowCounts<f64>(x, cols, rowStart, rowBegin, rowEnd); }
export function csr_fill_rows_f32(x: usize, cols: i32, rowStart: usize, columns: usize, values: usize, rowBegin: i32, rowEnd: i32): void { csrFillRows<f32>(x, cols, rowStart, columns, values, rowBegin, rowEnd); }
export function csr_fill_rows_f64(x: usize, cols: i32, rowStart: usize, columns: usize, values: usize, rowBegin: i32, rowEnd: i32): void { csrFillRows<f64>(x, cols, rowStart, columns, values, rowBegin, rowEnd); }
export function csr_transpose_f32(rows: i32, cols: i32, rowStart: usize, columns: usize, values: usize, colStart: usize, rowIndex: usize, colValues: usize, colBegin: i32, colEnd: i32): void { csrTranspose<f32>(rows, cols, rowStart, columns, values, colStart, rowIndex, colValues, colBegin, colEnd); }
export function csr_transpose_f64(rows: i32, cols: i32, rowStart: usize, columns: usize, values: usize, colStart: usize, rowIndex: usize, colValues: usize, colBegin: i32, colEnd: i32): void { csrTranspose<f64>(rows, cols, rowStart, columns, values, colStart, rowIndex, colValues, colBegin, colEnd); }
export function csr_matmul_f32(rowStart: usize, columns: usize, values: usize, k: i32, d: usize, n: i32, z: usize, rowBegin: i32, rowEnd: i32): void { csrMatmul<f32>(rowStart, columns, values, k, d, n, z, rowBegin, rowEnd); }
export function csr_matmul_f64(rowStart: usize, columns: usize, values: usize, k: i32, d: usize, n: i32, z: usize, rowBegin: i32, rowEnd: i32): void { csrMatmul<f64>(rowStart, columns, values, k, d, n, z, rowBegin, rowEnd); }
export function csc_transpose_matmul_f32(colStart: usize, rowIndex: usize, values: usize, m: i32, d: usize, n: i32, g: usize, colBegin: i32, colEnd: i32, accumulate: i32): void { cscTransposeMatmul<f32>(colStart, rowIndex, values, m, d, n, g, colBegin, colEnd, accumulate != 0); }
export function csc_transpose_matmul_f64(colStart: usize, rowIndex: usize, values: usize, m: i32, d: usize, n: i32, g: usize, colBegin: i32, colEnd: i32, accumulate: i32): void { cscTransposeMatmul<f64>(colStart, rowIndex, values, m, d, n, g, colBegin, colEnd, accumulate != 0); }
export function csc_transpose_matmul_listed_f32(colStart: usize, rowIndex: usize, values: usize, m: i32, d: usize, n: i32, g: usize, list: usize, begin: i32, end: i32): void { cscTransposeMatmulListed<f32>(colStart, rowIndex, values, m, d, n, g, list, begin, end); }
export function csc_transpose_matmul_listed_f64(colStart: usize, rowIndex: usize, values: usize, m: i32, d: usize, n: i32, g: usize, list: usize, begin: i32, end: i32): void { cscTransposeMatmulListed<f64>(colStart, rowIndex, values, m, d, n, g, list, begin, end); }

// Row lists of the sparse first layer's gradient (assembly/rows.ts).
export function non_empty_columns(colStart: usize, cols: i32, out: usize): i32 { return nonEmptyColumns(colStart, cols, out); }
export function zero_rows_f32(g: usize, width: i32, list: usize, begin: i32, end: i32): void { zeroRows<f32>(g, width, list, begin, end); }
export function zero_rows_f64(g: usize, width: i32, list: usize, begin: i32, end: i32): void { zeroRows<f64>(g, width, list, begin, end); }
export function sgd_update_rows_f32(w: usize, g: usize, width: i32, list: usize, begin: i32, end: i32, lr: f32): void { sgdUpdateRows<f32>(w, g, width, list, begin, end, lr); }
export function sgd_update_rows_f64(w: usize, g: usize, width: i32, list: usize, begin: i32, end: i32, lr: f64): void { sgdUpdateRows<f64>(w, g, width, list, begin, end, lr); }
export function adam_update_rows_f32(w: usize, g: usize, m: usize, v: usize, width: i32, list: usize, begin: i32, end: i32, stepSize: f32, beta1: f32, beta2: f32, epsilon: f32, correction2: f32): void { adamUpdateRows<f32>(w, g, m, v, width, list, begin, end, stepSize, beta1, beta2, epsilon, correction2); }
export function adam_update_rows_f64(w: usize, g: usize, m: usize, v: usize, width: i32, list: usize, begin: i32, end: i32, stepSize: f64, beta1: f64, beta2: f64, epsilon: f64, correction2: f64): void { adamUpdateRows<f64>(w, g, m, v, width, list, begin, end, stepSize, beta1, beta2, epsilon, correction2); }

/** A register-only multiply-add loop: iterations × simd_peak_flops_per_iteration() flops, the ceiling that the benchmark holds the products against. */
export function simd_peak_f32(iterations: i32): f32 { return simdPeak(iterations); }
/** Flops of one iteration of simd_peak_f32. */
export function simd_peak_flops_per_iteration(): i32 { return PEAK_FLOPS_PER_ITERATION; }

/**
 * The GEMM micro-kernel alone on L1-resident panels (see microKernelPeak): `iterations` ×
 * kernel_peak_flops_f32() flops. Grows the memory to hold its workspace above heap_base.
 */
export function kernel_peak_f32(iterations: i32): void {
  const work = (__heap_base + 63) & ~63;
  const end = work + gemmWorkspaceBytes<f32>();
  const pages = <i32>((end + 0xffff) >> 16);
  if (memory.size() < pages) memory.grow(pages - memory.size());
  microKernelPeak<f32>(iterations, work);
}
export function kernel_peak_flops_f32(): i32 { return microKernelPeakFlops<f32>(); }
