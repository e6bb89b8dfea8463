/** Writing CSV (RFC 4180): fields with a comma, a quote or a line break are quoted, quotes doubled. */

/** One CSV field. */
export function csvField(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV line (without its line break). */
export function csvLine(values: readonly (string | number)[]): string {
  return values.map(csvField).join(',');
}
