/** Creates the kernels an ANN runs on. */
import { JsKernels } from './js.js';
import type { BackendName, Kernels, Precision } from './kernels.js';
import { ThreadedKernels } from './threaded.js';
import { WasmKernels } from './wasm.js';

/** Kernels on `threads` threads (more than one: the wasm backend on a shared memory, with workers; see threaded.ts). */
export async function createKernels(backend: BackendName, precision: Precision, threads = 1): Promise<Kernels> {
  if (backend === 'js') return new JsKernels(precision);
  return threads > 1 ? ThreadedKernels.createThreaded(precision, threads) : WasmKernels.create(precision);
}

export type { BackendName, Kernels, Precision } from './kernels.js';
export { Activation, LossKernel } from './kernels.js';
export { setWasmSource, setKernelBuild, kernelBuild, relaxedSimdSupported } from './wasm-module.js';
export { checkThreads, chooseThreads, type ThreadsOption } from './threads.js';
