/**
 * How `train` trains: the optimizer, regularization, schedule, early stopping and class weights
 * its flags choose, with defaults that work on raw real-world tables (Adam with a little weight
 * decay, early stopping on the validation rows with the best weights restored) — as
 * scikit-learn's MLPClassifier does by default — and a sentence saying what was chosen.
 */
import type { FitOptions } from '../train/fit-options.js';
import type { OptimizerConfig, OptimizerName } from '../train/optimizer.js';
import type { ScheduleSpec } from '../train/schedule.js';
import { choiceFlag, numberFlag, stringFlag, UsageError, type FlagSpec, type Flags } from './args.js';

export const TRAINING_FLAGS: Record<string, FlagSpec> = {
  epochs: { type: 'string' },
  batch: { type: 'string' },
  optimizer: { type: 'string' },
  lr: { type: 'string' },
  momentum: { type: 'string' },
  'weight-decay': { type: 'string' },
  dropout: { type: 'string' },
  schedule: { type: 'string' },
  patience: { type: 'string' },
  'clip-norm': { type: 'string' },
  'class-weight': { type: 'string' },
};

/** The learning rate of each optimizer when --lr is not given. */
const RATES: Record<OptimizerName, number> = { adam: 0.001, adamw: 0.001, sgd: 0.05, rmsprop: 0.001 };

/** Help lines for the flags above. */
export const TRAINING_HELP = `  --epochs N              at most this many passes (default 200; early stopping ends most runs sooner)
  --batch N               samples per step (default 32)
  --optimizer NAME        adam, adamw, sgd or rmsprop (default adam)
  --lr X                  learning rate (default: adam, adamw, rmsprop 0.001; sgd 0.05)
  --momentum X            sgd's momentum in [0, 1) (default 0.9)
  --weight-decay X        L2 on the weights, decoupled for adamw (default 0.0001)
  --dropout X             dropout rate after each hidden layer, in [0, 1) (default 0)
  --schedule S            cosine, step:EVERY:FACTOR, exponential:FACTOR or plateau (per epoch; default none)
  --patience N            stop after N epochs without a better validation loss and keep the best
                          epoch's weights (default 10; 0 trains every epoch)
  --clip-norm X           scale the gradients down to this global L2 norm when above it (default none)
  --class-weight balanced weight each class by n / (classes · n_c) in the loss (default none)`;

/** What the training flags chose. */
export interface TrainingChoice {
  epochs: number;
  batchSize: number;
  dropout: number;
  /** The options for fit(), less the data and callbacks. */
  fit: Pick<FitOptions, 'optimizer' | 'schedule' | 'clipNorm' | 'earlyStopping' | 'classWeight' | 'epochs' | 'batchSize'>;
  /** One line for the output: the optimizer, its settings, and what else was chosen. */
  described: string;
  /** For the model file's training summary. */
  summary: Record<string, string | number | boolean>;
}

/** Reads the training flags; `validates` says whether rows are held out for validation (early stopping needs them). */
export function readTrainingFlags(flags: Flags, validates: boolean): TrainingChoice {
  const name = choiceFlag(flags, 'optimizer', ['adam', 'adamw', 'sgd', 'rmsprop'] as const) ?? 'adam';
  if (flags.momentum !== undefined && name !== 'sgd') throw new UsageError(`--momentum is sgd's; --optimizer ${name} has none`);
  const learningRate = numberFlag(flags, 'lr', RATES[name], { above: 0 });
  const weightDecay = numberFlag(flags, 'weight-decay', 1e-4, { min: 0 });
  const optimizer: OptimizerConfig = { name, learningRate, weightDecay };
  if (name === 'sgd') optimizer.momentum = numberFlag(flags, 'momentum', 0.9, { min: 0, below: 1 });
  const epochs = numberFlag(flags, 'epochs', 200, { integer: true, min: 1 });
  const patience = numberFlag(flags, 'patience', 10, { integer: true, min: 0 });
  if (flags.patience !== undefined && patience > 0 && !validates)
    throw new UsageError('--patience watches the validation rows; with --validation 0 there are none (pass --patience 0)');
  const stopping = patience > 0 && validates;
  const schedule = readSchedule(stringFlag(flags, 'schedule'), epochs, validates);
  const clip = flags['clip-norm'] === undefined ? undefined : numberFlag(flags, 'clip-norm', 1, { above: 0 });
  const classWeight = choiceFlag(flags, 'class-weight', ['balanced', 'none'] as const) ?? 'none';
  const dropout = numberFlag(flags, 'dropout', 0, { min: 0, below: 1 });
  const batchSize = numberFlag(flags, 'batch', 32, { integer: true, min: 1 });
  const settings = [
    `learning rate ${learningRate}`,
    `weight decay ${weightDecay}`,
    ...(name === 'sgd' ? [`momentum ${optimizer.momentum}`] : []),
  ];
  const extras = [
    `batch ${batchSize}`,
    stopping
      ? `up to ${epochs} epochs, stopping after ${patience} without a better validation loss (best weights kept)`
      : `${epochs} epoch${epochs === 1 ? '' : 's'}`,
    ...(dropout > 0 ? [`dropout ${dropout}`] : []),
    ...(schedule ? [`schedule ${flags.schedule}`] : []),
    ...(clip !== undefined ? [`gradients clipped to norm ${clip}`] : []),
    ...(classWeight === 'balanced' ? ['classes weighted (balanced)'] : []),
  ];
  return {
    epochs,
    batchSize,
    dropout,
    fit: {
      epochs,
      batchSize,
      optimizer,
      ...(schedule ? { schedule } : {}),
      ...(clip !== undefined ? { clipNorm: clip } : {}),
      ...(stopping ? { earlyStopping: { monitor: 'valLoss', patience, restoreBestWeights: true } } : {}),
      ...(classWeight === 'balanced' ? { classWeight } : {}),
    },
    described: `${name} (${settings.join(', ')}), ${extras.join(', ')}`,
    summary: {
      optimizer: name,
      learningRate,
      weightDecay,
      ...(name === 'sgd' ? { momentum: optimizer.momentum as number } : {}),
      batchSize,
      maxEpochs: epochs,
      patience: stopping ? patience : 0,
      dropout,
      ...(schedule ? { schedule: String(flags.schedule) } : {}),
      ...(clip !== undefined ? { clipNorm: clip } : {}),
      classWeight,
    },
  };
}

/** --schedule's value as a schedule: cosine (over the epochs), step:EVERY:FACTOR, exponential:FACTOR, plateau. */
function readSchedule(value: string | undefined, epochs: number, validates: boolean): ScheduleSpec | undefined {
  if (value === undefined || value === 'none') return undefined;
  const [kind, ...args] = value.split(':');
  const nums = args.map(Number);
  const bad = () => new UsageError(`--schedule must be cosine, step:EVERY:FACTOR, exponential:FACTOR, plateau or none, got '${value}'`);
  if (nums.some((n) => !Number.isFinite(n) || n <= 0)) throw bad();
  switch (kind) {
    case 'cosine':
      if (nums.length !== 0) throw bad();
      return { type: 'cosine', steps: epochs, per: 'epoch' };
    case 'step':
      if (nums.length !== 2 || !Number.isInteger(nums[0])) throw bad();
      return { type: 'step', every: nums[0], factor: nums[1], per: 'epoch' };
    case 'exponential':
      if (nums.length !== 1) throw bad();
      return { type: 'exponential', factor: nums[0], per: 'epoch' };
    case 'plateau':
      if (nums.length !== 0) throw bad();
      if (!validates) throw new UsageError('--schedule plateau watches the validation loss; with --validation 0 there is none');
      return { type: 'plateau', monitor: 'valLoss', factor: 0.5, patience: 3 };
    default:
      throw bad();
  }
}
