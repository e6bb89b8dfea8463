/** What fit() accepts, what it reports after each step and epoch, and the checks on its options. */
import { describe, oneOf, refuseUnknownKeys } from '../io/describe.js';
import type { OptimizerRecipe, OptimizerSpec } from './optimizer.js';
import type { ClassWeight } from './sample-weights.js';
import { checkFraction, checkLearningRate, resolveOptimizer } from './resolve-optimizer.js';
import { MONITORS, type Monitor } from './monitor.js';
import { resolveSchedule, type Schedule, type ScheduleSpec } from './schedule.js';

export interface FitOptions {
  /** Passes over the data. Default 1. */
  epochs?: number;
  /** Samples per gradient step: 1 is per-sample SGD, ≥ n is full batch. Default 32. */
  batchSize?: number;
  /** The optimizer's learning rate (default 0.01 for SGD and RMSprop, 0.001 for Adam and AdamW); an optimizer object's own wins. */
  learningRate?: number;
  /** SGD's momentum in [0, 1). Default 0. */
  momentum?: number;
  /** 'sgd' (the default), 'adam', 'adamw', 'rmsprop', or an object { name, …settings } (see OptimizerConfig). */
  optimizer?: OptimizerSpec;
  /** Scales all gradients together down to this global L2 norm before each step, when they exceed it. */
  clipNorm?: number;
  /** How the learning rate changes over training (see ScheduleSpec). */
  schedule?: ScheduleSpec;
  /** Stop when `monitor` stops improving; `restoreBestWeights` ends with the best epoch's weights. */
  earlyStopping?: EarlyStoppingOptions;
  /** Weights of the classes in the loss: 'balanced' (n / (classes · n_c)), one per class, or { class: weight } (class = output index; 0/1 for one sigmoid output). */
  classWeight?: ClassWeight;
  /** One weight per sample, multiplying its loss (with classWeight: their product). */
  sampleWeight?: ArrayLike<number>;
  /** Reshuffle the samples every epoch (seeded by the network's seed). Default true. */
  shuffle?: boolean;
  /** Evaluated after every epoch; adds valLoss and valAccuracy to the history. */
  validationData?: readonly [unknown, unknown];
  /** A fraction in (0, 1) of the samples held out as validation data instead (stratified for classes, seeded by the network's seed). */
  validationSplit?: number;
  /** Called after each epoch; return false to stop training early. */
  onEpochEnd?: (log: EpochLog) => void | boolean | Promise<void | boolean>;
  /** Called after each gradient step. */
  onBatchEnd?: (log: BatchLog) => void | Promise<void>;
}

export interface EarlyStoppingOptions {
  /** Default 'valLoss' (with validation data), else 'loss'. */
  monitor?: Monitor;
  /** Epochs without improvement before stopping. Default 5. */
  patience?: number;
  /** The least change that counts as an improvement. Default 0. */
  minDelta?: number;
  /** End with the weights of the best epoch. Default false. */
  restoreBestWeights?: boolean;
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
  /** The learning rate of the epoch's last step. */
  learningRate: number;
}

export interface BatchLog {
  epoch: number;
  /** 1-based index of the step within the epoch. */
  batch: number;
  batches: number;
  loss: number;
  samples: number;
  /** The learning rate this step used. */
  learningRate: number;
}

/** fit()'s options, checked, with defaults filled in. */
export interface CheckedFit {
  epochs: number;
  batchSize: number;
  optimizer: OptimizerRecipe;
  schedule: Schedule;
  clipNorm: number | null;
  earlyStopping: Required<EarlyStoppingOptions> | null;
  shuffle: boolean;
  onEpochEnd: FitOptions['onEpochEnd'] | null;
  onBatchEnd: FitOptions['onBatchEnd'] | null;
}

export const FIT_OPTIONS = [
  'epochs',
  'batchSize',
  'learningRate',
  'momentum',
  'optimizer',
  'clipNorm',
  'schedule',
  'earlyStopping',
  'shuffle',
  'validationData',
  'validationSplit',
  'classWeight',
  'sampleWeight',
  'onEpochEnd',
  'onBatchEnd',
] as const satisfies readonly (keyof FitOptions)[];

/** Checks fit()'s options (`hasValidation`: validation data were given) and fills in defaults. */
export function checkFitOptions(options: FitOptions | undefined, hasValidation: boolean): CheckedFit {
  const o = options ?? {};
  if (typeof o !== 'object') throw new TypeError(`fit: options must be an object, got ${describe(o)}`);
  refuseUnknownKeys(o, FIT_OPTIONS, 'fit: unknown option');
  const epochs = o.epochs ?? 1;
  if (!Number.isInteger(epochs) || epochs < 1)
    throw new RangeError(`fit: options.epochs must be a positive integer, got ${describe(epochs)}`);
  const batchSize = o.batchSize ?? 32;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new RangeError(`fit: options.batchSize must be an integer ≥ 1, got ${describe(batchSize)}`);
  const learningRate = o.learningRate === undefined ? undefined : checkLearningRate(o.learningRate, 'fit: options.learningRate');
  const momentum = o.momentum === undefined ? undefined : checkFraction(o.momentum, 'fit: options.momentum');
  for (const cb of ['onEpochEnd', 'onBatchEnd'] as const) {
    if (o[cb] !== undefined && typeof o[cb] !== 'function')
      throw new TypeError(`fit: options.${cb} must be a function, got ${describe(o[cb])}`);
  }
  const shuffle = o.shuffle ?? true;
  if (typeof shuffle !== 'boolean') throw new TypeError(`fit: options.shuffle must be true or false, got ${describe(shuffle)}`);
  const optimizer = resolveOptimizer(o.optimizer, { learningRate, momentum }, 'fit: options.optimizer');
  let clipNorm: number | null = null;
  if (o.clipNorm !== undefined) {
    if (typeof o.clipNorm !== 'number' || !Number.isFinite(o.clipNorm) || o.clipNorm <= 0) {
      throw new RangeError(`fit: options.clipNorm must be a finite number > 0, got ${describe(o.clipNorm)}`);
    }
    clipNorm = o.clipNorm;
  }
  const schedule = resolveSchedule(o.schedule, 'fit: options.schedule');
  const earlyStopping = o.earlyStopping === undefined ? null : checkEarlyStopping(o.earlyStopping, hasValidation);
  if (
    hasValidation === false &&
    typeof o.schedule === 'object' &&
    o.schedule !== null &&
    'type' in o.schedule &&
    o.schedule.type === 'plateau'
  ) {
    const monitor = o.schedule.monitor ?? 'valLoss';
    if (monitor !== 'loss')
      throw new RangeError(`fit: options.schedule monitors '${monitor}', which needs validation data (validationData or validationSplit)`);
  }
  return {
    epochs,
    batchSize,
    optimizer,
    schedule,
    clipNorm,
    earlyStopping,
    shuffle,
    onEpochEnd: o.onEpochEnd ?? null,
    onBatchEnd: o.onBatchEnd ?? null,
  };
}

function checkEarlyStopping(e: unknown, hasValidation: boolean): Required<EarlyStoppingOptions> {
  const where = 'fit: options.earlyStopping';
  if (e === null || typeof e !== 'object' || Array.isArray(e))
    throw new TypeError(`${where} must be an object such as { patience: 5 }, got ${describe(e)}`);
  const s = e as Record<string, unknown>;
  refuseUnknownKeys(s, ['monitor', 'patience', 'minDelta', 'restoreBestWeights'], `${where}: unknown field`);
  const monitor = s.monitor === undefined ? (hasValidation ? 'valLoss' : 'loss') : oneOf(`${where}.monitor`, s.monitor, MONITORS);
  if (monitor !== 'loss' && !hasValidation)
    throw new RangeError(`${where}.monitor '${monitor}' needs validation data (validationData or validationSplit)`);
  const patience = s.patience ?? 5;
  if (!Number.isInteger(patience) || (patience as number) < 1)
    throw new RangeError(`${where}.patience must be an integer ≥ 1, got ${describe(patience)}`);
  const minDelta = s.minDelta ?? 0;
  if (typeof minDelta !== 'number' || !Number.isFinite(minDelta) || minDelta < 0)
    throw new RangeError(`${where}.minDelta must be a finite number ≥ 0, got ${describe(minDelta)}`);
  const restoreBestWeights = s.restoreBestWeights ?? false;
  if (typeof restoreBestWeights !== 'boolean')
    throw new TypeError(`${where}.restoreBestWeights must be true or false, got ${describe(restoreBestWeights)}`);
  return { monitor, patience: patience as number, minDelta, restoreBestWeights };
}
