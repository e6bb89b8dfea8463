/**
 * From labels to what a network learns: classes (names or integer codes) or numbers to regress
 * on, the output layer and loss that suit them, and the target matrix.
 */
import { compareNames } from '../data/delimited.js';
import { matrix, type Matrix } from '../io/matrix.js';
import type { ActivationName } from '../core/activations.js';
import type { LossName } from '../core/losses.js';

export type Task = { kind: 'classification'; classes: (number | string)[] } | { kind: 'regression' };

/** Integer labels with at most this many distinct values are read as class codes (1, 2, 3), not quantities. */
const MAX_CODED_CLASSES = 20;

/** The task the labels suggest, or the one asked for. */
export function decideTask(labels: readonly (number | string)[], asked?: 'classify' | 'regress'): Task {
  const names = labels.some((l) => typeof l === 'string');
  if (asked === 'regress') {
    if (names) throw new Error(`the labels include names such as '${labels.find((l) => typeof l === 'string')}'; regression needs numbers`);
    return { kind: 'regression' };
  }
  const distinct = [...new Set(labels)];
  const codes = !names && distinct.length <= MAX_CODED_CLASSES && distinct.every((v) => Number.isInteger(v));
  if (asked === 'classify' || names || codes) {
    if (distinct.length < 2) throw new Error(`every label is ${JSON.stringify(distinct[0])}: classification needs at least two classes`);
    // Sorted as the file reader sorts names, so that the same classes always get the same outputs.
    const classes = names ? distinct.map(String).sort(compareNames) : (distinct as number[]).sort((a, b) => a - b);
    return { kind: 'classification', classes };
  }
  return { kind: 'regression' };
}

/**
 * The output activation and loss: as asked, and what is not asked follows the labels (two classes:
 * sigmoid + binary CE; more: softmax + categorical CE; numbers: identity + squared error) or fits
 * what was asked (a softmax output trains with categorical CE, squared error on classes with a sigmoid).
 */
export function chooseHead(task: Task, output?: ActivationName, loss?: LossName): { output: ActivationName; loss: LossName } {
  const classes = task.kind === 'classification';
  if (output && loss) return { output, loss };
  if (loss) return { output: loss === 'categoricalCrossEntropy' ? 'softmax' : classes ? 'sigmoid' : 'identity', loss };
  if (output)
    return {
      output,
      loss: output === 'softmax' ? 'categoricalCrossEntropy' : classes && output === 'sigmoid' ? 'binaryCrossEntropy' : 'meanSquaredError',
    };
  if (!classes) return { output: 'identity', loss: 'meanSquaredError' };
  return task.classes.length === 2
    ? { output: 'sigmoid', loss: 'binaryCrossEntropy' }
    : { output: 'softmax', loss: 'categoricalCrossEntropy' };
}

/** One output for two classes (P of the second), unless a softmax must spread over both; one per class otherwise. */
export function outputCount(task: Task, output: ActivationName): number {
  if (task.kind === 'regression') return 1;
  return task.classes.length === 2 && output !== 'softmax' ? 1 : task.classes.length;
}

const key = (v: number | string) => String(v);

/**
 * The targets for `labels`: class indices (one output) or one-hot rows, or the numbers themselves.
 * A label the classes do not include is an error naming its line in the file (`lines`), or its row.
 */
export function targets(
  task: Task,
  labels: readonly (number | string)[],
  outputs: number,
  what: string,
  lines: ArrayLike<number> | null = null,
): Matrix {
  const y = new Float64Array(labels.length * outputs);
  const at = (r: number) => (lines ? `line ${lines[r]}` : `row ${r + 1}`);
  if (task.kind === 'regression') {
    if (outputs !== 1) throw new Error(`${what}: one label per row cannot be the target of ${outputs} outputs`);
    labels.forEach((v, r) => {
      if (typeof v !== 'number') throw new Error(`${what}: ${at(r)} has the label '${v}'; this model predicts numbers`);
      y[r] = v;
    });
    return matrix(y, labels.length, 1);
  }
  const index = new Map(task.classes.map((c, i) => [key(c), i]));
  labels.forEach((v, r) => {
    const c = index.get(key(v));
    if (c === undefined)
      throw new Error(
        `${what}: ${at(r)} has the label ${JSON.stringify(v)}, which is not one of the model's classes (${task.classes.join(', ')})`,
      );
    if (outputs === 1) y[r] = c;
    else y[r * outputs + c] = 1;
  });
  return matrix(y, labels.length, outputs);
}

/** The class each output row predicts (index into the classes): argmax, or ≥ 0.5 for one output. */
export function predictedClass(out: ArrayLike<number>, row: number, outputs: number): number {
  if (outputs === 1) return out[row] >= 0.5 ? 1 : 0;
  let best = 0;
  for (let j = 1; j < outputs; j++) if (out[row * outputs + j] > out[row * outputs + best]) best = j;
  return best;
}

/** The probability of each class for one output row (the single output is P of the second class). */
export function classProbabilities(out: ArrayLike<number>, row: number, outputs: number): number[] {
  if (outputs === 1) return [1 - out[row], out[row]];
  return Array.from({ length: outputs }, (_, j) => out[row * outputs + j]);
}
