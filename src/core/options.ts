/**
 * The names a user writes (activations, losses, backends) and the checks on them. Every check
 * throws before anything is allocated or changed, with a message that names the argument, what
 * was expected and what came.
 */
import { Activation, LossKernel, type BackendName, type Precision } from '../backend/kernels.js';

export type ActivationName = 'identity' | 'sigmoid' | 'tanh' | 'relu' | 'leakyRelu' | 'softmax';
export type LossName = 'meanSquaredError' | 'binaryCrossEntropy' | 'categoricalCrossEntropy';
export type InitName = 'glorot' | 'he';

export const ACTIVATIONS: Record<ActivationName, Activation> = {
  identity: Activation.Identity,
  sigmoid: Activation.Sigmoid,
  tanh: Activation.Tanh,
  relu: Activation.Relu,
  leakyRelu: Activation.LeakyRelu,
  softmax: Activation.Softmax,
};

export const LOSSES: readonly LossName[] = ['meanSquaredError', 'binaryCrossEntropy', 'categoricalCrossEntropy'];
const BACKENDS: readonly BackendName[] = ['wasm', 'js'];
const PRECISIONS: readonly Precision[] = ['f32', 'f64'];
const INITS: readonly InitName[] = ['glorot', 'he'];

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
}

/** How a loss is computed from the output layer. */
export interface Objective {
  name: LossName;
  /** Kernel for the loss value. */
  kernel: LossKernel;
  /** True when the output activation is folded into the loss (its gradient with respect to Z is ŷ − y). */
  fused: boolean;
  /** The loss value is the sum divided by samples × outputs (true) or by samples (false). */
  perOutput: boolean;
  /** d(loss sum)/d(output) = gradientFactor · (ŷ − y) for the squared error. */
  gradientFactor: number;
  /** Targets must lie in [0, 1]. */
  probabilityTargets: boolean;
}

/** Everything `create` needs, checked and with defaults filled in. */
export interface Architecture {
  sizes: number[];
  activations: ActivationName[];
  loss: LossName;
  leakyReluSlope: number;
  init: InitName;
  seed: number;
  backend: BackendName;
  precision: Precision;
}

function oneOf<T extends string>(where: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw new TypeError(`${where} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${describe(value)}`);
}

/** A short, safe rendering of a bad value for an error message. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return `'${value.length > 40 ? value.slice(0, 40) + '…' : value}'`;
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (value === null) return 'null';
  if (typeof value === 'object') return `an object (${value.constructor?.name ?? 'Object'})`;
  return String(value);
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
  layers.forEach((size, i) => {
    if (!Number.isInteger(size) || size < 1) {
      throw new RangeError(`${where}: ${field('layers')}[${i}] must be a positive integer, got ${describe(size)}`);
    }
  });
  const hidden = layers.length - 2;
  const names = Object.keys(ACTIVATIONS) as ActivationName[];
  const hiddenNames = names.filter((n) => n !== 'softmax');
  let hiddenActs: ActivationName[];
  const act = options.activation ?? 'sigmoid';
  if (Array.isArray(act)) {
    if (act.length !== hidden) {
      throw new RangeError(`${where}: ${field('activation')} has ${act.length} names, but the network has ${hidden} hidden layers`);
    }
    hiddenActs = act.map((a, i) => checkHidden(`${where}: ${field('activation')}[${i}]`, a, hiddenNames));
  } else {
    hiddenActs = new Array(hidden).fill(checkHidden(`${where}: ${field('activation')}`, act, hiddenNames));
  }
  const output = oneOf(`${where}: ${field('output')}`, options.output ?? 'sigmoid', names);
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
  const reluFamily = hiddenActs.length > 0 && hiddenActs.every((a) => a === 'relu' || a === 'leakyRelu');
  const init = oneOf(`${where}: ${field('init')}`, options.init ?? (reluFamily ? 'he' : 'glorot'), INITS);
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 32);
  if (!Number.isInteger(seed) || seed < 0 || seed >= 2 ** 32) {
    throw new RangeError(`${where}: ${field('seed')} must be an integer in [0, 2³²), got ${describe(seed)}`);
  }
  return {
    sizes: [...layers],
    activations: [...hiddenActs, output],
    loss,
    leakyReluSlope: slope,
    init,
    seed,
    backend: oneOf(`${where}: ${field('backend')}`, options.backend ?? 'wasm', BACKENDS),
    precision: oneOf(`${where}: ${field('precision')}`, options.precision ?? 'f32', PRECISIONS),
  };
}

function checkHidden(where: string, name: unknown, allowed: ActivationName[]): ActivationName {
  if (name === 'softmax') throw new RangeError(`${where}: 'softmax' is only available as the output activation`);
  return oneOf(where, name, allowed);
}

export function objectiveOf(loss: LossName, output: ActivationName): Objective {
  switch (loss) {
    case 'meanSquaredError':
      return { name: loss, kernel: LossKernel.SquaredError, fused: false, perOutput: true, gradientFactor: 2, probabilityTargets: false };
    case 'binaryCrossEntropy':
      return output === 'sigmoid'
        ? {
            name: loss,
            kernel: LossKernel.BinaryCrossEntropyLogits,
            fused: true,
            perOutput: true,
            gradientFactor: 1,
            probabilityTargets: true,
          }
        : { name: loss, kernel: LossKernel.BinaryCrossEntropy, fused: false, perOutput: true, gradientFactor: 1, probabilityTargets: true };
    case 'categoricalCrossEntropy':
      return {
        name: loss,
        kernel: LossKernel.CategoricalCrossEntropyLogits,
        fused: true,
        perOutput: false,
        gradientFactor: 1,
        probabilityTargets: true,
      };
  }
}

export interface FitOptions {
  /** Passes over the data. Default 1. */
  epochs?: number;
  /** Samples per gradient step: 1 is per-sample SGD, ≥ n is full batch. Default 32. */
  batchSize?: number;
  /** Default 0.01. */
  learningRate?: number;
  /** Classical momentum in [0, 1). Default 0. */
  momentum?: number;
  /** Reshuffle the samples every epoch (seeded by the network's seed). Default true. */
  shuffle?: boolean;
  /** Evaluated after every epoch; adds valLoss and valAccuracy to the history. */
  validationData?: readonly [unknown, unknown];
  /** Called after each epoch; return false to stop training early. */
  onEpochEnd?: (log: EpochLog) => void | boolean | Promise<void | boolean>;
  /** Called after each gradient step. */
  onBatchEnd?: (log: BatchLog) => void | Promise<void>;
}

export interface EpochLog {
  /** 1-based. */
  epoch: number;
  /** Mean training loss over the epoch, measured on each batch before its update (as Keras does). */
  loss: number;
  /** Training accuracy measured the same way; absent for regression targets. */
  accuracy?: number;
  seconds: number;
  valLoss?: number;
  valAccuracy?: number;
}

export interface BatchLog {
  epoch: number;
  /** 1-based index of the step within the epoch. */
  batch: number;
  batches: number;
  loss: number;
  samples: number;
}

export interface CheckedFit {
  epochs: number;
  batchSize: number;
  learningRate: number;
  momentum: number;
  shuffle: boolean;
}

export function checkFitOptions(options: FitOptions | undefined): CheckedFit {
  const o = options ?? {};
  if (typeof o !== 'object') throw new TypeError(`fit: options must be an object, got ${describe(o)}`);
  const epochs = o.epochs ?? 1;
  if (!Number.isInteger(epochs) || epochs < 1)
    throw new RangeError(`fit: options.epochs must be a positive integer, got ${describe(epochs)}`);
  const batchSize = o.batchSize ?? 32;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new RangeError(`fit: options.batchSize must be an integer ≥ 1, got ${describe(batchSize)}`);
  const learningRate = o.learningRate ?? 0.01;
  if (typeof learningRate !== 'number' || !Number.isFinite(learningRate) || learningRate <= 0) {
    throw new RangeError(`fit: options.learningRate must be a finite number > 0, got ${describe(learningRate)}`);
  }
  const momentum = o.momentum ?? 0;
  if (typeof momentum !== 'number' || !(momentum >= 0 && momentum < 1)) {
    throw new RangeError(`fit: options.momentum must be a number in [0, 1), got ${describe(momentum)}`);
  }
  for (const cb of ['onEpochEnd', 'onBatchEnd'] as const) {
    if (o[cb] !== undefined && typeof o[cb] !== 'function')
      throw new TypeError(`fit: options.${cb} must be a function, got ${describe(o[cb])}`);
  }
  const shuffle = o.shuffle ?? true;
  if (typeof shuffle !== 'boolean') throw new TypeError(`fit: options.shuffle must be true or false, got ${describe(shuffle)}`);
  return { epochs, batchSize, learningRate, momentum, shuffle };
}
