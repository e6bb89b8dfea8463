// General matrix multiply over linear memory, row-major:
//   C (m × n) = op(A) (m × k) · op(B) (k × n)        (accumulate = 0)
//   C (m × n) = op(A) · op(B) + C                     (accumulate = 1)
// where op(X) is X or Xᵀ. Backpropagation needs all three variants: Z = A·Wᵀ forward,
// dA = dZ·W and dW = dZᵀ·A backward.
//
// Both operands are first copied into zero-padded panels (the Goto/BLIS scheme), so a
// transpose is only a different stride while packing, and edge tiles run the same
// micro-kernel as full ones. (One exception: an untransposed B is read in place when few row
// panels would share its copy; see gemm.) The micro-kernel keeps an MR × NR tile of C in eight v128
// accumulators (4 × 8 for f32, 4 × 4 for f64): with one A broadcast and two B vectors that
// is 11 live registers, under the 16 that V8 allocates, so nothing spills.

import { madd } from './madd';

/** Rows of op(A) per micro-tile. */
const MR: i32 = 4;
/** Depth of one packed block: a KC × NR panel of B (8 KB in f32) stays in L1. */
const KC: i32 = 256;
/** Rows of op(A) per packed block: MC × KC (64 KB in f32) stays in L2. */
const MC: i32 = 64;
/** Columns of op(B) per packed block. */
const NC: i32 = 512;

/** Columns of C per micro-tile: two vectors. */
// @ts-ignore: decorator
@inline function nr<T>(): i32 {
  return 32 / sizeof<T>();
}

/** Bytes of scratch memory that `gemm` needs at `work`: both packed blocks and one edge tile. */
export function gemmWorkspaceBytes<T>(): usize {
  return <usize>(MC * KC + KC * NC + MR * nr<T>()) * sizeof<T>();
}

/**
 * Stores the transpose of the 4 × 4 f32 block whose rows are r0 … r3 as four vectors `stride`
 * bytes apart: out[q] = (r0[q], r1[q], r2[q], r3[q]). This is what turns a row-major operand into
 * a panel at vector speed instead of one scalar at a time.
 */
// @ts-ignore: decorator
@inline function storeTransposed4(out: usize, stride: usize, r0: v128, r1: v128, r2: v128, r3: v128): void {
  const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5);
  const t1 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
  const t2 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
  const t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
  v128.store(out, v128.shuffle<f32>(t0, t2, 0, 1, 4, 5));
  v128.store(out + stride, v128.shuffle<f32>(t0, t2, 2, 3, 6, 7));
  v128.store(out + 2 * stride, v128.shuffle<f32>(t1, t3, 0, 1, 4, 5));
  v128.store(out + 3 * stride, v128.shuffle<f32>(t1, t3, 2, 3, 6, 7));
}

/** Packs rows i0 … i0+mc−1, depths p0 … p0+kc−1 of op(A) into MR-row panels, each kc × MR, zero-padded to MR rows. */
function packA<T>(transA: bool, a: usize, lda: i32, i0: i32, p0: i32, mc: i32, kc: i32, dst: usize): void {
  const sz = <usize>sizeof<T>();
  for (let ir = 0; ir < mc; ir += MR) {
    const rows = min(MR, mc - ir);
    const panel = dst + <usize>(ir * kc) * sz;
    if (!transA && sizeof<T>() == 4 && rows == MR) {
      // Four full rows, read four depths at a time and transposed in registers.
      const row = <usize>lda * sz;
      const src = a + (<usize>(i0 + ir) * <usize>lda + <usize>p0) * sz;
      const kc4 = kc & ~3;
      for (let p = 0; p < kc4; p += 4) {
        const s = src + <usize>p * sz;
        storeTransposed4(panel + <usize>(p * MR) * sz, 16, v128.load(s), v128.load(s + row), v128.load(s + 2 * row), v128.load(s + 3 * row));
      }
      for (let p = kc4; p < kc; p++) {
        for (let i = 0; i < MR; i++) store<T>(panel + <usize>(p * MR + i) * sz, load<T>(src + <usize>i * row + <usize>p * sz));
      }
    } else if (!transA) {
      // op(A)[i, p] = A[i·lda + p]: read each row contiguously, write it with stride MR.
      for (let i = 0; i < MR; i++) {
        let out = panel + <usize>i * sz;
        if (i < rows) {
          let src = a + (<usize>(i0 + ir + i) * <usize>lda + <usize>p0) * sz;
          for (let p = 0; p < kc; p++) {
            store<T>(out, load<T>(src));
            src += sz;
            out += <usize>MR * sz;
          }
        } else {
          for (let p = 0; p < kc; p++) {
            store<T>(out, <T>0);
            out += <usize>MR * sz;
          }
        }
      }
    } else {
      // op(A)[i, p] = A[p·lda + i]: the MR values of one depth are contiguous, one vector copy
      // (two in f64) when the panel is full.
      let out = panel;
      const row = <usize>lda * sz;
      let src = a + (<usize>p0 * <usize>lda + <usize>(i0 + ir)) * sz;
      if (rows == MR) {
        for (let p = 0; p < kc; p++) {
          v128.store(out, v128.load(src));
          if (sizeof<T>() == 8) v128.store(out, v128.load(src, 16), 16);
          src += row;
          out += <usize>MR * sz;
        }
      } else {
        for (let p = 0; p < kc; p++) {
          for (let i = 0; i < MR; i++) store<T>(out + <usize>i * sz, i < rows ? load<T>(src + <usize>i * sz) : <T>0);
          src += row;
          out += <usize>MR * sz;
        }
      }
    }
  }
}

/** Packs depths p0 … p0+kc−1, columns j0 … j0+nc−1 of op(B) into NR-column panels, each kc × NR, zero-padded to NR columns. */
function packB<T>(transB: bool, b: usize, ldb: i32, p0: i32, j0: i32, kc: i32, nc: i32, dst: usize): void {
  const sz = <usize>sizeof<T>();
  const NR = nr<T>();
  for (let jr = 0; jr < nc; jr += NR) {
    const cols = min(NR, nc - jr);
    const panel = dst + <usize>(jr * kc) * sz;
    if (transB && sizeof<T>() == 4 && cols == NR) {
      // Eight full columns of op(B) are eight rows of B: two 4 × 4 transposes per four depths.
      const row = <usize>ldb * sz;
      const src = b + (<usize>(j0 + jr) * <usize>ldb + <usize>p0) * sz;
      const kc4 = kc & ~3;
      for (let p = 0; p < kc4; p += 4) {
        const s = src + <usize>p * sz;
        const out = panel + <usize>p * 32;
        storeTransposed4(out, 32, v128.load(s), v128.load(s + row), v128.load(s + 2 * row), v128.load(s + 3 * row));
        const s4 = s + 4 * row;
        storeTransposed4(out + 16, 32, v128.load(s4), v128.load(s4 + row), v128.load(s4 + 2 * row), v128.load(s4 + 3 * row));
      }
      for (let p = kc4; p < kc; p++) {
        for (let j = 0; j < NR; j++) store<T>(panel + <usize>p * 32 + <usize>j * sz, load<T>(src + <usize>j * row + <usize>p * sz));
      }
    } else if (!transB) {
      // op(B)[p, j] = B[p·ldb + j]: NR contiguous values per depth, two vector copies when full.
      let out = panel;
      for (let p = 0; p < kc; p++) {
        const src = b + (<usize>(p0 + p) * <usize>ldb + <usize>(j0 + jr)) * sz;
        if (cols == NR) {
          v128.store(out, v128.load(src));
          v128.store(out, v128.load(src, 16), 16);
        } else {
          for (let j = 0; j < NR; j++) {
            store<T>(out + <usize>j * sz, j < cols ? load<T>(src + <usize>j * sz) : <T>0);
          }
        }
        out += 32;
      }
    } else {
      // op(B)[p, j] = B[j·ldb + p]: read each column of op(B) contiguously, write with stride NR.
      for (let j = 0; j < NR; j++) {
        let out = panel + <usize>j * sz;
        if (j < cols) {
          let src = b + (<usize>(j0 + jr + j) * <usize>ldb + <usize>p0) * sz;
          for (let p = 0; p < kc; p++) {
            store<T>(out, load<T>(src));
            src += sz;
            out += 32;
          }
        } else {
          for (let p = 0; p < kc; p++) {
            store<T>(out, <T>0);
            out += 32;
          }
        }
      }
    }
  }
}

/**
 * C tile (rows × cols, at most MR × NR) = packed A panel · packed B panel (+ C).
 * Full tiles go straight to C; edge tiles go through `tile` so that nothing outside C is written.
 */
// @ts-ignore: decorator
@inline function microKernel<T>(kc: i32, pa: usize, pb: usize, bStride: usize, c: usize, ldc: i32, accumulate: bool, rows: i32, cols: i32, tile: usize): void {
  const sz = <usize>sizeof<T>();
  let c00 = v128.splat<T>(<T>0), c01 = c00, c10 = c00, c11 = c00;
  let c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let a = v128.load_splat<T>(pa);
    c00 = madd<T>(c00, a, b0);
    c01 = madd<T>(c01, a, b1);
    a = v128.load_splat<T>(pa + sz);
    c10 = madd<T>(c10, a, b0);
    c11 = madd<T>(c11, a, b1);
    a = v128.load_splat<T>(pa + 2 * sz);
    c20 = madd<T>(c20, a, b0);
    c21 = madd<T>(c21, a, b1);
    a = v128.load_splat<T>(pa + 3 * sz);
    c30 = madd<T>(c30, a, b0);
    c31 = madd<T>(c31, a, b1);
    pa += <usize>MR * sz;
    pb += bStride;
  }
  const row = <usize>ldc * sz;
  if (rows == MR && cols == nr<T>()) {
    if (accumulate) {
      c00 = v128.add<T>(c00, v128.load(c));
      c01 = v128.add<T>(c01, v128.load(c, 16));
      c10 = v128.add<T>(c10, v128.load(c + row));
      c11 = v128.add<T>(c11, v128.load(c + row, 16));
      c20 = v128.add<T>(c20, v128.load(c + 2 * row));
      c21 = v128.add<T>(c21, v128.load(c + 2 * row, 16));
      c30 = v128.add<T>(c30, v128.load(c + 3 * row));
      c31 = v128.add<T>(c31, v128.load(c + 3 * row, 16));
    }
    v128.store(c, c00);
    v128.store(c, c01, 16);
    v128.store(c + row, c10);
    v128.store(c + row, c11, 16);
    v128.store(c + 2 * row, c20);
    v128.store(c + 2 * row, c21, 16);
    v128.store(c + 3 * row, c30);
    v128.store(c + 3 * row, c31, 16);
    return;
  }
  v128.store(tile, c00);
  v128.store(tile, c01, 16);
  v128.store(tile, c10, 32);
  v128.store(tile, c11, 48);
  v128.store(tile, c20, 64);
  v128.store(tile, c21, 80);
  v128.store(tile, c30, 96);
  v128.store(tile, c31, 112);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const dst = c + <usize>i * row + <usize>j * sz;
      const v = load<T>(tile + <usize>i * 32 + <usize>j * sz);
      store<T>(dst, accumulate ? load<T>(dst) + v : v);
    }
  }
}

/**
 * C (m × n, row stride ldc) = op(A) · op(B) (+ C when accumulate).
 * A is m × k (lda ≥ k), or k × m when transA (lda ≥ m); B is k × n (ldb ≥ n), or n × k when
 * transB (ldb ≥ k). `work` points at gemmWorkspaceBytes<T>() bytes that nothing else uses.
 * Any m, n, k ≥ 1; with k = 0 the product is zero.
 */
export function gemm<T>(
  transA: bool, transB: bool, m: i32, n: i32, k: i32,
  a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32,
  accumulate: bool, work: usize,
): void {
  const sz = <usize>sizeof<T>();
  const NR = nr<T>();
  const packedA = work;
  const packedB = work + <usize>(MC * KC) * sz;
  const tile = packedB + <usize>(KC * NC) * sz;
  if (k <= 0) {
    if (!accumulate) {
      for (let i = 0; i < m; i++) memory.fill(c + <usize>i * <usize>ldc * sz, 0, <usize>n * sz);
    }
    return;
  }
  // Depth blocks of equal size: a short last block would pay a whole pass over C for a few depths.
  const kBlocks = (k + KC - 1) / KC;
  const kcStep = (k + kBlocks - 1) / kBlocks;
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc);
    for (let pc = 0; pc < k; pc += kcStep) {
      const kc = min(kcStep, k - pc);
      // B as it is (not transposed) already holds each depth's NR values side by side. When few row
      // panels of A share each B panel (m ≤ MC), copying B costs more than it saves: full panels
      // are then read in place, row stride ldb, and only a partial last panel is packed
      // (zero-padded). Measured (relaxed build): dA = dZ·W at batch 32 47.7 → 53 GFLOP/s. With many
      // row panels, or a power-of-two ldb (512³: 52 → 44), the packed copy is faster.
      const fullCols = transB || m > MC ? 0 : nc - nc % NR;
      packB<T>(transB, b, ldb, pc, jc + fullCols, kc, nc - fullCols, packedB + <usize>(fullCols * kc) * sz);
      // Later depth blocks add to what the earlier ones wrote.
      const acc = accumulate || pc > 0;
      for (let ic = 0; ic < m; ic += MC) {
        const mc = min(MC, m - ic);
        packA<T>(transA, a, lda, ic, pc, mc, kc, packedA);
        for (let jr = 0; jr < nc; jr += NR) {
          const cols = min(NR, nc - jr);
          if (jr < fullCols) {
            // Its own inlined copy of the micro-kernel, so that the packed one keeps a constant stride.
            const pb = b + (<usize>pc * <usize>ldb + <usize>(jc + jr)) * sz;
            for (let ir = 0; ir < mc; ir += MR) {
              const dst = c + (<usize>(ic + ir) * <usize>ldc + <usize>(jc + jr)) * sz;
              microKernel<T>(kc, packedA + <usize>(ir * kc) * sz, pb, <usize>ldb * sz, dst, ldc, acc, min(MR, mc - ir), cols, tile);
            }
            continue;
          }
          const pb = packedB + <usize>(jr * kc) * sz;
          for (let ir = 0; ir < mc; ir += MR) {
            const rows = min(MR, mc - ir);
            const dst = c + (<usize>(ic + ir) * <usize>ldc + <usize>(jc + jr)) * sz;
            microKernel<T>(kc, packedA + <usize>(ir * kc) * sz, pb, 32, dst, ldc, acc, rows, cols, tile);
          }
        }
      }
    }
  }
}

/**
 * The micro-kernel alone, `iterations` times over one KC-deep pair of packed panels in `work`
 * (they stay in L1; their values do not matter): the ceiling of this kernel design, with no
 * packing and no memory traffic beyond L1. Flops: iterations × 2·MR·NR·KC.
 */
export function microKernelPeak<T>(iterations: i32, work: usize): void {
  const sz = <usize>sizeof<T>();
  const packedB = work + <usize>(MC * KC) * sz;
  const tile = packedB + <usize>(KC * NC) * sz;
  for (let i = 0; i < iterations; i++) microKernel<T>(KC, work, packedB, 32, tile, nr<T>(), false, MR, nr<T>(), tile);
}

/** Flops of one iteration of `microKernelPeak`. */
export function microKernelPeakFlops<T>(): i32 {
  return 2 * MR * nr<T>() * KC;
}

/**
 * Depths per block of a product over depth k, as gemm splits it: blocks of equal size, at most KC
 * deep. A kernel that must add in gemm's order (assembly/sparse.ts) splits its sums the same way.
 */
export function gemmDepthStep(k: i32): i32 {
  const kBlocks = (k + KC - 1) / KC;
  return (k + kBlocks - 1) / kBlocks;
}
