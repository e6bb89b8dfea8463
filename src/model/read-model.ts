/**
 * Reading a saved model, whichever version: text parsed, the envelope (format, version) checked,
 * a version 2 file decoded by model-file.ts, then everything a network is rebuilt from checked.
 */
import type { BackendName } from '../backend/kernels.js';
import { checkArchitecture, optionsOf, type Architecture } from '../core/architecture.js';
import { Random } from '../core/random.js';
import { Standardizer } from '../data/transform.js';
import { describe } from '../io/describe.js';
import { resolveOptimizer } from '../train/resolve-optimizer.js';
import type { OptimizerRecipe } from '../train/optimizer.js';
import { checkWeights } from './weights.js';
import { decodeModelFile, FILE_VERSION, FILE_VERSION_2, type ModelMeta } from './model-file.js';
import { JSON_VERSION, MODEL_FORMAT, type ModelJSON, type TrainingStateJSON } from './model-json.js';

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
  if (obj === null || typeof obj !== 'object')
    throw new TypeError(`${where}: expected a saved model object or its JSON text, got ${describe(obj)}`);
  const m = obj as Partial<ModelJSON>;
  if (m.format !== MODEL_FORMAT) throw new TypeError(`${where}: format must be '${MODEL_FORMAT}', got ${describe(m.format)}`);
  if (m.version !== JSON_VERSION && m.version !== FILE_VERSION_2 && m.version !== FILE_VERSION) {
    const newer = typeof m.version === 'number' && m.version > FILE_VERSION;
    throw new RangeError(
      `${where}: format version ${describe(m.version)} is not supported (this library reads versions ${JSON_VERSION}, ${FILE_VERSION_2} and ${FILE_VERSION})${newer ? '; it was written by a newer backprop-wasm' : ''}`,
    );
  }
  const model = m.version !== JSON_VERSION ? decodeModelFile(obj as Record<string, unknown>, where) : (m as ModelJSON);
  // Both versions: a valid checksum only says the file is as written, not that it was written right.
  if (!Array.isArray(model.activations) || !Array.isArray(model.layers) || model.activations.length !== model.layers.length - 1) {
    throw new TypeError(
      `${where}: activations must list one name per weight layer (${Array.isArray(model.layers) ? model.layers.length - 1 : '?'}), got ${describe(model.activations)}`,
    );
  }
  if (!Array.isArray(model.weights)) throw new TypeError(`${where}: weights must be an array, got ${describe(model.weights)}`);
  return model;
}

/** A saved model, checked whole: what a network is rebuilt from. */
export interface CheckedModel {
  arch: Architecture;
  weights: { W: Float64Array; b: Float64Array }[];
  standardizer: Standardizer | null;
  shuffleState: number[] | undefined;
  meta: ModelMeta;
  /** Absent in files before version 3. */
  trainingState:
    | (Omit<TrainingStateJSON, 'optimizer'> & {
        optimizer: (NonNullable<TrainingStateJSON['optimizer']> & { recipe: OptimizerRecipe }) | null;
      })
    | undefined;
}

/**
 * A saved model (object or text, version 1 or 2) checked as loading checks it — architecture,
 * weights, standardizer, shuffle state — with every error starting with `where`. Saving runs the
 * same check on what it would write, so that nothing is saved that would not load.
 */
export function checkSavedModel(json: unknown, backend: BackendName | undefined, where: string): CheckedModel {
  const model = readSavedModel(json, where);
  const arch = checkArchitecture(optionsOf(model, backend), where, (key) =>
    key === 'activation' ? 'activations (hidden)' : key === 'output' ? 'activations (last)' : key === 'backend' ? 'options.backend' : key,
  );
  const weights = checkWeights(model.weights, arch.layers, arch.precision, `${where}: weights`);
  let standardizer: Standardizer | null = null;
  if (model.standardizer) {
    try {
      standardizer = Standardizer.fromJSON(model.standardizer);
    } catch (err) {
      throw new RangeError(`${where}: standardizer: ${(err as Error).message}`);
    }
  }
  checkStandardizer(standardizer, arch.layers[0], where);
  const shuffleState = model.shuffleState;
  if (shuffleState !== undefined && !Random.isState(shuffleState)) {
    throw new RangeError(`${where}: shuffleState must be four unsigned 32-bit integers, got ${describe(shuffleState)}`);
  }
  const trainingState = model.trainingState === undefined ? undefined : checkTrainingState(model.trainingState, `${where}: trainingState`);
  return { arch, weights, standardizer, shuffleState, meta: model.meta ?? {}, trainingState };
}

function checkTrainingState(state: unknown, where: string): CheckedModel['trainingState'] {
  if (state === null || typeof state !== 'object' || Array.isArray(state))
    throw new TypeError(`${where} must be an object, got ${describe(state)}`);
  const s = state as Record<string, unknown>;
  for (const key of ['step', 'epoch'] as const) {
    if (!Number.isInteger(s[key]) || (s[key] as number) < 0)
      throw new RangeError(`${where}.${key} must be an integer ≥ 0, got ${describe(s[key])}`);
  }
  if (!Random.isState(s.masks)) throw new RangeError(`${where}.masks must be four unsigned 32-bit integers, got ${describe(s.masks)}`);
  const o = s.optimizer as Record<string, unknown> | null;
  let optimizer: NonNullable<CheckedModel['trainingState']>['optimizer'] = null;
  if (o !== null && o !== undefined) {
    if (typeof o !== 'object' || o.settings === null || typeof o.settings !== 'object') {
      throw new TypeError(`${where}.optimizer must be { name, settings, steps, buffers }, got ${describe(o)}`);
    }
    const recipe = resolveOptimizer(
      { ...(o.settings as object), name: o.name, learningRate: o.learningRate },
      { learningRate: undefined, momentum: undefined },
      `${where}.optimizer`,
    );
    if (!Number.isInteger(o.steps) || (o.steps as number) < 0)
      throw new RangeError(`${where}.optimizer.steps must be an integer ≥ 0, got ${describe(o.steps)}`);
    if (!Array.isArray(o.buffers)) throw new TypeError(`${where}.optimizer.buffers must be an array, got ${describe(o.buffers)}`);
    const buffers = Array.from(o.buffers as unknown[]).map((b, i) => {
      if (!Array.isArray(b)) throw new TypeError(`${where}.optimizer.buffers[${i}] must be an array of numbers, got ${describe(b)}`);
      const arr = Array.from(b as unknown[]);
      const bad = arr.findIndex((v) => typeof v !== 'number' || !Number.isFinite(v));
      if (bad >= 0) throw new RangeError(`${where}.optimizer.buffers[${i}][${bad}] must be a finite number, got ${describe(arr[bad])}`);
      return arr as number[];
    });
    optimizer = {
      name: recipe.name,
      learningRate: recipe.learningRate,
      settings: { ...recipe.settings },
      steps: o.steps as number,
      buffers,
      recipe,
    };
  }
  return { step: s.step as number, epoch: s.epoch as number, masks: [...(s.masks as number[])], optimizer };
}

/** `std` when it is a Standardizer for `inputs` columns (or null when absent); otherwise an error starting with `where`. */
export function checkStandardizer(std: unknown, inputs: number, where: string): Standardizer | null {
  if (std === undefined || std === null) return null;
  if (!(std instanceof Standardizer)) throw new TypeError(`${where}: standardizer must be a Standardizer, got ${describe(std)}`);
  if (std.mean.length !== inputs)
    throw new RangeError(`${where}: the standardizer has ${std.mean.length} columns, the network has ${inputs} inputs`);
  return std;
}
