/**
 * How `train` trains: the optimizer, regularization, schedule, early stopping and class weights
 * its flags choose. The defaults are chosen for raw real-world tables and follow scikit-learn's
 * MLPClassifier: Adam at 0.001 with L2 weight decay 1e-4, and early stopping on the validation
 * rows with the best epoch's weights restored (bench/sklearn-tables.js measures them against it).
 * With the old defaults (SGD at 0.05, momentum 0.9, 20 epochs, raw features) such tables ended at
 * the majority class.
 *
 * --momentum is SGD's alone: given without --optimizer it means SGD (so that command lines of
 * the SGD days still mean what they meant), and with --optimizer adam, adamw or rmsprop it is
 * refused rather than ignored.
 */
import type { FitOptions } from '../train/fit-options.js';
import type { OptimizerConfig, OptimizerName } from '../train/optimizer.js';
import { choiceFlag, numberFlag, stringFlag, UsageError, type FlagSpec, type Flags } from './args.js';
import { readSchedule, SCHEDULE_HELP } from './schedule-flag.js';

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

const OPTIMIZERS = ['adam', 'adamw', 'sgd', 'rmsprop'] as const;

/** The learning rate of each optimizer when --lr is not given (SGD's is the one this command always had). */
const RATES: Record<OptimizerName, number> = { adam: 0.001, adamw: 0.001, sgd: 0.05, rmsprop: 0.001 };
/** The weight decay when --weight-decay is not given: scikit-learn's alpha; AdamW's decoupled decay is torch's default. */
const DECAYS: Record<OptimizerName, number> = { adam: 1e-4, adamw: 0.01, sgd: 1e-4, rmsprop: 1e-4 };
export const DEFAULT_EPOCHS = 200;
export const DEFAULT_PATIENCE = 10;

/** Help lines for the flags above. */
export const TRAINING_HELP = `  --epochs N              at most this many passes (default ${DEFAULT_EPOCHS}; early stopping ends most runs sooner)
  --patience N            stop after N epochs without a better validation loss, keeping the best
                          epoch's weights (default ${DEFAULT_PATIENCE}; 0 trains every epoch)
  --batch N               samples per step (default 32)
  --optimizer NAME        adam, adamw, sgd or rmsprop (default adam; sgd when --momentum is given)
  --lr X                  learning rate (default 0.001; sgd 0.05)
  --momentum X            sgd's momentum in [0, 1) (default 0.9 with sgd)
  --weight-decay X        L2 on the weights, never the biases (default 0.0001; adamw 0.01, decoupled)
  --dropout X|X,Y         dropout after every hidden layer, or one rate per hidden layer, in [0, 1) (default 0)
${SCHEDULE_HELP}
  --clip-norm X           scale all gradients together down to this L2 norm when above it (default none)
  --class-weight W        balanced (class c weighs n / (classes · n_c)), one weight per class in the
                          order of the data line's classes (1,3,1), or none (default none)`;

/** What the training flags chose. */
export interface TrainingChoice {
  /** Dropout for ANN.create: one rate, or one per hidden layer. */
  dropout: number | number[];
  /** The options for fit(), less the data, the callbacks and the class weights (which need the classes: see classWeightFor). */
  fit: Pick<FitOptions, 'optimizer' | 'schedule' | 'clipNorm' | 'earlyStopping' | 'epochs' | 'batchSize'>;
  classWeight: 'balanced' | number[] | null;
  /** Early stopping's patience, or 0 for none. */
  patience: number;
  /** The training flags given on the command line, as typed (--lr, --epochs). */
  given: string[];
  /** Where the optimizer came from: 'default', '--optimizer', or '--momentum' (which implies sgd). */
  optimizerFrom: 'default' | '--optimizer' | '--momentum';
  /** For the model file's training summary. */
  summary: Record<string, string | number | boolean>;
}

/**
 * Reads the training flags, all checked before any data are read. `hidden` is the number of
 * hidden layers (--dropout's list has one rate each); `validates` says whether rows are held out
 * for validation (early stopping and the plateau schedule watch them).
 */
export function readTrainingFlags(flags: Flags, hidden: number, validates: boolean): TrainingChoice {
  const asked = choiceFlag(flags, 'optimizer', OPTIMIZERS);
  if (flags.momentum !== undefined && asked !== undefined && asked !== 'sgd')
    throw new UsageError(`--momentum is sgd's; --optimizer ${asked} has none (its running averages take that part)`);
  const name: OptimizerName = asked ?? (flags.momentum !== undefined ? 'sgd' : 'adam');
  const learningRate = numberFlag(flags, 'lr', RATES[name], { above: 0 });
  const weightDecay = numberFlag(flags, 'weight-decay', DECAYS[name], { min: 0 });
  const optimizer: OptimizerConfig = { name, learningRate, weightDecay };
  if (name === 'sgd') optimizer.momentum = numberFlag(flags, 'momentum', 0.9, { min: 0, below: 1 });
  const epochs = numberFlag(flags, 'epochs', DEFAULT_EPOCHS, { integer: true, min: 1 });
  const batchSize = numberFlag(flags, 'batch', 32, { integer: true, min: 1 });
  const askedPatience = numberFlag(flags, 'patience', DEFAULT_PATIENCE, { integer: true, min: 0 });
  if (flags.patience !== undefined && askedPatience > 0 && !validates)
    throw new UsageError(
      '--patience watches the validation rows; with --validation 0 there are none (pass --patience 0, or hold rows out)',
    );
  // Without validation rows nothing can be watched: every epoch is trained, and the output says so.
  const patience = validates ? askedPatience : 0;
  const schedule = readSchedule(stringFlag(flags, 'schedule'), epochs, validates);
  if (schedule && typeof schedule === 'object' && schedule.type === 'plateau' && patience > 0 && schedule.patience! >= patience) {
    throw new UsageError(
      `--schedule '${flags.schedule}': the rate would be cut after ${schedule.patience} epochs without a better validation loss, but --patience ${patience} stops training then or before; give the schedule a smaller patience or --patience a larger one`,
    );
  }
  const clipNorm = flags['clip-norm'] === undefined ? undefined : numberFlag(flags, 'clip-norm', 1, { above: 0 });
  const dropout = readDropout(flags, hidden);
  const classWeight = readClassWeight(flags);
  const given = Object.keys(TRAINING_FLAGS)
    .filter((f) => flags[f] !== undefined)
    .map((f) => `--${f}`);
  return {
    dropout,
    fit: {
      epochs,
      batchSize,
      optimizer,
      ...(schedule ? { schedule } : {}),
      ...(clipNorm !== undefined ? { clipNorm } : {}),
      ...(patience > 0 ? { earlyStopping: { monitor: 'valLoss', patience, restoreBestWeights: true } } : {}),
    },
    classWeight,
    patience,
    given,
    optimizerFrom: asked !== undefined ? '--optimizer' : name === 'sgd' ? '--momentum' : 'default',
    summary: {
      optimizer: name,
      learningRate,
      weightDecay,
      ...(name === 'sgd' ? { momentum: optimizer.momentum as number } : {}),
      batchSize,
      maxEpochs: epochs,
      patience,
      // The summary holds plain values (model-file.ts): a list is written as the flag takes it.
      dropout: typeof dropout === 'number' ? dropout : dropout.join(','),
      ...(schedule ? { schedule: String(flags.schedule) } : {}),
      ...(clipNorm !== undefined ? { clipNorm } : {}),
      classWeight: classWeight === null ? 'none' : String(classWeight),
    },
  };
}

/** --dropout: one rate for every hidden layer, or a comma-separated rate per hidden layer. */
function readDropout(flags: Flags, hidden: number): number | number[] {
  const text = stringFlag(flags, 'dropout');
  if (text === undefined) return 0;
  const rates = text.split(',').map((p, i, all) => {
    const v = Number(p.trim());
    if (p.trim() === '' || !Number.isFinite(v) || v < 0 || v >= 1) {
      const item = all.length === 1 ? '' : `; item ${i + 1} is '${p}'`;
      throw new UsageError(`--dropout must be a rate in [0, 1), or one per hidden layer, comma-separated${item || `, got '${text}'`}`);
    }
    return v;
  });
  if (hidden === 0 && rates.some((r) => r > 0)) throw new UsageError('--dropout acts after hidden layers, and --layers none has none');
  if (rates.length === 1) return rates[0];
  if (rates.length !== hidden)
    throw new UsageError(
      `--dropout lists ${rates.length} rates, but --layers gives ${hidden} hidden layer${hidden === 1 ? '' : 's'}; give one rate per hidden layer, or one for all`,
    );
  return rates;
}

/** --class-weight: balanced, none, or a weight per class (checked against the classes once the data are read). */
function readClassWeight(flags: Flags): 'balanced' | number[] | null {
  const text = stringFlag(flags, 'class-weight');
  if (text === undefined || text === 'none') return null;
  if (text === 'balanced') return 'balanced';
  return text.split(',').map((p, i) => {
    const v = Number(p.trim());
    if (p.trim() === '' || !Number.isFinite(v) || v < 0)
      throw new UsageError(
        `--class-weight must be balanced, none, or a comma-separated list of weights ≥ 0, one per class; item ${i + 1} is '${p}'`,
      );
    return v;
  });
}

/** The class weights for fit, checked against the classes of the data (`classes` null: a regression). */
export function classWeightFor(choice: TrainingChoice, classes: readonly (string | number)[] | null, data: string) {
  const w = choice.classWeight;
  if (w === null) return undefined;
  if (classes === null) throw new UsageError(`--class-weight weighs classes, but ${data} has numeric targets (a regression)`);
  if (w !== 'balanced' && w.length !== classes.length)
    throw new UsageError(
      `--class-weight lists ${w.length} weight${w.length === 1 ? '' : 's'}, but ${data} has ${classes.length} classes (${classes.join(', ')}); give one per class, in that order`,
    );
  return w;
}

/** What train tells about how it trains: the settings chosen, and which came from the flags. */
export interface TrainingContext {
  /** The flag that chose the inputs' scaling, if one did (--no-standardize). */
  inputsGiven: string | null;
  validationRows: number;
  /** 'a table' or 'MNIST'. */
  data: string;
  flags: Flags;
}

/** Two lines: the settings, then why (the defaults for this kind of data, and what the flags gave). */
export function describeTraining(choice: TrainingChoice, context: TrainingContext): [string, string] {
  const { fit, patience } = choice;
  const o = fit.optimizer as OptimizerConfig;
  const epochs = fit.epochs!;
  const settings = [
    `${o.name}${choice.optimizerFrom === '--momentum' ? ' (as --momentum implies)' : ''}`,
    `learning rate ${o.learningRate}`,
    ...(o.name === 'sgd' ? [`momentum ${o.momentum}`] : []),
    `weight decay ${o.weightDecay}${o.name === 'adamw' ? ' (decoupled)' : ''}`,
    `batch ${fit.batchSize}`,
  ];
  const stopping =
    patience > 0
      ? `up to ${epochs} epochs, stopping after ${patience} without a better loss on the ${context.validationRows} validation rows (the best epoch's weights kept)`
      : `${epochs} epoch${epochs === 1 ? '' : 's'}${context.validationRows === 0 ? ' (no validation rows to stop early on)' : ' (--patience 0: no early stopping)'}`;
  const extras = [
    ...(choice.dropout !== 0 ? [`dropout ${choice.dropout}`] : []),
    ...(fit.schedule ? [`schedule ${context.flags.schedule}`] : []),
    ...(fit.clipNorm !== undefined ? [`gradients clipped to norm ${fit.clipNorm}`] : []),
    ...(choice.classWeight === 'balanced'
      ? ['classes weighted (balanced)']
      : choice.classWeight
        ? [`class weights ${choice.classWeight.join(', ')}`]
        : []),
  ];
  const given = [...choice.given.map((f) => `${f} ${context.flags[f.slice(2)]}`), ...(context.inputsGiven ? [context.inputsGiven] : [])];
  const defaults =
    context.data === 'MNIST'
      ? 'pixels divided by 255, Adam at 0.001 with L2 weight decay 1e-4, early stopping on the validation rows'
      : "as scikit-learn's MLPClassifier: standardized features, Adam at 0.001 with L2 weight decay 1e-4; and early stopping on the validation rows";
  const why = `settings: ${given.length === 0 ? 'the defaults' : 'defaults'} for ${context.data} (${defaults})${given.length > 0 ? `, except ${given.join(', ')} as given` : ''}`;
  return [`training: ${settings.join(', ')}; ${[stopping, ...extras].join('; ')}`, why];
}
