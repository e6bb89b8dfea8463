/**
 * Flags: parsed by Node's util.parseArgs, then turned into checked values. Every problem is a
 * UsageError (exit code 2) that names the flag, what it needs and what it got.
 */
import { parseArgs } from 'node:util';
import { nearest } from '../io/describe.js';

/** Bad usage: an unknown or missing flag, or a value a flag cannot take. The command exits with 2. */
export class UsageError extends Error {}

/** A flag's declaration: valued flags are strings until checked; switches are booleans. */
export interface FlagSpec {
  type: 'string' | 'boolean';
  short?: string;
}

export type Flags = Record<string, string | boolean | undefined>;

/** Parses `argv` against `spec` (plus --help / -h); no positional arguments are taken. */
export function parseFlags(argv: string[], spec: Record<string, FlagSpec>): Flags {
  try {
    const { values } = parseArgs({
      args: argv,
      options: { ...spec, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    });
    return { ...values };
  } catch (e) {
    const err = e as Error & { code?: string };
    const quoted = /'([^']+)'/.exec(err.message)?.[1] ?? '';
    const flag = quoted.split(' ')[0];
    switch (err.code) {
      case 'ERR_PARSE_ARGS_UNKNOWN_OPTION': {
        const near = nearest(flag.replace(/^-+/, '').split('=')[0], Object.keys(spec));
        throw new UsageError(`unknown flag ${flag}${near === null ? '' : ` (did you mean --${near}?)`}`);
      }
      case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
        if (spec[flag.replace(/^-+/, '')]?.type === 'boolean') throw new UsageError(`${flag} takes no value`);
        throw new UsageError(`${flag} needs a value (a value that starts with '-' is written ${flag}=-1)`);
      case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL': {
        // A value after a switch (--standardize off): the switch takes none; say how to turn it off.
        const before = argv[argv.indexOf(quoted) - 1]?.replace(/^--/, '');
        if (before !== undefined && spec[before]?.type === 'boolean') {
          const off = spec[`no-${before}`] ? ` (--no-${before} turns it off)` : '';
          throw new UsageError(`--${before} takes no value, got '${quoted}' after it${off}`);
        }
        throw new UsageError(`unexpected argument '${quoted}' (values follow their flag, as in --data FILE)`);
      }
      default:
        throw new UsageError(err.message);
    }
  }
}

/** The string value of --name, or undefined; a required flag that is missing is a UsageError. */
export function stringFlag(flags: Flags, name: string, required: true): string;
export function stringFlag(flags: Flags, name: string, required?: false): string | undefined;
export function stringFlag(flags: Flags, name: string, required = false): string | undefined {
  const v = flags[name];
  if (v === undefined) {
    if (required) throw new UsageError(`--${name} is required`);
    return undefined;
  }
  if (typeof v !== 'string' || v === '') throw new UsageError(`--${name} needs a value`);
  return v;
}

/** A number flag with bounds; `integer` refuses fractions. */
export function numberFlag(
  flags: Flags,
  name: string,
  fallback: number,
  rule: { min?: number; max?: number; above?: number; below?: number; integer?: boolean },
): number {
  const text = stringFlag(flags, name);
  if (text === undefined) return fallback;
  const v = Number(text);
  const ok =
    text.trim() !== '' &&
    Number.isFinite(v) &&
    (!rule.integer || Number.isInteger(v)) &&
    (rule.min === undefined || v >= rule.min) &&
    (rule.max === undefined || v <= rule.max) &&
    (rule.above === undefined || v > rule.above) &&
    (rule.below === undefined || v < rule.below);
  if (!ok) throw new UsageError(`--${name} must be ${describeRule(rule)}, got '${text}'`);
  return v;
}

function describeRule(rule: { min?: number; max?: number; above?: number; below?: number; integer?: boolean }): string {
  const kind = rule.integer ? 'an integer' : 'a number';
  const lo = rule.min !== undefined ? `≥ ${rule.min}` : rule.above !== undefined ? `> ${rule.above}` : '';
  const hi = rule.max !== undefined ? `≤ ${rule.max}` : rule.below !== undefined ? `< ${rule.below}` : '';
  if (lo && hi) return `${kind} ${lo} and ${hi}`;
  return lo || hi ? `${kind} ${lo || hi}` : kind;
}

/** A comma-separated list of integers ≥ `min` (`--layers 196,98`); 'none' is the empty list. */
export function intListFlag(flags: Flags, name: string, fallback: number[], min: number): number[] {
  const text = stringFlag(flags, name);
  if (text === undefined) return fallback;
  if (text === 'none') return [];
  const parts = text.split(',');
  return parts.map((p, i) => {
    const v = Number(p.trim());
    if (p.trim() === '' || !Number.isInteger(v) || v < min) {
      throw new UsageError(
        `--${name} must be a comma-separated list of integers ≥ ${min}${name === 'layers' ? " (or 'none')" : ''}; item ${i + 1} is '${p}'`,
      );
    }
    return v;
  });
}

/** One of a few names; `aliases` maps short forms (mse) to the names the library uses. */
export function choiceFlag<T extends string>(
  flags: Flags,
  name: string,
  choices: readonly T[],
  aliases: Record<string, T> = {},
): T | undefined {
  const text = stringFlag(flags, name);
  if (text === undefined) return undefined;
  if ((choices as readonly string[]).includes(text)) return text as T;
  if (Object.prototype.hasOwnProperty.call(aliases, text)) return aliases[text];
  const all = [...choices, ...Object.keys(aliases)];
  throw new UsageError(`--${name} must be one of ${all.join(', ')}; got '${text}'`);
}
