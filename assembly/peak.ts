import { madd } from './madd';

// The machine's ceiling for this module's arithmetic: a loop that keeps everything in registers,
// so that the benchmark can say what fraction of the attainable rate the matrix multiply reaches.

/** Twelve chains, a four-lane multiply and add (8 flops) each per iteration. */
export const PEAK_FLOPS_PER_ITERATION: i32 = 12 * 8;

/**
 * Runs `iterations` × 12 independent vector steps (twelve chains: enough to hide the latency of a
 * multiply and an add on two ports, few enough for V8's 16 xmm registers) c = c·x + y (f32x4: 8 flops each), all in registers, and
 * returns a sum of the results so that nothing is optimised away. Flops: iterations × PEAK_FLOPS_PER_ITERATION.
 * Each step is `madd`: a multiply and an add, or one fused multiply-add in the relaxed build.
 */
export function simdPeak(iterations: i32): f32 {
  const x = f32x4.splat(0.999);
  const y = f32x4.splat(0.001);
  let c0 = f32x4.splat(0.5), c1 = f32x4.splat(0.25), c2 = c0, c3 = c1, c4 = c0, c5 = c1;
  let c6 = c0, c7 = c1, c8 = c0, c9 = c1, c10 = c0, c11 = c1;
  for (let i = 0; i < iterations; i++) {
    c0 = madd<f32>(y, c0, x); c1 = madd<f32>(y, c1, x); c2 = madd<f32>(y, c2, x);
    c3 = madd<f32>(y, c3, x); c4 = madd<f32>(y, c4, x); c5 = madd<f32>(y, c5, x);
    c6 = madd<f32>(y, c6, x); c7 = madd<f32>(y, c7, x); c8 = madd<f32>(y, c8, x);
    c9 = madd<f32>(y, c9, x); c10 = madd<f32>(y, c10, x); c11 = madd<f32>(y, c11, x);
  }
  const s = f32x4.add(f32x4.add(f32x4.add(c0, c1), f32x4.add(c2, c3)), f32x4.add(f32x4.add(c4, c5), f32x4.add(c6, c7)));
  const t = f32x4.add(s, f32x4.add(f32x4.add(c8, c9), f32x4.add(c10, c11)));
  return f32x4.extract_lane(t, 0) + f32x4.extract_lane(t, 1) + f32x4.extract_lane(t, 2) + f32x4.extract_lane(t, 3);
}
