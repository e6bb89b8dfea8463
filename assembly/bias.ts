// Bias terms of a batch-major layer: Z is rows (samples) × cols (units), b has one value per unit.

/** Z[r, c] += b[c] for every row r. */
export function biasAdd<T>(z: usize, b: usize, rows: i32, cols: i32): void {
  const sz = <usize>sizeof<T>();
  const lanes = 16 / <i32>sizeof<T>();
  const vecEnd = cols & ~(lanes - 1);
  for (let r = 0; r < rows; r++) {
    const row = z + <usize>r * <usize>cols * sz;
    let j = 0;
    for (; j < vecEnd; j += lanes) {
      const o = <usize>j * sz;
      v128.store(row + o, v128.add<T>(v128.load(row + o), v128.load(b + o)));
    }
    for (; j < cols; j++) {
      const o = <usize>j * sz;
      store<T>(row + o, load<T>(row + o) + load<T>(b + o));
    }
  }
}

/**
 * db[c] = Σ_r dZ[r, c] (+ db[c] when accumulate): the bias gradient sums over the batch. dZ's rows
 * are `ldz` values apart (ldz ≥ cols), so that a range of its columns can be summed on its own (one
 * thread's part, src/backend/threaded.ts); each column's sum runs over the rows in order whatever
 * the range, and vector and scalar adds round alike.
 */
export function biasGradient<T>(dz: usize, ldz: i32, db: usize, rows: i32, cols: i32, accumulate: bool): void {
  const sz = <usize>sizeof<T>();
  const lanes = 16 / <i32>sizeof<T>();
  const vecEnd = cols & ~(lanes - 1);
  if (!accumulate) memory.fill(db, 0, <usize>cols * sz);
  for (let r = 0; r < rows; r++) {
    const row = dz + <usize>r * <usize>ldz * sz;
    let j = 0;
    for (; j < vecEnd; j += lanes) {
      const o = <usize>j * sz;
      v128.store(db + o, v128.add<T>(v128.load(db + o), v128.load(row + o)));
    }
    for (; j < cols; j++) {
      const o = <usize>j * sz;
      store<T>(db + o, load<T>(db + o) + load<T>(row + o));
    }
  }
}
