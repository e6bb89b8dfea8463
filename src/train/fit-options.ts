/** What fit() accepts, what it reports after each step and epoch, and the checks on its options. */
import { describe } from '../io/describe.js';
import type { OptimizerRecipe, OptimizerSpec } from './optimizer.js';
import { checkLearningRate, checkMomentum, resolveOptimizer } from './resolve-optimizer.js';

export interface FitOptions {
  /** Passes over the data. Default 1. */
  epochs?: number;
  /** Samples per gradient step: 1 is per-sample SGD, ≥ n is full batch. Default 32. */
  batchSize?: number;
  /** Default 0.01. */
  learningRate?: number;
  /** Classical momentum in [0, 1). Default 0. */
  momentum?: number;
  /** 'sgd' (the default), or { name: 'sgd', learningRate?, momentum? }: the object's settings win over the ones above. */
  optimizer?: OptimizerSpec;
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

/** fit()'s options, checked, with defaults filled in. */
export interface CheckedFit {
  epochs: number;
  batchSize: number;
  optimizer: OptimizerRecipe;
  shuffle: boolean;
  onEpochEnd: FitOptions['onEpochEnd'] | null;
  onBatchEnd: FitOptions['onBatchEnd'] | null;
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
  const learningRate = checkLearningRate(o.learningRate ?? 0.01, 'fit: options.learningRate');
  const momentum = checkMomentum(o.momentum ?? 0, 'fit: options.momentum');
  for (const cb of ['onEpochEnd', 'onBatchEnd'] as const) {
    if (o[cb] !== undefined && typeof o[cb] !== 'function')
      throw new TypeError(`fit: options.${cb} must be a function, got ${describe(o[cb])}`);
  }
  const shuffle = o.shuffle ?? true;
  if (typeof shuffle !== 'boolean') throw new TypeError(`fit: options.shuffle must be true or false, got ${describe(shuffle)}`);
  const optimizer = resolveOptimizer(o.optimizer, { learningRate, momentum }, 'fit: options.optimizer');
  return { epochs, batchSize, optimizer, shuffle, onEpochEnd: o.onEpochEnd ?? null, onBatchEnd: o.onBatchEnd ?? null };
}
