/**
 * A fingerprint of a table's data rows: 32-bit FNV-1a over every field's text, with separators
 * between fields and rows. It is taken of the fields as parsed, so the same table gives the same
 * fingerprint whatever its line endings, quoting or compression; a changed, added or reordered
 * row changes it. A model records it with the rows it held out, so that scoring "the test rows"
 * of another file is refused instead of scoring whatever rows sit at those places.
 */
export class Fingerprint {
  private hash = 0x811c9dc5;

  /** Adds one row's fields. */
  addRow(fields: readonly string[]): void {
    let h = this.hash;
    for (let f = 0; f < fields.length; f++) {
      const text = fields[f];
      for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
      // Unit separator between fields, record separator after the row: no two tables hash alike by shifting text between cells.
      h = Math.imul(h ^ (f === fields.length - 1 ? 0x1e : 0x1f), 0x01000193);
    }
    this.hash = h;
  }

  /** 'fnv1a32:' and 8 hex digits. */
  get value(): string {
    return `fnv1a32:${(this.hash >>> 0).toString(16).padStart(8, '0')}`;
  }
}
