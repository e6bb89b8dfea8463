/**
 * The ceilings a matrix product is judged against, as each kernel build sees them, measured by
 * two probes the build exports:
 *
 * - `register`: `simd_peak_f32(iterations)`, a register-only loop of independent vector
 *   multiply-adds (fused in the relaxed build) with no memory traffic: what one core can do at
 *   best in that instruction set — the "SIMD peak".
 * - `kernel`: `kernel_peak_f32(iterations)`, the GEMM micro-kernel alone on L1-resident packed
 *   panels: the ceiling of this kernel design, with no packing and no traffic beyond L1.
 *
 * The flop count of one iteration comes from the build itself (`simd_peak_flops_per_iteration`,
 * `kernel_peak_flops_f32`), so that the probe and the count cannot drift apart.
 */
import { compileBuild, instantiateWithStubs } from './builds.js';
import { summarizeTimes } from './stats.js';

export const PROBES = [
  {
    id: 'register',
    fn: 'simd_peak_f32',
    flopsExport: 'simd_peak_flops_per_iteration',
    label: 'register-only multiply-add loop (simd_peak_f32)',
  },
  {
    id: 'kernel',
    fn: 'kernel_peak_f32',
    flopsExport: 'kernel_peak_flops_f32',
    label: 'GEMM micro-kernel on L1-resident panels (kernel_peak_f32)',
  },
];

function timeCall(fn, iterations) {
  const started = performance.now();
  fn(iterations);
  return performance.now() - started;
}

/**
 * Measures one probe: { gflops, gflopsMedian, time, iterations, flopsPerIteration }
 * or { gflops: null, note }. The iteration count is calibrated so that one call takes about
 * `callMs`; `runs` calls are timed.
 */
function measureProbe(exports, build, probe, { callMs, runs }) {
  const fn = exports[probe.fn];
  if (typeof fn !== 'function') return { gflops: null, note: `${build.file} exports no ${probe.fn}` };
  const flops = Number(exports[probe.flopsExport]());
  let iterations = 16;
  let ms = timeCall(fn, iterations);
  while (ms < callMs / 8 && iterations < 2 ** 30) {
    iterations *= 4;
    ms = timeCall(fn, iterations);
  }
  iterations = Math.max(1, Math.min(2 ** 31 - 1, Math.round((iterations * callMs) / Math.max(ms, 1e-3))));
  timeCall(fn, iterations); // warm: the first full-length call may still tier up
  const time = summarizeTimes(Array.from({ length: runs }, () => timeCall(fn, iterations)));
  // The peak is the best call, not the median: such a loop can only be slowed down (by other
  // processes, interrupts), never sped up, so its fastest run is the machine's rate.
  const rate = (t) => (flops * iterations) / (t * 1e6);
  return { gflops: rate(time.min), gflopsMedian: rate(time.median), time, iterations, flopsPerIteration: flops };
}

/** Both probes of one build: { register, kernel }, each a measurement or { gflops: null, note }. */
export async function measurePeaks(build, options) {
  if (!build.available) {
    const note = `build not available: ${build.reason}`;
    return Object.fromEntries(PROBES.map((p) => [p.id, { gflops: null, note }]));
  }
  const exports = await instantiateWithStubs(await compileBuild(build));
  return Object.fromEntries(PROBES.map((p) => [p.id, measureProbe(exports, build, p, options)]));
}
