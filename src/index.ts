/** backprop-wasm: neural networks trained by backpropagation, with WebAssembly SIMD kernels. */
export { ANN, type ANNOptions, type Evaluation } from './ann.js';
export { gradCheck, type GradCheckOptions } from './tools/gradcheck.js';
export { matrix, type Matrix, type MatrixLike, type FloatArray } from './io/matrix.js';
export { Random } from './core/random.js';
export {
  setWasmSource,
  setKernelBuild,
  kernelBuild,
  relaxedSimdSupported,
  type WasmSource,
  type WasmSources,
  type KernelBuild,
} from './backend/wasm-module.js';
export type { BackendName, Precision } from './backend/kernels.js';
export type { ActivationName } from './core/activations.js';
export type { LossName } from './core/losses.js';
export type { InitName, CreateOptions, SparseInputMode } from './core/architecture.js';
export type { CsrLike, CsrMatrix } from './io/csr.js';
export type { FitOptions, EpochLog, BatchLog } from './train/fit-options.js';
export type { OptimizerName, OptimizerConfig, OptimizerSpec } from './train/optimizer.js';
export type { ModelJSON } from './model/model-json.js';
export type { LayerWeights, WeightsInput } from './model/weights.js';
export * from './data/index.js';
export type { ModelMeta, TrainingSummary } from './model/model-file.js';
export type { ImportOptions, OnnxImportOptions } from './interop/import-options.js';
export type { TfjsModel, TfjsModelJSON, TfjsLayer, TfjsWeightSpec } from './interop/tfjs-export.js';
export type { TfjsSource } from './interop/read-tfjs.js';
