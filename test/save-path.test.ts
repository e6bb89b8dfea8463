/**
 * save() refuses a path that names no file before anything else (issue 14: save('') wrote its
 * temporary file into the parent of the working directory and failed with "cannot write :
 * ENOENT"; a directory failed at the rename with EISDIR).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ANN } from '../src/index.js';
import { internalsOf } from '../src/ann.js';

const dir = mkdtempSync(join(tmpdir(), 'save-path-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const EXPECTED = 'save: path must be a file path (a non-empty string) or a file: URL, got';

describe('save(path) with a path that names no file', () => {
  it("'' is refused by name, and no temporary file is written anywhere", async () => {
    const net = await ANN.create({ layers: [2, 1], seed: 1 });
    const cwd = process.cwd();
    mkdirSync(join(dir, 'work'));
    process.chdir(join(dir, 'work'));
    try {
      await expect(net.save('')).rejects.toThrow(`${EXPECTED} ''`);
    } finally {
      process.chdir(cwd);
    }
    // The temporary file of '' went beside the working directory, into its parent.
    expect(readdirSync(dir)).toEqual(['work']);
    expect(readdirSync(join(dir, 'work'))).toEqual([]);
    net.dispose();
  });

  it('a directory, as a path or a file: URL, is refused by name and left as it was', async () => {
    const net = await ANN.create({ layers: [2, 1], seed: 1 });
    const target = mkdtempSync(join(dir, 'models-'));
    const refusal = `save: cannot write ${target}: it is a directory; name a file in it, such as ${join(target, 'model.json')}; the previous file (if any) is unchanged`;
    await expect(net.save(target)).rejects.toThrow(refusal);
    await expect(net.save(pathToFileURL(target))).rejects.toThrow(refusal);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(readdirSync(target)).toEqual([]);
    await net.save(join(target, 'model.json'));
    expect(readdirSync(target)).toEqual(['model.json']);
    net.dispose();
  });

  it('what is neither a string nor a file: URL is refused by name', async () => {
    const net = await ANN.create({ layers: [2, 1], seed: 1 });
    await expect(net.save(42 as unknown as string)).rejects.toThrow(`${EXPECTED} 42`);
    await expect(net.save(new URL('https://example.com/model.json'))).rejects.toThrow(`${EXPECTED} https://example.com/model.json`);
    net.dispose();
  });

  it('the path is checked first: before the refusal of a network that would not load', async () => {
    const net = await ANN.create({ layers: [2, 1], seed: 1 });
    const network = internalsOf(net).network();
    network.kernels.view(network.parameters[0].value)[0] = Number.NaN;
    await expect(net.save('')).rejects.toThrow(`${EXPECTED} ''`);
    await expect(net.save(join(dir, 'nan.json'))).rejects.toThrow(/^save: refused, because the saved model would not load/);
    net.dispose();
  });
});

it('a rename that fails after the checks still leaves no temporary file and the previous file as it was', async () => {
  // A directory no longer reaches the rename (refused above), so the rename is made to fail.
  const fsp = createRequire(import.meta.url)('node:fs/promises') as typeof import('node:fs/promises');
  const rename = fsp.rename;
  const net = await ANN.create({ layers: [2, 1], seed: 1 });
  const target = join(mkdtempSync(join(dir, 'rename-')), 'model.json');
  await net.save(target);
  const before = readFileSync(target, 'utf8');
  fsp.rename = async () => {
    throw Object.assign(new Error('EXDEV: cross-device link not permitted'), { code: 'EXDEV' });
  };
  syncBuiltinESMExports();
  try {
    net.meta = { target: 'changed' };
    await expect(net.save(target)).rejects.toThrow(
      `save: cannot write ${target}: EXDEV: cross-device link not permitted; the previous file (if any) is unchanged`,
    );
  } finally {
    fsp.rename = rename;
    syncBuiltinESMExports();
  }
  expect(readdirSync(join(target, '..'))).toEqual(['model.json']);
  expect(readFileSync(target, 'utf8')).toBe(before);
  net.dispose();
});
