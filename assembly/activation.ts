// Elementwise activations over a row-major batch Z (rows × cols), and their derivatives.
// Softmax is the one that is not elementwise: it normalises each row (one sample).
import { exp, sigmoid, tanh } from './scalar';
import { sigmoidF32x4 } from './vexp';

export const IDENTITY: i32 = 0;
export const SIGMOID: i32 = 1;
export const TANH: i32 = 2;
export const RELU: i32 = 3;
export const LEAKY_RELU: i32 = 4;
export const SOFTMAX: i32 = 5;

/** 1 in every lane, f32 and f64. */
const ONES_F32 = memory.data<f32>([1, 1, 1, 1], 16);
const ONES_F64 = memory.data<f64>([1, 1], 16);

/** A = f(Z) for rows × cols values; `slope` is the leaky ReLU slope for z ≤ 0. A may alias Z. */
export function activate<T>(kind: i32, z: usize, a: usize, rows: i32, cols: i32, slope: T): void {
  const sz = <usize>sizeof<T>();
  const len = <usize>rows * <usize>cols;
  if (kind == SOFTMAX) {
    for (let r = 0; r < rows; r++) {
      softmaxRow<T>(z + <usize>r * <usize>cols * sz, a + <usize>r * <usize>cols * sz, cols);
    }
    return;
  }
  if (kind == IDENTITY) {
    if (a != z) memory.copy(a, z, len * sz);
    return;
  }
  // Four or two values at a time where the kernel has a vector form; the rest one at a time.
  // Both paths propagate NaN (relu(NaN) = NaN, as v128.max and max do): a sample's output must
  // not depend on whether its values fall in the vector body or the tail.
  let i: usize = 0;
  const lanes = <usize>(16 / sz);
  const vecEnd = len & ~(lanes - 1);
  if (kind == RELU) {
    for (; i < vecEnd; i += lanes) v128.store(a + i * sz, v128.max<T>(v128.load(z + i * sz), v128.splat<T>(<T>0)));
  } else if (kind == LEAKY_RELU) {
    const k = v128.splat<T>(slope);
    for (; i < vecEnd; i += lanes) {
      const v = v128.load(z + i * sz);
      v128.store(a + i * sz, v128.bitselect(v, v128.mul<T>(v, k), v128.gt<T>(v, v128.splat<T>(<T>0))));
    }
  } else if (kind == SIGMOID && sizeof<T>() == 4) {
    for (; i < vecEnd; i += lanes) v128.store(a + i * sz, sigmoidF32x4(v128.load(z + i * sz)));
  }
  for (; i < len; i++) {
    const v = load<T>(z + i * sz);
    let out: T;
    if (kind == SIGMOID) out = sigmoid<T>(v);
    else if (kind == TANH) out = tanh<T>(v);
    else if (kind == RELU) out = max<T>(v, <T>0);
    else out = v > <T>0 ? v : slope * v;
    store<T>(a + i * sz, out);
  }
}

/** One row of softmax, shifted by its maximum so that exp never overflows. */
function softmaxRow<T>(z: usize, a: usize, cols: i32): void {
  const sz = <usize>sizeof<T>();
  let m = load<T>(z);
  for (let j = 1; j < cols; j++) m = max<T>(m, load<T>(z + <usize>j * sz));
  let sum: T = 0;
  for (let j = 0; j < cols; j++) {
    const e = exp<T>(load<T>(z + <usize>j * sz) - m);
    store<T>(a + <usize>j * sz, e);
    sum += e;
  }
  const inv = <T>1 / sum;
  for (let j = 0; j < cols; j++) store<T>(a + <usize>j * sz, load<T>(a + <usize>j * sz) * inv);
}

/**
 * dZ = dA ⊙ f′(Z), given Z and A = f(Z), for rows × cols values. For softmax it is the
 * Jacobian-vector product per row: dz_j = a_j (da_j − Σ_k da_k a_k). dZ may alias dA.
 */
export function activateBackward<T>(kind: i32, z: usize, a: usize, da: usize, dz: usize, rows: i32, cols: i32, slope: T): void {
  const sz = <usize>sizeof<T>();
  const len = <usize>rows * <usize>cols;
  if (kind == SOFTMAX) {
    for (let r = 0; r < rows; r++) {
      const off = <usize>r * <usize>cols * sz;
      let dot: T = 0;
      for (let j = 0; j < cols; j++) {
        const o = off + <usize>j * sz;
        dot += load<T>(da + o) * load<T>(a + o);
      }
      for (let j = 0; j < cols; j++) {
        const o = off + <usize>j * sz;
        store<T>(dz + o, load<T>(a + o) * (load<T>(da + o) - dot));
      }
    }
    return;
  }
  if (kind == IDENTITY) {
    if (dz != da) memory.copy(dz, da, len * sz);
    return;
  }
  // Sigmoid and tanh four (or two) values at a time, with the scalar loop's operations in its
  // order, so that every value gets the same result wherever it lies; 1 is read from static data
  // (V8 would rebuild the constant on every iteration).
  const lanes = <usize>(16 / sz);
  const vecEnd = kind == SIGMOID || kind == TANH ? len & ~(lanes - 1) : 0;
  const one = sizeof<T>() == 4 ? ONES_F32 : ONES_F64;
  let i: usize = 0;
  if (kind == SIGMOID) {
    for (; i < vecEnd; i += lanes) {
      const o = i * sz;
      const s = v128.load(a + o);
      v128.store(dz + o, v128.mul<T>(v128.load(da + o), v128.mul<T>(s, v128.sub<T>(v128.load(one), s))));
    }
  } else if (kind == TANH) {
    for (; i < vecEnd; i += lanes) {
      const o = i * sz;
      const t = v128.load(a + o);
      v128.store(dz + o, v128.mul<T>(v128.load(da + o), v128.sub<T>(v128.load(one), v128.mul<T>(t, t))));
    }
  }
  for (; i < len; i++) {
    const o = i * sz;
    const g = load<T>(da + o);
    let d: T;
    if (kind == SIGMOID) {
      const s = load<T>(a + o);
      d = s * (<T>1 - s);
    } else if (kind == TANH) {
      const t = load<T>(a + o);
      d = <T>1 - t * t;
    } else {
      // ReLU and leaky ReLU: 1 above 0, 0 or the slope at or below it, and NaN at NaN (which is
      // neither), as in the forward pass.
      const v = load<T>(z + o);
      d = v > <T>0 ? <T>1 : v <= <T>0 ? (kind == RELU ? <T>0 : slope) : v;
    }
    store<T>(dz + o, g * d);
  }
}
