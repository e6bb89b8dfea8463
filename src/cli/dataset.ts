/**
 * The data a command works on: MNIST (`--data mnist`) or a delimited text file, as a float matrix
 * of raw features plus the label column, with the names the file gives its columns.
 */
import { loadDelimited } from '../data/delimited.js';
import { loadMnist } from '../data/mnist.js';
import { matrix, type Matrix } from '../io/matrix.js';
import { numberFlag, stringFlag, UsageError, type FlagSpec, type Flags } from './args.js';

export interface Dataset {
  /** What to call the data in messages: the path, or 'MNIST train set'. */
  name: string;
  /** Raw features, samples × columns (MNIST: pixel values 0–255). */
  x: Matrix;
  /** One label per row: a number, or a class name; null when the data have no label column. */
  labels: (number | string)[] | null;
  /** Column names from the file's header (features only), or null. */
  features: string[] | null;
  /** The label column's name from the header, or null. */
  target: string | null;
  /** The 0-based label column in the file, or null. */
  labelColumn: number | null;
  /** The file line of each row, for messages about a row; null for MNIST. */
  lines: Uint32Array | null;
  /** True for MNIST: pixels, scaled to [0, 1] unless the features are standardized. */
  pixels: boolean;
}

/** The flags that say where the data are and how to read a file; shared by train, eval, predict, gradcheck. */
export const DATA_FLAGS: Record<string, FlagSpec> = {
  data: { type: 'string' },
  'mnist-dir': { type: 'string' },
  'label-column': { type: 'string' },
  header: { type: 'boolean' },
  'no-header': { type: 'boolean' },
  delimiter: { type: 'string' },
};

export interface LoadOptions {
  /** Labels to keep (MNIST digits); default all. */
  digits?: number[];
  /** MNIST split: train for training, test for eval and predict. */
  set: 'train' | 'test';
  /**
   * With a number, a file's label column is optional: it is read only when the file has that many
   * columns plus one, or when --label-column names it (predict takes files with or without labels).
   */
  labelsBeside?: number;
  /** The label column when --label-column is not given (from the model file); default the last. */
  labelColumn?: number;
}

/** Loads --data (mnist or a file) as the flags describe. */
export async function loadDataset(flags: Flags, options: LoadOptions): Promise<Dataset> {
  const data = stringFlag(flags, 'data', true);
  if (data === 'mnist') return loadMnistSet(flags, options);
  if (flags['mnist-dir'] !== undefined) throw new UsageError('--mnist-dir goes with --data mnist');
  if (flags.set !== undefined) throw new UsageError(`--set picks an MNIST split; ${data} is used whole`);
  if (flags.header && flags['no-header']) throw new UsageError('--header and --no-header contradict each other');
  const delimiter = stringFlag(flags, 'delimiter');
  const d = delimiter === '\\t' || delimiter === 'tab' ? '\t' : delimiter;
  if (d !== undefined && d.length !== 1) throw new UsageError(`--delimiter must be one character (or 'tab'), got '${delimiter}'`);
  const given = flags['label-column'] !== undefined;
  const column = numberFlag(flags, 'label-column', options.labelColumn ?? -1, { integer: true });
  const header = flags.header ? true : flags['no-header'] ? false : undefined;
  // Chosen once the reader knows the width, so the file is read once whether or not it has labels.
  const labelColumn = (width: number): number | undefined => {
    if (options.labelsBeside !== undefined && !given && width !== options.labelsBeside + 1) return undefined;
    if (column >= -width && column < width) return column;
    const range = width === 1 ? '0, or -1' : `0 to ${width - 1}, or ${-width} to -1 counting from the end`;
    if (given)
      throw new UsageError(
        `--label-column ${column} is not a column of ${data}, which has ${width} column${width === 1 ? '' : 's'} (${range})`,
      );
    throw new Error(
      `${data}: the label column ${column} (where the model's training file had it) is not one of this file's ${width} columns`,
    );
  };
  const file = await loadDelimited(data, { labelColumn, header, delimiter: d });
  const lc = file.labelColumn;
  const names = file.labelNames;
  return {
    name: data,
    x: file.x,
    labels: file.labels === null ? null : names ? file.labels.map((i) => names[i]) : file.labels,
    features: file.header ? file.header.filter((_, c) => c !== lc) : null,
    target: file.header && lc !== null ? file.header[lc] : null,
    labelColumn: lc,
    lines: file.lines,
    pixels: false,
  };
}

async function loadMnistSet(flags: Flags, options: LoadOptions): Promise<Dataset> {
  for (const flag of ['label-column', 'header', 'no-header', 'delimiter']) {
    if (flags[flag] !== undefined) throw new UsageError(`--${flag} is for data files; --data mnist has no columns to choose`);
  }
  const dir = stringFlag(flags, 'mnist-dir');
  // With --classes only those digits are read (a block at a time from the plain files).
  const set = await loadMnist({ set: options.set, dir, digits: options.digits ?? undefined });
  return {
    name: `MNIST ${options.set} set${dir ? ` (${dir})` : ''}`,
    x: matrix(Float32Array.from(set.images), set.count, 784),
    labels: Array.from(set.labels),
    features: null,
    target: 'digit',
    labelColumn: null,
    lines: null,
    pixels: true,
  };
}
