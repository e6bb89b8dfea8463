// Adam and AdamW on one parameter array, as torch.optim updates them.

import { madd, nmadd } from './madd';
import { loadPartial, storePartial } from './lanes';

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
 *
 * Computed as w·shrink − ŝ · m / (√v + ε̂), with ŝ = stepSize·correction2 and ε̂ = ε·correction2
 * (Kingma & Ba's "ε̂" form, the same quantity): one division fewer per value. The result differs
 * from torch's literal order of operations (and the TypeScript kernel's) by rounding only; in the
 * relaxed-SIMD build the multiply-adds are fused (madd), which rounds once where the plain build
 * rounds twice.
 *
 * Every value goes through the same vector operations, the last partial vector too (its lanes
 * loaded one by one, zeros above them): a value's update does not depend on where it lies in the
 * array, so a cut of the array between threads changes nothing.
 *
 * The scalars are splatted once into a block of the module's static data and read back from it
 * in the loop: held as eight v128 values they are more than V8 keeps in registers next to the
 * loop's own, and it re-broadcast them (and reloaded spills) on every iteration instead. Every
 * thread's call of one update writes the same numbers there (the block is also an active data
 * segment of zeros, rewritten by each instantiation on a shared memory: the workers are all
 * instantiated before any kernel runs).
 */
export function adamUpdate<T>(w: usize, g: usize, m: usize, v: usize, len: i32, stepSize: T, beta1: T, beta2: T, epsilon: T, correction2: T, decay: T, shrink: T): void {
  const k = adamConstants<T>(stepSize, beta1, beta2, epsilon, correction2, decay, shrink);
  const bytes = <usize>len * sizeof<T>();
  // A copy per option the optimizers use (Adam's coupled decay, AdamW's shrink, neither), each
  // without the work it does not need. Both at once (no optimizer asks for it) go through the
  // tail's loop, with the same operations, 32 bytes a call: slower, and a smaller module.
  if (decay != <T>0) {
    if (shrink != <T>1) {
      for (let o: usize = 0; o < bytes; o += 32) adamTail<T>(w + o, g + o, m + o, v + o, min<usize>(32, bytes - o), k, true, true);
    } else adamValues<T>(w, g, m, v, bytes, k, true, false);
  } else if (shrink != <T>1) adamValues<T>(w, g, m, v, bytes, k, false, true);
  else plainAdamValues<T>(w, g, m, v, bytes, k);
}

/**
 * Plain Adam (no decay of either kind) in rows list[begin … end − 1] alone, rows of `width`
 * values: the same numbers as adamUpdate gives those rows. The caller lists every row whose
 * gradient or moments may be non-zero; in any other row adamUpdate would leave w as it is
 * (w − ŝ·0 / (0 + ε̂) = w, since ε̂ > 0) and the moments at zero, so skipping it changes nothing.
 */
export function adamUpdateRows<T>(w: usize, g: usize, m: usize, v: usize, width: i32, list: usize, begin: i32, end: i32, stepSize: T, beta1: T, beta2: T, epsilon: T, correction2: T): void {
  const k = adamConstants<T>(stepSize, beta1, beta2, epsilon, correction2, <T>0, <T>1);
  const rowBytes = <usize>width * sizeof<T>();
  for (let i = begin; i < end; i++) {
    const o = <usize>load<i32>(list + (<usize>i << 2)) * rowBytes;
    plainAdamValues<T>(w + o, g + o, m + o, v + o, rowBytes, k);
  }
}

/** adamValues without either decay: one copy for adamUpdate and adamUpdateRows. */
function plainAdamValues<T>(w: usize, g: usize, m: usize, v: usize, bytes: usize, k: usize): void {
  adamValues<T>(w, g, m, v, bytes, k, false, false);
}

/** Splats one update's scalars into the constants' block (see adamUpdate) and returns its address. */
// @ts-ignore: decorator
@inline function adamConstants<T>(stepSize: T, beta1: T, beta2: T, epsilon: T, correction2: T, decay: T, shrink: T): usize {
  const k = memory.data(CONSTANTS_BYTES, 16);
  v128.store(k + BETA1, v128.splat<T>(beta1));
  v128.store(k + ONE_MINUS_BETA1, v128.splat<T>(<T>1 - beta1));
  v128.store(k + BETA2, v128.splat<T>(beta2));
  v128.store(k + ONE_MINUS_BETA2, v128.splat<T>(<T>1 - beta2));
  v128.store(k + EPSILON_HAT, v128.splat<T>(epsilon * correction2));
  v128.store(k + STEP_SIZE_HAT, v128.splat<T>(stepSize * correction2));
  v128.store(k + DECAY, v128.splat<T>(decay));
  v128.store(k + SHRINK, v128.splat<T>(shrink));
  return k;
}

/**
 * adamUpdate over `bytes` bytes of each array, its constants at `k`; `decays` and `shrinks` are
 * constants where it is inlined. Two vectors an iteration, the constants read at its top and the
 * results stored at its end: V8 does not know that the stores miss the constants' block, so a
 * constant read after a store would be read again; and the second vector's arithmetic overlaps the
 * first's square root and division. This runs about a fifth faster than one vector an iteration.
 */
// @ts-ignore: decorator
@inline function adamValues<T>(w: usize, g: usize, m: usize, v: usize, bytes: usize, k: usize, decays: bool, shrinks: bool): void {
  const pairsEnd = bytes & ~(<usize>31);
  let o: usize = 0;
  for (; o < pairsEnd; o += 32) {
    const b1 = v128.load(k + BETA1);
    const c1 = v128.load(k + ONE_MINUS_BETA1);
    const b2 = v128.load(k + BETA2);
    const c2 = v128.load(k + ONE_MINUS_BETA2);
    const eps = v128.load(k + EPSILON_HAT);
    const s = v128.load(k + STEP_SIZE_HAT);
    let w0 = v128.load(w + o);
    let w1 = v128.load(w + o + 16);
    let g0 = v128.load(g + o);
    let g1 = v128.load(g + o + 16);
    if (decays) {
      g0 = madd<T>(g0, v128.load(k + DECAY), w0);
      g1 = madd<T>(g1, v128.load(k + DECAY), w1);
    }
    const m0 = firstMoment<T>(v128.load(m + o), g0, b1, c1);
    const m1 = firstMoment<T>(v128.load(m + o + 16), g1, b1, c1);
    const v0 = secondMoment<T>(v128.load(v + o), g0, b2, c2);
    const v1 = secondMoment<T>(v128.load(v + o + 16), g1, b2, c2);
    if (shrinks) {
      w0 = v128.mul<T>(w0, v128.load(k + SHRINK));
      w1 = v128.mul<T>(w1, v128.load(k + SHRINK));
    }
    w0 = stepped<T>(w0, m0, v0, eps, s);
    w1 = stepped<T>(w1, m1, v1, eps, s);
    v128.store(m + o, m0);
    v128.store(m + o + 16, m1);
    v128.store(v + o, v0);
    v128.store(v + o + 16, v1);
    v128.store(w + o, w0);
    v128.store(w + o + 16, w1);
  }
  if (o < bytes) adamTail<T>(w + o, g + o, m + o, v + o, bytes - o, k, decays, shrinks);
}

/**
 * At most 32 bytes of each array: up to two whole vectors, or one and a partial one; what
 * adamValues leaves. Not inlined (it runs once a call, and its options are tested as it runs):
 * the module stays small.
 */
function adamTail<T>(w: usize, g: usize, m: usize, v: usize, bytes: usize, k: usize, decays: bool, shrinks: bool): void {
  let o: usize = 0;
  if (bytes >= 16) {
    adamVector<T>(w, g, m, v, 16, k, decays, shrinks);
    o = 16;
  }
  if (o < bytes) adamVector<T>(w + o, g + o, m + o, v + o, bytes - o, k, decays, shrinks);
}

/** One vector of adamValues at the given addresses, `bytes` of it (16, or fewer for the last, partial one). */
// @ts-ignore: decorator
@inline function adamVector<T>(w: usize, g: usize, m: usize, v: usize, bytes: usize, k: usize, decays: bool, shrinks: bool): void {
  const count = <i32>(bytes / sizeof<T>());
  const whole = bytes == 16;
  let wi = whole ? v128.load(w) : loadPartial<T>(w, count);
  let gi = whole ? v128.load(g) : loadPartial<T>(g, count);
  if (decays) gi = madd<T>(gi, v128.load(k + DECAY), wi);
  const mi = firstMoment<T>(whole ? v128.load(m) : loadPartial<T>(m, count), gi, v128.load(k + BETA1), v128.load(k + ONE_MINUS_BETA1));
  const vi = secondMoment<T>(whole ? v128.load(v) : loadPartial<T>(v, count), gi, v128.load(k + BETA2), v128.load(k + ONE_MINUS_BETA2));
  if (shrinks) wi = v128.mul<T>(wi, v128.load(k + SHRINK));
  wi = stepped<T>(wi, mi, vi, v128.load(k + EPSILON_HAT), v128.load(k + STEP_SIZE_HAT));
  if (whole) {
    v128.store(m, mi);
    v128.store(v, vi);
    v128.store(w, wi);
  } else {
    storePartial<T>(m, mi, count);
    storePartial<T>(v, vi, count);
    storePartial<T>(w, wi, count);
  }
}

/** m = β₁·m + (1 − β₁)·g. */
// @ts-ignore: decorator
@inline function firstMoment<T>(m: v128, g: v128, beta1: v128, oneMinusBeta1: v128): v128 {
  return madd<T>(v128.mul<T>(oneMinusBeta1, g), m, beta1);
}

/** v = β₂·v + (1 − β₂)·g·g. */
// @ts-ignore: decorator
@inline function secondMoment<T>(v: v128, g: v128, beta2: v128, oneMinusBeta2: v128): v128 {
  return madd<T>(v128.mul<T>(v128.mul<T>(oneMinusBeta2, g), g), v, beta2);
}

/** w − ŝ · m / (√v + ε̂). */
// @ts-ignore: decorator
@inline function stepped<T>(w: v128, m: v128, v: v128, epsilonHat: v128, stepSizeHat: v128): v128 {
  return nmadd<T>(w, stepSizeHat, v128.div<T>(m, v128.add<T>(v128.sqrt<T>(v), epsilonHat)));
}
