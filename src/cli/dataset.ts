/**
 * The data a command works on: MNIST (`--data mnist`) or a delimited text file. train reads a file
 * as a table (numbers, text, missing values), to fit its preparation on the training rows; eval,
 * predict and gradcheck read a file through the preparation the model saved, so that raw rows go
 * in as they were in the training file.
 */
import { loadDelimited, readDelimited, type DelimitedOptions } from '../data/delimited.js';
import { loadMnist } from '../data/mnist.js';
import type { ColumnRef } from '../data/column-selection.js';
import type { MissingPolicy } from '../data/cells.js';
import type { Table } from '../data/table.js';
import type { TablePreparationJSON, Unseen } from '../data/table-preparation.js';
import { matrix } from '../io/matrix.js';
import { choiceFlag, numberFlag, stringFlag, UsageError, type FlagSpec, type Flags } from './args.js';
import type { Samples } from '../core/csr-rows.js';
import { isSvmlight, readSvmlightFile } from './svmlight-data.js';

export interface Dataset {
  /** What to call the data in messages: the path, or 'MNIST train set'. */
  name: string;
  /** The network's inputs, samples × inputs: a file's rows through the model's preparation; MNIST pixel values 0–255; an svmlight file's as CSR. */
  x: Samples;
  /** One label per row: a number, a class name, or null where the cell is a missing value; null when the data have no label column. */
  labels: (number | string | null)[] | null;
  /** The label column's name from the header, or null. */
  target: string | null;
  /** The 0-based label column in the file, or null. */
  labelColumn: number | null;
  /** The file line of each row, for messages about a row; null for MNIST. */
  lines: Uint32Array | null;
  /** True for MNIST: pixels, scaled to [0, 1] unless the features are standardized. */
  pixels: boolean;
  /** The fingerprint of a file's data rows (to match it with the file a model was trained on); null for MNIST. */
  fingerprint: string | null;
  /** Cells of categories the model's training rows did not have (encoded as missing values): how many, the first. */
  unseen: Unseen;
}

/** A training file as read, before its preparation is fitted (on the training rows), or MNIST as it is. */
export interface TrainingData {
  name: string;
  /** MNIST's pixels, or an svmlight file's samples (CSR); null for a delimited file, whose inputs come from its table once a preparation is fitted. */
  x: Samples | null;
  table: Table | null;
  /** One per row; null where the label is a missing value. */
  labels: (number | string | null)[];
  target: string | null;
  labelColumn: number | null;
  lines: Uint32Array | null;
  pixels: boolean;
  fingerprint: string | null;
  rows: number;
}

/** The flags that say where the data are and how to read a file; shared by train, eval, predict, gradcheck. */
export const DATA_FLAGS: Record<string, FlagSpec> = {
  data: { type: 'string' },
  'mnist-dir': { type: 'string' },
  'label-column': { type: 'string' },
  header: { type: 'boolean' },
  'no-header': { type: 'boolean' },
  delimiter: { type: 'string' },
  'skip-rows': { type: 'string' },
  missing: { type: 'string' },
  format: { type: 'string' },
};

/** The flags that choose a training file's feature columns (a model's columns are its own). */
export const COLUMN_FLAGS: Record<string, FlagSpec> = {
  'ignore-columns': { type: 'string' },
  'feature-columns': { type: 'string' },
};

export interface LoadOptions {
  /** Labels to keep (MNIST digits); default all. */
  digits?: number[];
  /** MNIST split: train for training, test for eval and predict. */
  set: 'train' | 'test';
  /** The model the data are for: how it reads a file. */
  model: ModelColumns;
}

/** What a model says about reading a file: its preparation (a model written by train), or, for one saved without it, its inputs and label column. */
export interface ModelColumns {
  preparation: TablePreparationJSON | undefined;
  inputs: number;
  /** The label column of the training file (from the model), used when --label-column is not given. */
  labelColumn: number | undefined;
  /** Whether rows must have labels (eval, gradcheck) or may come without (predict). */
  labels: 'required' | 'optional';
}

/** Loads --data (mnist or a file) for a model, as the flags describe. */
export async function loadDataset(flags: Flags, options: LoadOptions): Promise<Dataset> {
  const data = stringFlag(flags, 'data', true);
  if (data === 'mnist') {
    const set = await loadMnistSet(flags, options.set, options.digits);
    return { ...set, fingerprint: null, unseen: null };
  }
  if (isSvmlight(flags, data)) {
    const file = await readSvmlightFile(flags, data, options.model.inputs);
    return {
      name: data,
      x: file.x,
      labels: file.labels,
      target: null,
      labelColumn: null,
      lines: file.lines,
      pixels: false,
      fingerprint: null,
      unseen: null,
    };
  }
  const read = fileFlags(flags, data);
  const { preparation, inputs, labels } = options.model;
  const readOptions: DelimitedOptions = { delimiter: read.delimiter, header: read.header, skipRows: read.skipRows };
  if (preparation !== undefined) {
    // Without --label-column, the reader takes the label where the training file had it, in a file
    // as wide; rows that must have labels take them there in any file (a last column as the last).
    const trained = preparation.labelColumn;
    const fallback = labels === 'required' && trained !== null ? (trained === preparation.width - 1 ? -1 : trained) : undefined;
    const column = read.labelColumn ?? fallback;
    const given = read.labelColumn !== undefined;
    const labelColumn = (width: number) => {
      // The training file's columns less the label's: nothing to score against.
      if (!given && labels === 'required' && trained !== null && width === preparation.width - 1) {
        const name = preparation.header?.[trained];
        throw new Error(
          `${data} has the training file's columns without its label column (${name ? `'${name}', ` : ''}column ${trained}); scoring needs the labels`,
        );
      }
      return checkedLabel(column!, width, data, given);
    };
    Object.assign(readOptions, { preparation, missing: read.missing, labelColumn: column === undefined ? undefined : labelColumn });
  } else {
    // A model saved without a preparation takes numbers only, and says nothing of missing values.
    const column =
      read.labelColumn ??
      (options.model.labelColumn === undefined || options.model.labelColumn === inputs ? -1 : options.model.labelColumn);
    const given = read.labelColumn !== undefined;
    const labelColumn = (width: number): ColumnRef | undefined => {
      // Optional labels: a file of exactly `inputs` columns holds the features only.
      if (labels === 'optional' && !given && width !== inputs + 1) return undefined;
      return checkedLabel(column, width, data, given);
    };
    Object.assign(readOptions, { labelColumn, missing: read.missing ?? 'refuse' });
  }
  const file = await loadDelimited(data, readOptions).catch((e: Error) => {
    throw inFlagTerms(e, data);
  });
  if (preparation === undefined) {
    const text = file.preparation.columns.find((c) => c.kind === 'categories');
    if (text !== undefined)
      throw new Error(
        `${data}: column ${text.column} holds text, but this model was saved without a table preparation (not by backprop-wasm train) and takes numbers only`,
      );
  }
  const lc = file.labelColumn;
  const names = file.labelNames;
  return {
    name: data,
    x: file.x,
    labels: file.labels === null ? null : labelsOf(file.labels, names),
    target: file.header && lc !== null ? file.header[lc] : null,
    labelColumn: lc,
    lines: file.lines,
    pixels: false,
    fingerprint: file.fingerprint,
    unseen: file.unseen,
  };
}

/** Loads --data for training: MNIST, or a file as a table, its feature columns chosen by --ignore-columns / --feature-columns. */
export async function loadTrainingData(flags: Flags, digits: number[] | undefined): Promise<TrainingData> {
  const data = stringFlag(flags, 'data', true);
  if (data === 'mnist') {
    for (const flag of Object.keys(COLUMN_FLAGS))
      if (flags[flag] !== undefined) throw new UsageError(`--${flag} is for data files; --data mnist has no columns to choose`);
    const set = await loadMnistSet(flags, 'train', digits);
    return { ...set, table: null, labels: set.labels!, fingerprint: null, rows: set.x.rows };
  }
  if (isSvmlight(flags, data)) {
    const file = await readSvmlightFile(flags, data);
    const base = { name: data, x: file.x, table: null, labels: file.labels, target: null, labelColumn: null };
    return { ...base, lines: file.lines, pixels: false, fingerprint: null, rows: file.x.rows };
  }
  const read = fileFlags(flags, data);
  if (flags['ignore-columns'] !== undefined && flags['feature-columns'] !== undefined) {
    throw new UsageError('--ignore-columns and --feature-columns contradict each other: give the columns to leave out, or the features');
  }
  const label = read.labelColumn ?? -1;
  const file = await readDelimited(data, {
    delimiter: read.delimiter,
    header: read.header,
    skipRows: read.skipRows,
    missing: read.missing,
    labelColumn: (width) => checkedLabel(label, width, data, read.labelColumn !== undefined),
    ignoreColumns: columnList(flags, 'ignore-columns'),
    featureColumns: columnList(flags, 'feature-columns'),
  }).catch((e: Error) => {
    throw inFlagTerms(e, data);
  });
  const lc = file.labelColumn!;
  const names = file.labelNames;
  return {
    name: data,
    x: null,
    table: file.table,
    labels: labelsOf(file.labels!, names),
    target: file.header ? file.header[lc] : null,
    labelColumn: lc,
    lines: file.lines,
    pixels: false,
    fingerprint: file.fingerprint,
    rows: file.table.rows,
  };
}

/** The reader's labels as the commands use them: names for class indices, null for a missing label (NaN). */
function labelsOf(labels: number[], names: string[] | null): (number | string | null)[] {
  return labels.map((v) => (Number.isNaN(v) ? null : names ? names[v] : v));
}

/**
 * The rows that have a label, and a line saying how many do not (they cannot be trained on or
 * scored, and are left out), or null when every row has one.
 */
export function labelledRows(
  labels: readonly (number | string | null)[],
  lines: ArrayLike<number> | null,
): { rows: Uint32Array; note: string } | null {
  const rows: number[] = [];
  labels.forEach((l, r) => l !== null && rows.push(r));
  const missing = labels.length - rows.length;
  if (missing === 0) return null;
  if (rows.length === 0) throw new Error('every label is a missing value: there is nothing to learn from or to score');
  const first = labels.indexOf(null);
  const where = lines ? `line ${lines[first]}` : `row ${first + 1}`;
  return {
    rows: Uint32Array.from(rows),
    note: `labels: ${missing} row${missing === 1 ? '' : 's'} without a label (a missing value, the first on ${where}) left out`,
  };
}

/** The reading flags of a data file, checked. */
function fileFlags(
  flags: Flags,
  data: string,
): { delimiter?: string; header?: boolean; skipRows?: number; missing?: MissingPolicy; labelColumn?: ColumnRef } {
  if (flags['mnist-dir'] !== undefined) throw new UsageError('--mnist-dir goes with --data mnist');
  if (flags.set !== undefined) throw new UsageError(`--set picks an MNIST split; ${data} is used whole`);
  if (flags.header && flags['no-header']) throw new UsageError('--header and --no-header contradict each other');
  const delimiter = stringFlag(flags, 'delimiter');
  const d = delimiter === '\\t' || delimiter === 'tab' ? '\t' : delimiter;
  if (d !== undefined && d.length !== 1) throw new UsageError(`--delimiter must be one character (or 'tab'), got '${delimiter}'`);
  const label = stringFlag(flags, 'label-column');
  // Digits are an index (the way it has always been given); anything else names a column of the header.
  const labelColumn =
    label === undefined ? undefined : /^\s*[+-]?\d+\s*$/.test(label) ? numberFlag(flags, 'label-column', -1, { integer: true }) : label;
  return {
    delimiter: d,
    header: flags.header ? true : flags['no-header'] ? false : undefined,
    skipRows: flags['skip-rows'] === undefined ? undefined : numberFlag(flags, 'skip-rows', 0, { integer: true, min: 0 }),
    missing: choiceFlag(flags, 'missing', ['impute', 'refuse'] as const),
    labelColumn,
  };
}

/** A --label-column index checked against the file's width (a name is left to the reader, which knows the header). */
function checkedLabel(column: ColumnRef, width: number, data: string, given: boolean): ColumnRef {
  if (typeof column === 'string' || (column >= -width && column < width)) return column;
  const range = width === 1 ? '0, or -1' : `0 to ${width - 1}, or ${-width} to -1 counting from the end`;
  if (given)
    throw new UsageError(
      `--label-column ${column} is not a column of ${data}, which has ${width} column${width === 1 ? '' : 's'} (${range})`,
    );
  throw new Error(
    `${data}: the label column ${column} (where the model's training file had it) is not one of this file's ${width} columns`,
  );
}

/** A comma-separated list of column names or 0-based indices. */
function columnList(flags: Flags, name: string): string[] | undefined {
  const text = stringFlag(flags, name);
  if (text === undefined) return undefined;
  const parts = text.split(',').map((p) => p.trim());
  const empty = parts.findIndex((p) => p === '');
  if (empty >= 0)
    throw new UsageError(`--${name} must be a comma-separated list of column names or 0-based indices; item ${empty + 1} is empty`);
  return parts;
}

/**
 * A reader's error in the command's terms: options become flags, and a column that a flag names
 * but the file lacks is bad usage (exit 2).
 */
export function inFlagTerms(e: Error, data: string): Error {
  const flagged = e.message
    .replace(/options\.skipRows/g, '--skip-rows')
    .replace(/options\.missing '(\w+)'/g, '--missing $1')
    .replace(/options\.ignoreColumns/g, '--ignore-columns')
    .replace(/options\.featureColumns/g, '--feature-columns')
    .replace(/options\.header/g, '--header')
    .replace(/options\.labelColumn/g, '--label-column')
    .replace(/^TablePreparation\.apply: /, `${data}: `);
  const usage = /^loadDelimited: [\s\S]*?: (--(?:label-column|ignore-columns|feature-columns)\b.*)$/.exec(flagged);
  if (usage && e instanceof RangeError) return new UsageError(`${usage[1]} (in ${data})`);
  e.message = flagged;
  return e;
}

async function loadMnistSet(flags: Flags, set: 'train' | 'test', digits: number[] | undefined) {
  for (const flag of ['label-column', 'header', 'no-header', 'delimiter', 'skip-rows', 'missing']) {
    if (flags[flag] !== undefined) throw new UsageError(`--${flag} is for data files; --data mnist has no columns to choose`);
  }
  const dir = stringFlag(flags, 'mnist-dir');
  // With --classes only those digits are read (a block at a time from the plain files).
  const mnist = await loadMnist({ set, dir, digits: digits ?? undefined }).catch((e: Error) => {
    // The library speaks of its option; here the way to give a folder is a flag.
    e.message = e.message.replace(/pass options\.dir$/, 'pass --mnist-dir DIR (a folder with the four MNIST idx files, gzipped or not)');
    throw e;
  });
  return {
    name: `MNIST ${set} set${dir ? ` (${dir})` : ''}`,
    x: matrix(Float32Array.from(mnist.images), mnist.count, 784),
    labels: Array.from(mnist.labels) as (number | string)[] | null,
    target: 'digit',
    labelColumn: null,
    lines: null,
    pixels: true,
  };
}
