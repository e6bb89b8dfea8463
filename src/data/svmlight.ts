/**
 * The svmlight / libsvm text format, read as a sparse source: one sample a line,
 * `label index:value index:value … # comment`, indices 1-based and increasing, features not
 * listed are zero; `qid:N` (a ranking group) is read over and ignored; blank lines and lines that
 * are only a comment are skipped. The samples come out as CSR (src/io/csr.ts) with 0-based
 * columns, so that a file of 100,000 vocabulary columns never becomes a dense matrix.
 */
import type { CsrMatrix } from '../io/csr.js';
import { GrowingArray } from './growing-array.js';

export interface SvmlightData {
  /** The samples: one row per data line, columns 0 … cols − 1 for the file's indices 1 … cols. */
  x: CsrMatrix;
  /** The label of each row, as written (+1/−1, class codes or real targets). */
  labels: number[];
  /** The line of each row in the text (1-based), for messages about a row. */
  lines: Uint32Array;
}

export interface SvmlightOptions {
  /** Columns of the result: at least the largest index in the file. Default: the largest index. */
  cols?: number;
  /** Names the text in messages (a path). Default 'svmlight'. */
  name?: string;
}

/** Parses svmlight text; an error names the line and the token that is wrong. */
export function parseSvmlight(text: string, options: SvmlightOptions = {}): SvmlightData {
  const name = options.name ?? 'svmlight';
  const columns = new GrowingArray(Uint32Array);
  const values = new GrowingArray(Float64Array);
  const rowStart: number[] = [0];
  const labels: number[] = [];
  const lines: number[] = [];
  let widest = 0;
  let lineNo = 0;
  for (const raw of text.split('\n')) {
    lineNo++;
    const hash = raw.indexOf('#');
    const line = (hash < 0 ? raw : raw.slice(0, hash)).trim();
    if (line === '') continue;
    const at = `${name}: line ${lineNo}`;
    const tokens = line.split(/\s+/);
    const label = Number(tokens[0]);
    if (tokens[0].includes(':') || !Number.isFinite(label)) {
      throw new RangeError(`${at}: the label must come first and be a finite number, got '${tokens[0]}'`);
    }
    let previous = 0;
    for (let t = 1; t < tokens.length; t++) {
      const token = tokens[t];
      const colon = token.indexOf(':');
      if (colon <= 0 || colon === token.length - 1) throw new RangeError(`${at}: expected index:value, got '${token}'`);
      const key = token.slice(0, colon);
      if (key === 'qid') continue;
      const index = Number(key);
      if (!Number.isInteger(index) || index < 1) {
        throw new RangeError(`${at}: feature index '${key}' in '${token}' must be an integer ≥ 1 (svmlight indices are 1-based)`);
      }
      if (index <= previous) {
        throw new RangeError(`${at}: feature indices must increase along a line, got ${index} after ${previous}`);
      }
      const value = Number(token.slice(colon + 1));
      if (!Number.isFinite(value))
        throw new RangeError(`${at}: the value of feature ${index} must be a finite number, got '${token.slice(colon + 1)}'`);
      previous = index;
      // An explicit zero is no entry: the sparse form holds the non-zeros.
      if (value === 0) continue;
      columns.push(index - 1);
      values.push(value);
    }
    widest = Math.max(widest, previous);
    rowStart.push(columns.length);
    labels.push(label);
    lines.push(lineNo);
  }
  if (labels.length === 0) throw new RangeError(`${name}: no data lines (every line is blank or a comment)`);
  const cols = options.cols ?? widest;
  if (!Number.isInteger(cols) || cols < Math.max(1, widest)) {
    throw new RangeError(`${name}: ${cols} columns asked for, but the file has feature index ${widest}`);
  }
  const x: CsrMatrix = {
    rows: labels.length,
    cols,
    rowStart: Int32Array.from(rowStart),
    columns: Int32Array.from(columns.take()),
    // float64 as written: the network's precision is applied when the samples go in (src/io/csr.ts).
    values: values.take(),
  };
  return { x, labels, lines: Uint32Array.from(lines) };
}
