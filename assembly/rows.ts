// Row lists, for a first layer over sparse input: its weight gradient (Wᵀ, one row of units per
// input) is zero in every row whose input has no entry in the batch, so with few inputs present
// (a bag of words: hundreds of a vocabulary of 50,000) the gradient's rows are written, cleared and
// applied by list, in time proportional to the rows present instead of the whole vocabulary.

/**
 * The columns c < cols that have entries, colStart[c + 1] > colStart[c] (colStart: cols + 1 i32, a
 * CSC's starts), written ascending to `out` (room for cols i32); returns their count.
 */
export function nonEmptyColumns(colStart: usize, cols: i32, out: usize): i32 {
  let count = 0;
  let c = 0;
  // Four columns a vector: their starts against the next ones; one bit per column with entries.
  for (; c + 4 <= cols; c += 4) {
    const here = v128.load(colStart + (<usize>c << 2));
    const next = v128.load(colStart + (<usize>(c + 1) << 2));
    let mask = i32x4.bitmask(i32x4.ne(here, next));
    while (mask != 0) {
      store<i32>(out + (<usize>count << 2), c + ctz(mask));
      count++;
      mask &= mask - 1;
    }
  }
  for (; c < cols; c++) {
    if (load<i32>(colStart + (<usize>(c + 1) << 2)) != load<i32>(colStart + (<usize>c << 2))) {
      store<i32>(out + (<usize>count << 2), c);
      count++;
    }
  }
  return count;
}

/** Rows list[begin … end − 1] of g (rows of `width` values) set to zero. */
export function zeroRows<T>(g: usize, width: i32, list: usize, begin: i32, end: i32): void {
  const row = <usize>width * <usize>sizeof<T>();
  for (let i = begin; i < end; i++) memory.fill(g + <usize>load<i32>(list + (<usize>i << 2)) * row, 0, row);
}

/**
 * w −= lr·g in rows list[begin … end − 1] (rows of `width` values): plain SGD where the gradient
 * of every other row is zero, which leaves those rows as they are (w − lr·0 = w). Each value
 * rounds as sgdUpdate rounds it (a multiply, then a subtraction; no fused multiply-add), so the
 * result equals the whole-array update bit for bit.
 */
export function sgdUpdateRows<T>(w: usize, g: usize, width: i32, list: usize, begin: i32, end: i32, lr: T): void {
  const sz = <usize>sizeof<T>();
  const step = 16 / <i32>sizeof<T>();
  const rate = v128.splat<T>(lr);
  const row = <usize>width * sz;
  for (let i = begin; i < end; i++) {
    const o = <usize>load<i32>(list + (<usize>i << 2)) * row;
    let j = 0;
    for (; j + step <= width; j += step) {
      const at = o + <usize>j * sz;
      v128.store(w + at, v128.sub<T>(v128.load(w + at), v128.mul<T>(rate, v128.load(g + at))));
    }
    for (; j < width; j++) {
      const at = o + <usize>j * sz;
      store<T>(w + at, load<T>(w + at) - lr * load<T>(g + at));
    }
  }
}
