// Products with a compressed operand, for a first layer whose input is mostly zeros: the work is
// proportional to the non-zeros, and each non-zero's inner loop runs along a contiguous row of the
// dense operand, up to seven vectors at a time (the units split into passes of as even a size as fit).
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
import { loadPartial, storePartial } from './lanes';
import { madd } from './madd';

/** Most vectors of one pass over the units (wideBlock's accumulators; see there why seven). */
const WIDE: i32 = 7;

/**
 * out[j0 … j0 + vecs·lanes) = Σ over entries e ∈ [e0, e1) of vals[e] · dense[idx[e]·n + j], summed
 * into the row (or written, when `write`) as one depth block; out has stride 1. `vecs` (1 … 7) is
 * a constant at each call, so that the unused accumulators fold away. Seven is the most that V8
 * keeps in registers: it loads a non-zero's vectors of the dense row before their multiply-adds,
 * so a pass holds 2·vecs + 1 of the 16; at eight it spills an accumulator, whose chain then goes
 * through memory (a 256-unit f32 layer in passes of 8 vectors measured 1.15× slower than in passes
 * of 6 and 7, R1's f64 layer 1.2×).
 */
// @ts-ignore: decorator
@inline function wideBlock<T>(idx: usize, vals: usize, e0: i32, e1: i32, dense: usize, n: i32, j0: i32, out: usize, write: bool, vecs: i32): void {
  const sz = <usize>sizeof<T>();
  let a0 = v128.splat<T>(<T>0), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0;
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
  }
  if (!write) {
    a0 = v128.add<T>(a0, v128.load(out, 0));
    if (vecs > 1) a1 = v128.add<T>(a1, v128.load(out, 16));
    if (vecs > 2) a2 = v128.add<T>(a2, v128.load(out, 32));
    if (vecs > 3) a3 = v128.add<T>(a3, v128.load(out, 48));
    if (vecs > 4) a4 = v128.add<T>(a4, v128.load(out, 64));
    if (vecs > 5) a5 = v128.add<T>(a5, v128.load(out, 80));
    if (vecs > 6) a6 = v128.add<T>(a6, v128.load(out, 96));
  }
  v128.store(out, a0, 0);
  if (vecs > 1) v128.store(out, a1, 16);
  if (vecs > 2) v128.store(out, a2, 32);
  if (vecs > 3) v128.store(out, a3, 48);
  if (vecs > 4) v128.store(out, a4, 64);
  if (vecs > 5) v128.store(out, a5, 80);
  if (vecs > 6) v128.store(out, a6, 96);
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

/** The first entry of [e, e1) whose index is p1 or more (e1 when none): where the next depth block starts. */
// @ts-ignore: decorator
@inline function blockEnd(idx: usize, e: i32, e1: i32, p1: i32): i32 {
  // The last block of a row, and the only one of a product at most 256 deep (dW at batch ≤ 256):
  // no walk over the entries, whose unpredictable end costs a mispredicted branch per row.
  if (e == e1 || load<i32>(idx + (<usize>(e1 - 1) << 2)) < p1) return e1;
  while (load<i32>(idx + (<usize>e << 2)) < p1) e++;
  return e;
}

/** Lanes i = 0 … 3: starts[min(r + i, limit)], as i32. */
// @ts-ignore: decorator
@inline function fourStarts(starts: usize, r: i32, limit: i32): v128 {
  let v = i32x4.splat(load<i32>(starts + (<usize>min(r, limit) << 2)));
  v = i32x4.replace_lane(v, 1, load<i32>(starts + (<usize>min(r + 1, limit) << 2)));
  v = i32x4.replace_lane(v, 2, load<i32>(starts + (<usize>min(r + 2, limit) << 2)));
  return i32x4.replace_lane(v, 3, load<i32>(starts + (<usize>min(r + 3, limit) << 2)));
}

/** Each lane's cursor moved past the entries whose index is below p1 (not past the lane of `last`): where the next depth block starts. */
// @ts-ignore: decorator
@inline function blockEnds(idx: usize, cursor: v128, last: v128, p1: i32): v128 {
  let v = i32x4.replace_lane(cursor, 0, blockEnd(idx, i32x4.extract_lane(cursor, 0), i32x4.extract_lane(last, 0), p1));
  v = i32x4.replace_lane(v, 1, blockEnd(idx, i32x4.extract_lane(cursor, 1), i32x4.extract_lane(last, 1), p1));
  v = i32x4.replace_lane(v, 2, blockEnd(idx, i32x4.extract_lane(cursor, 2), i32x4.extract_lane(last, 2), p1));
  return i32x4.replace_lane(v, 3, blockEnd(idx, i32x4.extract_lane(cursor, 3), i32x4.extract_lane(last, 3), p1));
}

/**
 * One output row (n units at out) of compressedRows, alone: for each depth block (of `step`
 * indices) holding entries of [e0, e1), their partial sum, vector by vector from zero in the
 * entries' order, stored when it is the row's first and block 0 is being written, else added to
 * the row (which is zeroed first when block 0 has no entries and the row is being written, as
 * the group's first block writes zeros). The same operations in the same order as the group's,
 * so the same bits. Not inlined: one copy, for rows whose entries are few among many blocks.
 */
function rowAlone<T>(idx: usize, vals: usize, e0: i32, e1: i32, step: i32, dense: usize, n: i32, out: usize, accumulate: bool): void {
  const sz = <usize>sizeof<T>();
  const lanes = 16 / <i32>sizeof<T>();
  const row = <usize>n * sz;
  const whole = <usize>(n - n % lanes) * sz;
  const tail = n % lanes;
  let added = accumulate;
  if (!accumulate && (e0 == e1 || load<i32>(idx + (<usize>e0 << 2)) >= step)) {
    memory.fill(out, 0, row);
    added = true;
  }
  let e = e0;
  while (e < e1) {
    const end = (load<i32>(idx + (<usize>e << 2)) / step + 1) * step;
    let f = e + 1;
    while (f < e1 && load<i32>(idx + (<usize>f << 2)) < end) f++;
    let o: usize = 0;
    for (; o < whole; o += 16) {
      let acc = v128.splat<T>(<T>0);
      for (let q = e; q < f; q++) {
        acc = madd<T>(acc, v128.load_splat<T>(vals + <usize>q * sz), v128.load(dense + <usize>load<i32>(idx + (<usize>q << 2)) * row + o));
      }
      v128.store(out + o, added ? v128.add<T>(acc, v128.load(out + o)) : acc);
    }
    if (tail > 0) {
      let acc = v128.splat<T>(<T>0);
      for (let q = e; q < f; q++) {
        acc = madd<T>(acc, v128.load_splat<T>(vals + <usize>q * sz), loadPartial<T>(dense + <usize>load<i32>(idx + (<usize>q << 2)) * row + o, tail));
      }
      storePartial<T>(out + o, added ? v128.add<T>(acc, loadPartial<T>(out + o, tail)) : acc, tail);
    }
    added = true;
    e = f;
  }
}

/**
 * Multiply-adds (entries × units) up to which cscTransposeMatmulListed sums a row by rowAlone:
 * a group of one row costs a set-up of some hundred instructions, rowAlone about twice as many per
 * multiply-add (measured on R1's 196 units: one entry; on a bag of words' 16 units: up to 16).
 */
const FEW_PRODUCTS: i32 = 256;

/** Rows of the output that compressedRows takes together (two vectors of cursors). */
const GROUP: i32 = 8;

/**
 * Output rows rowBegin … rowEnd − 1 (n units each, row stride n, at out): row r = Σ over its
 * entries [starts[r], starts[r + 1]) (indices ascending, below k) of vals[e] · dense row idx[e],
 * split into depth blocks like gemm's; added to the rows when `accumulate`.
 *
 * Eight rows at a time, and within them depth block by depth block and pass by pass over the
 * units: the slab of the dense operand that one block and pass read (R1's forward: 196 rows of Wᵀ
 * × 7 vectors, about 34 KB of cache lines) is brought into L1 by the first rows and read from there
 * by the others, where a row at a time streamed the whole operand (614 KB) from L2 for each row.
 * Every output row gets the same sums in the same order: the rows of a group share cache lines,
 * not additions. A block without entries is skipped unless it is the one that writes the row.
 */
function compressedRows<T>(
  starts: usize, idx: usize, vals: usize, rowBegin: i32, rowEnd: i32, k: i32, dense: usize, n: i32, out: usize, accumulate: bool,
): void {
  const sz = <usize>sizeof<T>();
  const lanes = 16 / <i32>sizeof<T>();
  const row = <usize>n * sz;
  // The whole vectors in passes of as even a size as fit (R1's 49 vectors: 7 of 7), then the last units.
  const vectors = n / lanes;
  const passes = (vectors + WIDE - 1) / WIDE;
  const base = passes > 0 ? vectors / passes : 0;
  const extra = passes > 0 ? vectors % passes : 0;
  // Depth blocks as gemm's; no depth at all is one empty block, which writes zeros (or adds nothing).
  const step = k > 0 ? gemmDepthStep(k) : 1;
  const depth = max(k, 1);
  const blocks = (depth + step - 1) / step;
  for (let r = rowBegin; r < rowEnd; r += GROUP) {
    const rows = min(GROUP, rowEnd - r);
    // Lane i of (low, high): row r + i's first entry of the current depth block (cursor), and its
    // last entry + 1 (last). Lanes past the range have no entries (both at starts[rowEnd]).
    let cursorLow = fourStarts(starts, r, rowEnd);
    let cursorHigh = fourStarts(starts, r + 4, rowEnd);
    const lastLow = fourStarts(starts, r + 1, rowEnd);
    const lastHigh = fourStarts(starts, r + 5, rowEnd);
    const o = out + <usize>r * row;
    // Rows without entries (most of a bag-of-words batch's columns): zeros, or nothing to add.
    if (i32x4.all_true(i32x4.eq(cursorLow, lastLow)) && i32x4.all_true(i32x4.eq(cursorHigh, lastHigh))) {
      if (!accumulate) memory.fill(o, 0, <usize>rows * row);
      continue;
    }
    // Fewer entries than twice the depth blocks (a bag of words: some 200 entries of eight rows
    // among 196 blocks of 256 inputs): row by row, each block's partial made on the spot
    // (rowAlone), instead of the group's walk through the blocks and the rows.
    const entries = load<i32>(starts + (<usize>(r + rows) << 2)) - load<i32>(starts + (<usize>r << 2));
    if (blocks > 1 && entries < 2 * blocks) {
      for (let i = 0; i < rows; i++) {
        const e0 = load<i32>(starts + (<usize>(r + i) << 2));
        rowAlone<T>(idx, vals, e0, load<i32>(starts + (<usize>(r + i + 1) << 2)), step, dense, n, o + <usize>i * row, accumulate);
      }
      continue;
    }
    for (let p0 = 0; p0 < depth; p0 += step) {
      // Each row's entries of this block end where its indices reach p0 + step.
      const nextLow = blockEnds(idx, cursorLow, lastLow, p0 + step);
      const nextHigh = rows > 4 ? blockEnds(idx, cursorHigh, lastHigh, p0 + step) : cursorHigh;
      const write = p0 == 0 && !accumulate;
      let j = 0;
      // Passes of `base` vectors, `extra` of them one more, spread out as evenly as Bresenham's line.
      let err = 0;
      for (let p = 0; p < passes; p++) {
        err += extra;
        const vecs = err >= passes ? base + 1 : base;
        if (err >= passes) err -= passes;
        // Row i's entries are lane 0 of (cl, nl): the lanes move down by one per row.
        let cl = cursorLow, ch = cursorHigh, nl = nextLow, nh = nextHigh;
        let at = o + <usize>j * sz;
        for (let i = 0; i < rows; i++) {
          const e0 = i32x4.extract_lane(cl, 0);
          const e1 = i32x4.extract_lane(nl, 0);
          if (e1 > e0 || write) {
            switch (vecs) {
              case 7: wideBlock<T>(idx, vals, e0, e1, dense, n, j, at, write, 7); break;
              case 6: wideBlock<T>(idx, vals, e0, e1, dense, n, j, at, write, 6); break;
              case 5: wideBlock<T>(idx, vals, e0, e1, dense, n, j, at, write, 5); break;
              case 4: wideBlock<T>(idx, vals, e0, e1, dense, n, j, at, write, 4); break;
              case 3: wideBlock<T>(idx, vals, e0, e1, dense, n, j, at, write, 3); break;
              case 2: wideBlock<T>(idx, vals, e0, e1, dense, n, j, at, write, 2); break;
              default: wideBlock<T>(idx, vals, e0, e1, dense, n, j, at, write, 1);
            }
          }
          cl = v128.shuffle<i32>(cl, ch, 1, 2, 3, 4);
          nl = v128.shuffle<i32>(nl, nh, 1, 2, 3, 4);
          ch = v128.shuffle<i32>(ch, ch, 1, 2, 3, 0);
          nh = v128.shuffle<i32>(nh, nh, 1, 2, 3, 0);
          at += row;
        }
        j += vecs * lanes;
      }
      if (j < n) {
        let cl = cursorLow, ch = cursorHigh, nl = nextLow, nh = nextHigh;
        let at = o + <usize>j * sz;
        for (let i = 0; i < rows; i++) {
          const e0 = i32x4.extract_lane(cl, 0);
          const e1 = i32x4.extract_lane(nl, 0);
          if (e1 > e0 || write) narrowBlock<T>(idx, vals, e0, e1, dense, n, j, at, write, n - j);
          cl = v128.shuffle<i32>(cl, ch, 1, 2, 3, 4);
          nl = v128.shuffle<i32>(nl, nh, 1, 2, 3, 4);
          ch = v128.shuffle<i32>(ch, ch, 1, 2, 3, 0);
          nh = v128.shuffle<i32>(nh, nh, 1, 2, 3, 0);
          at += row;
        }
      }
      cursorLow = nextLow;
      cursorHigh = nextHigh;
      // Blocks without entries add nothing: once the rows are written (block 0 always runs), go
      // straight to the block of the group's next entry, or stop. Eight rows of a few words among
      // 50,000 inputs would otherwise walk ~200 empty blocks.
      const next = min(nextEntry(idx, cursorLow, lastLow, depth), rows > 4 ? nextEntry(idx, cursorHigh, lastHigh, depth) : depth);
      if (next >= depth) break;
      const target = next - (next % step);
      if (target > p0 + step) p0 = target - step;
    }
  }
}

/** The smallest index idx[cursor] over the four lanes with entries left (cursor < last), or `none` when no lane has any. */
// @ts-ignore: decorator
@inline function nextEntry(idx: usize, cursor: v128, last: v128, none: i32): i32 {
  let next = none;
  if (i32x4.extract_lane(cursor, 0) < i32x4.extract_lane(last, 0)) next = min(next, load<i32>(idx + (<usize>i32x4.extract_lane(cursor, 0) << 2)));
  if (i32x4.extract_lane(cursor, 1) < i32x4.extract_lane(last, 1)) next = min(next, load<i32>(idx + (<usize>i32x4.extract_lane(cursor, 1) << 2)));
  if (i32x4.extract_lane(cursor, 2) < i32x4.extract_lane(last, 2)) next = min(next, load<i32>(idx + (<usize>i32x4.extract_lane(cursor, 2) << 2)));
  if (i32x4.extract_lane(cursor, 3) < i32x4.extract_lane(last, 3)) next = min(next, load<i32>(idx + (<usize>i32x4.extract_lane(cursor, 3) << 2)));
  return next;
}

/**
 * Rows rowBegin … rowEnd − 1 of Z (rows × n) = X · D, X (rows × k) in CSR and D (k × n) dense,
 * row-major: the forward product Z = X·Wᵀ of a layer with Wᵀ (inputs × units) as D. Equal to
 * gemm(false, false, rows, n, k, X, D) bit for bit.
 */
export function csrMatmul<T>(rowStart: usize, columns: usize, values: usize, k: i32, d: usize, n: i32, z: usize, rowBegin: i32, rowEnd: i32): void {
  compressedRows<T>(rowStart, columns, values, rowBegin, rowEnd, k, d, n, z, false);
}

/**
 * Rows colBegin … colEnd − 1 of G (k × n) = Xᵀ · D (+ G when accumulate), X (m × k) given in CSC
 * (colStart, rowIndex, values) and D (m × n) dense: the weight gradient dWᵀ = Xᵀ·dZ of a layer
 * with Wᵀ (inputs × units), D = dZ (rows × units). Equal to gemm(true, false, k, n, m, X, D) bit for bit.
 */
export function cscTransposeMatmul<T>(
  colStart: usize, rowIndex: usize, values: usize, m: i32, d: usize, n: i32, g: usize, colBegin: i32, colEnd: i32, accumulate: bool,
): void {
  compressedRows<T>(colStart, rowIndex, values, colBegin, colEnd, m, d, n, g, accumulate);
}

/**
 * cscTransposeMatmul for the columns list[begin … end − 1] alone (columns with entries, from
 * nonEmptyColumns, assembly/rows.ts): each of their rows of G is written, summed as there; the
 * other rows are left as they are (the caller keeps them zero).
 */
export function cscTransposeMatmulListed<T>(
  colStart: usize, rowIndex: usize, values: usize, m: i32, d: usize, n: i32, g: usize, list: usize, begin: i32, end: i32,
): void {
  // A row of few multiply-adds (a bag-of-words batch lists thousands of rows of one or two entries
  // of 16 units) by rowAlone, without a group's set-up, which costs more than such a row's sums;
  // a longer one (an R1 pixel's dozen entries of 196 units) as a group of one row, whose sums stay
  // in registers.
  const step = m > 0 ? gemmDepthStep(m) : 1;
  const row = <usize>n * <usize>sizeof<T>();
  for (let i = begin; i < end; i++) {
    const c = load<i32>(list + (<usize>i << 2));
    const e0 = load<i32>(colStart + (<usize>c << 2));
    const e1 = load<i32>(colStart + (<usize>(c + 1) << 2));
    if ((e1 - e0) * n <= FEW_PRODUCTS) rowAlone<T>(rowIndex, values, e0, e1, step, d, n, g + <usize>c * row, false);
    else compressedRows<T>(colStart, rowIndex, values, c, c + 1, m, d, n, g, false);
  }
}
