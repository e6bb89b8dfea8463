import { describe, it, expect } from 'vitest';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parseDelimited, loadDelimited } from '../../src/data/delimited.js';

const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const seedsPath = resolve(repoRoot, '../shared/data/seeds_dataset.txt');

describe('loadDelimited on the UCI seeds file', () => {
  it('parses 210 × 7 features, 70 of each class, despite double tabs and no final newline', async () => {
    const { x, labels, header } = await loadDelimited(seedsPath, { labelColumn: -1 });
    expect(header).toBeNull();
    expect([x.rows, x.cols]).toEqual([210, 7]);
    expect(x.data).toBeInstanceOf(Float64Array);
    expect(Array.from(x.data.subarray(0, 7))).toEqual([15.26, 14.84, 0.871, 5.763, 3.312, 2.221, 5.22]);
    // Row 8 is one of those with two tabs between fields.
    expect(Array.from(x.data.subarray(7 * 7, 8 * 7))).toEqual([14.11, 14.1, 0.8911, 5.42, 3.302, 2.7, 5]);
    const counts = new Map<number, number>();
    for (const l of labels!) counts.set(l, (counts.get(l) ?? 0) + 1);
    expect([...counts.entries()].sort()).toEqual([[1, 70], [2, 70], [3, 70]]);
  });

  it('reads gzipped files and names the file in errors', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'delim-'));
    const gz = join(dir, 'a.csv.gz');
    await writeFile(gz, gzipSync('a,b\n1,2\n3,4\n'));
    expect(Array.from((await loadDelimited(gz)).x.data)).toEqual([1, 2, 3, 4]);
    const bad = join(dir, 'bad.csv');
    await writeFile(bad, '1,2\n3,x\n');
    await expect(loadDelimited(bad)).rejects.toThrow(new RegExp(`loadDelimited: ${bad}: line 2, column 2: "x" is not a number`));
    await expect(loadDelimited(join(dir, 'missing.csv'))).rejects.toThrow(/loadDelimited: .*missing.csv: cannot read file/);
  });
});

describe('parseDelimited', () => {
  it('handles a header, quoted fields, doubled quotes, CRLF and a missing final newline', () => {
    const text = 'name,"size, cm","say ""hi""",class\r\n"1.5",2,3,0\r\n4, 5 ,6,1\r\n7,8,"9",1';
    const { x, labels, header } = parseDelimited(text, { labelColumn: 3 });
    expect(header).toEqual(['name', 'size, cm', 'say "hi"', 'class']);
    expect([x.rows, x.cols]).toEqual([3, 3]);
    expect(Array.from(x.data)).toEqual([1.5, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(labels).toEqual([0, 1, 1]);
  });

  it('detects tab and semicolon delimiters, collapses whitespace runs, ignores trailing blank lines', () => {
    expect(Array.from(parseDelimited('1\t\t2\n3\t4\n\n\n').x.data)).toEqual([1, 2, 3, 4]);
    expect(Array.from(parseDelimited('1;2\n3;4\n').x.data)).toEqual([1, 2, 3, 4]);
    expect(Array.from(parseDelimited('1 \t 2\n3\t4').x.data)).toEqual([1, 2, 3, 4]);
    const spaced = parseDelimited('  1   2   3\n4 5 6  \r\n');
    expect([spaced.x.rows, spaced.x.cols]).toEqual([2, 3]);
    // A tab-delimited header may contain spaces inside names.
    expect(parseDelimited('kernel length\tarea\n1\t2').header).toEqual(['kernel length', 'area']);
  });

  it('honours explicit header and delimiter options', () => {
    expect(parseDelimited('1,2\n3,4', { header: true }).header).toEqual(['1', '2']);
    expect(() => parseDelimited('a,b\n1,2', { header: false })).toThrow(/line 1, column 1: "a" is not a number/);
    expect(Array.from(parseDelimited('1|2\n3|4', { delimiter: '|' }).x.data)).toEqual([1, 2, 3, 4]);
    // With an explicit comma, semicolons are part of the cell.
    expect(() => parseDelimited('1;2,3\n4,5', { delimiter: ',', header: false })).toThrow(/line 1, column 1: "1;2" is not a number/);
    expect(() => parseDelimited('1,2', { delimiter: ', ' })).toThrow(/options.delimiter must be one character, got ", "/);
  });

  it('reports the line and column of bad cells and ragged rows', () => {
    expect(() => parseDelimited('a,b\n1,2\n3,4x\n')).toThrow(/line 3, column 2: "4x" is not a number/);
    expect(() => parseDelimited('1,2,3\n4,,6\n')).toThrow(/line 2, column 2: empty field/);
    expect(() => parseDelimited('1,2,3\n\n4,5\n')).toThrow(/line 3: expected 3 fields, got 2/);
    expect(() => parseDelimited('1,"2\n')).toThrow(/line 1, column 2: unterminated quoted field/);
    expect(() => parseDelimited('1,2', { labelColumn: 2 })).toThrow(/labelColumn must be an integer in \[-2, 1\], got 2/);
    expect(() => parseDelimited('\n \n')).toThrow(/no non-blank lines/);
  });
});
