/**
 * A fresh clone stands on its own: the data the tests and examples read are in data/ (see
 * data/README.md), byte for byte what the README there describes, and no test, example, benchmark
 * or demo file reads from a folder beside the repository (it used to be ../shared/data, which a
 * clone does not have).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { REFERENCE_FILE } from '../examples/experiments/r4-replay.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const dataDir = join(root, 'data');

/**
 * Files that still read ../shared/data and that this branch may not edit (their owners change
 * them): each entry is a file and the one line that must change (to `resolve(repoRoot,
 * 'data/seeds_dataset.txt')`). A listed file may keep that line or lose it, so that the change can
 * land before or after this list is cleaned up; delete an entry once its line is gone.
 */
const NOT_YET_MOVED: Record<string, string> = {};

/** Every text file under `dir` (relative to the repository root), without dependencies and build output. */
function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!['node_modules', 'out'].includes(entry.name)) out.push(...sourceFiles(path));
    } else if (/\.(ts|js|mjs|cjs|html|css|json)$/.test(entry.name)) out.push(path);
  }
  return out;
}

describe('the repository holds the data its tests and examples read', () => {
  it('data/ has each file its README lists, with the SHA-256 the README gives', () => {
    const readme = readFileSync(join(dataDir, 'README.md'), 'utf8');
    const listed = [...readme.matchAll(/^## (\S+)$/gm)].map((m) => m[1]);
    expect(listed).toEqual(['seeds_dataset.txt', 'r4_reference.json', 'optimizer_reference.json']);
    for (const name of listed) {
      const section = readme.slice(readme.indexOf(`## ${name}`)).split(/^## /m)[1];
      const stated = /SHA-256\s+`([0-9a-f]{64})`/.exec(section)?.[1];
      const actual = createHash('sha256')
        .update(readFileSync(join(dataDir, name)))
        .digest('hex');
      expect(actual, `data/${name}: its SHA-256 against data/README.md's`).toBe(stated);
    }
  });

  it('the R4 experiment reads its reference from data/', () => {
    expect(relative(root, fileURLToPath(REFERENCE_FILE))).toBe(join('data', 'r4_reference.json'));
  });

  it('no test, example, benchmark or demo file reads ../shared/data (except the lines listed, in files others own)', () => {
    const offenders: string[] = [];
    const self = relative(root, fileURLToPath(import.meta.url));
    for (const file of ['test', 'examples', 'bench', 'demo'].flatMap(sourceFiles).filter((f) => f !== self)) {
      const text = readFileSync(join(root, file), 'utf8');
      const lines = text.split('\n').filter((line) => /['"`][^'"`]*shared\/data\//.test(line));
      const pending = NOT_YET_MOVED[file];
      const unlisted = lines.filter((line) => line !== pending);
      if (unlisted.length > 0) offenders.push(`${file}: ${unlisted.map((l) => l.trim()).join(' | ')}`);
    }
    expect(offenders, 'files reading data from outside the repository (use data/)').toEqual([]);
  });
});
