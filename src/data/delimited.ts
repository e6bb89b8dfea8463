/**
 * Delimited text (CSV, TSV, whitespace-separated) as a table: feature columns of numbers or text,
 * with missing values, plus an optional label column. Real files are messy: the UCI seeds file
 * separates some fields with two tabs, Windows files end lines with CRLF and old Mac files with CR,
 * the last line may or may not end in a newline, scikit-learn's CSVs open with a line of counts
 * before the table, and tables of people hold text and gaps; all of these read. Quoted fields may
 * contain delimiters, doubled quotes and line breaks (RFC 4180); a record that runs over several
 * lines is named in messages by the line where it starts.
 *
 * Labels may be numbers or names ("Kama", "setosa"); names become class indices, listed in
 * `labelNames`. Feature columns are read as they are (table.ts) and then prepared for a network
 * (table-preparation.ts): text one-hot encoded, missing values filled in. Text is parsed line by
 * line as it arrives (`DelimitedReader`), and in Node `loadDelimited` streams the file, so that a
 * file of millions of rows is never held in memory whole, neither as bytes nor as text: only the
 * values it holds are.
 */
import type { Matrix } from '../io/matrix.js';
import { compareNames, MISSING_VALUES, MissingValues, toNumber, type MissingPolicy } from './cells.js';
import { resolveColumn, selectFeatureColumns, type ColumnRef } from './column-selection.js';
import { detectDelimiter, NUMBER, splitLine, type Row } from './fields.js';
import { Fingerprint } from './fingerprint.js';
import { GrowingArray } from './growing-array.js';
import { LineSplitter } from './line-splitter.js';
import { describeSource, isGzip, localFile, readMaybeGzipped } from './source.js';
import { TableBuilder, type ColumnPlan, type Table } from './table.js';
import { TablePreparation, type TablePreparationJSON, type Unseen } from './table-preparation.js';
import { utf16Encoding, utf16Error } from './text-encoding.js';

export { compareNames, MISSING_VALUES, type MissingPolicy } from './cells.js';
export type { ColumnRef } from './column-selection.js';

export interface DelimitedOptions {
  /** One character; default: detected from the first line among tab, comma and semicolon, else spaces. */
  delimiter?: string;
  /**
   * The column holding the label: its header name, or its 0-based index (negative counts from the
   * end: -1 = last). Default: none (with `preparation`: where the file it was fitted on had it, when
   * the file has that column). A function is given the number of columns and the header (once the
   * first lines are read) and returns the column, or undefined for none: a caller that knows how
   * many features to expect can take a label column only when there is one, in a single pass.
   */
  labelColumn?: ColumnRef | ((columns: number, header: readonly string[] | null) => ColumnRef | undefined);
  /**
   * Whether the first line names the columns. Default: yes when one of its fields is text where
   * the second line holds a number (or, in a one-line file, when any field is text); with
   * `preparation`, also when it repeats the names of the file the preparation was fitted on.
   */
  header?: boolean;
  /**
   * How to read the label column: 'number' (every label must be a number), 'name' (every label is
   * a class name, even "1"), or 'auto' (default: numbers, unless some label is not a number).
   */
  labelType?: 'auto' | 'number' | 'name';
  /** Lines at the top to skip before the table starts, whatever they hold (scikit-learn's CSVs open with one of counts and class names). Default 0. */
  skipRows?: number;
  /** The feature columns, by header name or 0-based index (kept in file order); default all but the label column. */
  featureColumns?: readonly ColumnRef[];
  /** Columns to leave out, by header name or 0-based index; they are not parsed at all. */
  ignoreColumns?: readonly ColumnRef[];
  /**
   * Missing values (MISSING_VALUES: '', NA, N/A, NaN, nan, ?): 'impute' (default) fills them in,
   * with the column's mean (for text, its categories' frequencies) over the rows the preparation
   * is fitted on; 'refuse' refuses the first, naming its line and column. With `preparation`, a
   * category it does not know is filled in or refused in the same way.
   */
  missing?: MissingPolicy;
  /**
   * A preparation fitted before (`Delimited.preparation`, or its `toJSON()` as a model file keeps
   * it): the file is read and encoded as that one was, instead of fitting one to it. The file must
   * have the same columns, in the same order; its label column may be absent.
   */
  preparation?: TablePreparation | TablePreparationJSON;
}

/** What is read from a file before it is prepared for a network. */
export interface DelimitedTable {
  /** The feature columns as read: numbers, text, missing values. */
  table: Table;
  /**
   * The label column as numbers (class indices into `labelNames` when labels are names), or null
   * without `labelColumn`. A label that is a missing value (MISSING_VALUES) is NaN.
   */
  labels: number[] | null;
  /** When labels are names: the distinct names, sorted (numbers among them in numeric order first); label i is labelNames[labels[i]]. */
  labelNames: string[] | null;
  /** The first line's fields (after skipRows), all columns as in the file (label included), or null. */
  header: string[] | null;
  /** The 0-based column the labels were taken from (as a non-negative index), or null. */
  labelColumn: number | null;
  /** The 1-based line of the text where each data row starts (rows may follow skipped lines, a header, blank lines, or records of several lines), for messages about a row. */
  lines: Uint32Array;
  /** A fingerprint of the data rows' fields (fingerprint.ts): the same rows give the same one, whatever the line endings, quoting or compression. */
  fingerprint: string;
}

export interface Delimited extends DelimitedTable {
  /**
   * The network's inputs, one row per data line, float64: the feature columns (label removed) as
   * the preparation encodes them; for a table of numbers without missing values, those numbers.
   */
  x: Matrix;
  /** How `x` was made (fitted on all rows of this file, or `options.preparation`); its toJSON() prepares other files the same way. */
  preparation: TablePreparation;
  /** A name for each column of `x`: the header's (or `column N`), `name=category` for one-hot columns. */
  features: string[];
  /** Cells of categories `options.preparation` does not know, filled in as missing values are: how many, and the first; null if none. */
  unseen: Unseen;
}

/**
 * The longest record read, in characters (a line, or the lines of a record whose quoted field runs
 * on): 4 Mi. Real rows are far shorter (MNIST as CSV: 3 kB a row); a longer one is a stray quote or
 * a file without line breaks, and holding it would hold the rest of the file.
 */
export const MAX_RECORD_LENGTH = 4 * 1024 * 1024;

/**
 * Parses delimited text pushed in pieces of any size (`push`), then `end()` returns the data.
 * Every error names the 1-based line and column.
 */
export class DelimitedReader {
  private readonly splitter = new LineSplitter((line) => this.line(line));
  /** Characters of the lines that an open record (a quoted field running on) has taken so far. */
  private recordLength = 0;
  /** Whether any text has come (a byte-order mark is dropped from the very start only). */
  private started = false;
  private lineNo = 0;
  private readonly skipRows: number;
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
  private readonly preparation: TablePreparation | null;
  private readonly missingValues: MissingValues;
  private table: TableBuilder | null = null;
  private readonly fingerprint = new Fingerprint();
  private rows = 0;
  /** Labels, or provisional name ids; typed, so that a million of them cost 8 MB outside the JS heap. */
  private labels: GrowingArray<Float64Array> | null = null;
  /** Label names to provisional ids (in order of appearance), once a label is read as a name. */
  private names: Map<string, number> | null = null;
  constructor(private readonly options: DelimitedOptions = {}) {
    const { delimiter, labelType, labelColumn, skipRows, missing, preparation, featureColumns, ignoreColumns } = options;
    if (
      labelColumn !== undefined &&
      typeof labelColumn !== 'function' &&
      typeof labelColumn !== 'number' &&
      typeof labelColumn !== 'string'
    ) {
      throw new TypeError(
        `parseDelimited: options.labelColumn must be a column name, an integer or a function of the column count, got ${JSON.stringify(labelColumn)}`,
      );
    }
    if (delimiter !== undefined && (typeof delimiter !== 'string' || delimiter.length !== 1)) {
      throw new RangeError(`parseDelimited: options.delimiter must be one character, got ${JSON.stringify(delimiter)}`);
    }
    if (labelType !== undefined && labelType !== 'auto' && labelType !== 'number' && labelType !== 'name') {
      throw new RangeError(`parseDelimited: options.labelType must be 'auto', 'number' or 'name', got ${JSON.stringify(labelType)}`);
    }
    if (skipRows !== undefined && !(Number.isInteger(skipRows) && skipRows >= 0)) {
      throw new RangeError(`parseDelimited: options.skipRows must be an integer ≥ 0, got ${JSON.stringify(skipRows)}`);
    }
    if (missing !== undefined && missing !== 'impute' && missing !== 'refuse') {
      throw new RangeError(`parseDelimited: options.missing must be 'impute' or 'refuse', got ${JSON.stringify(missing)}`);
    }
    if (preparation !== undefined && (featureColumns !== undefined || ignoreColumns !== undefined)) {
      throw new TypeError(
        `parseDelimited: options.${featureColumns !== undefined ? 'featureColumns' : 'ignoreColumns'} goes without options.preparation, which chose the columns when it was fitted`,
      );
    }
    this.skipRows = skipRows ?? 0;
    const prepared =
      preparation === undefined
        ? null
        : preparation instanceof TablePreparation
          ? preparation
          : TablePreparation.fromJSON(preparation, 'parseDelimited: options.preparation');
    this.preparation = prepared !== null && missing !== undefined ? prepared.withMissing(missing) : prepared;
    this.missingValues = new MissingValues(this.preparation?.missingValues ?? MISSING_VALUES);
    this.delimiter = delimiter;
    if (labelType === 'name') this.names = new Map();
  }

  /** Parses every complete line of `text` (appended to what came before); a partial last line waits for more. */
  push(text: string): void {
    if (!this.started && text !== '') {
      this.started = true;
      text = text.replace(/^\uFEFF/, '');
    }
    this.splitter.push(text);
    this.checkLength(this.splitter.pendingLength);
  }

  /** Parses the last line (which needs no newline) and returns the table read, before any preparation. */
  endTable(): DelimitedTable {
    const last = this.splitter.end();
    if (last !== null) this.line(last);
    if (this.record !== null) {
      const { line, fields } = this.record;
      throw new Error(
        `parseDelimited: line ${line}, column ${fields.length + 1}: unterminated quoted field (its closing quote never comes)`,
      );
    }
    if (this.opening !== null) {
      if (this.opening.length === 0)
        throw new Error(`parseDelimited: text has no non-blank lines${this.skipRows > 0 ? ` after the ${this.skipRows} skipped` : ''}`);
      this.settle();
    }
    if (this.rows === 0) throw new Error('parseDelimited: no data rows after the header');
    const label = this.label >= 0 ? this.label : null;
    const table = this.table!.finish(this.width, label, this.preparation);
    const { labels, labelNames } = this.finishLabels();
    return { table, labels, labelNames, header: this.header, labelColumn: label, lines: table.lines, fingerprint: this.fingerprint.value };
  }

  /** Parses the last line and returns everything read, the features prepared by `options.preparation` or by one fitted on all the rows. */
  end(): Delimited {
    const read = this.endTable();
    const preparation = this.preparation ?? TablePreparation.fit(read.table, { missing: this.options.missing, where: 'parseDelimited' });
    const { x, unseen } = preparation.apply(read.table);
    return { ...read, x, preparation, features: preparation.inputNames(), unseen };
  }

  /**
   * Refuses a record that has grown past MAX_RECORD_LENGTH with `more` characters still to come:
   * one stray quote, or a file without line breaks, would otherwise make the reader hold the rest
   * of the file in one string, until the process runs out of memory or past the longest string.
   */
  private checkLength(more: number): void {
    const open = this.record;
    const length = (open !== null ? this.recordLength : 0) + more;
    if (length <= MAX_RECORD_LENGTH) return;
    if (open !== null) {
      throw new Error(
        `parseDelimited: line ${open.line}, column ${open.fields.length + 1}: unterminated quoted field (the record runs on for more than ${MAX_RECORD_LENGTH.toLocaleString('en-US')} characters without its closing quote)`,
      );
    }
    throw new Error(
      `parseDelimited: line ${this.lineNo + 1}: a record longer than ${MAX_RECORD_LENGTH.toLocaleString('en-US')} characters (a line that never ends: is this a delimited text file?)`,
    );
  }

  private line(raw: string): void {
    this.checkLength(raw.length);
    this.lineNo++;
    if (this.lineNo <= this.skipRows) return;
    // A NUL is never text: the file is binary, or UTF-16 read as UTF-8 (loadDelimited says which).
    const nul = raw.indexOf('\0');
    if (nul >= 0)
      throw new Error(
        `parseDelimited: line ${this.lineNo}: a NUL character at position ${nul + 1}; the text is not UTF-8 (UTF-16, or a binary file?)`,
      );
    if (this.record === null) {
      if (raw.trim() === '') return;
      this.delimiter ??= detectDelimiter(raw);
      this.record = { line: this.lineNo, fields: [], open: null };
      this.recordLength = 0;
    }
    const row = this.record;
    if (!splitLine(raw, this.delimiter!, row)) {
      this.recordLength += raw.length + 1;
      return;
    }
    this.record = null;
    if (this.opening === null) return this.row(row);
    this.opening.push(row);
    if (this.opening.length === 2) this.settle();
  }

  /** Decides on the header from the first (one or two) lines, fixes the width, the label and feature columns, and parses them. */
  private settle(): void {
    const opening = this.opening!;
    this.opening = null;
    const [first, second] = opening;
    const prep = this.preparation;
    const hasHeader = this.options.header ?? (prep !== null ? this.headerFor(prep, first, second) : this.looksLikeHeader(first, second));
    if (hasHeader) this.header = first.fields;
    this.width = first.fields.length;
    this.widthLine = first.line;
    const option = this.options.labelColumn;
    const given = typeof option === 'function' ? option(this.width, this.header) : option;
    // A preparation knows where its training file had the label: a file as wide has it there too.
    const lc = given ?? (prep !== null && this.width === prep.width ? (prep.labelColumn ?? undefined) : undefined);
    if (lc !== undefined) {
      this.label = resolveColumn(lc, this.width, this.header, 'options.labelColumn');
      this.labels = new GrowingArray(Float64Array);
    }
    const label = this.label >= 0 ? this.label : null;
    const columns = prep === null ? this.chooseColumns(label) : this.columnsOf(prep, label, second);
    this.table = new TableBuilder(columns, this.header, this.missingValues, prep?.missing ?? this.options.missing ?? 'impute');
    for (const row of hasHeader ? opening.slice(1) : opening) this.row(row);
  }

  /** A text field above a number names its column; text above text is a column of names (labels, categories). */
  private looksLikeHeader(first: Row, second: Row | undefined): boolean {
    // A missing value (NA, '', ?) is not a column name, nor evidence of one.
    const text = (f: string) => !this.missingValues.has(f) && !NUMBER.test(f);
    return second && second.fields.length === first.fields.length
      ? first.fields.some((f, c) => text(f) && NUMBER.test(second.fields[c]))
      : first.fields.some(text);
  }

  /**
   * With a preparation, more is known: a first line that repeats the training file's names is a
   * header, and one that holds some of them too (its columns renamed or reordered, which settle()
   * then names); when the training file had no header, a first line with text where the
   * preparation reads numbers is one. A table of text alone is judged as usual.
   */
  private headerFor(prep: TablePreparation, first: Row, second: Row | undefined): boolean {
    if (repeatsHeader(first.fields, prep)) return true;
    const names = prep.header;
    if (names !== null) return first.fields.some((f) => f !== '' && !NUMBER.test(f) && names.includes(f));
    const w = first.fields.length;
    const label = w === prep.width ? prep.labelColumn : null;
    if (w !== prep.width && !(prep.labelColumn !== null && w === prep.width - 1)) return this.looksLikeHeader(first, second);
    const here = Array.from({ length: w }, (_, c) => c).filter((c) => c !== label);
    const trained = Array.from({ length: prep.width }, (_, c) => c).filter((c) => c !== prep.labelColumn);
    const numbers = prep.columns.filter((c) => c.kind === 'number').map((c) => here[trained.indexOf(c.column)]);
    if (numbers.length === 0) return this.looksLikeHeader(first, second);
    return numbers.some((c) => !NUMBER.test(first.fields[c]) && !this.missingValues.has(first.fields[c]));
  }

  /** The feature columns of a table read for fitting: as options.featureColumns / ignoreColumns say, each decided by what it holds. */
  private chooseColumns(label: number | null): { column: number; plan: ColumnPlan }[] {
    const { featureColumns, ignoreColumns } = this.options;
    return selectFeatureColumns(this.width, this.header, label, featureColumns, ignoreColumns).map((column) => ({
      column,
      plan: { kind: 'auto' },
    }));
  }

  /**
   * The columns a preparation reads, in this file: its training file's feature columns in order,
   * this file's label column (if any) left out, so that a file without the label reads too.
   */
  private columnsOf(prep: TablePreparation, label: number | null, second: Row | undefined): { column: number; plan: ColumnPlan }[] {
    const others = (width: number, skip: number | null) => Array.from({ length: width }, (_, c) => c).filter((c) => c !== skip);
    const trained = others(prep.width, prep.labelColumn);
    const here = others(this.width, label);
    if (here.length !== trained.length) {
      const besides = label !== null ? ` besides the label column (${label})` : ' (and no label column)';
      const labelled = prep.labelColumn !== null ? ` and the label column (${prep.labelColumn})` : '';
      // The first line as wide as the training file's is not the first line: something is above the table.
      const skip =
        second !== undefined && second.fields.length !== this.width
          ? `; if line ${this.widthLine} is not part of the table, skip ${this.widthLine === 1 ? 'it' : `lines 1–${this.widthLine}`} (options.skipRows ${this.widthLine})`
          : '';
      throw new RangeError(
        `parseDelimited: ${here.length} feature column${here.length === 1 ? '' : 's'}${besides} on line ${this.widthLine}, but the training file had ${trained.length}${labelled}${skip}`,
      );
    }
    if (this.header !== null && prep.header !== null) {
      here.forEach((c, p) => {
        const want = prep.header![trained[p]];
        if (this.header![c] !== want) {
          throw new RangeError(
            `parseDelimited: column ${c} is named '${this.header![c]}', where the training file had '${want}'; the columns must be the training file's, in its order`,
          );
        }
      });
    }
    const plans = prep.plans();
    return prep.columns.map((c, i) => ({ column: here[trained.indexOf(c.column)], plan: plans[i] }));
  }

  private row({ line, fields }: Row): void {
    if (fields.length !== this.width) {
      const as = line === this.widthLine ? '' : `, as on line ${this.widthLine}`;
      // An empty cell between two tabs vanishes into the run, so the count is off on the line that has it.
      const runs =
        this.delimiter === ' ' || this.delimiter === '\t'
          ? `; runs of ${this.delimiter === ' ' ? 'spaces and tabs' : 'tabs (and spaces)'} count as one separator, so an empty cell is not a field`
          : '';
      // A table under a line of something else (scikit-learn's counts and class names) breaks on its first row.
      const lines = this.widthLine === 1 ? 'it' : `lines 1–${this.widthLine}`;
      const skip =
        this.rows === 0 ? `; if line ${this.widthLine} is not part of the table, skip ${lines} (options.skipRows ${this.widthLine})` : '';
      throw new Error(`parseDelimited: line ${line}: expected ${this.width} fields${as}, got ${fields.length}${runs}${skip}`);
    }
    this.fingerprint.addRow(fields);
    if (this.label >= 0) this.labelCell(fields[this.label], line, this.label + 1);
    this.table!.row(fields, line);
    this.rows++;
  }

  private labelCell(cell: string, line: number, column: number): void {
    const labels = this.labels!;
    // A row without its label (a gap in the file) is kept, its label NaN: predict needs no label, and train and eval leave such rows out.
    if (this.missingValues.has(cell)) {
      labels.push(NaN);
      return;
    }
    if (this.names === null) {
      if (NUMBER.test(cell) || this.options.labelType === 'number') {
        labels.push(toNumber(cell, line, column));
        return;
      }
      // The first name: the numbers read so far become names too ("1" and "1.0" are one class).
      this.names = new Map();
      for (let i = 0; i < labels.length; i++) if (!Number.isNaN(labels.data[i])) labels.data[i] = this.idOf(String(labels.data[i]));
    }
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
    return { labels: Array.from(labels, (id) => (Number.isNaN(id) ? NaN : remap[id])), labelNames: sorted };
  }
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
 * http(s) URL), then parses it and prepares its features (`options.preparation`, or one fitted on
 * all its rows). In Node a local file is streamed: only the parsed values are kept.
 */
export async function loadDelimited(source: string | URL, options: DelimitedOptions = {}): Promise<Delimited> {
  return readSource(source, options, (reader) => reader.end());
}

/**
 * Reads a delimited text file as loadDelimited does, without preparing its features: the table,
 * for a preparation to be fitted on some of its rows (TablePreparation.fit(table, { rows })).
 */
export async function readDelimited(source: string | URL, options: DelimitedOptions = {}): Promise<DelimitedTable> {
  return readSource(source, options, (reader) => reader.endTable());
}

async function readSource<T>(source: string | URL, options: DelimitedOptions, end: (reader: DelimitedReader) => T): Promise<T> {
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
      const utf16 = utf16Encoding(bytes);
      if (utf16 !== null) throw utf16Error(`loadDelimited: ${name}`, utf16);
      reader.push(new TextDecoder().decode(bytes));
    }
    return end(reader);
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
  let first = true;
  try {
    for await (const chunk of stream) {
      parsing = true;
      if (first) {
        // Decompressed, when the file is gzipped: the encoding is that of the text inside.
        const utf16 = utf16Encoding(chunk as Uint8Array);
        if (utf16 !== null) throw utf16Error(`loadDelimited: ${name}`, utf16);
        first = false;
      }
      reader.push(decoder.decode(chunk as Uint8Array, { stream: true }));
      parsing = false;
    }
  } catch (e) {
    if (parsing) throw e;
    throw new Error(`loadDelimited: ${name}: cannot read file: ${(e as Error).message}`, { cause: e });
  }
  reader.push(decoder.decode());
}

/** Whether `fields` are the names of the preparation's training file (with or without its label column). */
function repeatsHeader(fields: readonly string[], prep: TablePreparation | null): boolean {
  const names = prep?.header;
  if (!names) return false;
  const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((v, i) => v === b[i]);
  const label = prep!.labelColumn;
  return (
    same(fields, names) ||
    (label !== null &&
      same(
        fields,
        names.filter((_, c) => c !== label),
      ))
  );
}
