// Elementwise products: a dropout mask applied on the way forward and on the way back.

/** out[i] = x[i] · y[i]; out may be x or y. */
export function multiply<T>(x: usize, y: usize, out: usize, len: i32): void {
  const sz = <usize>sizeof<T>();
  const n = <usize>len;
  const step = <usize>(16 / sz);
  const vecEnd = n & ~(step - 1);
  let i: usize = 0;
  for (; i < vecEnd; i += step) {
    const o = i * sz;
    v128.store(out + o, v128.mul<T>(v128.load(x + o), v128.load(y + o)));
  }
  for (; i < n; i++) {
    const o = i * sz;
    store<T>(out + o, load<T>(x + o) * load<T>(y + o));
  }
}
