/** What train says about a table's columns once its preparation is fitted: what became inputs, what was left out, what was missing. */
import type { Table } from '../data/table.js';
import type { TablePreparation, Unseen } from '../data/table-preparation.js';

/** A column as the user would name it to a flag: its header name, or its 0-based index. */
function called(column: number, header: readonly string[] | null): string {
  return header?.[column] ? `'${header[column]}'` : `column ${column}`;
}

/** Lines about the columns, only where there is something beyond a table of numbers to say. */
export function describeColumns(table: Table, prep: TablePreparation): string[] {
  const lines: string[] = [];
  const read = new Set(table.columns.map((c) => c.column));
  const left = Array.from({ length: table.width }, (_, c) => c).filter((c) => c !== table.labelColumn && !read.has(c));
  const text = prep.columns.filter((c) => c.kind === 'categories');
  if (left.length > 0 || text.length > 0) {
    const parts = [
      `columns: ${table.columns.length} feature column${table.columns.length === 1 ? '' : 's'} → ${prep.inputs} network inputs`,
    ];
    if (text.length > 0) {
      const shown = text.map((c) => `${called(c.column, table.header)} (${c.kind === 'categories' ? c.categories.length : 0} categories)`);
      parts.push(`text one-hot encoded: ${shown.join(', ')}`);
    }
    if (left.length > 0) parts.push(`left out: ${left.map((c) => called(c, table.header)).join(', ')}`);
    lines.push(parts.join('; '));
  }
  const missing = table.columns.filter((c) => c.missing > 0);
  if (missing.length > 0) {
    const counts = missing.map((c) => `${called(c.column, table.header)} ${c.missing}`).join(', ');
    const total = missing.reduce((n, c) => n + c.missing, 0);
    lines.push(
      `missing values: ${total} (${counts}), filled in with the training rows' mean (for text, their category frequencies); --missing refuse refuses them`,
    );
  }
  return lines;
}

/** A line about held-out cells whose categories the training rows lack, or none. */
export function describeUnseen(unseen: Unseen): string[] {
  if (unseen === null) return [];
  const { count, line, column, value } = unseen;
  return [
    `note: ${count} held-out cell${count === 1 ? '' : 's'} of categories the training rows lack, encoded as missing values are (the first on line ${line}, column ${column + 1}: ${JSON.stringify(value)})`,
  ];
}
