// Stochastic gradient descent on one parameter array, as torch.optim.SGD updates it.

/**
 * d = g + λ·w (λ = decay; 0 leaves g as it is); with momentum μ ≠ 0: v = μ·v + d, then d = v, or
 * d = d + μ·v when `nesterov`; w −= lr·d. `v` is read and written only when μ ≠ 0. Vector body
 * and scalar tail round alike (no fused multiply-add), so a value's update does not depend on
 * where it lies in the array.
 */
export function sgdUpdate<T>(w: usize, g: usize, v: usize, len: i32, lr: T, momentum: T, nesterov: bool, decay: T): void {
  const sz = <usize>sizeof<T>();
  const n = <usize>len;
  const step = <usize>(16 / sz);
  const vecEnd = n & ~(step - 1);
  const rate = v128.splat<T>(lr);
  const mu = v128.splat<T>(momentum);
  const lambda = v128.splat<T>(decay);
  const decays = decay != <T>0;
  const moves = momentum != <T>0;
  let i: usize = 0;
  for (; i < vecEnd; i += step) {
    const o = i * sz;
    const wi = v128.load(w + o);
    let d = v128.load(g + o);
    if (decays) d = v128.add<T>(d, v128.mul<T>(lambda, wi));
    if (moves) {
      const vel = v128.add<T>(v128.mul<T>(mu, v128.load(v + o)), d);
      v128.store(v + o, vel);
      d = nesterov ? v128.add<T>(d, v128.mul<T>(mu, vel)) : vel;
    }
    v128.store(w + o, v128.sub<T>(wi, v128.mul<T>(rate, d)));
  }
  for (; i < n; i++) {
    const o = i * sz;
    const wi = load<T>(w + o);
    let d = load<T>(g + o);
    if (decays) d = d + decay * wi;
    if (moves) {
      const vel = momentum * load<T>(v + o) + d;
      store<T>(v + o, vel);
      d = nesterov ? d + momentum * vel : vel;
    }
    store<T>(w + o, wi - lr * d);
  }
}
