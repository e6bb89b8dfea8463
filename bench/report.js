/**
 * Formatting: numbers with units, and Markdown tables. The same Markdown goes to stdout and to
 * bench/RESULTS.md, so what you read in the terminal is what gets committed.
 */

/** A duration given in milliseconds, in the unit that keeps 3 significant digits readable. */
export function time(ms) {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 1) return `${ms.toFixed(ms >= 100 ? 0 : ms >= 10 ? 1 : 2)} ms`;
  const us = ms * 1000;
  return `${us.toFixed(us >= 100 ? 0 : us >= 10 ? 1 : 2)} µs`;
}

/** "median ± MAD", both in the median's unit. */
export function medianMad(s) {
  const [value, unit] = time(s.median).split(' ');
  const factor = { s: 1000, ms: 1, µs: 0.001 }[unit];
  const mad = s.mad / factor;
  const digits = value.includes('.') ? value.split('.')[1].length : 0;
  return `${value} ± ${mad.toFixed(Math.max(digits, mad < 1 ? 2 : 0))} ${unit}`;
}

/** "min – max" of a summary. */
export function range(s) {
  return `${time(s.min)} – ${time(s.max)}`;
}

/** A fixed number of significant digits without exponent notation for ordinary magnitudes. */
export function num(x, digits = 3) {
  if (!Number.isFinite(x)) return String(x);
  if (Math.abs(x) >= 10 ** digits) return Math.round(x).toLocaleString('en-US');
  return x.toPrecision(digits);
}

/** A speed ratio, e.g. "7.9×". */
export function ratio(x) {
  return `${num(x, x >= 10 ? 3 : 2)}×`;
}

/**
 * A Markdown table. `align` is one of 'l'/'r' per column (default: first left, the rest right),
 * and cells are padded so the table also reads well as plain text.
 */
export function table(headers, rows, align) {
  const al = align ?? headers.map((_, i) => (i === 0 ? 'l' : 'r'));
  const cells = [headers, ...rows].map((r) => r.map(String));
  const width = headers.map((_, c) => Math.max(3, ...cells.map((r) => [...r[c]].length)));
  const pad = (s, c) => {
    const gap = ' '.repeat(width[c] - [...s].length);
    return al[c] === 'r' ? gap + s : s + gap;
  };
  const line = (r) => `| ${r.map(pad).join(' | ')} |`;
  const rule = `| ${width.map((w, c) => (al[c] === 'r' ? '-'.repeat(w - 1) + ':' : '-'.repeat(w))).join(' | ')} |`;
  return [line(cells[0]), rule, ...cells.slice(1).map(line)].join('\n');
}
