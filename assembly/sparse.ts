// Products with a compressed operand, for a first layer whose input is mostly zeros: the work is
// proportional to the non-zeros, and each non-zero's inner loop runs along a contiguous row of the
// dense operand, up to eight vectors at a time (the units split into passes of as even a size as fit).
//
// X (rows × k) compressed by rows (CSR): the non-zeros of row r are entries rowStart[r] …
// rowStart[r + 1] − 1 of columns[] (i32, ascending within a row) and values[] (T); rowStart has
// rows + 1 entries (i32), rowStart[0] = 0. Compressed by columns (CSC) is the same for Xᵀ.
//
// Order of the additions: each output is summed over its non-zeros in ascending index, split into
// the depth blocks of gemm (gemmDepthStep); a block's partial sum starts at zero and is then added
// to the output, with the same multiply-add (madd) as gemm's micro-kernel. A zero of X adds ±0 in
// gemm, which changes no sum, so these results equal gemm's on the dense X bit for bit (as long as
// the dense operand is finite: gemm's 0·∞ is NaN, a skipped zero is not).
//
// Both products take a range of their output's rows, so that the rows can be shared among threads.

import { gemmDepthStep } from './gemm';
import { madd } from './madd';

/** Most vectors of one pass over the units (wideBlock's accumulators). */
const WIDE: i32 = 8;

/** A vector of the `count` (< lanes) values at p, the rest zero: a row's last units, read without reading past it. */
// @ts-ignore: decorator
@inline function loadPartial<T>(p: usize, count: i32): v128 {
  let v = v128.splat<T>(<T>0);
  const sz = <usize>sizeof<T>();
  if (sizeof<T>() == 4) {
    v = f32x4.replace_lane(v, 0, load<f32>(p));
    if (count > 1) v = f32x4.replace_lane(v, 1, load<f32>(p + sz));
    if (count > 2) v = f32x4.replace_lane(v, 2, load<f32>(p + 2 * sz));
  } else {
    v = f64x2.replace_lane(v, 0, load<f64>(p));
  }
  return v;
}

/** Stores the first `count` (< lanes) lanes of v at p. */
// @ts-ignore: decorator
@inline function storePartial<T>(p: usize, v: v128, count: i32): void {
  const sz = <usize>sizeof<T>();
  if (sizeof<T>() == 4) {
    store<f32>(p, f32x4.extract_lane(v, 0));
    if (count > 1) store<f32>(p + sz, f32x4.extract_lane(v, 1));
    if (count > 2) store<f32>(p + 2 * sz, f32x4.extract_lane(v, 2));
  } else {
    store<f64>(p, f64x2.extract_lane(v, 0));
  }
}

/**
 * out[j0 … j0 + vecs·lanes) = Σ over entries e ∈ [e0, e1) of vals[e] · dense[idx[e]·n + j], summed
 * into the row (or written, when `write`) as one depth block; out has stride 1. `vecs` (1 … 8) is
 * a constant at each call, so that the unused accumulators fold away. (Passes of 9 and 10 vectors,
 * fewer passes over the entries for R1's 49, measured slower here, likely spilled registers.)
 */
// @ts-ignore: decorator
@inline function wideBlock<T>(idx: usize, vals: usize, e0: i32, e1: i32, dense: usize, n: i32, j0: i32, out: usize, write: bool, vecs: i32): void {
  const sz = <usize>sizeof<T>();
  let a0 = v128.splat<T>(<T>0), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
  const row = <usize>n * sz;
  const base = dense + <usize>j0 * sz;
  let pi = idx + (<usize>e0 << 2);
  let pv = vals + <usize>e0 * sz;
  const pend = idx + (<usize>e1 << 2);
  for (; pi < pend; pi += 4, pv += sz) {
    const v = v128.load_splat<T>(pv);
    const d = base + <usize>load<i32>(pi) * row;
    a0 = madd<T>(a0, v, v128.load(d, 0));
    if (vecs > 1) a1 = madd<T>(a1, v, v128.load(d, 16));
    if (vecs > 2) a2 = madd<T>(a2, v, v128.load(d, 32));
    if (vecs > 3) a3 = madd<T>(a3, v, v128.load(d, 48));
    if (vecs > 4) a4 = madd<T>(a4, v, v128.load(d, 64));
    if (vecs > 5) a5 = madd<T>(a5, v, v128.load(d, 80));
    if (vecs > 6) a6 = madd<T>(a6, v, v128.load(d, 96));
    if (vecs > 7) a7 = madd<T>(a7, v, v128.load(d, 112));
  }
  if (!write) {
    a0 = v128.add<T>(a0, v128.load(out, 0));
    if (vecs > 1) a1 = v128.add<T>(a1, v128.load(out, 16));
    if (vecs > 2) a2 = v128.add<T>(a2, v128.load(out, 32));
    if (vecs > 3) a3 = v128.add<T>(a3, v128.load(out, 48));
    if (vecs > 4) a4 = v128.add<T>(a4, v128.load(out, 64));
    if (vecs > 5) a5 = v128.add<T>(a5, v128.load(out, 80));
    if (vecs > 6) a6 = v128.add<T>(a6, v128.load(out, 96));
    if (vecs > 7) a7 = v128.add<T>(a7, v128.load(out, 112));
  }
  v128.store(out, a0, 0);
  if (vecs > 1) v128.store(out, a1, 16);
  if (vecs > 2) v128.store(out, a2, 32);
  if (vecs > 3) v128.store(out, a3, 48);
  if (vecs > 4) v128.store(out, a4, 64);
  if (vecs > 5) v128.store(out, a5, 80);
  if (vecs > 6) v128.store(out, a6, 96);
  if (vecs > 7) v128.store(out, a7, 112);
}

/** As wideBlock for `count` ≤ lanes units at j0 (one vector, read and written lane by lane when fewer than lanes). */
// @ts-ignore: decorator
@inline function narrowBlock<T>(idx: usize, vals: usize, e0: i32, e1: i32, dense: usize, n: i32, j0: i32, out: usize, write: bool, count: i32): void {
  const sz = <usize>sizeof<T>();
  const lanes = 16 / <i32>sizeof<T>();
  let a = v128.splat<T>(<T>0);
  const row = <usize>n * sz;
  const base = dense + <usize>j0 * sz;
  for (let e = e0; e < e1; e++) {
    const v = v128.load_splat<T>(vals + <usize>e * sz);
    const d = base + <usize>load<i32>(idx + (<usize>e << 2)) * row;
    a = madd<T>(a, v, count == lanes ? v128.load(d) : loadPartial<T>(d, count));
  }
  if (count == lanes) {
    v128.store(out, write ? a : v128.add<T>(a, v128.load(out)));
  } else {
    storePartial<T>(out, write ? a : v128.add<T>(a, loadPartial<T>(out, count)), count);
  }
}

/**
 * One output row (n units at out) = Σ over entries [e0, e1) (indices ascending, below k) of
 * vals[e] · dense row idx[e], split into depth blocks of `step` like gemm; added to the row when
 * `accumulate`. A block without entries is skipped unless it is the one that writes the row.
 */
function compressedRow<T>(idx: usize, vals: usize, e0: i32, e1: i32, k: i32, step: i32, dense: usize, n: i32, out: usize, accumulate: bool): void {
  const sz = <usize>sizeof<T>();
  const lanes = 16 / <i32>sizeof<T>();
  let start = e0;
  for (let p0 = 0; p0 < k; p0 += step) {
    // The entries of this depth block: their indices are below p0 + step.
    const p1 = p0 + step;
    let end = start;
    while (end < e1 && load<i32>(idx + (<usize>end << 2)) < p1) end++;
    const write = p0 == 0 && !accumulate;
    if (end > start || write) {
      // The whole vectors in passes of as even a size as fit (R1's 49 vectors: 10, 10, 10, 10, 9), then the last units.
      const vectors = n / lanes;
      const passes = (vectors + WIDE - 1) / WIDE;
      let j = 0;
      for (let p = 0; p < passes; p++) {
        const vecs = (vectors * (p + 1)) / passes - (vectors * p) / passes;
        const o = out + <usize>j * sz;
        switch (vecs) {
          case 8: wideBlock<T>(idx, vals, start, end, dense, n, j, o, write, 8); break;
          case 7: wideBlock<T>(idx, vals, start, end, dense, n, j, o, write, 7); break;
          case 6: wideBlock<T>(idx, vals, start, end, dense, n, j, o, write, 6); break;
          case 5: wideBlock<T>(idx, vals, start, end, dense, n, j, o, write, 5); break;
          case 4: wideBlock<T>(idx, vals, start, end, dense, n, j, o, write, 4); break;
          case 3: wideBlock<T>(idx, vals, start, end, dense, n, j, o, write, 3); break;
          case 2: wideBlock<T>(idx, vals, start, end, dense, n, j, o, write, 2); break;
          default: wideBlock<T>(idx, vals, start, end, dense, n, j, o, write, 1);
        }
        j += vecs * lanes;
      }
      if (j < n) narrowBlock<T>(idx, vals, start, end, dense, n, j, out + <usize>j * sz, write, n - j);
    }
    start = end;
    // Blocks without entries add nothing: once the row is written (block 0 always runs), go straight
    // to the next entry's block, or stop. A row of a few words among 50,000 inputs would otherwise
    // walk ~200 empty blocks.
    if (start == e1) break;
    const next = load<i32>(idx + (<usize>start << 2));
    p0 = next - (next % step) - step;
  }
}

/**
 * Rows rowBegin … rowEnd − 1 of Z (rows × n) = X · D, X (rows × k) in CSR and D (k × n) dense,
 * row-major: the forward product Z = X·Wᵀ of a layer with Wᵀ (inputs × units) as D. Equal to
 * gemm(false, false, rows, n, k, X, D) bit for bit.
 */
export function csrMatmul<T>(rowStart: usize, columns: usize, values: usize, k: i32, d: usize, n: i32, z: usize, rowBegin: i32, rowEnd: i32): void {
  const step = gemmDepthStep(k);
  const row = <usize>n * <usize>sizeof<T>();
  for (let r = rowBegin; r < rowEnd; r++) {
    const e0 = load<i32>(rowStart + (<usize>r << 2));
    const e1 = load<i32>(rowStart + (<usize>(r + 1) << 2));
    if (e0 == e1) memory.fill(z + <usize>r * row, 0, row);
    else compressedRow<T>(columns, values, e0, e1, k, step, d, n, z + <usize>r * row, false);
  }
}

/**
 * Rows colBegin … colEnd − 1 of G (k × n) = Xᵀ · D (+ G when accumulate), X (m × k) given in CSC
 * (colStart, rowIndex, values) and D (m × n) dense: the weight gradient dWᵀ = Xᵀ·dZ of a layer
 * with Wᵀ (inputs × units), D = dZ (rows × units). Equal to gemm(true, false, k, n, m, X, D) bit for bit.
 */
export function cscTransposeMatmul<T>(
  colStart: usize, rowIndex: usize, values: usize, m: i32, d: usize, n: i32, g: usize, colBegin: i32, colEnd: i32, accumulate: bool,
): void {
  const step = gemmDepthStep(m);
  const row = <usize>n * <usize>sizeof<T>();
  for (let c = colBegin; c < colEnd; c++) {
    const e0 = load<i32>(colStart + (<usize>c << 2));
    const e1 = load<i32>(colStart + (<usize>(c + 1) << 2));
    // A column of X without entries (most of them, in a batch of bag-of-words rows): a row of zeros, or nothing to add.
    if (e0 == e1) {
      if (!accumulate) memory.fill(g + <usize>c * row, 0, row);
      continue;
    }
    compressedRow<T>(rowIndex, values, e0, e1, m, step, d, n, g + <usize>c * row, accumulate);
  }
}

/**
 * cscTransposeMatmul for the columns list[begin … end − 1] alone (columns with entries, from
 * nonEmptyColumns, assembly/rows.ts): each of their rows of G is written, summed as there; the
 * other rows are left as they are (the caller keeps them zero).
 */
export function cscTransposeMatmulListed<T>(
  colStart: usize, rowIndex: usize, values: usize, m: i32, d: usize, n: i32, g: usize, list: usize, begin: i32, end: i32,
): void {
  const step = gemmDepthStep(m);
  const row = <usize>n * <usize>sizeof<T>();
  for (let i = begin; i < end; i++) {
    const c = load<i32>(list + (<usize>i << 2));
    const e0 = load<i32>(colStart + (<usize>c << 2));
    const e1 = load<i32>(colStart + (<usize>(c + 1) << 2));
    compressedRow<T>(rowIndex, values, e0, e1, m, step, d, n, g + <usize>c * row, false);
  }
}
