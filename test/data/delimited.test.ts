import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parseDelimited, loadDelimited, DelimitedReader, MAX_RECORD_LENGTH } from '../../src/data/delimited.js';

const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const seedsPath = resolve(repoRoot, 'data/seeds_dataset.txt');

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
    expect([...counts.entries()].sort()).toEqual([
      [1, 70],
      [2, 70],
      [3, 70],
    ]);
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
    expect(() => parseDelimited('a,b\n1,2', { header: false })).toThrow(
      /^parseDelimited: line 2, column 1: 1 is a number, though column index 0 held text above it \(the first, "a", on line 1\); a column holds numbers or text \(categories\), not both; if line 1 names the columns, it is a header \(options.header\)$/,
    );
    expect(Array.from(parseDelimited('1|2\n3|4', { delimiter: '|' }).x.data)).toEqual([1, 2, 3, 4]);
    // With an explicit comma, semicolons are part of the cell.
    expect(() => parseDelimited('1;2,3\n4,5', { delimiter: ',', header: false })).toThrow(
      /line 2, column 1: 4 is a number, though column index 0 held text above it \(the first, "1;2", on line 1\)/,
    );
    expect(() => parseDelimited('1,2', { delimiter: ', ' })).toThrow(/options.delimiter must be one character, got ", "/);
  });

  it('reports the line and column of bad cells and ragged rows', () => {
    expect(() => parseDelimited('a,b\n1,2\n3,4x\n')).toThrow(/line 3, column 2: "4x" is not a number/);
    expect(() => parseDelimited('1,2,3\n4,,6\n', { missing: 'refuse' })).toThrow(/line 2, column 2: empty field/);
    expect(() => parseDelimited('1,2,3\n\n4,5\n')).toThrow(/line 3: expected 3 fields, as on line 1, got 2$/);
    expect(() => parseDelimited('1,"2\n')).toThrow(/line 1, column 2: unterminated quoted field/);
    // 1e999 has the form of a number but overflows to Infinity.
    expect(() => parseDelimited('1,2\n3,1e999\n')).toThrow(/^parseDelimited: line 2, column 2: "1e999" is not a finite number/);
    expect(() => parseDelimited('1,-1e400,0\n', { labelColumn: -1 })).toThrow(/line 1, column 2: "-1e400" is not a finite number/);
    expect(() => parseDelimited('1,2,1e999\n', { labelColumn: -1, labelType: 'number' })).toThrow(
      /line 1, column 3: "1e999" is not a finite number/,
    );
    expect(Array.from(parseDelimited('1e308,-1.7e308\n').x.data)).toEqual([1e308, -1.7e308]);
    expect(() => parseDelimited('1,2', { labelColumn: 2 })).toThrow(/labelColumn must be an integer in \[-2, 1\], got 2/);
    expect(() => parseDelimited('\n \n')).toThrow(/no non-blank lines/);
  });
});

describe('quoted fields over several lines (RFC 4180)', () => {
  it('keeps line breaks inside quotes, and names each row by the line where it starts', () => {
    const text = 'a,"b\nsecond line",label\r\n1,2,"x\r\ny"\r\n3,4,plain\r\n\r\n5,6,"x\r\n\r\ny"\r\n7,8,plain\n';
    const d = parseDelimited(text, { labelColumn: -1 });
    expect(d.header).toEqual(['a', 'b\nsecond line', 'label']);
    expect(Array.from(d.x.data)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(d.labelNames).toEqual(['plain', 'x\n\ny', 'x\ny']);
    expect(Array.from(d.lines)).toEqual([3, 5, 7, 10]);
  });

  it('reports errors at the line where the record starts, and a quote that never closes as such', () => {
    // The quote opened on line 2 closes on line 3; the bad cell follows it.
    expect(() => parseDelimited('1,2,3\n4,"5\n",x\n')).toThrow(
      /^parseDelimited: line 2, column 2: "5\\n" is not a number, though column index 1 held numbers above it \(the first, 2, on line 1\)/,
    );
    expect(() => parseDelimited('1,2,3\n4,"5\n6",7,8\n')).toThrow(/^parseDelimited: line 2: expected 3 fields, as on line 1, got 4$/);
    expect(() => parseDelimited('1,2\n3,"4\n5,6\n7,8\n')).toThrow(
      /^parseDelimited: line 2, column 2: unterminated quoted field \(its closing quote never comes\)$/,
    );
    expect(() => parseDelimited('1,2\n3,"4\n"x,6\n')).toThrow(/^parseDelimited: line 2, column 2: unexpected text after a closing quote$/);
    // A quote inside a cell opens nothing: the comma after it still separates, on the first line too.
    expect(() => parseDelimited('a"b,2\n3,4\n', { header: false })).toThrow(
      /^parseDelimited: line 2, column 1: 3 is a number, though column index 0 held text above it \(the first, "a\\"b", on line 1\)/,
    );
    expect(parseDelimited('x,"y,z"\n1,2\n').header).toEqual(['x', 'y,z']);
  });

  it('carries an open quote across pieces of any size', () => {
    const text = 'x;"y\n;z";label\n1;2;"a\nb"\n3;4;c';
    const whole = parseDelimited(text, { labelColumn: -1 });
    expect(whole.header).toEqual(['x', 'y\n;z', 'label']);
    for (const size of [1, 2, 5]) {
      const reader = new DelimitedReader({ labelColumn: -1 });
      for (let i = 0; i < text.length; i += size) reader.push(text.slice(i, i + size));
      expect(reader.end()).toEqual(whole);
    }
  });
});

describe('runs of tabs or spaces are one separator', () => {
  it('so a row with an empty cell is short, and the message says where the width came from and why', () => {
    expect(() => parseDelimited('1\t\t3\n4\t5\t6\n')).toThrow(
      /^parseDelimited: line 2: expected 2 fields, as on line 1, got 3; runs of tabs \(and spaces\) count as one separator, so an empty cell is not a field$/,
    );
    expect(() => parseDelimited('a b c\n1  3\n')).toThrow(
      /^parseDelimited: line 2: expected 3 fields, as on line 1, got 2; runs of spaces and tabs count as one separator/,
    );
    // With a comma, an empty cell is a field, and the message needs no such note.
    expect(() => parseDelimited('1,2\n3,4,5\n')).toThrow(/^parseDelimited: line 2: expected 2 fields, as on line 1, got 3$/);
  });
});

describe('the label column chosen from the column count', () => {
  it('takes a label column only when the function gives one, and says which', () => {
    const pick = (columns: number) => (columns === 3 ? 2 : undefined);
    const withLabel = parseDelimited('1,2,0\n3,4,1\n', { labelColumn: pick });
    expect([withLabel.x.cols, withLabel.labels, withLabel.labelColumn]).toEqual([2, [0, 1], 2]);
    const without = parseDelimited('1,2\n3,4\n', { labelColumn: pick });
    expect([without.x.cols, without.labels, without.labelColumn]).toEqual([2, null, null]);
    expect(parseDelimited('1,2\n3,4\n', { labelColumn: -1 }).labelColumn).toBe(1);
    // An error thrown by the function comes out as it is.
    expect(() =>
      parseDelimited('1,2\n', {
        labelColumn: () => {
          throw new SyntaxError('no');
        },
      }),
    ).toThrow(SyntaxError);
  });
});

describe('class labels given as names', () => {
  it('maps names to classes in sorted order, whatever the row order, and detects no header above name labels', () => {
    const { x, labels, labelNames, header } = parseDelimited('5.1,3.5,setosa\n4.9,3.0,virginica\n6.3,3.3,setosa\n5.8,2.7,versicolor', {
      labelColumn: -1,
    });
    expect(header).toBeNull();
    expect(labelNames).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(labels).toEqual([0, 2, 0, 1]);
    expect(Array.from(x.data)).toEqual([5.1, 3.5, 4.9, 3.0, 6.3, 3.3, 5.8, 2.7]);
  });

  it('detects a header above numbers even when the label column holds names', () => {
    const { header, labels, labelNames } = parseDelimited('length,width,species\r\n1,2,cat\r\n3,4,dog\r\n', { labelColumn: 2 });
    expect(header).toEqual(['length', 'width', 'species']);
    expect([labels, labelNames]).toEqual([
      [0, 1],
      ['cat', 'dog'],
    ]);
  });

  it('turns earlier numeric labels into names once a name appears ("1" and "1.0" are one class)', () => {
    const { labels, labelNames } = parseDelimited('1,2,1\n3,4,1.0\n5,6,cat\n7,8,10\n9,9,2', { labelColumn: -1 });
    expect(labelNames).toEqual(['1', '2', '10', 'cat']);
    expect(labels).toEqual([0, 0, 3, 2, 1]);
  });

  it("labelType 'number' reports a name with its line and column; 'name' keeps numbers as names", () => {
    expect(() => parseDelimited('1,2,0\n3,4,cat\n', { labelColumn: -1, labelType: 'number' })).toThrow(
      /line 2, column 3: "cat" is not a number/,
    );
    const named = parseDelimited('1,2,3\n3,4,1\n', { labelColumn: -1, labelType: 'name' });
    expect([named.labels, named.labelNames]).toEqual([
      [1, 0],
      ['1', '3'],
    ]);
    // A missing label is NaN, whichever the label type: the row has no label.
    expect(parseDelimited('1,2,a\n3,4,\n5,6,NA\n7,8,b\n', { labelColumn: -1 })).toMatchObject({
      labels: [0, NaN, NaN, 1],
      labelNames: ['a', 'b'],
    });
    expect(parseDelimited('1,2,5\n3,4,?\n', { labelColumn: -1, labelType: 'number' }).labels).toEqual([5, NaN]);
    expect(() => parseDelimited('1,2', { labelType: 'names' as never })).toThrow(
      /options.labelType must be 'auto', 'number' or 'name', got "names"/,
    );
  });

  it('keeps numeric labels as numbers with labelNames null', () => {
    const { labels, labelNames } = parseDelimited('1,2,3\n3,4,1.5\n', { labelColumn: -1 });
    expect([labels, labelNames]).toEqual([[3, 1.5], null]);
  });
});

describe('DelimitedReader: text in pieces', () => {
  it('gives the same result for any split of the text, CRLF and BOM included', () => {
    const text = '\uFEFFa,"b, c",label\r\n1,2,x\r\n\r\n3,"4",y\r\n5,6,x';
    const whole = parseDelimited(text, { labelColumn: -1 });
    for (const size of [1, 2, 3, 7]) {
      const reader = new DelimitedReader({ labelColumn: -1 });
      for (let i = 0; i < text.length; i += size) reader.push(text.slice(i, i + size));
      const pieces = reader.end();
      expect(pieces).toEqual(whole);
    }
    expect(whole.header).toEqual(['a', 'b, c', 'label']);
    expect(Array.from(whole.x.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect([whole.labels, whole.labelNames]).toEqual([
      [0, 1, 0],
      ['x', 'y'],
    ]);
  });

  it('counts physical lines across pieces in its messages', () => {
    const reader = new DelimitedReader();
    reader.push('1,2\n\n3,');
    // Complete lines are parsed as they arrive, so the error comes from the push that completes line 4.
    expect(() => reader.push('4\n5,oops\n')).toThrow(/line 4, column 2: "oops" is not a number/);
  });
});

describe('a file of a million rows', () => {
  it('streams in Node: it loads in a 32 MB JS heap, where the text of the file alone (45 MB) does not fit', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'delim-big-'));
    const path = join(dir, 'big.csv');
    const out = createWriteStream(path);
    out.write('a,b,c,d,e,f,label\n');
    let chunk = '';
    for (let i = 0; i < 1e6; i++) {
      chunk += `${(i % 1000) / 8},${i % 7},${-(i % 13) * 0.5},${i * 0.0012345},${i % 101},${(i % 17) / 3},${i % 3 === 0 ? 'yes' : 'no'}\n`;
      if (chunk.length > 1 << 16) {
        out.write(chunk);
        chunk = '';
      }
    }
    await new Promise<void>((done) => out.end(chunk, () => done()));
    const dist = join(repoRoot, 'dist/index.js');
    const run = (body: string) =>
      spawnSync(
        'node',
        [
          '--max-old-space-size=32',
          '--input-type=module',
          '-e',
          `import { loadDelimited, parseDelimited } from ${JSON.stringify(dist)};\nimport { readFileSync } from 'node:fs';\n${body}`,
        ],
        { encoding: 'utf8' },
      );
    try {
      const streamed = run(`const d = await loadDelimited(${JSON.stringify(path)}, { labelColumn: -1 });
let s = 0; for (const v of d.x.data) s += v;
console.log(JSON.stringify({ rows: d.x.rows, cols: d.x.cols, names: d.labelNames, yes: d.labels.filter((l) => l === 1).length, last: Array.from(d.x.data.subarray(-6)), sum: s }));`);
      expect(streamed.stderr).toBe('');
      const result = JSON.parse(streamed.stdout);
      let sum = 0;
      for (let i = 0; i < 1e6; i++) sum += (i % 1000) / 8 + (i % 7) + -(i % 13) * 0.5 + i * 0.0012345 + (i % 101) + (i % 17) / 3;
      expect(result).toMatchObject({
        rows: 1e6,
        cols: 6,
        names: ['no', 'yes'],
        yes: 333334,
        last: [999 / 8, 999999 % 7, 0 - (999999 % 13) * 0.5, 999999 * 0.0012345, 999999 % 101, (999999 % 17) / 3],
      });
      expect(result.sum).toBeCloseTo(sum, 0);
      // The control: the same limit is too small for a parser that first reads the text whole.
      const whole = run(`parseDelimited(readFileSync(${JSON.stringify(path)}, 'utf8'), { labelColumn: -1 });`);
      expect(whole.status).not.toBe(0);
      expect(whole.stderr).toMatch(/heap out of memory/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('line endings: LF, CRLF, or CR alone (classic Mac OS)', () => {
  it('reads a CR-only file as lines, in pieces of any size, and keeps a CR inside an LF file as text', () => {
    const text = 'a,b,label\r1,2,x\r3,"4",y\r\r5,6,x\r';
    const whole = parseDelimited(text, { labelColumn: -1 });
    expect(whole.header).toEqual(['a', 'b', 'label']);
    expect(Array.from(whole.x.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(whole.lines)).toEqual([2, 3, 5]);
    for (const size of [1, 2, 3, 9]) {
      const reader = new DelimitedReader({ labelColumn: -1 });
      for (let i = 0; i < text.length; i += size) reader.push(text.slice(i, i + size));
      expect(reader.end()).toEqual(whole);
    }
    // CRLF split between its CR and LF is one line break, not two.
    const reader = new DelimitedReader();
    for (const piece of ['1,2\r', '\n3,4\r', '\n5,6']) reader.push(piece);
    expect(Array.from(reader.end().lines)).toEqual([1, 2, 3]);
    // The first line break decides: in an LF file a CR inside quotes is part of the cell.
    expect(parseDelimited('a,label\n1,"x\ry"\n2,z\n', { labelColumn: -1 }).labelNames).toEqual(['x\ry', 'z']);
    expect(() => parseDelimited('1,2\r3,x\r')).toThrow(/^parseDelimited: line 2, column 2: "x" is not a number/);
  });
});

describe('a record that never ends is refused at MAX_RECORD_LENGTH characters', () => {
  it('names the line and column of an unterminated quote, or the line that never ends, as soon as the text passes the limit', () => {
    expect(MAX_RECORD_LENGTH).toBe(4 * 1024 * 1024);
    const reader = new DelimitedReader();
    reader.push('1,2\n3,"4\n');
    const row = '5,6\n'.repeat(1 << 16);
    // The quote opened on line 2 swallows every line after it; the reader stops at the limit, long before the end.
    expect(() => {
      for (let i = 0; i < 100; i++) reader.push(row);
    }).toThrow(
      /^parseDelimited: line 2, column 2: unterminated quoted field \(the record runs on for more than 4,194,304 characters without its closing quote\)$/,
    );
    const endless = new DelimitedReader();
    expect(() => {
      for (let i = 0; i < 100; i++) endless.push('1,2,3,'.repeat(1 << 15));
    }).toThrow(
      /^parseDelimited: line 1: a record longer than 4,194,304 characters \(a line that never ends: is this a delimited text file\?\)$/,
    );
    expect(() => parseDelimited('1,2\n3,4\n' + '7,'.repeat(MAX_RECORD_LENGTH / 2) + '8\n')).toThrow(
      /^parseDelimited: line 3: a record longer than 4,194,304 characters/,
    );
    // Just under the limit is a record like any other: a long name in quotes, over two lines.
    const name = 'a'.repeat(MAX_RECORD_LENGTH / 2);
    const long = parseDelimited(`1,"${name}\n${name.slice(10)}"\n2,b\n`, { labelColumn: -1 });
    expect(long.labelNames).toEqual([`${name}\n${name.slice(10)}`, 'b']);
  });
});

describe('UTF-16 text', () => {
  it('is refused by name, with a byte-order mark or without, gzipped or not; a NUL in text is named by its line', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'delim-utf16-'));
    try {
      const text = 'a,b,label\r\n1.5,2,x\r\n3,4,y\r\n';
      const le = Buffer.from(text, 'utf16le');
      const be = Buffer.from(le).swap16();
      for (const [name, bytes, encoding] of [
        ['bom-le.csv', Buffer.concat([Buffer.from([0xff, 0xfe]), le]), 'UTF-16LE'],
        ['bom-be.csv', Buffer.concat([Buffer.from([0xfe, 0xff]), be]), 'UTF-16BE'],
        ['plain-le.csv', le, 'UTF-16LE'],
        ['plain-be.csv', be, 'UTF-16BE'],
        ['zipped-le.csv.gz', gzipSync(Buffer.concat([Buffer.from([0xff, 0xfe]), le])), 'UTF-16LE'],
      ] as const) {
        const path = join(dir, name);
        await writeFile(path, bytes);
        await expect(loadDelimited(path, { labelColumn: -1 })).rejects.toThrow(
          `loadDelimited: ${path} is ${encoding} text; save it as UTF-8`,
        );
        // Fetched rather than streamed (a data: URL is fetched as an http(s) one is): the same check.
        const url = new URL(`data:text/csv;base64,${Buffer.from(bytes).toString('base64')}`);
        await expect(loadDelimited(url)).rejects.toThrow(`is ${encoding} text; save it as UTF-8`);
      }
      // The same text in UTF-8 reads.
      const utf8 = join(dir, 'utf8.csv');
      await writeFile(utf8, text);
      expect(Array.from((await loadDelimited(utf8, { labelColumn: -1 })).x.data)).toEqual([1.5, 2, 3, 4]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    expect(() => parseDelimited('1,2\n3\u0000,4\n')).toThrow(
      /^parseDelimited: line 2: a NUL character at position 2; the text is not UTF-8/,
    );
  });
});

describe('files that would make a reader hold them whole, in a 32 MB JS heap', () => {
  it('a stray quote and a file without line breaks are refused at the record limit, and a CR-only file streams', async () => {
    const started = performance.now();
    const dir = await mkdtemp(join(tmpdir(), 'delim-unbounded-'));
    // 40 MB of rows (1,000 different ones, repeated): more text than the heap holds.
    let block = '';
    for (let i = 0; i < 1000; i++)
      block += `${(i % 1000) / 8},${i % 7},${-(i % 13) * 0.5},${i * 0.0012345},${i % 101},${(i % 17) / 3},${i % 3 === 0 ? 'yes' : 'no'}\n`;
    const copies = Math.ceil(40e6 / block.length);
    const write = async (name: string, head: string, body: string, times: number) => {
      const path = join(dir, name);
      const out = createWriteStream(path);
      out.write(head);
      for (let i = 0; i < times; i++) if (!out.write(body)) await new Promise<void>((go) => out.once('drain', () => go()));
      await new Promise((done) => out.end(done));
      return path;
    };
    const header = 'a,b,c,d,e,f,label\n';
    // One quote opening the second field of line 1,002 runs on through the rest of the file.
    const quote = await write(
      'quote.csv',
      header + block + block.slice(0, block.indexOf(',') + 1) + '"',
      block.slice(block.indexOf(',') + 1) + block.repeat(copies - 2),
      1,
    );
    const cr = await write('cr.csv', header.replace('\n', '\r'), block.replaceAll('\n', '\r'), copies);
    const endless = await write('endless.csv', '', '1.5,2,3,'.repeat(1 << 17), Math.ceil(40e6 / (8 << 17)));
    const dist = join(repoRoot, 'dist/index.js');
    const load = (path: string) =>
      spawnSync(
        'node',
        [
          '--max-old-space-size=32',
          '--input-type=module',
          '-e',
          `import { loadDelimited } from ${JSON.stringify(dist)};
try {
  const d = await loadDelimited(${JSON.stringify(path)}, { labelColumn: -1 });
  console.log(JSON.stringify({ rows: d.x.rows, cols: d.x.cols, names: d.labelNames, last: d.lines[d.lines.length - 1] }));
} catch (e) { console.log(JSON.stringify({ error: e.message })); }`,
        ],
        { encoding: 'utf8' },
      );
    try {
      const quoted = load(quote);
      expect(quoted.stderr).toBe('');
      expect(JSON.parse(quoted.stdout)).toEqual({
        error: `loadDelimited: ${quote}: line 1002, column 2: unterminated quoted field (the record runs on for more than 4,194,304 characters without its closing quote)`,
      });
      const endlessRun = load(endless);
      expect(endlessRun.stderr).toBe('');
      expect(JSON.parse(endlessRun.stdout)).toEqual({
        error: `loadDelimited: ${endless}: line 1: a record longer than 4,194,304 characters (a line that never ends: is this a delimited text file?)`,
      });
      const crRun = load(cr);
      expect(crRun.stderr).toBe('');
      expect(JSON.parse(crRun.stdout)).toEqual({ rows: 1000 * copies, cols: 6, names: ['no', 'yes'], last: 1000 * copies + 1 });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    // Three files of 40 MB, written and read in a few seconds (about 3 s on a shared 2-core machine).
    expect(performance.now() - started).toBeLessThan(60_000);
  });
});
