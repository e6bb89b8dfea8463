// Loss values and output gradients over a batch of rows × cols outputs Ŷ (or logits Z) and
// targets Y. Values are returned as sums in f64 (the caller divides by its count) so that a
// long f32 epoch does not lose the loss to rounding.

/** Σ (ŷ − y)². */
export const MSE: i32 = 0;
/** −Σ y·log ŷ + (1 − y)·log(1 − ŷ), ŷ clipped to [ε, 1 − ε]: finite at ŷ = 0 and ŷ = 1. */
export const BCE: i32 = 1;
/** Binary cross-entropy of σ(z) from the logits: Σ max(z, 0) − z·y + log(1 + e^−|z|), exact for any z. */
export const BCE_LOGITS: i32 = 2;
/** Categorical cross-entropy of softmax(z) per row from the logits: Σ_j y_j (logΣe^z − z_j). */
export const CCE_LOGITS: i32 = 3;

/** The clip of BCE on probabilities, as in Keras. */
const EPSILON: f64 = 1e-7;

/**
 * Sum of the loss over all rows × cols values; `out` is Ŷ for MSE and BCE, Z for the logit forms.
 * With `weights` (one per row; 0 for none) each row's loss is multiplied by its weight.
 */
export function lossSum<T>(kind: i32, out: usize, y: usize, rows: i32, cols: i32, weights: usize): f64 {
  const sz = <usize>sizeof<T>();
  if (weights != 0) {
    let total: f64 = 0;
    const rowBytes = <usize>cols * sz;
    for (let r = 0; r < rows; r++) {
      const off = <usize>r * rowBytes;
      total += <f64>load<T>(weights + <usize>r * sz) * lossSum<T>(kind, out + off, y + off, 1, cols, 0);
    }
    return total;
  }
  const len = <usize>rows * <usize>cols;
  let sum: f64 = 0;
  if (kind == CCE_LOGITS) {
    for (let r = 0; r < rows; r++) {
      const off = <usize>r * <usize>cols * sz;
      let m = <f64>load<T>(out + off);
      for (let j = 1; j < cols; j++) m = Math.max(m, <f64>load<T>(out + off + <usize>j * sz));
      let s: f64 = 0;
      for (let j = 0; j < cols; j++) s += Math.exp(<f64>load<T>(out + off + <usize>j * sz) - m);
      const lse = m + Math.log(s);
      for (let j = 0; j < cols; j++) {
        const o = off + <usize>j * sz;
        sum += <f64>load<T>(y + o) * (lse - <f64>load<T>(out + o));
      }
    }
    return sum;
  }
  for (let i: usize = 0; i < len; i++) {
    const v = <f64>load<T>(out + i * sz);
    const t = <f64>load<T>(y + i * sz);
    if (kind == MSE) {
      const d = v - t;
      sum += d * d;
    } else if (kind == BCE) {
      const p = Math.min(Math.max(v, EPSILON), 1 - EPSILON);
      sum -= t * Math.log(p) + (1 - t) * Math.log(1 - p);
    } else {
      sum += Math.max(v, 0) - v * t + Math.log1p(Math.exp(-Math.abs(v)));
    }
  }
  return sum;
}

/**
 * The output gradient D (rows × cols) of `scale` × the loss sum. For MSE (scale 2/count) and for
 * both logit forms (whose gradient with respect to Z is ŷ − y, which never vanishes) it is
 * scale·(ŷ − y); for BCE on probabilities it is scale·(ŷ − y)/(ŷ(1 − ŷ)) with ŷ clipped.
 */
export function lossGradient<T>(kind: i32, a: usize, y: usize, d: usize, len: i32, scale: T): void {
  const sz = <usize>sizeof<T>();
  const n = <usize>len;
  if (kind == BCE) {
    const lo = <T>EPSILON;
    const hi = <T>1 - <T>EPSILON;
    for (let i: usize = 0; i < n; i++) {
      const o = i * sz;
      const p = min<T>(max<T>(load<T>(a + o), lo), hi);
      store<T>(d + o, scale * (p - load<T>(y + o)) / (p * (<T>1 - p)));
    }
    return;
  }
  const s = v128.splat<T>(scale);
  const vecEnd = n & ~(<usize>(16 / sz) - 1);
  let i: usize = 0;
  for (; i < vecEnd; i += <usize>(16 / sz)) {
    const o = i * sz;
    v128.store(d + o, v128.mul<T>(s, v128.sub<T>(v128.load(a + o), v128.load(y + o))));
  }
  for (; i < n; i++) {
    const o = i * sz;
    store<T>(d + o, scale * (load<T>(a + o) - load<T>(y + o)));
  }
}

/** D[r, c] ·= w[r]: each row's gradient weighted as its loss is. */
export function scaleRows<T>(d: usize, w: usize, rows: i32, cols: i32): void {
  const sz = <usize>sizeof<T>();
  const lanes = 16 / <i32>sizeof<T>();
  const vecEnd = cols & ~(lanes - 1);
  for (let r = 0; r < rows; r++) {
    const row = d + <usize>r * <usize>cols * sz;
    const f = load<T>(w + <usize>r * sz);
    const fv = v128.splat<T>(f);
    let j = 0;
    for (; j < vecEnd; j += lanes) v128.store(row + <usize>j * sz, v128.mul<T>(v128.load(row + <usize>j * sz), fv));
    for (; j < cols; j++) store<T>(row + <usize>j * sz, load<T>(row + <usize>j * sz) * f);
  }
}
