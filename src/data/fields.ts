/**
 * Splitting a line of delimited text into fields: the delimiter guessed from the first line,
 * runs of whitespace as one separator, quoted fields (RFC 4180) with doubled quotes and line
 * breaks inside them, so that a record may run over several lines.
 */

/** A number as text: what a numeric cell holds (1, -2.5, .5, 1e-3). */
export const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A record as it is split: the line it starts on, its fields so far, and the text of a quoted field still open at a line break. */
export interface Row {
  line: number;
  fields: string[];
  open: string | null;
}

/** The most frequent of tab, comma, semicolon in `line` (outside quotes); spaces if none occurs. */
export function detectDelimiter(line: string): string {
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
export function splitLine(raw: string, delimiter: string, row: Row): boolean {
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
