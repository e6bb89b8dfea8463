/** What every command of the command-line tool provides to the dispatcher in main.ts. */
import type { FlagSpec, Flags } from './args.js';

export interface Command {
  name: string;
  /** One line for the list of commands. */
  summary: string;
  /** The full `--help` text: usage, flags, an example. */
  help: string;
  flags: Record<string, FlagSpec>;
  /** Does the work; throws UsageError for bad usage (exit 2), anything else for a failure (exit 1). */
  run(flags: Flags): Promise<void>;
}

/** Writes one line to stdout. */
export function say(line = ''): void {
  process.stdout.write(line + '\n');
}

/** A byte count for people: 812 B, 3.1 kB, 4.2 MB. */
export function bytes(n: number): string {
  if (n < 1000) return `${n} B`;
  if (n < 1e6) return `${(n / 1e3).toFixed(1)} kB`;
  return `${(n / 1e6).toFixed(1)} MB`;
}

/** A fraction as a percentage with two decimals. */
export function percent(f: number): string {
  return `${(100 * f).toFixed(2)}%`;
}
