/** Running the real command, `node bin/backprop-wasm.js …`, as a user would (after the build). */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
export const seedsPath = resolve(repoRoot, 'data/seeds_dataset.txt');
const bin = join(repoRoot, 'bin/backprop-wasm.js');

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the command with `args` in `cwd` (node given `nodeFlags`); CI is set, so progress comes as plain lines. */
export function cli(args: string[], cwd: string = repoRoot, shell?: string, nodeFlags: string[] = []): Run {
  const command = shell
    ? ['bash', ['-c', `${shell}; exec node "$@"`, 'bash', ...nodeFlags, bin, ...args]]
    : ['node', [...nodeFlags, bin, ...args]];
  const r = spawnSync(command[0] as string, command[1] as string[], { cwd, encoding: 'utf8', env: { ...process.env, CI: '1' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A fresh temporary folder. */
export function scratch(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `backprop-wasm-${prefix}-`));
}
