// The last, partial vector of an array or a row: fewer values than a vector has lanes, read and
// written lane by lane so that nothing past them is touched.

/** The `count` values at p (1 ≤ count < 16 / sizeof<T>()) in the low lanes of a vector, zeros above. */
// @ts-ignore: decorator
@inline export function loadPartial<T>(p: usize, count: i32): v128 {
  let x = v128.replace_lane<T>(v128.splat<T>(<T>0), 0, load<T>(p));
  if (sizeof<T>() == 4) {
    if (count > 1) x = v128.replace_lane<T>(x, 1, load<T>(p + 4));
    if (count > 2) x = v128.replace_lane<T>(x, 2, load<T>(p + 8));
  }
  return x;
}

/** Stores the low `count` lanes of x at p (1 ≤ count < 16 / sizeof<T>()), nothing beyond them. */
// @ts-ignore: decorator
@inline export function storePartial<T>(p: usize, x: v128, count: i32): void {
  store<T>(p, v128.extract_lane<T>(x, 0));
  if (sizeof<T>() == 4) {
    if (count > 1) store<T>(p + 4, v128.extract_lane<T>(x, 1));
    if (count > 2) store<T>(p + 8, v128.extract_lane<T>(x, 2));
  }
}
