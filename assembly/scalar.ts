// Scalar math chosen by element type at compile time, so one generic kernel serves f32 and f64.

// @ts-ignore: decorator
@inline export function exp<T>(x: T): T {
  if (sizeof<T>() == 4) return <T>Mathf.exp(<f32>x);
  return <T>Math.exp(<f64>x);
}

// @ts-ignore: decorator
@inline export function tanh<T>(x: T): T {
  if (sizeof<T>() == 4) return <T>Mathf.tanh(<f32>x);
  return <T>Math.tanh(<f64>x);
}

/** 1 / (1 + e^−z) without overflow: e^−z is only taken for z ≥ 0 and e^z only for z < 0. */
// @ts-ignore: decorator
@inline export function sigmoid<T>(z: T): T {
  if (z >= <T>0) return <T>1 / (<T>1 + exp<T>(-z));
  const e = exp<T>(z);
  return e / (<T>1 + e);
}
