// RMSprop on one parameter array, as torch.optim.RMSprop updates it (not centred, no momentum).

/**
 * g' = g + λ·w (λ = decay; 0 leaves g); v = ρ·v + (1 − ρ)·g'·g'; w −= lr · g' / (√v + ε).
 * No fused multiply-add: vector body and scalar tail round alike.
 */
export function rmspropUpdate<T>(w: usize, g: usize, v: usize, len: i32, lr: T, rho: T, epsilon: T, decay: T): void {
  const sz = <usize>sizeof<T>();
  const n = <usize>len;
  const step = <usize>(16 / sz);
  const vecEnd = n & ~(step - 1);
  const r = v128.splat<T>(rho);
  const c = v128.splat<T>(<T>1 - rho);
  const eps = v128.splat<T>(epsilon);
  const rate = v128.splat<T>(lr);
  const lambda = v128.splat<T>(decay);
  const decays = decay != <T>0;
  let i: usize = 0;
  for (; i < vecEnd; i += step) {
    const o = i * sz;
    const wi = v128.load(w + o);
    let gi = v128.load(g + o);
    if (decays) gi = v128.add<T>(gi, v128.mul<T>(lambda, wi));
    const vi = v128.add<T>(v128.mul<T>(v128.load(v + o), r), v128.mul<T>(v128.mul<T>(c, gi), gi));
    v128.store(v + o, vi);
    v128.store(w + o, v128.sub<T>(wi, v128.mul<T>(rate, v128.div<T>(gi, v128.add<T>(v128.sqrt<T>(vi), eps)))));
  }
  for (; i < n; i++) {
    const o = i * sz;
    const wi = load<T>(w + o);
    let gi = load<T>(g + o);
    if (decays) gi = gi + decay * wi;
    const vi = load<T>(v + o) * rho + (<T>1 - rho) * gi * gi;
    store<T>(v + o, vi);
    store<T>(w + o, wi - lr * (gi / (<T>sqrt<T>(vi) + epsilon)));
  }
}
