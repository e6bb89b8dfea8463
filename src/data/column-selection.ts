/**
 * Naming columns: by the name the header gives them, or by 0-based index (negative counts from the
 * end, as for the label column). A name is looked up first, so a header name that looks like a
 * number ("2019") still names its column; a reference that is not a name is read as an index.
 */

/** A column: its header name, or its 0-based index (a number, or digits in a string as a flag gives them). */
export type ColumnRef = string | number;

/** The 0-based index of `ref` in a table of `width` columns, or an error naming `option`. */
export function resolveColumn(ref: ColumnRef, width: number, header: readonly string[] | null, option: string): number {
  if (typeof ref === 'string' && header !== null) {
    const at = header.indexOf(ref);
    if (at >= 0) return at;
  }
  const index = typeof ref === 'number' ? ref : /^\s*[+-]?\d+\s*$/.test(ref) ? Number(ref) : NaN;
  if (Number.isNaN(index)) {
    if (typeof ref !== 'string')
      throw new TypeError(`parseDelimited: ${option} must name columns by header name or 0-based index, got ${JSON.stringify(ref)}`);
    if (header === null)
      throw new RangeError(
        `parseDelimited: ${option}: '${ref}' is not a column index, and the file has no header line to name its columns`,
      );
    throw new RangeError(
      `parseDelimited: ${option}: no column is named '${ref}'; the columns are ${header.map((h) => `'${h}'`).join(', ')}`,
    );
  }
  if (!Number.isInteger(index) || index < -width || index >= width) {
    throw new RangeError(
      `parseDelimited: ${option} must be ${header !== null ? 'a column name or ' : ''}an integer in [${-width}, ${width - 1}], got ${JSON.stringify(ref)}`,
    );
  }
  return index < 0 ? width + index : index;
}

/** How a column is called in messages: its header name, or its 0-based index. */
export function columnName(column: number, header: readonly string[] | null): string {
  return header !== null && header[column] !== undefined && header[column] !== '' ? `'${header[column]}'` : `index ${column}`;
}

/**
 * The feature columns, in file order: those `featureColumns` names, or all but `ignoreColumns`
 * (default: all), never the label column.
 */
export function selectFeatureColumns(
  width: number,
  header: readonly string[] | null,
  label: number | null,
  featureColumns: readonly ColumnRef[] | undefined,
  ignoreColumns: readonly ColumnRef[] | undefined,
): number[] {
  if (featureColumns !== undefined && ignoreColumns !== undefined) {
    throw new TypeError(
      'parseDelimited: options.featureColumns and options.ignoreColumns: give one of them (the features, or the columns to leave out)',
    );
  }
  const list = (refs: readonly ColumnRef[] | undefined, option: string): number[] | null => {
    if (refs === undefined) return null;
    if (!Array.isArray(refs))
      throw new TypeError(`parseDelimited: ${option} must be an array of column names or indices, got ${JSON.stringify(refs)}`);
    const columns = Array.from(refs, (ref) => resolveColumn(ref, width, header, option));
    columns.forEach((c, i) => {
      if (c === label)
        throw new RangeError(`parseDelimited: ${option}: column ${columnName(c, header)} is the label column, which is never a feature`);
      if (columns.indexOf(c) !== i) throw new RangeError(`parseDelimited: ${option} lists column ${columnName(c, header)} twice`);
    });
    return columns;
  };
  const chosen = list(featureColumns, 'options.featureColumns');
  const ignored = list(ignoreColumns, 'options.ignoreColumns');
  const features: number[] = [];
  for (let c = 0; c < width; c++) {
    if (c === label) continue;
    if (chosen !== null ? chosen.includes(c) : !ignored?.includes(c)) features.push(c);
  }
  if (features.length === 0)
    throw new RangeError(
      `parseDelimited: no feature columns are left once the label column${ignored ? ' and the ignored columns are' : ' is'} removed`,
    );
  return features;
}
