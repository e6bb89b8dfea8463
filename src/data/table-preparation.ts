/**
 * From a table's columns to the matrix a network takes, and back again for the next file: which
 * columns are features, how text columns are one-hot encoded (their categories), and what fills
 * a missing value (the training rows' mean; for a text column, the mean of its one-hot columns,
 * which is each category's frequency). Fitted on the training rows only, so that nothing of the
 * held-out rows leaks into training, and saved in the model file (`toJSON`), so that predict and
 * eval read raw rows exactly as train did.
 *
 * A category the training rows did not have (at predict time, or in held-out rows) carries no
 * more information than a missing value, and is encoded as one, unless missing values are refused.
 */
import { matrix, type Matrix } from '../io/matrix.js';
import { describe } from '../io/describe.js';
import { compareNames, MISSING_VALUES, type MissingPolicy } from './cells.js';
import { columnName } from './column-selection.js';
import { MISSING_ID, UNSEEN_ID, type ColumnPlan, type Table } from './table.js';

/** A number column: one input, `fill` for a missing value. */
export interface NumberColumnJSON {
  column: number;
  kind: 'number';
  fill: number;
}

/** A text column: one input per category (in this order), `fill` (the categories' frequencies) for a missing or unknown value. */
export interface CategoriesColumnJSON {
  column: number;
  kind: 'categories';
  categories: string[];
  fill: number[];
}

/** The saved form of a preparation (in a model file: `preparation`). */
export interface TablePreparationJSON {
  /** Columns of the file it was fitted on, the label's included. */
  width: number;
  /** That file's column names, or null. */
  header: string[] | null;
  /** Its 0-based label column, or null. */
  labelColumn: number | null;
  /** The feature columns, in file order (0-based `column`s of that file), one or more inputs each. */
  columns: (NumberColumnJSON | CategoriesColumnJSON)[];
  /** Whether missing (and unknown) values are filled in, or refused. */
  missing: MissingPolicy;
  /** The cells read as missing values. */
  missingValues: string[];
}

/** Where a category the preparation does not know was met, and how often. */
export type Unseen = { count: number; line: number; column: number; value: string } | null;

export class TablePreparation {
  private constructor(private readonly saved: TablePreparationJSON) {}

  /**
   * Fits a preparation on `rows` of `table` (default all): numbers keep their column, filled with
   * the rows' mean; text becomes one input per category the rows hold, in name order, filled with
   * the categories' frequencies. A column with no value in those rows is refused.
   */
  static fit(table: Table, options: { rows?: ArrayLike<number>; missing?: MissingPolicy; where?: string } = {}): TablePreparation {
    const where = options.where ?? 'TablePreparation.fit';
    const missing = options.missing ?? 'impute';
    if (missing !== 'impute' && missing !== 'refuse')
      throw new RangeError(`${where}: options.missing must be 'impute' or 'refuse', got ${describe(missing)}`);
    const rows = options.rows ?? null;
    const count = rows === null ? table.rows : rows.length;
    const rowAt = (k: number) => (rows === null ? k : rows[k]);
    const k = table.columns.length;
    const which = rows === null ? 'rows' : 'training rows';
    const columns = table.columns.map((col, j): NumberColumnJSON | CategoriesColumnJSON => {
      const name = columnName(col.column, table.header);
      if (missing === 'refuse' && col.missing > 0)
        throw new Error(
          `${where}: line ${col.firstMissingLine}, column ${col.column + 1}: a missing value (missing values are refused: options.missing 'refuse')`,
        );
      if (col.text === null) {
        let sum = 0;
        let n = 0;
        for (let i = 0; i < count; i++) {
          const v = table.cells[rowAt(i) * k + j];
          if (!Number.isNaN(v)) {
            sum += v;
            n++;
          }
        }
        if (n === 0)
          throw new RangeError(
            `${where}: column ${name} has no values in the ${which} (every cell is a missing value); leave it out (options.ignoreColumns)`,
          );
        // Finite values can sum past the largest double: then the mean is taken of scaled values.
        let mean = sum / n;
        if (!Number.isFinite(mean)) {
          mean = 0;
          for (let i = 0; i < count; i++) {
            const v = table.cells[rowAt(i) * k + j];
            if (!Number.isNaN(v)) mean += v / n;
          }
        }
        return { column: col.column, kind: 'number', fill: mean };
      }
      const { ids, names } = col.text;
      const tally = new Array<number>(names.length).fill(0);
      let n = 0;
      for (let i = 0; i < count; i++) {
        const id = ids[rowAt(i)];
        if (id < names.length) {
          tally[id]++;
          n++;
        }
      }
      const present = names.filter((_, id) => tally[id] > 0);
      if (present.length === 0)
        throw new RangeError(
          `${where}: column ${name} has no values in the ${which} (every cell is a missing value); leave it out (options.ignoreColumns)`,
        );
      const categories = present.sort(compareNames);
      const fill = categories.map((c) => tally[names.indexOf(c)] / n);
      return { column: col.column, kind: 'categories', categories, fill };
    });
    return new TablePreparation({
      width: table.width,
      header: table.header === null ? null : [...table.header],
      labelColumn: table.labelColumn,
      columns,
      missing,
      missingValues: [...table.missingValues],
    });
  }

  /** A preparation from its saved form, every field checked; errors start with `where`. */
  static fromJSON(json: unknown, where = 'TablePreparation.fromJSON'): TablePreparation {
    return new TablePreparation(checkPreparation(json, where));
  }

  /** The saved form (a copy). */
  toJSON(): TablePreparationJSON {
    return structuredClone(this.saved);
  }

  /** How many network inputs it makes: one per number column, one per category of a text column. */
  get inputs(): number {
    return this.saved.columns.reduce((n, c) => n + (c.kind === 'number' ? 1 : c.categories.length), 0);
  }

  get width(): number {
    return this.saved.width;
  }

  get header(): readonly string[] | null {
    return this.saved.header;
  }

  get labelColumn(): number | null {
    return this.saved.labelColumn;
  }

  get missing(): MissingPolicy {
    return this.saved.missing;
  }

  get missingValues(): readonly string[] {
    return this.saved.missingValues;
  }

  get columns(): readonly Readonly<NumberColumnJSON | CategoriesColumnJSON>[] {
    return this.saved.columns;
  }

  /** The same preparation with another missing-value policy (eval or predict may be stricter than training was). */
  withMissing(missing: MissingPolicy): TablePreparation {
    return new TablePreparation({ ...this.toJSON(), missing });
  }

  /** A name for each input: the column's (or `column N`), and `column=category` for one-hot inputs. */
  inputNames(): string[] {
    const base = (c: number) => this.saved.header?.[c] || `column ${c}`;
    return this.saved.columns.flatMap((c) =>
      c.kind === 'number' ? [base(c.column)] : c.categories.map((cat) => `${base(c.column)}=${cat}`),
    );
  }

  /** How the reader is to read each feature column (in `columns` order). */
  plans(): ColumnPlan[] {
    return this.saved.columns.map((c) => (c.kind === 'number' ? { kind: 'number' } : { kind: 'categories', categories: c.categories }));
  }

  /**
   * The network's inputs for every row of `table`: numbers as they are, one-hot rows for text, and
   * the fill values where a cell is missing or of an unknown category (counted in `unseen`). A table
   * read without this preparation's plan must have the same columns as the file it was fitted on.
   * With nothing to encode or fill, the table's own cells are returned, not a copy.
   */
  apply(table: Table): { x: Matrix; unseen: Unseen } {
    const cols = this.saved.columns;
    const k = table.columns.length;
    const own = table.plan === this;
    if (!own) this.checkLayout(table);
    const plain = cols.every((c) => c.kind === 'number') && table.columns.every((c) => c.missing === 0 && c.text === null);
    if (plain) return { x: matrix(table.cells, table.rows, k), unseen: null };
    const inputs = this.inputs;
    const x = new Float64Array(table.rows * inputs);
    let unseen: Unseen = table.unseen === null ? null : { ...table.unseen };
    // For each column: its first input, and (text read without the plan) each id's category or −1.
    let offset = 0;
    const layout = cols.map((c, j) => {
      const at = offset;
      offset += c.kind === 'number' ? 1 : c.categories.length;
      const text = table.columns[j].text;
      const lookup = c.kind === 'categories' && text !== null && !own ? text.names.map((name) => c.categories.indexOf(name)) : null;
      return { at, lookup };
    });
    for (let r = 0; r < table.rows; r++) {
      const out = r * inputs;
      for (let j = 0; j < k; j++) {
        const c = cols[j];
        const { at, lookup } = layout[j];
        if (c.kind === 'number') {
          const v = table.cells[r * k + j];
          x[out + at] = Number.isNaN(v) ? c.fill : v;
          continue;
        }
        const text = table.columns[j].text;
        // A column of no text at all here (every cell missing) is filled throughout.
        let id = text === null ? MISSING_ID : text.ids[r];
        if (lookup !== null && id !== MISSING_ID && id !== UNSEEN_ID) {
          const cat = lookup[id];
          if (cat < 0) {
            if (this.saved.missing === 'refuse') {
              throw new Error(
                `TablePreparation.apply: line ${table.lines[r]}, column ${table.columns[j].column + 1}: ${JSON.stringify(text!.names[id])} is not one of the categories of column ${columnName(c.column, this.saved.header)} in the rows the preparation was fitted on (${c.categories.join(', ')}), and unknown categories are refused as missing values are (options.missing 'refuse')`,
              );
            }
            unseen ??= { count: 0, line: table.lines[r], column: table.columns[j].column, value: text!.names[id] };
            unseen.count++;
            id = UNSEEN_ID;
          } else id = cat;
        }
        if (id === MISSING_ID || id === UNSEEN_ID) for (let i = 0; i < c.fill.length; i++) x[out + at + i] = c.fill[i];
        else x[out + at + id] = 1;
      }
    }
    return { x: matrix(x, table.rows, inputs), unseen };
  }

  /** A table read without the plan: the same columns, each of a kind that fits. */
  private checkLayout(table: Table): void {
    const cols = this.saved.columns;
    const same = table.columns.length === cols.length && cols.every((c, j) => table.columns[j].column === c.column);
    if (!same) {
      const read = table.columns.map((c) => c.column).join(', ');
      throw new RangeError(
        `TablePreparation.apply: the table's feature columns (${read}) are not the ones the preparation was fitted on (${cols.map((c) => c.column).join(', ')})`,
      );
    }
    cols.forEach((c, j) => {
      const col = table.columns[j];
      const allMissing = col.missing === table.rows;
      if (c.kind === 'number' && col.text !== null) {
        throw new Error(
          `TablePreparation.apply: column ${columnName(c.column, table.header)} holds text here, and numbers in the rows the preparation was fitted on`,
        );
      }
      if (c.kind === 'categories' && col.text === null && !allMissing) {
        throw new Error(
          `TablePreparation.apply: column ${columnName(c.column, table.header)} holds numbers here, and text (categories) in the rows the preparation was fitted on`,
        );
      }
    });
  }
}

/** A checked copy of a saved preparation, or an error naming the field. */
function checkPreparation(json: unknown, where: string): TablePreparationJSON {
  if (json === null || typeof json !== 'object' || Array.isArray(json))
    throw new TypeError(`${where} must be an object, got ${describe(json)}`);
  const p = json as Record<string, unknown>;
  const width = p.width;
  if (!Number.isInteger(width) || (width as number) < 1)
    throw new RangeError(`${where}: width must be a positive integer, got ${describe(width)}`);
  const w = width as number;
  const header = p.header;
  if (header !== null && (!Array.isArray(header) || header.length !== w || Array.from(header).some((h) => typeof h !== 'string'))) {
    throw new TypeError(`${where}: header must be null or ${w} strings (one per column), got ${describe(header)}`);
  }
  const label = p.labelColumn;
  if (label !== null && (!Number.isInteger(label) || (label as number) < 0 || (label as number) >= w)) {
    throw new RangeError(`${where}: labelColumn must be null or an integer in [0, ${w - 1}], got ${describe(label)}`);
  }
  if (p.missing !== 'impute' && p.missing !== 'refuse')
    throw new RangeError(`${where}: missing must be 'impute' or 'refuse', got ${describe(p.missing)}`);
  const spellings = p.missingValues;
  if (!Array.isArray(spellings) || Array.from(spellings).some((s) => typeof s !== 'string')) {
    throw new TypeError(
      `${where}: missingValues must be an array of strings (such as ${JSON.stringify(MISSING_VALUES)}), got ${describe(spellings)}`,
    );
  }
  const list = p.columns;
  if (!Array.isArray(list) || list.length === 0) throw new TypeError(`${where}: columns must be a non-empty array, got ${describe(list)}`);
  let previous = -1;
  const columns = Array.from(list as unknown[]).map((c, i): NumberColumnJSON | CategoriesColumnJSON => {
    const at = `${where}: columns[${i}]`;
    if (c === null || typeof c !== 'object') throw new TypeError(`${at} must be an object, got ${describe(c)}`);
    const { column, kind, fill, categories } = c as Record<string, unknown>;
    if (!Number.isInteger(column) || (column as number) <= previous || (column as number) >= w || column === label) {
      throw new RangeError(
        `${at}.column must be an integer in (${previous}, ${w - 1}], after the one before and not the label column, got ${describe(column)}`,
      );
    }
    previous = column as number;
    if (kind === 'number') {
      if (typeof fill !== 'number' || !Number.isFinite(fill))
        throw new TypeError(`${at}.fill must be a finite number, got ${describe(fill)}`);
      return { column: column as number, kind, fill };
    }
    if (kind !== 'categories') throw new TypeError(`${at}.kind must be 'number' or 'categories', got ${describe(kind)}`);
    if (
      !Array.isArray(categories) ||
      categories.length === 0 ||
      Array.from(categories).some((v) => typeof v !== 'string') ||
      new Set(categories).size !== categories.length
    ) {
      throw new TypeError(`${at}.categories must be a non-empty array of distinct strings, got ${describe(categories)}`);
    }
    if (
      !Array.isArray(fill) ||
      fill.length !== categories.length ||
      Array.from(fill).some((v) => typeof v !== 'number' || !(v >= 0 && v <= 1))
    ) {
      throw new TypeError(
        `${at}.fill must hold ${categories.length} numbers in [0, 1] (the categories' frequencies), got ${describe(fill)}`,
      );
    }
    return { column: column as number, kind, categories: [...(categories as string[])], fill: [...(fill as number[])] };
  });
  return {
    width: w,
    header: header === null ? null : [...(header as string[])],
    labelColumn: label as number | null,
    columns,
    missing: p.missing,
    missingValues: [...(spellings as string[])],
  };
}
