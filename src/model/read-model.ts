/**
 * Reading a saved model, whichever version: text parsed, the envelope (format, version) checked,
 * a version 2 file decoded by model-file.ts; the ANN checks the rest (architecture, weights).
 */
import { describe } from '../io/describe.js';
import { decodeModelFile, FILE_VERSION, type ModelMeta } from './model-file.js';
import { JSON_VERSION, MODEL_FORMAT, type ModelJSON } from './model-json.js';

/**
 * Parses (if text) and checks the envelope of a saved model, version 1 (`toJSON()`) or 2 (the
 * model file, decoded by model-file.ts); the ANN checks the rest. Errors start with `where`.
 */
export function readSavedModel(json: unknown, where: string): ModelJSON & { meta?: ModelMeta } {
  let obj = json;
  if (typeof json === 'string') {
    try {
      obj = JSON.parse(json.replace(/^\uFEFF/, ''));
    } catch (err) {
      throw new SyntaxError(`${where}: the text is not valid JSON (${(err as Error).message}); is the file truncated or not a model?`);
    }
  }
  if (obj === null || typeof obj !== 'object') throw new TypeError(`${where}: expected a saved model object or its JSON text, got ${describe(obj)}`);
  const m = obj as Partial<ModelJSON>;
  if (m.format !== MODEL_FORMAT) throw new TypeError(`${where}: format must be '${MODEL_FORMAT}', got ${describe(m.format)}`);
  if (m.version !== JSON_VERSION && m.version !== FILE_VERSION) {
    const newer = typeof m.version === 'number' && m.version > FILE_VERSION;
    throw new RangeError(`${where}: format version ${describe(m.version)} is not supported (this library reads versions ${JSON_VERSION} and ${FILE_VERSION})${newer ? '; it was written by a newer backprop-wasm' : ''}`);
  }
  const model = m.version === FILE_VERSION ? decodeModelFile(obj as Record<string, unknown>, where) : (m as ModelJSON);
  // Both versions: a valid checksum only says the file is as written, not that it was written right.
  if (!Array.isArray(model.activations) || !Array.isArray(model.layers) || model.activations.length !== model.layers.length - 1) {
    throw new TypeError(`${where}: activations must list one name per weight layer (${Array.isArray(model.layers) ? model.layers.length - 1 : '?'}), got ${describe(model.activations)}`);
  }
  if (!Array.isArray(model.weights)) throw new TypeError(`${where}: weights must be an array, got ${describe(model.weights)}`);
  return model;
}

