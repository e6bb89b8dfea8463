/**
 * How many threads a network runs on: the `threads` option ('auto' or a count) checked, and
 * resolved against what the runtime offers. The answer comes with its reason, which the network
 * reports (`net.threadsReason`, `summary()`), because one thread where more were asked for is
 * never an error: the same code runs on a page that is not cross-origin isolated, in a runtime
 * without SharedArrayBuffer, or with the js backend, only slower.
 */
import type { BackendName } from './kernels.js';
import { describe } from '../io/describe.js';
import { sharedBuildMissing, kernelBuild } from './wasm-module.js';

export type ThreadsOption = 'auto' | number;

/** The most threads a network may ask for: beyond this the kernels of a step are cut too thin to gain. */
export const MAX_THREADS = 64;

/**
 * 'auto' keeps a network on one thread unless a layer has this many weights: below it a batch of
 * 32 makes no matrix product large enough to cut (threaded.ts, GEMM_PART_MIN), so workers would
 * only cost their start.
 */
export const AUTO_MIN_WEIGHTS = 8192;

export interface ThreadChoice {
  readonly threads: number;
  readonly reason: string;
}

/** `value` as a threads option, or a TypeError/RangeError naming `where`. */
export function checkThreads(value: unknown, where: string): ThreadsOption {
  if (value === undefined || value === 'auto') return 'auto';
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_THREADS) {
    const Err = typeof value === 'number' ? RangeError : TypeError;
    throw new Err(`${where} must be 'auto' or an integer from 1 to ${MAX_THREADS}, got ${describe(value)}`);
  }
  return value;
}

/** The cores this runtime may use: os.availableParallelism() in Node, navigator.hardwareConcurrency in a browser. */
export async function availableCores(): Promise<number> {
  if (typeof process !== 'undefined' && process.versions?.node !== undefined) {
    const os = await import(/* webpackIgnore: true */ /* @vite-ignore */ 'node:os');
    return typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  }
  return globalThis.navigator?.hardwareConcurrency ?? 1;
}

/** Why this runtime cannot share a memory between threads, or null when it can. */
export function sharedMemoryUnavailable(): string | null {
  if (typeof SharedArrayBuffer !== 'function' || typeof Atomics !== 'object')
    return 'this runtime has no SharedArrayBuffer (shared WebAssembly memory)';
  if ((globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === false)
    return 'the page is not cross-origin isolated (serve it with the headers Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp), so it has no shared memory';
  if (typeof Worker === 'undefined' && !(typeof process !== 'undefined' && process.versions?.node !== undefined))
    return 'this runtime has no workers';
  return null;
}

/** The threads a network of these layer sizes runs on, and why. */
export async function chooseThreads(requested: ThreadsOption, backend: BackendName, layers: readonly number[]): Promise<ThreadChoice> {
  const asked = requested === 'auto' ? "'auto'" : `threads ${requested}`;
  if (requested === 1) return { threads: 1, reason: 'threads 1 was asked for' };
  if (backend === 'js') return { threads: 1, reason: `${asked}, but the js backend runs on one thread` };
  const unavailable = sharedMemoryUnavailable();
  if (unavailable !== null) return { threads: 1, reason: `${asked}, but ${unavailable}` };
  if (sharedBuildMissing(kernelBuild()))
    return { threads: 1, reason: `${asked}, but setWasmSource() gave no shared-memory build (simdShared / relaxedShared)` };
  if (requested !== 'auto') return { threads: requested, reason: `threads ${requested} was asked for` };
  const cores = await availableCores();
  if (cores <= 1) return { threads: 1, reason: "'auto', and this runtime offers one core" };
  let largest = 0;
  for (let l = 1; l < layers.length; l++) largest = Math.max(largest, layers[l - 1] * layers[l]);
  if (largest < AUTO_MIN_WEIGHTS) {
    return {
      threads: 1,
      reason: `'auto' keeps a network whose largest layer has ${largest.toLocaleString('en-US')} weights (under ${AUTO_MIN_WEIGHTS.toLocaleString('en-US')}) on one thread: its kernels are too small to share`,
    };
  }
  const threads = Math.min(cores, MAX_THREADS);
  return { threads, reason: `'auto': the ${cores} cores available` };
}
