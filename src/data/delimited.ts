/**
 * Numeric delimited text (CSV, TSV, whitespace-separated) as a Matrix plus an optional label
 * column. Real files are messy: the UCI seeds file separates some fields with two tabs, Windows
 * files end lines with CRLF, and the last line may or may not end in a newline; all of these parse.
 * Quoted fields may contain delimiters and doubled quotes, but not line breaks.
 */
import { matrix, type Matrix } from '../matrix.js';
import { describeSource, readMaybeGzipped } from './source.js';

export interface DelimitedOptions {
  /** One character; default: detected from the first line among tab, comma and semicolon, else spaces. */
  delimiter?: string;
  /** 0-based column holding the label; negative counts from the end (-1 = last). Default: none. */
  labelColumn?: number;
  /** Whether the first line names the columns; default: yes when it has a non-empty, non-numeric field. */
  header?: boolean;
}

export interface Delimited {
  /** The feature columns (label column removed), one row per data line, float64. */
  x: Matrix;
  /** The label column as numbers, or null without `labelColumn`. */
  labels: number[] | null;
  /** The first line's fields, all columns as in the file (label included), or null. */
  header: string[] | null;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Parses numeric delimited text; every error names the 1-based line and column. */
export function parseDelimited(text: string, options: DelimitedOptions = {}): Delimited {
  if (typeof text !== 'string') throw new TypeError(`parseDelimited: text must be a string, got ${typeof text}`);
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  // Keep 1-based physical line numbers for messages; blank lines (e.g. trailing ones) are skipped.
  const rows: { line: number; fields: string[] }[] = [];
  let delimiter = options.delimiter;
  if (delimiter !== undefined && delimiter.length !== 1) {
    throw new RangeError(`parseDelimited: options.delimiter must be one character, got ${JSON.stringify(delimiter)}`);
  }
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() === '') continue;
    delimiter ??= detectDelimiter(lines[i]);
    rows.push({ line: i + 1, fields: splitLine(lines[i], delimiter, i + 1) });
  }
  if (rows.length === 0) throw new Error('parseDelimited: text has no non-blank lines');

  const first = rows[0].fields;
  // An empty field is a missing value, not a column name, so it does not make a header.
  const hasHeader = options.header ?? first.some((f) => f !== '' && !NUMBER.test(f));
  const header = hasHeader ? first : null;
  const data = hasHeader ? rows.slice(1) : rows;
  if (data.length === 0) throw new Error('parseDelimited: no data rows after the header');
  const width = first.length;

  let label = -1;
  if (options.labelColumn !== undefined) {
    const lc = options.labelColumn;
    label = lc < 0 ? width + lc : lc;
    if (!Number.isInteger(lc) || label < 0 || label >= width) {
      throw new RangeError(`parseDelimited: options.labelColumn must be an integer in [${-width}, ${width - 1}], got ${lc}`);
    }
  }
  const cols = label >= 0 ? width - 1 : width;
  if (cols < 1) throw new RangeError('parseDelimited: no feature columns are left once the label column is removed');

  const x = new Float64Array(data.length * cols);
  const labels: number[] | null = label >= 0 ? [] : null;
  let k = 0;
  for (const { line, fields } of data) {
    if (fields.length !== width) {
      throw new Error(`parseDelimited: line ${line}: expected ${width} fields, got ${fields.length}`);
    }
    for (let c = 0; c < width; c++) {
      const value = toNumber(fields[c], line, c + 1);
      if (c === label) labels!.push(value);
      else x[k++] = value;
    }
  }
  return { x: matrix(x, data.length, cols), labels, header };
}

/** Reads a delimited text file (Node path or `file:` URL) or fetches it (browser), then parses it. */
export async function loadDelimited(source: string | URL, options: DelimitedOptions = {}): Promise<Delimited> {
  let bytes: Uint8Array;
  try {
    bytes = await readMaybeGzipped(source);
  } catch (e) {
    throw new Error(`loadDelimited: ${(e as Error).message}`, { cause: e });
  }
  try {
    return parseDelimited(new TextDecoder().decode(bytes), options);
  } catch (e) {
    // Say which file the line numbers refer to.
    const err = e as Error;
    err.message = err.message.replace(/^parseDelimited:/, `loadDelimited: ${describeSource(source)}:`);
    throw err;
  }
}

/** The most frequent of tab, comma, semicolon in `line` (outside quotes); spaces if none occurs. */
function detectDelimiter(line: string): string {
  const unquoted = line.replace(/"(?:[^"]|"")*"/g, '');
  let best = ' ';
  let bestCount = 0;
  for (const d of ['\t', ',', ';']) {
    const n = unquoted.split(d).length - 1;
    if (n > bestCount) [best, bestCount] = [d, n];
  }
  return best;
}

/**
 * Length of the separator starting at `i`, or 0. Whitespace delimiters collapse: for tab, any run
 * of spaces and tabs containing a tab is one separator; for space, any run of spaces and tabs.
 * Other delimiters are a single character, so `1,,2` keeps its empty field.
 */
function separatorAt(line: string, i: number, delimiter: string): number {
  if (delimiter !== ' ' && delimiter !== '\t') return line[i] === delimiter ? 1 : 0;
  let j = i;
  let hasTab = false;
  for (; j < line.length && (line[j] === ' ' || line[j] === '\t'); j++) {
    if (line[j] === '\t') hasTab = true;
  }
  return delimiter === ' ' || hasTab ? j - i : 0;
}

/** Splits one line into trimmed fields, unquoting `"..."` fields (with `""` for a quote). */
function splitLine(raw: string, delimiter: string, lineNo: number): string[] {
  const whitespace = delimiter === ' ' || delimiter === '\t';
  const line = whitespace ? raw.trim() : raw.replace(/\r$/, '');
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    while (line[i] === ' ' && separatorAt(line, i, delimiter) === 0) i++;
    if (line[i] === '"') {
      let value = '';
      let j = i + 1;
      for (;;) {
        const q = line.indexOf('"', j);
        if (q < 0) throw new Error(`parseDelimited: line ${lineNo}, column ${fields.length + 1}: unterminated quoted field`);
        value += line.slice(j, q);
        if (line[q + 1] !== '"') {
          i = q + 1;
          break;
        }
        value += '"';
        j = q + 2;
      }
      while (i < line.length && line[i] === ' ' && separatorAt(line, i, delimiter) === 0) i++;
      if (i < line.length && separatorAt(line, i, delimiter) === 0) {
        throw new Error(`parseDelimited: line ${lineNo}, column ${fields.length + 1}: unexpected text after a closing quote`);
      }
      fields.push(value);
    } else {
      let j = i;
      while (j < line.length && separatorAt(line, j, delimiter) === 0) j++;
      fields.push(line.slice(i, j).trim());
      i = j;
    }
    if (i >= line.length) return fields;
    i += separatorAt(line, i, delimiter);
  }
}

/** A cell as a finite number, or an error naming where it is and what it holds. */
function toNumber(cell: string, line: number, column: number): number {
  if (cell === '') throw new Error(`parseDelimited: line ${line}, column ${column}: empty field`);
  if (!NUMBER.test(cell)) throw new Error(`parseDelimited: line ${line}, column ${column}: ${JSON.stringify(cell)} is not a number`);
  return Number(cell);
}
