/** What eval, predict and gradcheck share: opening a model file and reading data shaped for it. */
import { ANN } from '../ann.js';
import { choiceFlag, stringFlag, type FlagSpec, type Flags } from './args.js';
import { DATA_FLAGS, loadDataset, type Dataset } from './dataset.js';
import type { Task } from './targets.js';

/** --model, and the data flags (with --set for MNIST). */
export const MODEL_DATA_FLAGS: Record<string, FlagSpec> = {
  model: { type: 'string', short: 'm' },
  ...DATA_FLAGS,
  set: { type: 'string' },
};

/** Loads --model; a missing or damaged file is a failure whose message names the file and the fault. */
export async function openModel(flags: Flags): Promise<ANN> {
  const path = stringFlag(flags, 'model', true);
  try {
    return await ANN.load(path);
  } catch (e) {
    throw new Error((e as Error).message.replace(/^ANN\.load: /, 'model '), { cause: e });
  }
}

/** Classification when the model file lists classes, regression otherwise. */
export function modelTask(net: ANN): Task {
  return net.meta.classes ? { kind: 'classification', classes: net.meta.classes } : { kind: 'regression' };
}

/**
 * The data of --data for this model: MNIST digits of its classes (test set unless --set train),
 * or a file whose label column defaults to the one the model was trained with. With `labels`
 * 'optional', a file holding only the features is read too.
 */
export async function loadForModel(flags: Flags, net: ANN, labels: 'required' | 'optional'): Promise<Dataset> {
  const set = choiceFlag(flags, 'set', ['train', 'test'] as const) ?? 'test';
  const classes = net.meta.classes;
  const digits = classes?.every((c) => typeof c === 'number' && Number.isInteger(c) && c >= 0 && c <= 9) ? (classes as number[]) : undefined;
  const inputs = net.layers[0];
  // A label that came last is read as the last column (-1), which fits a file of any width.
  const trained = net.meta.labelColumn;
  const options = { set, digits, labelColumn: trained === undefined || trained === inputs ? -1 : trained };
  let data = await loadDataset(flags, { ...options, withLabels: true });
  // One column short: the file holds only the features, and the "label" taken was a feature.
  if (labels === 'optional' && data.x.cols === inputs - 1 && flags['label-column'] === undefined) {
    data = await loadDataset(flags, { ...options, withLabels: false });
  }
  if (data.x.cols !== inputs) {
    const without = data.labelColumn !== null ? ` besides the label column (${data.labelColumn})` : '';
    throw new Error(`${data.name}: ${data.x.cols} feature columns${without}, but the model has ${inputs} inputs`);
  }
  return data;
}
