// The squared L2 norm of an array, and scaling one: what clipping gradients by their global norm needs.

/** Σ x[i]², summed in f64 whatever T is (the norm of many float32 gradients needs the range and the digits). */
export function sumOfSquares<T>(x: usize, len: i32): f64 {
  const n = <usize>len;
  let acc0 = f64x2.splat(0);
  let acc1 = f64x2.splat(0);
  let i: usize = 0;
  if (sizeof<T>() == 4) {
    const vecEnd = n & ~3;
    for (; i < vecEnd; i += 4) {
      const v = v128.load(x + i * 4);
      const lo = f64x2.promote_low_f32x4(v);
      const hi = f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1));
      acc0 = f64x2.add(acc0, f64x2.mul(lo, lo));
      acc1 = f64x2.add(acc1, f64x2.mul(hi, hi));
    }
  } else {
    const vecEnd = n & ~1;
    for (; i < vecEnd; i += 2) {
      const v = v128.load(x + i * 8);
      acc0 = f64x2.add(acc0, f64x2.mul(v, v));
    }
  }
  let s = f64x2.extract_lane(acc0, 0) + f64x2.extract_lane(acc0, 1) + f64x2.extract_lane(acc1, 0) + f64x2.extract_lane(acc1, 1);
  for (; i < n; i++) {
    const v = <f64>load<T>(x + i * <usize>sizeof<T>());
    s += v * v;
  }
  return s;
}

/** x[i] ·= factor. */
export function scale<T>(x: usize, len: i32, factor: T): void {
  const sz = <usize>sizeof<T>();
  const n = <usize>len;
  const step = <usize>(16 / sz);
  const vecEnd = n & ~(step - 1);
  const f = v128.splat<T>(factor);
  let i: usize = 0;
  for (; i < vecEnd; i += step) v128.store(x + i * sz, v128.mul<T>(v128.load(x + i * sz), f));
  for (; i < n; i++) store<T>(x + i * sz, load<T>(x + i * sz) * factor);
}

/** 1 when every x[i] is finite, else 0: x·0 is 0 for a finite x and NaN for ±∞ and NaN, and a NaN stays in a sum. */
export function allFinite<T>(x: usize, len: i32): i32 {
  const sz = <usize>sizeof<T>();
  const n = <usize>len;
  const step = <usize>(16 / sz);
  const vecEnd = n & ~(step - 1);
  const zero = v128.splat<T>(<T>0);
  let acc = zero;
  let i: usize = 0;
  for (; i < vecEnd; i += step) acc = v128.add<T>(acc, v128.mul<T>(v128.load(x + i * sz), zero));
  let tail: T = <T>0;
  for (; i < n; i++) tail += load<T>(x + i * sz) * <T>0;
  // acc == acc lane by lane is false only for NaN lanes.
  const lanesOk = sizeof<T>() == 4 ? v128.all_true<i32>(v128.eq<T>(acc, acc)) : v128.all_true<i64>(v128.eq<T>(acc, acc));
  return i32(lanesOk && tail == tail);
}
