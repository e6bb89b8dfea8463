/**
 * Comparison of numeric arrays for tests. A NaN is never close to anything (not even NaN), and an
 * infinity is close only to the same infinity: a kernel that overflows must not pass by accident.
 */
export interface Mismatch {
  index: number;
  actual: number;
  expected: number;
  allowed: number;
}

/** The first index where |actual − expected| > bound(i), or null when every element is close. */
export function firstMismatch(actual: ArrayLike<number>, expected: ArrayLike<number>, bound: (i: number) => number): Mismatch | null {
  if (actual.length !== expected.length) {
    return { index: -1, actual: actual.length, expected: expected.length, allowed: 0 };
  }
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i];
    const e = expected[i];
    const allowed = bound(i);
    const ok = Number.isFinite(a) && Number.isFinite(e) ? Math.abs(a - e) <= allowed : !Number.isNaN(a) && a === e;
    if (!ok) return { index: i, actual: a, expected: e, allowed };
  }
  return null;
}

/** The index of the first element where a and b differ as numbers (Object.is), or −1. */
export function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return i;
  return a.length === b.length ? -1 : a.length;
}

/** Relative-plus-absolute closeness: |a − e| ≤ atol + rtol·|e|. */
export function mismatchRel(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol: number, atol: number): Mismatch | null {
  return firstMismatch(actual, expected, (i) => atol + rtol * Math.abs(expected[i]));
}

/** Deterministic pseudo-random values in [lo, hi) for test inputs. */
export function randomArray(n: number, seed: number, lo = -1, hi = 1): Float64Array {
  let s = seed >>> 0 || 1;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    out[i] = lo + ((hi - lo) * s) / 4294967296;
  }
  return out;
}
