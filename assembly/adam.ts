// Adam and AdamW on one parameter array, as torch.optim updates them.

/** The vector constants of one update, one 16-byte slot each (see adamUpdate). */
const BETA1 = 0;
const ONE_MINUS_BETA1 = 16;
const BETA2 = 32;
const ONE_MINUS_BETA2 = 48;
const EPSILON_HAT = 64;
const STEP_SIZE_HAT = 80;
const DECAY = 96;
const SHRINK = 112;
const CONSTANTS_BYTES = 128;

/**
 * g' = g + λ·w (λ = decay, Adam's coupled L2; 0 leaves g); m = β₁·m + (1 − β₁)·g';
 * v = β₂·v + (1 − β₂)·g'·g'; w = w·shrink − stepSize · m / (√v / correction2 + ε).
 * The caller folds the bias corrections into stepSize = lr / (1 − β₁ᵗ) and
 * correction2 = √(1 − β₂ᵗ), and AdamW's decay into shrink = 1 − lr·λ (1 for Adam).
 * No fused multiply-add: vector body and scalar tail round alike.
 *
 * Computed as w·shrink − ŝ · m / (√v + ε̂), with ŝ = stepSize·correction2 and ε̂ = ε·correction2
 * (Kingma & Ba's "ε̂" form, the same quantity): one division fewer per value. Square roots and
 * divisions share one unit, and the loop waits on it, so this takes a third off the update. The
 * result differs from torch's literal order of operations (and the TypeScript kernel's) by
 * rounding only.
 *
 * The scalars are splatted once into a block of the module's static data and read back from it
 * in the loop: held as eight v128 values they are more than V8 keeps in registers next to the
 * loop's own, and it re-broadcast them (and reloaded spills) on every iteration instead. A load
 * from L1 is cheaper than either, and the numbers are the same.
 */
export function adamUpdate<T>(w: usize, g: usize, m: usize, v: usize, len: i32, stepSize: T, beta1: T, beta2: T, epsilon: T, correction2: T, decay: T, shrink: T): void {
  const sz = <usize>sizeof<T>();
  const n = <usize>len;
  const step = <usize>(16 / sz);
  const vecEnd = n & ~(step - 1);
  const k = memory.data(CONSTANTS_BYTES, 16);
  v128.store(k + BETA1, v128.splat<T>(beta1));
  v128.store(k + ONE_MINUS_BETA1, v128.splat<T>(<T>1 - beta1));
  v128.store(k + BETA2, v128.splat<T>(beta2));
  v128.store(k + ONE_MINUS_BETA2, v128.splat<T>(<T>1 - beta2));
  const epsilonHat = epsilon * correction2;
  const stepSizeHat = stepSize * correction2;
  v128.store(k + EPSILON_HAT, v128.splat<T>(epsilonHat));
  v128.store(k + STEP_SIZE_HAT, v128.splat<T>(stepSizeHat));
  v128.store(k + DECAY, v128.splat<T>(decay));
  v128.store(k + SHRINK, v128.splat<T>(shrink));
  const decays = decay != <T>0;
  const shrinks = shrink != <T>1;
  // The vector loop in four copies, one per combination of the two options, each without the
  // tests and the constants it does not need: the loop then issues fewer instructions per vector.
  let i: usize;
  if (decays) i = shrinks ? adamVectors<T>(w, g, m, v, vecEnd, k, true, true) : adamVectors<T>(w, g, m, v, vecEnd, k, true, false);
  else i = shrinks ? adamVectors<T>(w, g, m, v, vecEnd, k, false, true) : adamVectors<T>(w, g, m, v, vecEnd, k, false, false);
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
    const denom = <T>sqrt<T>(vi) + epsilonHat;
    store<T>(w + o, wi - stepSizeHat * (mi / denom));
  }
}

/**
 * adamUpdate's vector body over values [0, vecEnd), its constants at `k`; `decays` and `shrinks`
 * are constants where it is inlined, so each copy keeps only its own work. Returns vecEnd.
 */
// @ts-ignore: decorator
@inline function adamVectors<T>(w: usize, g: usize, m: usize, v: usize, vecEnd: usize, k: usize, decays: bool, shrinks: bool): usize {
  const sz = <usize>sizeof<T>();
  const step = <usize>(16 / sz);
  let i: usize = 0;
  for (; i < vecEnd; i += step) {
    const o = i * sz;
    let wi = v128.load(w + o);
    let gi = v128.load(g + o);
    if (decays) gi = v128.add<T>(gi, v128.mul<T>(v128.load(k + DECAY), wi));
    const mi = v128.add<T>(v128.mul<T>(v128.load(m + o), v128.load(k + BETA1)), v128.mul<T>(v128.load(k + ONE_MINUS_BETA1), gi));
    const vi = v128.add<T>(v128.mul<T>(v128.load(v + o), v128.load(k + BETA2)), v128.mul<T>(v128.mul<T>(v128.load(k + ONE_MINUS_BETA2), gi), gi));
    v128.store(m + o, mi);
    v128.store(v + o, vi);
    if (shrinks) wi = v128.mul<T>(wi, v128.load(k + SHRINK));
    const denom = v128.add<T>(v128.sqrt<T>(vi), v128.load(k + EPSILON_HAT));
    v128.store(w + o, v128.sub<T>(wi, v128.mul<T>(v128.load(k + STEP_SIZE_HAT), v128.div<T>(mi, denom))));
  }
  return i;
}
