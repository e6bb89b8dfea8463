/**
 * What a network is: its layer sizes, activations, loss, initialisation, seed, backend and
 * precision. `CreateOptions` is what a user writes; `Architecture` is the checked form with the
 * defaults filled in, the one list of these fields that the ANN, the saved model and the model
 * file all take theirs from. Every check throws before anything is allocated or changed, with a
 * message that names the argument, what was expected and what came.
 */
import type { BackendName, Precision } from '../backend/kernels.js';
import { describe, oneOf } from '../io/describe.js';
import { HIDDEN_ACTIVATIONS, isReluFamily, OUTPUT_ACTIVATIONS, type ActivationName } from './activations.js';
import { LOSSES, type LossName } from './losses.js';

export type InitName = 'glorot' | 'he';

const BACKENDS: readonly BackendName[] = ['wasm', 'js'];
const PRECISIONS: readonly Precision[] = ['f32', 'f64'];
const INITS: readonly InitName[] = ['glorot', 'he'];

/**
 * How the first layer treats mostly-zero input: 'auto' multiplies over the non-zeros of a batch
 * when it has few enough (decided per batch), 'always' does so for every batch, 'never' keeps the
 * dense product and today's layout (for tests and benchmarks).
 */
export type SparseInputMode = 'auto' | 'always' | 'never';
export const SPARSE_INPUT_MODES: readonly SparseInputMode[] = ['auto', 'always', 'never'];

export interface CreateOptions {
  /** Units per layer, input first: `[784, 196, 1]` is 784 inputs, 196 hidden units, one output. */
  layers: readonly number[];
  /** Hidden activation: one name for every hidden layer, or one per hidden layer. Default 'sigmoid'. */
  activation?: ActivationName | readonly ActivationName[];
  /** Output activation. Default 'sigmoid'. */
  output?: ActivationName;
  /** Default 'meanSquaredError'. */
  loss?: LossName;
  /** Slope of leaky ReLU for z ≤ 0. Default 0.01. */
  leakyReluSlope?: number;
  /** Weight initialisation. Default: 'he' when every hidden layer is relu/leakyRelu, else 'glorot'. */
  init?: InitName;
  /** Seed of weight initialisation and shuffling, an integer in [0, 2³²). Default: drawn at random (and kept in `net.seed`). */
  seed?: number;
  /** Default 'wasm'. */
  backend?: BackendName;
  /** Default 'f32'. */
  precision?: Precision;
  /** Inverted dropout after hidden layers, in fit() only: one rate in [0, 1) for every hidden layer, or one per hidden layer. Default 0. */
  dropout?: number | readonly number[];
  /** Skip the zeros of the first layer's input: 'auto' (per batch, when sparse enough), 'always' or 'never'. Default 'auto'. Not saved: a speed setting, like backend. */
  sparseInput?: SparseInputMode;
}

/** Every option of CreateOptions. */
export const CREATE_OPTIONS = [
  'layers',
  'activation',
  'output',
  'loss',
  'leakyReluSlope',
  'init',
  'seed',
  'backend',
  'precision',
  'dropout',
  'sparseInput',
] as const satisfies readonly (keyof CreateOptions)[];

/** The network as saved: everything but where it computes. */
export interface SavedArchitecture {
  /** Units per layer, input first. */
  readonly layers: readonly number[];
  /** Activation of each weight layer (hidden layers, then the output). */
  readonly activations: readonly ActivationName[];
  readonly loss: LossName;
  readonly leakyReluSlope: number;
  readonly init: InitName;
  readonly seed: number;
  readonly precision: Precision;
  /** The dropout rate after each hidden layer (0: none). */
  readonly dropout: readonly number[];
}

/** Everything `create` needs, checked and with defaults filled in. */
export interface Architecture extends SavedArchitecture {
  readonly backend: BackendName;
  readonly sparseInput: SparseInputMode;
}

/** The fields of SavedArchitecture, in the order a saved model lists them. */
export const SAVED_ARCHITECTURE_FIELDS = [
  'layers',
  'activations',
  'loss',
  'leakyReluSlope',
  'init',
  'seed',
  'precision',
  'dropout',
] as const satisfies readonly (keyof SavedArchitecture)[];

/** The saved fields of `arch`, as plain arrays and values (for a saved model). */
export function savedArchitecture(arch: SavedArchitecture): {
  -readonly [K in keyof SavedArchitecture]: SavedArchitecture[K] extends readonly (infer E)[] ? E[] : SavedArchitecture[K];
} {
  const out: Record<string, unknown> = {};
  for (const key of SAVED_ARCHITECTURE_FIELDS) {
    const v = arch[key];
    out[key] = Array.isArray(v) ? [...v] : v;
  }
  return out as ReturnType<typeof savedArchitecture>;
}

/** The creation options that give a saved architecture back (so that a saved model is checked as options are). */
export function optionsOf(saved: { [K in keyof SavedArchitecture]?: unknown }, backend?: BackendName): CreateOptions {
  const acts = Array.isArray(saved.activations) ? (saved.activations as ActivationName[]) : [];
  return {
    layers: saved.layers as number[],
    activation: acts.slice(0, -1),
    output: acts[acts.length - 1],
    loss: saved.loss as LossName,
    leakyReluSlope: saved.leakyReluSlope as number,
    init: saved.init as InitName,
    seed: saved.seed as number,
    precision: saved.precision as Precision,
    dropout: saved.dropout as number[] | undefined,
    backend,
  };
}

/**
 * Checks creation options and fills in defaults. `field` renders an option's name in messages
 * (fromJSON names the saved model's fields instead of the options').
 */
export function checkArchitecture(
  options: CreateOptions,
  where = 'ANN.create',
  field: (key: string) => string = (key) => `options.${key}`,
): Architecture {
  if (options === null || typeof options !== 'object') throw new TypeError(`${where}: options must be an object, got ${describe(options)}`);
  const { layers } = options;
  if (!Array.isArray(layers) || layers.length < 2) {
    throw new TypeError(`${where}: ${field('layers')} must be an array of at least two sizes (input and output), got ${describe(layers)}`);
  }
  // Index loops, here and below: forEach and map skip the holes of an array such as [3, , 1].
  for (let i = 0; i < layers.length; i++) {
    const size: unknown = layers[i];
    if (!Number.isInteger(size) || (size as number) < 1) {
      throw new RangeError(`${where}: ${field('layers')}[${i}] must be a positive integer, got ${describe(size)}`);
    }
  }
  const hidden = layers.length - 2;
  let hiddenActs: ActivationName[];
  const act = options.activation ?? 'sigmoid';
  if (Array.isArray(act)) {
    if (act.length !== hidden) {
      throw new RangeError(`${where}: ${field('activation')} has ${act.length} names, but the network has ${hidden} hidden layers`);
    }
    hiddenActs = [];
    for (let i = 0; i < act.length; i++) hiddenActs.push(checkHidden(`${where}: ${field('activation')}[${i}]`, act[i]));
  } else {
    hiddenActs = new Array(hidden).fill(checkHidden(`${where}: ${field('activation')}`, act));
  }
  const output = oneOf(`${where}: ${field('output')}`, options.output ?? 'sigmoid', OUTPUT_ACTIVATIONS);
  const loss = oneOf(`${where}: ${field('loss')}`, options.loss ?? 'meanSquaredError', LOSSES);
  if (loss === 'binaryCrossEntropy' && output !== 'sigmoid' && output !== 'softmax') {
    throw new RangeError(
      `${where}: loss 'binaryCrossEntropy' needs outputs in [0, 1]: ${field('output')} must be 'sigmoid' or 'softmax', got '${output}'`,
    );
  }
  if (loss === 'categoricalCrossEntropy' && output !== 'softmax') {
    throw new RangeError(`${where}: loss 'categoricalCrossEntropy' needs ${field('output')} 'softmax', got '${output}'`);
  }
  if (output === 'softmax' && layers[layers.length - 1] < 2) {
    throw new RangeError(`${where}: a softmax output needs at least 2 units, got ${layers[layers.length - 1]}`);
  }
  const slope = options.leakyReluSlope ?? 0.01;
  if (typeof slope !== 'number' || !Number.isFinite(slope)) {
    throw new RangeError(`${where}: ${field('leakyReluSlope')} must be a finite number, got ${describe(slope)}`);
  }
  const reluFamily = hiddenActs.length > 0 && hiddenActs.every(isReluFamily);
  const init = oneOf(`${where}: ${field('init')}`, options.init ?? (reluFamily ? 'he' : 'glorot'), INITS);
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 32);
  if (!Number.isInteger(seed) || seed < 0 || seed >= 2 ** 32) {
    throw new RangeError(`${where}: ${field('seed')} must be an integer in [0, 2³²), got ${describe(seed)}`);
  }
  const dropout = checkDropout(options.dropout, hidden, `${where}: ${field('dropout')}`);
  const backend = oneOf(`${where}: ${field('backend')}`, options.backend ?? 'wasm', BACKENDS);
  const precision = oneOf(`${where}: ${field('precision')}`, options.precision ?? 'f32', PRECISIONS);
  const sparseInput = oneOf(`${where}: ${field('sparseInput')}`, options.sparseInput ?? 'auto', SPARSE_INPUT_MODES);
  return {
    layers: Object.freeze(Array.from(layers)),
    activations: Object.freeze([...hiddenActs, output]),
    loss,
    leakyReluSlope: slope,
    init,
    seed,
    precision,
    dropout,
    backend,
    sparseInput,
  };
}

function checkDropout(value: unknown, hidden: number, where: string): number[] {
  if (value === undefined) return new Array(hidden).fill(0);
  const rate = (v: unknown, at: string): number => {
    if (typeof v !== 'number' || !(v >= 0 && v < 1)) throw new RangeError(`${at} must be a rate in [0, 1), got ${describe(v)}`);
    return v;
  };
  if (!Array.isArray(value)) {
    const r = rate(value, where);
    if (r > 0 && hidden === 0) throw new RangeError(`${where}: a network without hidden layers has nowhere to drop units`);
    return new Array(hidden).fill(r);
  }
  if (value.length !== hidden) throw new RangeError(`${where} has ${value.length} rates, but the network has ${hidden} hidden layers`);
  const out: number[] = [];
  for (let i = 0; i < value.length; i++) out.push(rate(value[i], `${where}[${i}]`));
  return out;
}

function checkHidden(where: string, name: unknown): ActivationName {
  if (name === 'softmax') throw new RangeError(`${where}: 'softmax' is only available as the output activation`);
  return oneOf(where, name, HIDDEN_ACTIVATIONS);
}
