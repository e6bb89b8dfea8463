/**
 * A table's feature columns as read, before any encoding: numbers (with missing values marked),
 * or text (each cell an index into the column's distinct values). A table preparation
 * (table-preparation.ts) turns it into the matrix a network takes; keeping the two apart lets the
 * preparation be fitted on some rows (the training rows) and applied to all.
 *
 * Cells are stored as they are parsed, row by row, in typed arrays outside the JS heap: 8 bytes a
 * cell, plus 4 for a cell of a text column.
 */
import { finiteNumber, isNumberText, type MissingPolicy, type MissingValues } from './cells.js';
import { columnName } from './column-selection.js';
import { GrowingArray } from './growing-array.js';

/** A text cell's id for a missing value. */
export const MISSING_ID = 0xffffffff;
/** A text cell's id for a category that the preparation read with does not have. */
export const UNSEEN_ID = 0xfffffffe;

/**
 * The most distinct values a text column may hold to be read as categories (one network input
 * each). More is an identifier or free text (a passenger's name, a ticket number), which one-hot
 * encoding would turn into as many inputs as rows, each seen once.
 */
export const MAX_CATEGORIES = 100;

/** How to read a column: 'auto' decides from the cells (numbers, or else text); the others read it as a preparation did. */
export type ColumnPlan = { kind: 'auto' } | { kind: 'number' } | { kind: 'categories'; categories: readonly string[] };

export interface TableColumn {
  /** The 0-based column of the file. */
  column: number;
  /** Its header name, or null. */
  name: string | null;
  /** For a text column, each row's value as an index into `names` (or MISSING_ID, UNSEEN_ID); null for numbers. */
  text: { ids: Uint32Array; names: string[] } | null;
  /** How many cells are missing values, and the line of the first (0 when none). */
  missing: number;
  firstMissingLine: number;
}

export interface Table {
  /** Columns in the file, the label's included. */
  width: number;
  header: string[] | null;
  /** The 0-based label column, or null. */
  labelColumn: number | null;
  rows: number;
  /** The feature columns read (ignored columns are not), in file order. */
  columns: TableColumn[];
  /** rows × columns.length, row-major: each number; NaN where a cell is missing or text. */
  cells: Float64Array;
  /** The 1-based line where each row starts. */
  lines: Uint32Array;
  /** Cells of categories that the plan did not list: how many, and the first (its 0-based file column). */
  unseen: { count: number; line: number; column: number; value: string } | null;
  /** The cells that were read as missing values. */
  missingValues: readonly string[];
  /** The preparation whose plan the columns were read with (their ids index its categories), or null. */
  plan: object | null;
}

/** What is known of one column while rows come in. */
interface ColumnState {
  column: number;
  name: string | null;
  plan: ColumnPlan;
  ids: GrowingArray<Uint32Array> | null;
  /** Text values to ids: in order of appearance ('auto'), or the plan's categories. */
  names: Map<string, number> | null;
  numbers: number;
  firstNumber: { line: number; cell: string } | null;
  texts: number;
  firstText: { line: number; cell: string } | null;
  missing: number;
  firstMissingLine: number;
}

/** Collects the cells of the chosen columns, row by row; `finish` checks what 'auto' columns hold and returns the table. */
export class TableBuilder {
  private readonly states: ColumnState[];
  private readonly cells = new GrowingArray(Float64Array);
  private readonly lines = new GrowingArray(Uint32Array);
  private rows = 0;
  private unseen: Table['unseen'] = null;

  constructor(
    columns: readonly { column: number; plan: ColumnPlan }[],
    private readonly header: string[] | null,
    private readonly missingValues: MissingValues,
    private readonly missing: MissingPolicy,
  ) {
    this.states = columns.map(({ column, plan }) => {
      const categorical = plan.kind === 'categories';
      return {
        column,
        name: header?.[column] ?? null,
        plan,
        ids: categorical ? new GrowingArray(Uint32Array) : null,
        names: categorical ? new Map(plan.categories.map((c, i) => [c, i])) : null,
        numbers: 0,
        firstNumber: null,
        texts: 0,
        firstText: null,
        missing: 0,
        firstMissingLine: 0,
      };
    });
  }

  /** Reads the chosen cells of one record (all its fields, in file order), which starts on `line`. */
  row(fields: readonly string[], line: number): void {
    for (const s of this.states) {
      const cell = fields[s.column];
      const column = s.column + 1;
      if (s.plan.kind === 'categories') {
        this.cells.push(NaN);
        if (this.missingValues.has(cell)) this.missingCell(s, cell, line);
        else this.category(s, cell, line);
      } else if (isNumberText(cell)) {
        if (s.texts > 0) throw this.mixed(s, line, cell);
        this.cells.push(finiteNumber(cell, line, column));
        s.numbers++;
        s.firstNumber ??= { line, cell };
      } else if (this.missingValues.has(cell)) {
        this.cells.push(NaN);
        this.missingCell(s, cell, line);
      } else if (s.plan.kind === 'number') {
        throw new Error(
          `parseDelimited: line ${line}, column ${column}: ${JSON.stringify(cell)} is not a number (column ${columnName(s.column, this.header)} held numbers in the rows the table preparation was fitted on)`,
        );
      } else {
        this.cells.push(NaN);
        this.text(s, cell, line);
      }
    }
    this.lines.push(line);
    this.rows++;
  }

  /** The table read. */
  finish(width: number, labelColumn: number | null, plan: object | null): Table {
    const rows = this.rows;
    const columns = this.states.map((s): TableColumn => {
      const text =
        s.ids !== null && (s.texts > 0 || s.plan.kind === 'categories') ? { ids: s.ids.take(), names: [...s.names!.keys()] } : null;
      return { column: s.column, name: s.name, text, missing: s.missing, firstMissingLine: s.firstMissingLine };
    });
    const missingValues = this.missingValues.spellings;
    return {
      width,
      header: this.header,
      labelColumn,
      rows,
      columns,
      cells: this.cells.take(),
      lines: this.lines.take(),
      unseen: this.unseen,
      missingValues,
      plan,
    };
  }

  private missingCell(s: ColumnState, cell: string, line: number): void {
    if (this.missing === 'refuse') {
      const what = cell === '' ? 'empty field' : `${JSON.stringify(cell)} is a missing value`;
      throw new Error(
        `parseDelimited: line ${line}, column ${s.column + 1}: ${what} (missing values are refused: options.missing 'refuse')`,
      );
    }
    s.ids?.push(MISSING_ID);
    s.missing++;
    if (s.firstMissingLine === 0) s.firstMissingLine = line;
  }

  /** A text cell of an 'auto' column: a new or known value. */
  private text(s: ColumnState, cell: string, line: number): void {
    if (s.numbers > 0) throw this.mixed(s, line, cell);
    if (s.ids === null) {
      // The first text of the column: the rows before it were missing values, and have no id.
      s.ids = new GrowingArray(Uint32Array);
      s.names = new Map();
      for (let r = 0; r < this.rows; r++) s.ids.push(MISSING_ID);
    }
    let id = s.names!.get(cell);
    if (id === undefined) {
      if (s.names!.size === MAX_CATEGORIES) {
        throw new RangeError(
          `parseDelimited: line ${line}, column ${s.column + 1}: ${JSON.stringify(cell)} makes ${MAX_CATEGORIES + 1} distinct texts in column ${columnName(s.column, this.header)}, ` +
            `which holds an identifier or free text rather than categories (at most ${MAX_CATEGORIES}, one network input each); leave it out (options.ignoreColumns)`,
        );
      }
      s.names!.set(cell, (id = s.names!.size));
    }
    s.ids.push(id);
    s.texts++;
    s.firstText ??= { line, cell };
  }

  /** A cell of a column read as categories: its index, or UNSEEN_ID (refused when missing values are). */
  private category(s: ColumnState, cell: string, line: number): void {
    const id = s.names!.get(cell);
    if (id !== undefined) {
      s.ids!.push(id);
      return;
    }
    const known = (s.plan as { categories: readonly string[] }).categories;
    if (this.missing === 'refuse') {
      const shown = known.length > 12 ? [...known.slice(0, 12), '…'] : known;
      throw new Error(
        `parseDelimited: line ${line}, column ${s.column + 1}: ${JSON.stringify(cell)} is not one of the ${known.length} categories of column ${columnName(s.column, this.header)} (${shown.join(', ')}), and unknown categories are refused as missing values are (options.missing 'refuse')`,
      );
    }
    s.ids!.push(UNSEEN_ID);
    if (this.unseen === null) this.unseen = { count: 0, line, column: s.column, value: cell };
    this.unseen.count++;
  }

  /**
   * The refusal of a column of numbers and text, at the first cell that mixes them: either could be
   * the odd one out (a typo in a column of numbers, a code among names), so both are named.
   */
  private mixed(s: ColumnState, line: number, cell: string): Error {
    const name = columnName(s.column, this.header);
    const at = `parseDelimited: line ${line}, column ${s.column + 1}: `;
    const rule = 'a column holds numbers or text (categories), not both';
    if (s.texts === 0) {
      const first = s.firstNumber!;
      return new Error(
        `${at}${JSON.stringify(cell)} is not a number, though column ${name} held numbers above it (the first, ${first.cell}, on line ${first.line}); ${rule}`,
      );
    }
    const first = s.firstText!;
    // Text on the first row over numbers below: most likely a header that was not taken for one.
    const header = first.line === this.lines.data[0] ? `; if line ${first.line} names the columns, it is a header (options.header)` : '';
    return new Error(
      `${at}${cell} is a number, though column ${name} held text above it (the first, ${JSON.stringify(first.cell)}, on line ${first.line}); ${rule}${header}`,
    );
  }
}
