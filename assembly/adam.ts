// Adam and AdamW on one parameter array, as torch.optim updates them.

/**
 * g' = g + λ·w (λ = decay, Adam's coupled L2; 0 leaves g); m = β₁·m + (1 − β₁)·g';
 * v = β₂·v + (1 − β₂)·g'·g'; w = w·shrink − stepSize · m / (√v / correction2 + ε).
 * The caller folds the bias corrections into stepSize = lr / (1 − β₁ᵗ) and
 * correction2 = √(1 − β₂ᵗ), and AdamW's decoupled decay into shrink = 1 − lr·λ (1 for Adam).
 * No fused multiply-add: vector body and scalar tail round alike.
 */
export function adamUpdate<T>(w: usize, g: usize, m: usize, v: usize, len: i32, stepSize: T, beta1: T, beta2: T, epsilon: T, correction2: T, decay: T, shrink: T): void {
  const sz = <usize>sizeof<T>();
  const n = <usize>len;
  const step = <usize>(16 / sz);
  const vecEnd = n & ~(step - 1);
  const b1 = v128.splat<T>(beta1);
  const b2 = v128.splat<T>(beta2);
  const c1 = v128.splat<T>(<T>1 - beta1);
  const c2 = v128.splat<T>(<T>1 - beta2);
  const eps = v128.splat<T>(epsilon);
  const corr = v128.splat<T>(correction2);
  const size = v128.splat<T>(stepSize);
  const lambda = v128.splat<T>(decay);
  const keep = v128.splat<T>(shrink);
  const decays = decay != <T>0;
  const shrinks = shrink != <T>1;
  let i: usize = 0;
  for (; i < vecEnd; i += step) {
    const o = i * sz;
    let wi = v128.load(w + o);
    let gi = v128.load(g + o);
    if (decays) gi = v128.add<T>(gi, v128.mul<T>(lambda, wi));
    const mi = v128.add<T>(v128.mul<T>(v128.load(m + o), b1), v128.mul<T>(c1, gi));
    const vi = v128.add<T>(v128.mul<T>(v128.load(v + o), b2), v128.mul<T>(v128.mul<T>(c2, gi), gi));
    v128.store(m + o, mi);
    v128.store(v + o, vi);
    if (shrinks) wi = v128.mul<T>(wi, keep);
    const denom = v128.add<T>(v128.div<T>(v128.sqrt<T>(vi), corr), eps);
    v128.store(w + o, v128.sub<T>(wi, v128.mul<T>(size, v128.div<T>(mi, denom))));
  }
  for (; i < n; i++) {
    const o = i * sz;
    let wi = load<T>(w + o);
    let gi = load<T>(g + o);
    if (decays) gi = gi + decay * wi;
    const mi = load<T>(m + o) * beta1 + (<T>1 - beta1) * gi;
    const vi = load<T>(v + o) * beta2 + (<T>1 - beta2) * gi * gi;
    store<T>(m + o, mi);
    store<T>(v + o, vi);
    if (shrinks) wi = wi * shrink;
    const denom = <T>sqrt<T>(vi) / correction2 + epsilon;
    store<T>(w + o, wi - stepSize * (mi / denom));
  }
}
