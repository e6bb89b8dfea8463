/**
 * The SIMD peak of this machine, as each kernel build sees it: the build's exported
 * `simd_peak_f32(iterations)` runs a register-only loop of independent vector multiply-adds
 * (fused in the relaxed build) with no memory traffic, so its GFLOP/s is what one core can do at
 * best in that instruction set. A matrix product is then judged as a fraction of it.
 *
 * The flop count of one iteration comes from the build itself, through an export
 * `simd_peak_flops_per_iteration()` (a function or a global), so that the probe and the
 * arithmetic here cannot drift apart. Without either export the peak is shown as n/a.
 */
import { compileBuild, instantiateWithStubs } from './builds.js';
import { summarizeTimes } from './stats.js';

/** Reads the flops per iteration the module declares, or null. */
function flopsPerIteration(exports) {
  const v = exports.simd_peak_flops_per_iteration;
  if (typeof v === 'function') return Number(v());
  if (v instanceof WebAssembly.Global) return Number(v.value);
  return null;
}

function timeCall(fn, iterations) {
  const started = performance.now();
  fn(iterations);
  return performance.now() - started;
}

/**
 * Measures one build's peak: { gflops, time, iterations, flopsPerIteration } or { gflops: null, note }.
 * The iteration count is calibrated so that one call takes about `callMs`; `runs` calls are timed.
 */
export async function measurePeak(build, { callMs, runs }) {
  if (!build.available) return { gflops: null, note: `build not available: ${build.reason}` };
  const exports = await instantiateWithStubs(await compileBuild(build));
  const fn = exports.simd_peak_f32;
  if (typeof fn !== 'function') return { gflops: null, note: `${build.file} exports no simd_peak_f32 yet` };
  const perIteration = flopsPerIteration(exports);
  if (!(perIteration > 0)) return { gflops: null, note: `${build.file} exports no simd_peak_flops_per_iteration, so its flop count is unknown` };
  let iterations = 1024;
  let ms = timeCall(fn, iterations);
  while (ms < callMs / 8 && iterations < 2 ** 30) {
    iterations *= 4;
    ms = timeCall(fn, iterations);
  }
  iterations = Math.max(1, Math.min(2 ** 31 - 1, Math.round((iterations * callMs) / Math.max(ms, 1e-3))));
  timeCall(fn, iterations); // warm: the first full-length call may still tier up
  const times = Array.from({ length: runs }, () => timeCall(fn, iterations));
  const time = summarizeTimes(times);
  return { gflops: (perIteration * iterations) / (time.median * 1e6), time, iterations, flopsPerIteration: perIteration };
}
