/** What one cell of a table holds: a number, a missing value, or text. */
import { NUMBER } from './fields.js';

/**
 * The cells read as missing values: empty, R's NA, N/A, NaN as spreadsheets and pandas write it,
 * nan as NumPy writes it, and the UCI repository's '?'. Saved with a table preparation, so that a
 * model reads its files as it was trained, whatever a later version takes for missing.
 */
export const MISSING_VALUES: readonly string[] = ['', 'NA', 'N/A', 'NaN', 'nan', '?'];

/** What to do with missing values: fill them in from the training rows (the default), or refuse them. */
export type MissingPolicy = 'impute' | 'refuse';

/** A set of missing-value spellings, with a length bound that spares most cells the lookup. */
export class MissingValues {
  private readonly set: Set<string>;
  private readonly longest: number;

  constructor(readonly spellings: readonly string[]) {
    this.set = new Set(spellings);
    this.longest = Math.max(0, ...spellings.map((s) => s.length));
  }

  has(cell: string): boolean {
    return cell.length <= this.longest && this.set.has(cell);
  }
}

/** Whether a cell is a number in form (finite or not). */
export function isNumberText(cell: string): boolean {
  return NUMBER.test(cell);
}

/** A cell as a finite number, or an error naming where it is and what it holds. */
export function toNumber(cell: string, line: number, column: number): number {
  if (cell === '') throw new Error(`parseDelimited: line ${line}, column ${column}: empty field`);
  if (!NUMBER.test(cell)) throw new Error(`parseDelimited: line ${line}, column ${column}: ${JSON.stringify(cell)} is not a number`);
  return finiteNumber(cell, line, column);
}

/** A cell that has the form of a number (isNumberText) as a finite number, or an error naming where it is. */
export function finiteNumber(cell: string, line: number, column: number): number {
  const value = Number(cell);
  // 1e999 matches the pattern but reads as Infinity, which would poison training far from here.
  if (!Number.isFinite(value))
    throw new Error(`parseDelimited: line ${line}, column ${column}: ${JSON.stringify(cell)} is not a finite number (beyond ±1.8e308)`);
  return value;
}

/** The order of names (class labels, categories): numbers first, in numeric order, then other names in code-unit order. */
export function compareNames(a: string, b: string): number {
  const [na, nb] = [NUMBER.test(a), NUMBER.test(b)];
  if (na && nb) return Number(a) - Number(b);
  if (na !== nb) return na ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}
