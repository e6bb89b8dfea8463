/**
 * ANN.fromONNX's work before a network is made: the bytes read (a path or URL, or the bytes), the
 * protobuf decoded, the graph read as a network, and the creation options checked. Errors start
 * with `where` and, for a file, its name: "fromONNX: model.onnx: node '/1/Conv' (Conv) is not …".
 */
import type { CreateOptions } from '../core/architecture.js';
import type { Standardizer } from '../data/transform.js';
import { describeSource, readBytes, type ByteSource } from '../data/source.js';
import { describe } from '../io/describe.js';
import { checkImportOptions, createOptionsOf, type OnnxImportOptions } from './import-options.js';
import { decodeOnnxModel } from './onnx-decode.js';
import { onnxToNetwork } from './onnx-import.js';
import type { ImportedNetwork } from './portable-network.js';
import { ProtoError } from './protobuf-reader.js';

export async function readOnnx(
  source: ByteSource,
  options: OnnxImportOptions | null | undefined,
  where: string,
): Promise<{ network: ImportedNetwork; create: CreateOptions & { standardizer: Standardizer | null } }> {
  const checked = checkImportOptions(options, ['output'], where);
  if (checked.output !== undefined && typeof checked.output !== 'string') {
    throw new TypeError(`${where}: options.output must be the name of a graph output, got ${describe(checked.output)}`);
  }
  const isBytes = source instanceof Uint8Array || source instanceof ArrayBuffer;
  if (!isBytes && typeof source !== 'string' && !(source instanceof URL)) {
    throw new TypeError(`${where}: expected the ONNX file's bytes (Uint8Array, ArrayBuffer), a path or a URL, got ${describe(source)}`);
  }
  const named = isBytes ? where : `${where}: ${describeSource(source)}`;
  let bytes: Uint8Array;
  try {
    bytes = await readBytes(source);
  } catch (e) {
    throw new Error(`${where}: ${(e as Error).message}`, { cause: e });
  }
  if (bytes.length === 0) throw new Error(`${named}: the file is empty`);
  let model: ReturnType<typeof decodeOnnxModel>;
  try {
    model = decodeOnnxModel(bytes);
  } catch (e) {
    if (!(e instanceof ProtoError)) throw e;
    throw new Error(`${named}: not a readable ONNX model (truncated or damaged?): ${e.message}`, { cause: e });
  }
  const network = onnxToNetwork(model, checked.output, named, checked.loss !== undefined);
  return { network, create: createOptionsOf(network, checked, named) };
}
