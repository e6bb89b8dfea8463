/** Creates the kernels an ANN runs on. */
import { JsKernels } from './js.js';
import type { BackendName, Kernels, Precision } from './kernels.js';
import { WasmKernels } from './wasm.js';

export async function createKernels(backend: BackendName, precision: Precision): Promise<Kernels> {
  return backend === 'wasm' ? WasmKernels.create(precision) : new JsKernels(precision);
}

export type { BackendName, Kernels, Precision } from './kernels.js';
export { Activation, LossKernel } from './kernels.js';
export { setWasmSource, setKernelBuild, kernelBuild, relaxedSimdSupported } from './wasm-module.js';
