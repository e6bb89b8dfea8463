// The stochastic gradient descent update of one parameter array.

/**
 * With momentum μ = 0: w −= lr·g. Otherwise the classical (heavy-ball) form used by Keras:
 * v = μ·v − lr·g; w += v. `v` is read and written only when μ ≠ 0.
 */
export function sgdUpdate<T>(w: usize, g: usize, v: usize, len: i32, lr: T, momentum: T): void {
  const sz = <usize>sizeof<T>();
  const n = <usize>len;
  const step = <usize>(16 / sz);
  const vecEnd = n & ~(step - 1);
  const rate = v128.splat<T>(lr);
  let i: usize = 0;
  if (momentum == <T>0) {
    for (; i < vecEnd; i += step) {
      const o = i * sz;
      v128.store(w + o, v128.sub<T>(v128.load(w + o), v128.mul<T>(rate, v128.load(g + o))));
    }
    for (; i < n; i++) {
      const o = i * sz;
      store<T>(w + o, load<T>(w + o) - lr * load<T>(g + o));
    }
    return;
  }
  const mu = v128.splat<T>(momentum);
  for (; i < vecEnd; i += step) {
    const o = i * sz;
    const vel = v128.sub<T>(v128.mul<T>(mu, v128.load(v + o)), v128.mul<T>(rate, v128.load(g + o)));
    v128.store(v + o, vel);
    v128.store(w + o, v128.add<T>(v128.load(w + o), vel));
  }
  for (; i < n; i++) {
    const o = i * sz;
    const vel = momentum * load<T>(v + o) - lr * load<T>(g + o);
    store<T>(v + o, vel);
    store<T>(w + o, load<T>(w + o) + vel);
  }
}
