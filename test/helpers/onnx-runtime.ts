/**
 * An independent ONNX runtime for the tests: Microsoft's ONNX Runtime built for WebAssembly
 * (onnxruntime-web), which runs in Node with its wasm backend and needs no download beyond its npm
 * package. One thread: no workers, and the same sums in the same order on every run.
 */
import * as ort from 'onnxruntime-web';

ort.env.wasm.numThreads = 1;

export const ortVersion = ort.env.versions.web;

/** Runs the model's one input on x (rows × cols, float32 or float64 as the model takes) and returns its one output. */
export async function runOnnx(
  model: Uint8Array,
  x: Float32Array | Float64Array,
  rows: number,
  cols: number,
  inputName?: string,
): Promise<{ data: Float32Array | Float64Array; dims: readonly number[] }> {
  const session = await ort.InferenceSession.create(model);
  try {
    const name = inputName ?? session.inputNames[0];
    const tensor = new ort.Tensor(x instanceof Float64Array ? 'float64' : 'float32', x, [rows, cols]);
    const result = await session.run({ [name]: tensor });
    const out = result[session.outputNames[0]];
    return { data: out.data as Float32Array | Float64Array, dims: out.dims };
  } finally {
    await session.release();
  }
}
