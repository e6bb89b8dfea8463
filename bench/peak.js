/**
 * The SIMD peak of this machine, as each kernel build sees it: the build's exported
 * `simd_peak_f32(iterations)` runs a register-only loop of independent vector multiply-adds
 * (fused in the relaxed build) with no memory traffic, so its GFLOP/s is what one core can do at
 * best in that instruction set. A matrix product is then judged as a fraction of it.
 *
 * The flop count of one iteration comes from the probe's own source, so that the two cannot drift
 * apart: an export `simd_peak_flops_per_iteration` (a function or a global) if the module has
 * one, else the count its doc comment in assembly/peak.ts states ("Flops: iterations × N").
 * Without either the peak is shown as n/a.
 */
import { readFileSync } from 'node:fs';
import { compileBuild, instantiateWithStubs } from './builds.js';
import { summarizeTimes } from './stats.js';

/** The flops per iteration and where that number came from, or null. */
function flopsPerIteration(exports) {
  const v = exports.simd_peak_flops_per_iteration;
  if (typeof v === 'function') return { flops: Number(v()), source: 'the export simd_peak_flops_per_iteration' };
  if (v instanceof WebAssembly.Global) return { flops: Number(v.value), source: 'the export simd_peak_flops_per_iteration' };
  try {
    const doc = /Flops:\s*iterations\s*[×x*]\s*(\d+)/.exec(readFileSync(new URL('../assembly/peak.ts', import.meta.url), 'utf8'));
    if (doc) return { flops: Number(doc[1]), source: 'the doc comment of simdPeak in assembly/peak.ts' };
  } catch {
    // no source beside the build: fall through
  }
  return null;
}

function timeCall(fn, iterations) {
  const started = performance.now();
  fn(iterations);
  return performance.now() - started;
}

/**
 * Measures one build's peak: { gflops, time, iterations, flopsPerIteration, flopsSource } or { gflops: null, note }.
 * The iteration count is calibrated so that one call takes about `callMs`; `runs` calls are timed.
 */
export async function measurePeak(build, { callMs, runs }) {
  if (!build.available) return { gflops: null, note: `build not available: ${build.reason}` };
  const exports = await instantiateWithStubs(await compileBuild(build));
  const fn = exports.simd_peak_f32;
  if (typeof fn !== 'function') return { gflops: null, note: `${build.file} exports no simd_peak_f32 yet` };
  const declared = flopsPerIteration(exports);
  if (!(declared?.flops > 0)) return { gflops: null, note: `the flop count of simd_peak_f32 is unknown (no export simd_peak_flops_per_iteration, no "Flops: iterations × N" in assembly/peak.ts)` };
  const perIteration = declared.flops;
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
  // The peak is the best call, not the median: a register-only loop can only be slowed down (by
  // other processes, interrupts), never sped up, so its fastest run is the machine's rate.
  const rate = (ms) => (perIteration * iterations) / (ms * 1e6);
  return { gflops: rate(time.min), gflopsMedian: rate(time.median), time, iterations, flopsPerIteration: perIteration, flopsSource: declared.source };
}
