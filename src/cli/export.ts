/** `backprop-wasm export`: a model file as an ONNX model, or as a TensorFlow.js layers model (a folder). */
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { loadModelFile } from '../ann.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { decodeOnnxModel } from '../interop/onnx-decode.js';
import { TFJS_WEIGHTS_FILE } from '../interop/tfjs-export.js';
import { choiceFlag, stringFlag, UsageError, type Flags } from './args.js';
import { bytes, say, type Command } from './command.js';

export const exportModel: Command = {
  name: 'export',
  summary: 'a model file as ONNX (onnxruntime, PyTorch) or a TensorFlow.js layers model',
  flags: { model: { type: 'string', short: 'm' }, format: { type: 'string', short: 'f' }, out: { type: 'string', short: 'o' } },
  help: `Usage: backprop-wasm export --model FILE --format onnx|tfjs --out PATH

Writes the network of a model file in a format other tools run. The exported model takes raw
features: its standardization, if it has one, is part of it.

  --model FILE, -m FILE   a model file written by train (or net.save(), or toJSON() text)
  --format onnx|tfjs      onnx: one .onnx file (Gemm and activation nodes, the model's precision,
                          a dynamic batch; its classes and features in the metadata), for ONNX
                          Runtime and anything that reads ONNX. tfjs: a folder with model.json and
                          ${TFJS_WEIGHTS_FILE} (float32), for tf.loadLayersModel in TensorFlow.js.
                          Default: onnx when --out ends in .onnx
  --out PATH, -o PATH     the .onnx file, or the folder for tfjs (made if missing); written atomically

Example
  backprop-wasm export --model seeds.json --out seeds.onnx
  backprop-wasm export --model seeds.json --format tfjs --out seeds-tfjs`,
  run: runExport,
};

async function runExport(flags: Flags): Promise<void> {
  const path = stringFlag(flags, 'model', true);
  const out = stringFlag(flags, 'out', true);
  const format = choiceFlag(flags, 'format', ['onnx', 'tfjs'] as const) ?? (out.toLowerCase().endsWith('.onnx') ? 'onnx' : undefined);
  if (format === undefined) throw new UsageError(`--format is required (onnx or tfjs) unless --out ends in .onnx; got --out '${out}'`);
  // Nothing is computed: the plain JavaScript backend is enough to read the weights.
  const { net } = await loadModelFile(path, { backend: 'js' }, 'model ');
  try {
    const outputs = net.layers[net.layers.length - 1];
    const classes = net.meta.classes ? `: ${net.meta.classes.join(', ')}` : '';
    const head = `${net.activations[net.activations.length - 1]}${classes}`;
    const scaling = net.standardizer
      ? 'raw features, standardized inside the model'
      : 'features as the network takes them (no standardizer)';
    if (format === 'onnx') {
      const onnx = net.toONNX();
      await writeFileAtomic(out, onnx);
      // The opset as the exporter chose it (read back, so that the rule is written in one place).
      const opset = decodeOnnxModel(onnx).opsetImports[0].version;
      say(
        `wrote ${out} (${bytes(onnx.length)}): ONNX opset ${opset}, ${net.precision === 'f64' ? 'float64' : 'float32'}, ${net.layers.join('-')}`,
      );
      say(`input 'input' [batch, ${net.layers[0]}]: ${scaling}; output 'output' [batch, ${outputs}] (${head})`);
      return;
    }
    const existing = await stat(out).catch(() => null);
    if (existing !== null && !existing.isDirectory())
      throw new UsageError(`--out '${out}' is a file; --format tfjs writes a folder (model.json and ${TFJS_WEIGHTS_FILE})`);
    await mkdir(out, { recursive: true });
    const { modelJSON, weights } = net.toTfjs();
    // The weights first: a model.json is never left naming weights that are not there yet.
    await writeFileAtomic(join(out, TFJS_WEIGHTS_FILE), weights);
    const text = JSON.stringify(modelJSON, null, 2) + '\n';
    await writeFileAtomic(join(out, 'model.json'), text);
    const dense = modelJSON.modelTopology.config.layers.filter((l) => l.class_name === 'Dense').length;
    say(
      `wrote ${join(out, 'model.json')} (${bytes(Buffer.byteLength(text))}) and ${join(out, TFJS_WEIGHTS_FILE)} (${bytes(weights.length)}): TensorFlow.js layers model, ${dense} Dense layers, float32${net.precision === 'f64' ? ' (the float64 weights rounded)' : ''}`,
    );
    say(`input [batch, ${net.layers[0]}]: ${scaling}; output [batch, ${outputs}] (${head})`);
  } finally {
    net.dispose();
  }
}
