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
