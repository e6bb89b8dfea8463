/**
 * TensorFlow.js (devDependencies, 4.22) set up for a fair single-thread comparison in Node:
 * its plain-JS `cpu` backend and its WebAssembly `wasm` backend (XNNPACK), the latter pinned to
 * one thread, and with a check of which of its three binaries it loaded.
 *
 * The packages are CommonJS in Node, so they are loaded through `require`; tfjs-layers must see
 * the same tfjs-core instance, which one require cache guarantees.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

/** The three binaries tfjs-backend-wasm ships; it picks one at init from SIMD and thread support. */
const BINARIES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'];
const SIMD_BINARY = 'tfjs-backend-wasm-simd.wasm';

/** @typedef {typeof import('@tensorflow/tfjs-core')} Tf */
/** @typedef {typeof import('@tensorflow/tfjs-layers')} Tfl */
/**
 * What the wasm backend really runs.
 * @typedef {{ version: string, versions: Record<string, string>, simdSupported: unknown, threadsSupported: unknown, threads: number, binary: string }} TfjsInfo
 */
/**
 * TensorFlow.js loaded, or why not.
 * @typedef {{ tf: Tf, tfl: Tfl, info: TfjsInfo, error?: undefined } | { error: Error, tf?: undefined, tfl?: undefined, info?: undefined }} TfjsLoad
 */

/** @type {Promise<TfjsLoad> | undefined} */
let loaded;

/**
 * Loads tfjs-core with the cpu and wasm backends registered and the wasm backend initialised on one
 * thread. Returns { tf, tfl, info } where info says what the wasm backend really runs, or
 * { error } when TensorFlow.js is not installed or cannot start (the bench then shows n/a).
 *
 * Which binary is used is not something tfjs reports, so it is made observable: setWasmPaths gets
 * a file map in which only the single-thread SIMD binary exists and the other two point at a
 * missing file. If tfjs chose either of those, initialisation would fail; it succeeding proves the
 * SIMD binary runs. (In Node tfjs always reports no thread support, so the threaded binary is out
 * anyway, and setThreadsCount(1) pins XNNPACK's pool to one thread in any case.)
 */
export async function loadTfjs() {
  loaded ??= start().catch((/** @type {Error} */ error) => ({ error }));
  return loaded;
}

/** @returns {Promise<TfjsLoad>} */
async function start() {
  /** @type {Tf} */
  const tf = require('@tensorflow/tfjs-core');
  require('@tensorflow/tfjs-backend-cpu');
  const wasm = require('@tensorflow/tfjs-backend-wasm');
  /** @type {Tfl} */
  const tfl = require('@tensorflow/tfjs-layers');
  const dir = path.dirname(require.resolve(`@tensorflow/tfjs-backend-wasm/dist/${SIMD_BINARY}`));
  const missing = path.join(dir, 'not-used-by-this-benchmark.wasm');
  if (existsSync(missing)) throw new Error(`bench: ${missing} should not exist (it marks the binaries tfjs must not load)`);
  wasm.setWasmPaths(Object.fromEntries(BINARIES.map((b) => [b, b === SIMD_BINARY ? path.join(dir, b) : missing])));
  wasm.setThreadsCount(1);
  if (!(await tf.setBackend('wasm'))) throw new Error('tfjs wasm backend failed to initialise (only its SIMD binary was offered)');
  const info = {
    version: tf.version_core,
    versions: {
      '@tensorflow/tfjs-core': tf.version_core,
      '@tensorflow/tfjs-layers': tfl.version_layers,
      '@tensorflow/tfjs-backend-cpu': require('@tensorflow/tfjs-backend-cpu').version_cpu,
      '@tensorflow/tfjs-backend-wasm': wasm.version_wasm,
    },
    simdSupported: await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'),
    threadsSupported: await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'),
    threads: wasm.getThreadsCount(),
    binary: SIMD_BINARY,
  };
  if (info.threads !== 1) throw new Error(`tfjs wasm backend runs ${info.threads} threads, expected 1`);
  if (!(await tf.setBackend('cpu'))) throw new Error('tfjs cpu backend failed to initialise');
  // Its first tensor would print a banner recommending tfjs-node (native, not allowed here) into the log.
  /** @type {any} a private field of the cpu backend */ (tf.findBackend('cpu')).firstUse = false;
  return { tf, tfl, info };
}

/**
 * Makes `name` ('cpu' or 'wasm') the active tfjs backend, failing loudly rather than measuring the other.
 * @param {Tf} tf
 * @param {string} name
 */
export async function useBackend(tf, name) {
  if (tf.getBackend() !== name && !(await tf.setBackend(name))) throw new Error(`tfjs backend '${name}' failed to initialise`);
}

/**
 * A one-line description of the tfjs wasm setup for the report.
 * @param {TfjsLoad} t
 */
export function describeTfjs(t) {
  if (t.error) return `TensorFlow.js not measured: ${t.error.message}`;
  const i = t.info;
  return `TensorFlow.js ${i.version}: cpu backend (plain JS) and wasm backend on ${i.threads} thread (getThreadsCount()), binary ${i.binary} (SIMD supported: ${i.simdSupported}, threads supported: ${i.threadsSupported}; the other two binaries were mapped to a missing file, so init could only succeed with this one)`;
}
