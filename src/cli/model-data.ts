/** What eval, predict and gradcheck share: opening a model file and reading data shaped for it. */
import { loadModelFile, type ANN } from '../ann.js';
import { choiceFlag, stringFlag, UsageError, type FlagSpec, type Flags } from './args.js';
import { COLUMN_FLAGS, DATA_FLAGS, loadDataset, type Dataset } from './dataset.js';
import { KERNEL_FLAGS, threadsFlag, useKernelFlags } from './kernel-flags.js';
import type { Task } from './targets.js';

/** --model, the data flags (with --set for MNIST), and the backend and kernel build to run it on. */
export const MODEL_DATA_FLAGS: Record<string, FlagSpec> = {
  model: { type: 'string', short: 'm' },
  ...DATA_FLAGS,
  // Taken only to be refused by name: a model reads the columns it was trained on.
  ...COLUMN_FLAGS,
  set: { type: 'string' },
  ...KERNEL_FLAGS,
};

/** Loads --model, and its text; a missing or damaged file is a failure whose message names the file and the fault ("model FILE: …"). */
export async function openModelFile(flags: Flags): Promise<{ net: ANN; text: string }> {
  return loadModelFile(stringFlag(flags, 'model', true), { backend: useKernelFlags(flags), threads: threadsFlag(flags) }, 'model ');
}

/** Loads --model (see openModelFile). */
export async function openModel(flags: Flags): Promise<ANN> {
  return (await openModelFile(flags)).net;
}

/**
 * What the outputs mean. A file written by train lists its classes; a model saved through the API
 * (net.save() without meta.classes, or toJSON() text) may not, and then its head tells: a softmax
 * output (with categorical cross-entropy or not) picks one of classes 0…k−1, and one sigmoid
 * output trained with binary cross-entropy is the probability of class 1 against 0. Anything else
 * predicts numbers.
 */
export function modelTask(net: ANN): Task {
  if (net.meta.classes) return { kind: 'classification', classes: net.meta.classes };
  const inferred = inferredClasses(net);
  return inferred ? { kind: 'classification', classes: inferred.classes } : { kind: 'regression' };
}

/** The classes a model without recorded classes has by its output layer and loss, and why; null for numbers. */
export function inferredClasses(net: ANN): { classes: number[]; from: string } | null {
  const outputs = net.layers[net.layers.length - 1];
  const output = net.activations[net.activations.length - 1];
  if (output === 'softmax' && outputs >= 2)
    return { classes: Array.from({ length: outputs }, (_, i) => i), from: `the softmax output of ${outputs} units` };
  if (outputs === 1 && output === 'sigmoid' && net.loss === 'binaryCrossEntropy')
    return { classes: [0, 1], from: 'the one sigmoid output trained with binary cross-entropy' };
  return null;
}

/**
 * The task of a model that is to be compared with labels (eval, gradcheck on data). A model of
 * several numeric outputs is refused: a data file has one label per row.
 */
export function labelledTask(net: ANN, flags: Flags): Task {
  const task = modelTask(net);
  const outputs = net.layers[net.layers.length - 1];
  if (task.kind === 'regression' && outputs !== 1) {
    const head = `${net.activations[net.activations.length - 1]} output, ${net.loss}`;
    throw new Error(
      `model ${flags.model}: ${outputs} outputs (${head}) and no classes recorded, so one label per row cannot be compared with them; net.evaluate(x, y) in the API takes targets of ${outputs} columns`,
    );
  }
  return task;
}

/**
 * The data of --data for this model: MNIST digits of its classes (test set unless --set train),
 * or a file read through the model's preparation (the columns of its training file, the label
 * column optional with `labels` 'optional'), whose label column defaults to the one the model was
 * trained with. The model's choice of columns is its own: --ignore-columns and --feature-columns
 * are refused.
 */
export async function loadForModel(flags: Flags, net: ANN, labels: 'required' | 'optional'): Promise<Dataset> {
  for (const flag of ['ignore-columns', 'feature-columns']) {
    if (flags[flag] !== undefined)
      throw new UsageError(`--${flag} chooses the columns to train on; the model reads the columns it was trained on`);
  }
  const set = choiceFlag(flags, 'set', ['train', 'test'] as const) ?? 'test';
  const classes = net.meta.classes;
  const digits = classes?.every((c) => typeof c === 'number' && Number.isInteger(c) && c >= 0 && c <= 9)
    ? (classes as number[])
    : undefined;
  const inputs = net.layers[0];
  const { preparation, labelColumn } = net.meta;
  const data = await loadDataset(flags, { set, digits, model: { preparation, inputs, labelColumn, labels } });
  if (data.x.cols !== inputs) {
    const without =
      data.labelColumn !== null
        ? ` besides the label column (${data.labelColumn})`
        : labels === 'optional'
          ? ` (and no label column: that would make ${inputs + 1})`
          : '';
    throw new Error(`${data.name}: ${data.x.cols} feature columns${without}, but the model has ${inputs} inputs`);
  }
  if (labels === 'required' && data.labels === null) {
    const target = net.meta.target !== undefined ? `'${net.meta.target}', ` : '';
    throw new Error(
      `${data.name} has no label column: its columns are the training file's without the label (${target}column ${preparation?.labelColumn}), and ${flags.model} can only be scored on labelled rows`,
    );
  }
  return data;
}

/** A warning (stderr) for cells of categories the model's training rows did not have. */
export function warnUnseen(data: Dataset, preparation: { missing: string } | undefined): void {
  const u = data.unseen;
  if (u === null) return;
  const fill = preparation?.missing === 'refuse' ? '' : ", encoded as missing values are (the training rows' category frequencies)";
  process.stderr.write(
    `warning: ${data.name}: ${u.count} cell${u.count === 1 ? '' : 's'} of categories the training rows did not have${fill}; the first on line ${u.line}, column ${u.column + 1}: ${JSON.stringify(u.value)}\n`,
  );
}
