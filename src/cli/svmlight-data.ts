/**
 * svmlight / libsvm files as the commands' data (`--data file.svm`, or `--format svmlight` for
 * any name): a sparse source, read as CSR and handed to the network as it is, never densified.
 * Such a file has no header, no label column to choose (the label comes first on each line) and
 * no missing values, so the flags for those are refused; nor --standardize, whose mean
 * subtraction would turn every zero into a non-zero.
 */
import { readFile } from 'node:fs/promises';
import { selectCsrRows, type CsrMatrix } from '../io/csr.js';
import { parseSvmlight } from '../data/svmlight.js';
import { selectRows } from '../data/transform.js';
import type { Samples } from '../core/csr-rows.js';
import { isCsr } from '../core/csr-rows.js';
import { choiceFlag, stringFlag, UsageError, type Flags } from './args.js';

/** File name endings read as svmlight without --format. */
const SVMLIGHT_ENDINGS = ['.svm', '.svmlight', '.libsvm'];

/** Flags of delimited files that mean nothing for svmlight. */
const TABLE_FLAGS = ['label-column', 'header', 'no-header', 'delimiter', 'skip-rows', 'missing', 'ignore-columns', 'feature-columns'];

/** True when --data names an svmlight file: by --format svmlight, or by its ending unless --format delimited. */
export function isSvmlight(flags: Flags, data: string): boolean {
  const format = choiceFlag(flags, 'format', ['svmlight', 'delimited'] as const);
  if (format !== undefined) {
    if (data === 'mnist') throw new UsageError(`--format is for data files; --data mnist is read as MNIST`);
    return format === 'svmlight';
  }
  return SVMLIGHT_ENDINGS.some((e) => data.toLowerCase().endsWith(e));
}

/** Reads the svmlight file `data` (`cols` columns, or as many as its largest index), refusing the flags of delimited files. */
export async function readSvmlightFile(
  flags: Flags,
  data: string,
  cols?: number,
): Promise<{ x: CsrMatrix; labels: number[]; lines: Uint32Array }> {
  for (const flag of TABLE_FLAGS) {
    if (flags[flag] !== undefined)
      throw new UsageError(`--${flag} is for delimited files; ${data} is svmlight (the label first on each line, then index:value)`);
  }
  if (flags['mnist-dir'] !== undefined) throw new UsageError('--mnist-dir goes with --data mnist');
  if (flags.standardize) {
    throw new UsageError(
      `--standardize would subtract each feature's mean, making every zero of the sparse ${data} non-zero; scale the features in the file instead (e.g. to [0, 1] or by their largest |value|)`,
    );
  }
  const text = await readFile(stringFlag(flags, 'data', true), 'utf8').catch((e: Error) => {
    throw new Error(`${data}: ${e.message}`);
  });
  try {
    return parseSvmlight(text, { name: data, cols });
  } catch (e) {
    if (cols !== undefined && /columns asked for/.test((e as Error).message)) {
      throw new Error(`${data} has a feature index above the model's ${cols} inputs`);
    }
    throw e;
  }
}

/** Rows rows[0], rows[1], … of dense or CSR samples. */
export function selectSamples(x: Samples, rows: ArrayLike<number>): Samples {
  return isCsr(x) ? selectCsrRows(x, rows) : selectRows(x, rows);
}
