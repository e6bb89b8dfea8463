/**
 * Numeric delimited text (CSV, TSV, whitespace-separated) as a Matrix plus an optional label
 * column. Real files are messy: the UCI seeds file separates some fields with two tabs, Windows
 * files end lines with CRLF, and the last line may or may not end in a newline; all of these parse.
 * Quoted fields may contain delimiters, doubled quotes and line breaks (RFC 4180); a record that
 * runs over several lines is named in messages by the line where it starts.
 *
 * Labels may be numbers or names ("Kama", "setosa"); names become class indices, listed in
 * `labelNames`. Text is parsed line by line as it arrives (`DelimitedReader`), and in Node
 * `loadDelimited` streams the file, so that a file of millions of rows is never held in memory
 * whole, neither as bytes nor as text: only the numbers it holds are.
 */
import { matrix, type Matrix } from '../io/matrix.js';
import { describeSource, isGzip, localFile, readMaybeGzipped } from './source.js';

export interface DelimitedOptions {
  /** One character; default: detected from the first line among tab, comma and semicolon, else spaces. */
  delimiter?: string;
  /**
   * 0-based column holding the label; negative counts from the end (-1 = last). Default: none.
   * A function is given the number of columns (once the first line is read) and returns the
   * column, or undefined for none: a caller that knows how many features to expect can take a
   * label column only when there is one, in a single pass.
   */
  labelColumn?: number | ((columns: number) => number | undefined);
  /**
   * Whether the first line names the columns. Default: yes when one of its fields is text where
   * the second line holds a number (or, in a one-line file, when any field is text).
   */
  header?: boolean;
  /**
   * How to read the label column: 'number' (every label must be a number), 'name' (every label is
   * a class name, even "1"), or 'auto' (default: numbers, unless some label is not a number).
   */
  labelType?: 'auto' | 'number' | 'name';
}

export interface Delimited {
  /** The feature columns (label column removed), one row per data line, float64. */
  x: Matrix;
  /** The label column as numbers (class indices into `labelNames` when labels are names), or null without `labelColumn`. */
  labels: number[] | null;
  /** When labels are names: the distinct names, sorted (numbers among them in numeric order first); label i is labelNames[labels[i]]. */
  labelNames: string[] | null;
  /** The first line's fields, all columns as in the file (label included), or null. */
  header: string[] | null;
  /** The 0-based column the labels were taken from (as a non-negative index), or null. */
  labelColumn: number | null;
  /** The 1-based line of the text where each data row starts (rows may follow a header, blank lines, or records of several lines), for messages about a row. */
  lines: Uint32Array;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A record as it is split: the line it starts on, its fields so far, and the text of a quoted field still open at a line break. */
interface Row {
  line: number;
  fields: string[];
  open: string | null;
}

/**
 * Parses delimited text pushed in pieces of any size (`push`), then `end()` returns the data.
 * Every error names the 1-based line and column.
 */
export class DelimitedReader {
  private pending = '';
  /** Whether any text has come (a byte-order mark is dropped from the very start only). */
  private started = false;
  private lineNo = 0;
  /** A record whose quoted field runs on to the next line. */
  private record: Row | null = null;
  private delimiter: string | undefined;
  /** The first two non-blank lines, held until the header question is settled. */
  private opening: Row[] | null = [];
  private header: string[] | null = null;
  private width = 0;
  /** The line whose fields set the width, for messages about rows of another width. */
  private widthLine = 0;
  private label = -1;
  private lines = new GrowingArray(Uint32Array);
  private x = new GrowingArray(Float64Array);
  private rows = 0;
  /** Labels, or provisional name ids; typed, so that a million of them cost 8 MB outside the JS heap. */
  private labels: GrowingArray<Float64Array> | null = null;
  /** Label names to provisional ids (in order of appearance), once a label is read as a name. */
  private names: Map<string, number> | null = null;

  constructor(private readonly options: DelimitedOptions = {}) {
    const { delimiter, labelType, labelColumn } = options;
    if (labelColumn !== undefined && typeof labelColumn !== 'function' && typeof labelColumn !== 'number') {
      throw new TypeError(
        `parseDelimited: options.labelColumn must be an integer or a function of the column count, got ${JSON.stringify(labelColumn)}`,
      );
    }
    if (delimiter !== undefined && (typeof delimiter !== 'string' || delimiter.length !== 1)) {
      throw new RangeError(`parseDelimited: options.delimiter must be one character, got ${JSON.stringify(delimiter)}`);
    }
    if (labelType !== undefined && labelType !== 'auto' && labelType !== 'number' && labelType !== 'name') {
      throw new RangeError(`parseDelimited: options.labelType must be 'auto', 'number' or 'name', got ${JSON.stringify(labelType)}`);
    }
    this.delimiter = delimiter;
    if (labelType === 'name') this.names = new Map();
  }

  /** Parses every complete line of `text` (appended to what came before); a partial last line waits for more. */
  push(text: string): void {
    if (!this.started && text !== '') {
      this.started = true;
      text = text.replace(/^\uFEFF/, '');
    }
    // Only the new text is searched, so a long line arriving in many pieces costs no rescans.
    let nl = text.indexOf('\n');
    if (nl < 0) {
      this.pending += text;
      return;
    }
    this.line(this.pending + text.slice(0, nl));
    let start = nl + 1;
    for (nl = text.indexOf('\n', start); nl >= 0; nl = text.indexOf('\n', start)) {
      this.line(text.slice(start, nl));
      start = nl + 1;
    }
    this.pending = text.slice(start);
  }

  /** Parses the last line (which needs no newline) and returns everything read. */
  end(): Delimited {
    if (this.pending !== '') this.line(this.pending);
    this.pending = '';
    if (this.record !== null) {
      const { line, fields } = this.record;
      throw new Error(
        `parseDelimited: line ${line}, column ${fields.length + 1}: unterminated quoted field (its closing quote never comes)`,
      );
    }
    if (this.opening !== null) {
      if (this.opening.length === 0) throw new Error('parseDelimited: text has no non-blank lines');
      this.settle();
    }
    if (this.rows === 0) throw new Error('parseDelimited: no data rows after the header');
    const cols = this.label >= 0 ? this.width - 1 : this.width;
    const data = this.x.take();
    const { labels, labelNames } = this.finishLabels();
    return {
      x: matrix(data, this.rows, cols),
      labels,
      labelNames,
      header: this.header,
      labelColumn: this.label >= 0 ? this.label : null,
      lines: this.lines.take(),
    };
  }

  private line(raw: string): void {
    this.lineNo++;
    if (this.record === null) {
      if (raw.trim() === '') return;
      this.delimiter ??= detectDelimiter(raw);
      this.record = { line: this.lineNo, fields: [], open: null };
    }
    const row = this.record;
    if (!splitLine(raw, this.delimiter!, row)) return;
    this.record = null;
    if (this.opening === null) return this.row(row);
    this.opening.push(row);
    if (this.opening.length === 2) this.settle();
  }

  /** Decides on the header from the first (one or two) lines, fixes the width and label column, and parses them. */
  private settle(): void {
    const opening = this.opening!;
    this.opening = null;
    const [first, second] = opening;
    const text = (f: string) => f !== '' && !NUMBER.test(f);
    // An empty field is a missing value, not a column name. A text field above a number names its
    // column; text above text is a label column of names.
    const hasHeader =
      this.options.header ??
      (second && second.fields.length === first.fields.length
        ? first.fields.some((f, c) => text(f) && NUMBER.test(second.fields[c]))
        : first.fields.some(text));
    if (hasHeader) this.header = first.fields;
    this.width = first.fields.length;
    this.widthLine = first.line;
    const option = this.options.labelColumn;
    const lc = typeof option === 'function' ? option(this.width) : option;
    if (lc !== undefined) {
      this.label = lc < 0 ? this.width + lc : lc;
      if (!Number.isInteger(lc) || this.label < 0 || this.label >= this.width) {
        throw new RangeError(`parseDelimited: options.labelColumn must be an integer in [${-this.width}, ${this.width - 1}], got ${lc}`);
      }
      this.labels = new GrowingArray(Float64Array);
    }
    if ((this.label >= 0 ? this.width - 1 : this.width) < 1) {
      throw new RangeError('parseDelimited: no feature columns are left once the label column is removed');
    }
    for (const row of hasHeader ? opening.slice(1) : opening) this.row(row);
  }

  private row({ line, fields }: Row): void {
    if (fields.length !== this.width) {
      const as = line === this.widthLine ? '' : `, as on line ${this.widthLine}`;
      // An empty cell between two tabs vanishes into the run, so the count is off on the line that has it.
      const runs =
        this.delimiter === ' ' || this.delimiter === '\t'
          ? `; runs of ${this.delimiter === ' ' ? 'spaces and tabs' : 'tabs (and spaces)'} count as one separator, so an empty cell is not a field`
          : '';
      throw new Error(`parseDelimited: line ${line}: expected ${this.width} fields${as}, got ${fields.length}${runs}`);
    }
    this.lines.push(line);
    for (let c = 0; c < this.width; c++) {
      if (c === this.label) this.labelCell(fields[c], line, c + 1);
      else this.x.push(toNumber(fields[c], line, c + 1));
    }
    this.rows++;
  }

  private labelCell(cell: string, line: number, column: number): void {
    const labels = this.labels!;
    if (this.names === null) {
      if (NUMBER.test(cell) || this.options.labelType === 'number') {
        labels.push(toNumber(cell, line, column));
        return;
      }
      if (cell === '') throw new Error(`parseDelimited: line ${line}, column ${column}: empty field`);
      // The first name: the numbers read so far become names too ("1" and "1.0" are one class).
      this.names = new Map();
      for (let i = 0; i < labels.length; i++) labels.data[i] = this.idOf(String(labels.data[i]));
    }
    if (cell === '') throw new Error(`parseDelimited: line ${line}, column ${column}: empty label`);
    labels.push(this.idOf(NUMBER.test(cell) && this.options.labelType !== 'name' ? String(Number(cell)) : cell));
  }

  private idOf(name: string): number {
    let id = this.names!.get(name);
    if (id === undefined) this.names!.set(name, (id = this.names!.size));
    return id;
  }

  /** Names sorted so that the same set of names gives the same classes whatever the row order. */
  private finishLabels(): { labels: number[] | null; labelNames: string[] | null } {
    if (this.labels === null) return { labels: null, labelNames: null };
    const labels = this.labels.take();
    if (this.names === null) return { labels: Array.from(labels), labelNames: null };
    const byId = [...this.names.keys()];
    const sorted = [...byId].sort(compareNames);
    const rank = new Map(sorted.map((name, i) => [name, i]));
    const remap = byId.map((name) => rank.get(name)!);
    return { labels: Array.from(labels, (id) => remap[id]), labelNames: sorted };
  }
}

/** A typed array that grows by doubling as values are pushed (each value is copied about once on average). */
class GrowingArray<T extends Float64Array | Uint32Array> {
  data: T;
  length = 0;

  constructor(private readonly kind: { new (length: number): T }) {
    this.data = new kind(1024);
  }

  push(v: number): void {
    if (this.length === this.data.length) {
      const grown = new this.kind(2 * this.data.length);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = v;
  }

  /** The values pushed, as an array of exactly that length; the buffer is released. */
  take(): T {
    const out = this.length === this.data.length ? this.data : (this.data.slice(0, this.length) as T);
    this.data = new this.kind(0);
    return out;
  }
}

/** The order of label names: numbers first, in numeric order, then other names in code-unit order. */
export function compareNames(a: string, b: string): number {
  const [na, nb] = [NUMBER.test(a), NUMBER.test(b)];
  if (na && nb) return Number(a) - Number(b);
  if (na !== nb) return na ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Parses delimited text held in memory; every error names the 1-based line and column. */
export function parseDelimited(text: string, options: DelimitedOptions = {}): Delimited {
  if (typeof text !== 'string') throw new TypeError(`parseDelimited: text must be a string, got ${typeof text}`);
  const reader = new DelimitedReader(options);
  reader.push(text);
  return reader.end();
}

/**
 * Reads a delimited text file (Node path or `file:` URL, gzip or not) or fetches it (browser, or an
 * http(s) URL), then parses it. In Node a local file is streamed: only the parsed numbers are kept.
 */
export async function loadDelimited(source: string | URL, options: DelimitedOptions = {}): Promise<Delimited> {
  const name = describeSource(source);
  try {
    const reader = new DelimitedReader(options);
    const local = localFile(source);
    if (local !== null) {
      await streamFile(local, reader, name);
    } else {
      let bytes: Uint8Array;
      try {
        bytes = await readMaybeGzipped(source);
      } catch (e) {
        throw new Error(`loadDelimited: ${(e as Error).message}`, { cause: e });
      }
      reader.push(new TextDecoder().decode(bytes));
    }
    return reader.end();
  } catch (e) {
    // Say which file the line numbers refer to.
    const err = e as Error;
    err.message = err.message.replace(/^parseDelimited:/, `loadDelimited: ${name}:`);
    throw err;
  }
}

/** Feeds a local file to `reader` in chunks, decompressing it on the way when it starts with the gzip magic number. */
async function streamFile(path: string | URL, reader: DelimitedReader, name: string): Promise<void> {
  const fs = await import(/* webpackIgnore: true */ /* @vite-ignore */ 'node:fs');
  const zlib = await import(/* webpackIgnore: true */ /* @vite-ignore */ 'node:zlib');
  let stream: NodeJS.ReadableStream;
  try {
    const handle = await fs.promises.open(path, 'r');
    const magic = new Uint8Array(2);
    await handle.read(magic, 0, 2, 0).finally(() => handle.close());
    const file = fs.createReadStream(path, { highWaterMark: 1 << 20 });
    if (isGzip(magic)) {
      const gunzip = zlib.createGunzip();
      // pipe() does not pass on the source's errors.
      file.on('error', (e) => gunzip.destroy(e));
      stream = file.pipe(gunzip);
    } else stream = file;
  } catch (e) {
    throw new Error(`loadDelimited: ${name}: cannot read file: ${(e as Error).message}`, { cause: e });
  }
  const decoder = new TextDecoder();
  // Only the stream's own errors are read errors; the reader's (and a labelColumn function's) pass as they are.
  let parsing = false;
  try {
    for await (const chunk of stream) {
      parsing = true;
      reader.push(decoder.decode(chunk as Uint8Array, { stream: true }));
      parsing = false;
    }
  } catch (e) {
    if (parsing) throw e;
    throw new Error(`loadDelimited: ${name}: cannot read file: ${(e as Error).message}`, { cause: e });
  }
  reader.push(decoder.decode());
}

/** The most frequent of tab, comma, semicolon in `line` (outside quotes); spaces if none occurs. */
function detectDelimiter(line: string): string {
  // Quotes open a field only at its start (a quote inside a cell is text, as the splitter reads it);
  // a quoted field left open runs on to the next line, and its text is no more a separator than a closed one's.
  const unquoted = line.replace(/(^|[\t,; ])[ ]*"(?:[^"]|"")*("|$)/g, '$1');
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

/**
 * Splits one line of a record into trimmed fields, unquoting `"..."` fields (with `""` for a quote),
 * and adds them to `row`. A quoted field that is still open at the end of the line stays in
 * `row.open` (with the line break) and the next line goes on with it; returns whether the record is
 * complete.
 */
function splitLine(raw: string, delimiter: string, row: Row): boolean {
  const whitespace = delimiter === ' ' || delimiter === '\t';
  const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
  // Whitespace around the fields of a whitespace-separated line is not a separator; inside quotes it is text.
  const end = whitespace ? line.trimEnd().length : line.length;
  const { fields } = row;
  let i = 0;
  let value = row.open;
  if (value === null && whitespace) i = line.length - line.trimStart().length;
  for (;;) {
    if (value === null) {
      while (line[i] === ' ' && separatorAt(line, i, delimiter) === 0) i++;
      if (line[i] === '"') {
        value = '';
        i++;
      }
    }
    if (value !== null) {
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) {
          row.open = value + line.slice(i) + '\n';
          return false;
        }
        value += line.slice(i, q);
        i = q + 1;
        if (line[i] !== '"') break;
        value += '"';
        i++;
      }
      row.open = null;
      while (i < end && line[i] === ' ' && separatorAt(line, i, delimiter) === 0) i++;
      if (i < end && separatorAt(line, i, delimiter) === 0) {
        throw new Error(`parseDelimited: line ${row.line}, column ${fields.length + 1}: unexpected text after a closing quote`);
      }
      fields.push(value);
      value = null;
    } else {
      let j = i;
      while (j < end && separatorAt(line, j, delimiter) === 0) j++;
      fields.push(line.slice(i, j).trim());
      i = j;
    }
    if (i >= end) return true;
    i += separatorAt(line, i, delimiter);
  }
}

/** A cell as a finite number, or an error naming where it is and what it holds. */
function toNumber(cell: string, line: number, column: number): number {
  if (cell === '') throw new Error(`parseDelimited: line ${line}, column ${column}: empty field`);
  if (!NUMBER.test(cell)) throw new Error(`parseDelimited: line ${line}, column ${column}: ${JSON.stringify(cell)} is not a number`);
  const value = Number(cell);
  // 1e999 matches the pattern but reads as Infinity, which would poison training far from here.
  if (!Number.isFinite(value))
    throw new Error(`parseDelimited: line ${line}, column ${column}: ${JSON.stringify(cell)} is not a finite number (beyond ±1.8e308)`);
  return value;
}
