/**
 * A file too large to be a model is refused by name, before it is read (issue 14: a 1 GB file was
 * read whole for seconds, then V8 failed with "Cannot create a string longer than 0x1fffffe8
 * characters", naming no file). The files are sparse: a gigabyte on paper, nothing on disk.
 */
import { constants } from 'node:buffer';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { ANN } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'model-too-large-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function sparse(name: string, bytes: number): string {
  const path = join(dir, name);
  writeFileSync(path, '');
  truncateSync(path, bytes);
  return path;
}

const limit = `its text would be longer than the longest string this runtime makes, ${constants.MAX_STRING_LENGTH.toLocaleString('en-US')} characters`;

it('a 1 GiB file, by path and by file: URL, is refused with its name, without being read', async () => {
  const path = sparse('big.json', 2 ** 30);
  for (const source of [path, pathToFileURL(path)]) {
    const started = performance.now();
    await expect(ANN.load(source)).rejects.toThrow(
      `ANN.load: ${typeof source === 'string' ? path : source.href}: 1.00 GiB (1,073,741,824 bytes) is too large to be a model file: ${limit}`,
    );
    // A stat, not a read: reading the gigabyte took 4.5 s.
    expect(performance.now() - started).toBeLessThan(1000);
  }
});

it('one byte over the limit is refused; a small file is read (and refused for what it holds, not its size)', async () => {
  const over = sparse('over.json', constants.MAX_STRING_LENGTH + 1);
  await expect(ANN.load(over)).rejects.toThrow(/is too large to be a model file/);
  const small = sparse('small.json', 1000);
  await expect(ANN.load(small)).rejects.not.toThrow(/too large/);
});

it('bytes too many for a string are refused as the buffer they are, before they are decoded', async () => {
  // Zero pages that are never touched: the refusal comes before anything reads them.
  const bytes = new Uint8Array(constants.MAX_STRING_LENGTH + 1);
  await expect(ANN.load(bytes)).rejects.toThrow(/^ANN\.load: buffer: 512\.0 MiB \(536,870,889 bytes\) is too large to be a model file/);
});
