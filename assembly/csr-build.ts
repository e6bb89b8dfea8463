// Building the compressed forms of a batch for the sparse products (assembly/sparse.ts): CSR from
// the dense batch, and CSC from the CSR. Layouts as there: i32 index arrays, rowStart (rows + 1)
// with rowStart[0] = 0, each row's columns ascending.
//
// Each step comes whole (csrFromDense, for one thread) and in ranges that threads can share without
// writing to the same place: the CSR by rows, in two passes (counts, then, once the caller has
// summed them into row starts, the entries), and the CSC by columns. Any cut gives the same arrays.
//
// What is a non-zero: NaN counts (gemm would carry it to the output), −0 does not (its products add ±0).

/** Non-zeros among the `cols` values at src: whole vectors compared at once, then the tail. */
// @ts-ignore: decorator
@inline function rowNonZeros<T>(src: usize, cols: i32): i32 {
  const sz = <usize>sizeof<T>();
  const lanes = 16 / <i32>sizeof<T>();
  const zero = v128.splat<T>(<T>0);
  // Each lane's comparison is all ones (−1) where the value is not zero: subtracting counts it.
  let lanesCount = v128.splat<i32>(0);
  let c = 0;
  for (; c + lanes <= cols; c += lanes) {
    const ne = v128.ne<T>(v128.load(src + <usize>c * sz), zero);
    lanesCount = sizeof<T>() == 4 ? i32x4.sub(lanesCount, ne) : i64x2.sub(lanesCount, ne);
  }
  let count = 0;
  if (sizeof<T>() == 4) {
    count = i32x4.extract_lane(lanesCount, 0) + i32x4.extract_lane(lanesCount, 1) + i32x4.extract_lane(lanesCount, 2) + i32x4.extract_lane(lanesCount, 3);
  } else {
    count = <i32>(i64x2.extract_lane(lanesCount, 0) + i64x2.extract_lane(lanesCount, 1));
  }
  for (; c < cols; c++) if (load<T>(src + <usize>c * sz) != <T>0) count++;
  return count;
}

/**
 * The non-zeros of one dense row (cols values at src) as entries first, first + 1, … of columns
 * and values: returns the entry after the last. Nothing is written at or past `bound`, which must
 * be at least first + the row's non-zeros.
 */
// @ts-ignore: decorator
@inline function compressRow<T>(src: usize, cols: i32, columns: usize, values: usize, first: i32, bound: i32): i32 {
  const sz = <usize>sizeof<T>();
  const lanes = 16 / <i32>sizeof<T>();
  const zero = v128.splat<T>(<T>0);
  let nnz = first;
  let c = 0;
  // Whole vectors of zeros, the common case, are passed over with one comparison.
  for (; c + lanes <= cols; c += lanes) {
    // One bit per lane that is not zero; each set bit is one entry.
    const x4 = v128.load(src + <usize>c * sz);
    let mask = sizeof<T>() == 4 ? i32x4.bitmask(v128.ne<T>(x4, zero)) : i64x2.bitmask(v128.ne<T>(x4, zero));
    if (mask == 0) continue;
    if (nnz + lanes <= bound) {
      // Every lane is written at the next place and kept by advancing only past a non-zero: no
      // branch on the mask, whose set bits are as good as random at a digit's edges. A zero lane's
      // write is overwritten by the next entry (or lies past the last, below bound).
      const pc = columns + (<usize>nnz << 2);
      const pv = values + <usize>nnz * sz;
      let at: usize = 0;
      if (sizeof<T>() == 4) {
        store<i32>(pc, c);
        store<f32>(pv, f32x4.extract_lane(x4, 0));
        at = <usize>(mask & 1);
        store<i32>(pc + (at << 2), c + 1);
        store<f32>(pv + (at << 2), f32x4.extract_lane(x4, 1));
        at += <usize>((mask >> 1) & 1);
        store<i32>(pc + (at << 2), c + 2);
        store<f32>(pv + (at << 2), f32x4.extract_lane(x4, 2));
        at += <usize>((mask >> 2) & 1);
        store<i32>(pc + (at << 2), c + 3);
        store<f32>(pv + (at << 2), f32x4.extract_lane(x4, 3));
      } else {
        store<i32>(pc, c);
        store<f64>(pv, f64x2.extract_lane(x4, 0));
        at = <usize>(mask & 1);
        store<i32>(pc + (at << 2), c + 1);
        store<f64>(pv + (at << 3), f64x2.extract_lane(x4, 1));
      }
      nnz += <i32>popcnt(mask);
      continue;
    }
    // Near the bound: the set bits one by one.
    while (mask != 0) {
      const i = c + ctz(mask);
      mask &= mask - 1;
      store<i32>(columns + (<usize>nnz << 2), i);
      store<T>(values + <usize>nnz * sz, load<T>(src + <usize>i * sz));
      nnz++;
    }
  }
  for (; c < cols; c++) {
    const v = load<T>(src + <usize>c * sz);
    if (v == <T>0) continue;
    store<i32>(columns + (<usize>nnz << 2), c);
    store<T>(values + <usize>nnz * sz, v);
    nnz++;
  }
  return nnz;
}

/**
 * The CSR form of the dense X (rows × cols): at most `capacity` non-zeros, else −1 (the caller
 * then multiplies densely). Returns the count of non-zeros. The rows are counted first, stopping
 * as soon as the count passes capacity: a batch too dense for the sparse path costs one comparison
 * and one subtraction per vector, not a store per non-zero. It also stops when the first quarter
 * of the rows (8 or more of them) holds more than 11/10 of its share of capacity: a batch a little
 * above the switch-over density would otherwise be counted nine tenths through before it is given
 * up, and that scan is all the sparse path costs a dense batch.
 */
export function csrFromDense<T>(x: usize, rows: i32, cols: i32, rowStart: usize, columns: usize, values: usize, capacity: i32): i32 {
  const row = <usize>cols * <usize>sizeof<T>();
  const quarter = rows >= 32 ? rows >> 2 : rows;
  let count = 0;
  for (let r = 0; r < rows; r++) {
    count += rowNonZeros<T>(x + <usize>r * row, cols);
    if (count > capacity) return -1;
    // count / quarter > (11/10) · capacity / rows, in f64 (the products exceed i32).
    if (r + 1 == quarter && <f64>count * <f64>rows * 10 > <f64>capacity * <f64>quarter * 11) return -1;
  }
  let nnz = 0;
  store<i32>(rowStart, 0);
  for (let r = 0; r < rows; r++) {
    nnz = compressRow<T>(x + <usize>r * row, cols, columns, values, nnz, capacity);
    store<i32>(rowStart + (<usize>(r + 1) << 2), nnz);
  }
  return nnz;
}

/** rowStart[r + 1] = the non-zeros of row r of the dense X (· × cols), for rows rowBegin … rowEnd − 1: the first pass of a CSR built by rows. */
export function csrRowCounts<T>(x: usize, cols: i32, rowStart: usize, rowBegin: i32, rowEnd: i32): void {
  const row = <usize>cols * <usize>sizeof<T>();
  for (let r = rowBegin; r < rowEnd; r++) store<i32>(rowStart + (<usize>(r + 1) << 2), rowNonZeros<T>(x + <usize>r * row, cols));
}

/**
 * The entries of rows rowBegin … rowEnd − 1 of the dense X (· × cols), at the places rowStart
 * gives (the counts of csrRowCounts summed into starts): the second pass. Each row's writes stay
 * within its own entries, so that ranges of rows can be filled at once.
 */
export function csrFillRows<T>(x: usize, cols: i32, rowStart: usize, columns: usize, values: usize, rowBegin: i32, rowEnd: i32): void {
  const row = <usize>cols * <usize>sizeof<T>();
  for (let r = rowBegin; r < rowEnd; r++) {
    const end = load<i32>(rowStart + (<usize>(r + 1) << 2));
    compressRow<T>(x + <usize>r * row, cols, columns, values, load<i32>(rowStart + (<usize>r << 2)), end);
  }
}

/** The first entry of [e0, e1) whose column is at least c (the columns ascending), or e1. */
// @ts-ignore: decorator
@inline function firstAtOrAbove(columns: usize, e0: i32, e1: i32, c: i32): i32 {
  let lo = e0;
  let hi = e1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (load<i32>(columns + (<usize>mid << 2)) < c) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Columns colBegin … colEnd − 1 of the CSC form (colStart: cols + 1 entries, rowIndex, colValues)
 * of X (rows × cols) given in CSR: a counting sort by column, rows ascending within each column.
 * The range writes colStart[colBegin … colEnd − 1] (and colStart[cols] when it ends there) and its
 * columns' entries; where they start, it finds by counting the entries of lower columns itself.
 */
export function csrTranspose<T>(
  rows: i32, cols: i32, rowStart: usize, columns: usize, values: usize, colStart: usize, rowIndex: usize, colValues: usize, colBegin: i32, colEnd: i32,
): void {
  const sz = <usize>sizeof<T>();
  const starts = colStart + (<usize>colBegin << 2);
  memory.fill(starts, 0, <usize>(colEnd - colBegin) << 2);
  // Each row's entries in the range start at the first column ≥ colBegin (found by a binary search
  // unless it is 0) and end before the first ≥ colEnd; the entries below are counted into `base`.
  let base = 0;
  for (let r = 0; r < rows; r++) {
    const e0 = load<i32>(rowStart + (<usize>r << 2));
    const e1 = load<i32>(rowStart + (<usize>(r + 1) << 2));
    const a = colBegin == 0 ? e0 : firstAtOrAbove(columns, e0, e1, colBegin);
    base += a - e0;
    for (let e = a; e < e1; e++) {
      const c = load<i32>(columns + (<usize>e << 2));
      if (c >= colEnd) break;
      const at = colStart + (<usize>c << 2);
      store<i32>(at, load<i32>(at) + 1);
    }
  }
  // Counts into starts: colStart[c] is where column c starts.
  let next = base;
  for (let c = colBegin; c < colEnd; c++) {
    const at = colStart + (<usize>c << 2);
    const count = load<i32>(at);
    store<i32>(at, next);
    next += count;
  }
  // Each entry goes to its column's next place; colStart[c] moves on to the start of column c + 1 ...
  for (let r = 0; r < rows; r++) {
    const e0 = load<i32>(rowStart + (<usize>r << 2));
    const e1 = load<i32>(rowStart + (<usize>(r + 1) << 2));
    for (let e = colBegin == 0 ? e0 : firstAtOrAbove(columns, e0, e1, colBegin); e < e1; e++) {
      const c = load<i32>(columns + (<usize>e << 2));
      if (c >= colEnd) break;
      const at = colStart + (<usize>c << 2);
      const pos = load<i32>(at);
      store<i32>(rowIndex + (<usize>pos << 2), r);
      store<T>(colValues + <usize>pos * sz, load<T>(values + <usize>e * sz));
      store<i32>(at, pos + 1);
    }
  }
  // ... so shifting the range by one puts every start back.
  for (let c = colEnd - 1; c > colBegin; c--) store<i32>(colStart + (<usize>c << 2), load<i32>(colStart + (<usize>(c - 1) << 2)));
  if (colEnd > colBegin) store<i32>(starts, base);
  if (colEnd == cols) store<i32>(colStart + (<usize>cols << 2), next);
}
