/** How a bad value is shown in an error message, and the check of a name against a list. */

/** A short, safe rendering of a bad value for an error message. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return `'${value.length > 40 ? value.slice(0, 40) + '…' : value}'`;
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (value === null) return 'null';
  if (typeof value === 'object') return `an object (${value.constructor?.name ?? 'Object'})`;
  return String(value);
}

/** `value` when it is one of `allowed`; otherwise a TypeError that lists them. `where` names the argument. */
export function oneOf<T extends string>(where: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw new TypeError(`${where} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${describe(value)}`);
}

/**
 * Refuses a key of `options` that is not in `known`, suggesting the nearest known name:
 * "fit: unknown option 'validation_split' (did you mean 'validationSplit'?)". `what` starts the message.
 */
export function refuseUnknownKeys(options: object, known: readonly string[], what: string): void {
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const near = nearest(key, known);
    throw new TypeError(`${what} '${key}'${near === null ? `; the options are ${known.join(', ')}` : ` (did you mean '${near}'?)`}`);
  }
}

/** The known name closest to `name` (case, underscores and dashes ignored; then edit distance), or null when none is close. */
export function nearest(name: string, known: readonly string[]): string | null {
  const norm = (s: string) => s.toLowerCase().replace(/[_-]/g, '');
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const k of known) {
    // The same name but for case and separators, or the start of one: as good as a typo.
    const [a, b] = [norm(name), norm(k)];
    const d = a === b ? 0 : a.length >= 4 && (b.startsWith(a) || a.startsWith(b)) ? 1 : editDistance(a, b);
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  return bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? best : null;
}

function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length];
}
