/**
 * Real tables through loadDelimited and parseDelimited: lines before the table (scikit-learn's
 * CSVs), columns chosen by name or index, text columns one-hot encoded, missing values filled in
 * or refused, and a preparation saved and applied to the next file as it was fitted.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DelimitedReader, loadDelimited, parseDelimited } from '../../src/data/delimited.js';
import { TablePreparation } from '../../src/data/table-preparation.js';
import { MAX_CATEGORIES } from '../../src/data/table.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const seedsPath = resolve(here, '../../data/seeds_dataset.txt');
// The Palmer penguins (Gorman, Williams & Fraser 2014; CC0, from the R package palmerpenguins):
// species, island and sex are text, and 11 rows have NA in some cells.
const penguinsPath = resolve(here, '../cli/data/penguins.csv');

describe('lines before the table (skipRows)', () => {
  // The seeds file as scikit-learn ships its CSVs: a first line of counts and class names.
  const rows = readFileSync(seedsPath, 'utf8')
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/));
  const sklearn = ['210,7,Kama,Rosa,Canadian', ...rows.map((f) => [...f.slice(0, 7), Number(f[7]) - 1].join(','))].join('\n') + '\n';

  it('skips them, whatever they hold, and names the rows by their line in the file', () => {
    const d = parseDelimited(sklearn, { skipRows: 1, labelColumn: -1 });
    expect([d.x.rows, d.x.cols, d.header]).toEqual([210, 7, null]);
    expect(d.lines[0]).toBe(2);
    expect(Array.from(d.x.data.subarray(0, 7))).toEqual([15.26, 14.84, 0.871, 5.763, 3.312, 2.221, 5.22]);
    expect(new Set(d.labels)).toEqual(new Set([0, 1, 2]));
    // Skipped lines are not parsed: an unterminated quote there is no concern.
    expect(parseDelimited('"a,\n"b\n1,2\n3,4\n', { skipRows: 2 }).x.rows).toBe(2);
    expect(() => parseDelimited('1,2', { skipRows: -1 })).toThrow(/options.skipRows must be an integer ≥ 0, got -1/);
    expect(() => parseDelimited('x\n', { skipRows: 1 })).toThrow(/text has no non-blank lines after the 1 skipped/);
  });

  it('without it, the error on the first row says which line to skip', () => {
    expect(() => parseDelimited(sklearn, { labelColumn: -1 })).toThrow(
      /^parseDelimited: line 2: expected 5 fields, as on line 1, got 8; if line 1 is not part of the table, skip it \(options.skipRows 1\)$/,
    );
    expect(() => parseDelimited('# made by a tool\n' + sklearn, { labelColumn: -1, skipRows: 1 })).toThrow(
      /line 3: expected 5 fields, as on line 2, got 8; if line 2 is not part of the table, skip lines 1–2 \(options.skipRows 2\)$/,
    );
    // A short row further down is a ragged file, not a preamble.
    expect(() => parseDelimited('1,2,3\n4,5,6\n7,8\n')).toThrow(/^parseDelimited: line 3: expected 3 fields, as on line 1, got 2$/);
  });
});

describe('choosing columns by name or index', () => {
  const text = 'id,a,b,name,label\n1,0.5,2,x,yes\n2,1.5,4,y,no\n3,2.5,6,z,yes\n';

  it('ignoreColumns and featureColumns take header names or 0-based indices; the label column by name too', () => {
    const ignored = parseDelimited(text, { labelColumn: 'label', ignoreColumns: ['id', 3] });
    expect([ignored.labelColumn, ignored.x.cols, Array.from(ignored.x.data)]).toEqual([4, 2, [0.5, 2, 1.5, 4, 2.5, 6]]);
    expect(ignored.features).toEqual(['a', 'b']);
    const chosen = parseDelimited(text, { labelColumn: -1, featureColumns: ['b', '1'] });
    // File order, whatever the order given.
    expect([chosen.features, Array.from(chosen.x.data)]).toEqual([
      ['a', 'b'],
      [0.5, 2, 1.5, 4, 2.5, 6],
    ]);
    // A header name that looks like a number is a name first.
    expect(parseDelimited('2019,2020\n1,2\n3,4\n', { header: true, featureColumns: ['2020'] }).features).toEqual(['2020']);
  });

  it('refuses a name the header lacks, the label column as a feature, both options, and no features left', () => {
    expect(() => parseDelimited(text, { labelColumn: -1, ignoreColumns: ['nmae'] })).toThrow(
      /^parseDelimited: options.ignoreColumns: no column is named 'nmae'; the columns are 'id', 'a', 'b', 'name', 'label'$/,
    );
    expect(() => parseDelimited('1,2\n3,4\n', { ignoreColumns: ['a'] })).toThrow(
      /options.ignoreColumns: 'a' is not a column index, and the file has no header line to name its columns/,
    );
    expect(() => parseDelimited(text, { labelColumn: 'label', featureColumns: ['a', 'label'] })).toThrow(
      /options.featureColumns: column 'label' is the label column, which is never a feature/,
    );
    expect(() => parseDelimited(text, { ignoreColumns: ['a'], featureColumns: ['b'] })).toThrow(/give one of them/);
    expect(() => parseDelimited(text, { labelColumn: 'label', ignoreColumns: [0, 1, 2, 3] })).toThrow(
      /no feature columns are left once the label column and the ignored columns are removed/,
    );
    expect(() => parseDelimited(text, { labelColumn: 'Label' })).toThrow(/options.labelColumn: no column is named 'Label'/);
    expect(() => parseDelimited(text, { ignoreColumns: [9] })).toThrow(
      /options.ignoreColumns must be a column name or an integer in \[-5, 4\], got 9/,
    );
  });
});

describe('text columns and missing values on the Palmer penguins', () => {
  it('one-hot encodes island and sex (categories in name order) and fills NA with the mean, or the category frequencies', async () => {
    const d = await loadDelimited(penguinsPath, { labelColumn: 'species' });
    expect([d.x.rows, d.x.cols]).toEqual([344, 3 + 4 + 2 + 1]);
    expect(d.features).toEqual([
      'island=Biscoe',
      'island=Dream',
      'island=Torgersen',
      'bill_length_mm',
      'bill_depth_mm',
      'flipper_length_mm',
      'body_mass_g',
      'sex=female',
      'sex=male',
      'year',
    ]);
    expect(d.labelNames).toEqual(['Adelie', 'Chinstrap', 'Gentoo']);
    const row = (r: number) => Array.from(d.x.data.subarray(r * 10, (r + 1) * 10));
    // Line 2: Adelie,Torgersen,39.1,18.7,181,3750,male,2007
    expect(row(0)).toEqual([0, 0, 1, 39.1, 18.7, 181, 3750, 0, 1, 2007]);
    // Line 5: Adelie,Torgersen,NA,NA,NA,NA,NA,2007 — every measurement and the sex missing.
    const lines = readFileSync(penguinsPath, 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(','));
    const mean = (c: number) => {
      const v = lines
        .map((f) => f[c])
        .filter((s) => s !== 'NA')
        .map(Number);
      return v.reduce((a, b) => a + b, 0) / v.length;
    };
    const sexes = lines.map((f) => f[6]).filter((s) => s !== 'NA');
    const female = sexes.filter((s) => s === 'female').length / sexes.length;
    const filled = row(3);
    expect(filled.slice(0, 3)).toEqual([0, 0, 1]);
    [2, 3, 4, 5].forEach((c, i) => expect(filled[3 + i]).toBeCloseTo(mean(c), 10));
    expect(filled[7]).toBeCloseTo(female, 12);
    expect(filled[8]).toBeCloseTo(1 - female, 12);
    expect(d.table.columns.map((c) => c.missing)).toEqual([0, 2, 2, 2, 2, 11, 0]);
  });

  it("missing: 'refuse' stops at the first missing value, naming its line and column", async () => {
    await expect(loadDelimited(penguinsPath, { labelColumn: 'species', missing: 'refuse' })).rejects.toThrow(
      `loadDelimited: ${penguinsPath}: line 5, column 3: "NA" is a missing value (missing values are refused: options.missing 'refuse')`,
    );
    expect(() => parseDelimited('a,b\n1,\n', { missing: 'refuse' })).toThrow(/line 2, column 2: empty field \(missing values are refused/);
  });

  it("reads '', NA, N/A, NaN, nan and ? as missing, and none of them as a column name", () => {
    const d = parseDelimited('NA,1\n?,2\n3,\nnan,N/A\n4,NaN\n');
    expect(d.header).toBeNull();
    expect(Array.from(d.x.data)).toEqual([3.5, 1, 3.5, 2, 3, 1.5, 3.5, 1.5, 4, 1.5]);
  });

  it('refuses a column of numbers with text in it, at the first cell that mixes them, and a text column of too many values', () => {
    const reader = new DelimitedReader({ labelColumn: -1 });
    reader.push('a,b,label\n1,2,x\n');
    // The error comes with the line that has it, not at the end of a long file.
    expect(() => reader.push('3,unknown,y\n')).toThrow(
      /^parseDelimited: line 3, column 2: "unknown" is not a number, though column 'b' held numbers above it \(the first, 2, on line 2\); a column holds numbers or text \(categories\), not both$/,
    );
    expect(() => parseDelimited('c,label\nred,1\n5,0\n', { labelColumn: -1 })).toThrow(
      /^parseDelimited: line 3, column 1: 5 is a number, though column 'c' held text above it \(the first, "red", on line 2\)/,
    );
    const ids = ['id,v', ...Array.from({ length: MAX_CATEGORIES + 5 }, (_, i) => `p${i},${i}`)].join('\n');
    expect(() => parseDelimited(ids)).toThrow(
      `parseDelimited: line ${MAX_CATEGORIES + 2}, column 1: "p${MAX_CATEGORIES}" makes ${MAX_CATEGORIES + 1} distinct texts in column 'id', which holds an identifier or free text rather than categories`,
    );
    expect(parseDelimited(ids, { ignoreColumns: ['id'] }).x.cols).toBe(1);
  });
});

describe('a preparation fitted on some rows and applied to another file', () => {
  const train = 'colour,size,label\nred,1,a\nblue,3,b\nred,,a\ngreen,5,b\n';

  it('takes means and categories from the fitting rows only, and encodes another file as it did', () => {
    const d = parseDelimited(train, { labelColumn: -1 });
    // Rows 0 and 1 only: green is not a category, the mean size is 2.
    const prep = TablePreparation.fit(d.table, { rows: [0, 1] });
    expect(prep.toJSON()).toEqual({
      width: 3,
      header: ['colour', 'size', 'label'],
      labelColumn: 2,
      columns: [
        { column: 0, kind: 'categories', categories: ['blue', 'red'], fill: [0.5, 0.5] },
        { column: 1, kind: 'number', fill: 2 },
      ],
      missing: 'impute',
      missingValues: ['', 'NA', 'N/A', 'NaN', 'nan', '?'],
    });
    const { x, unseen } = prep.apply(d.table);
    expect(Array.from(x.data)).toEqual([0, 1, 1, 1, 0, 3, 0, 1, 2, 0.5, 0.5, 5]);
    expect(unseen).toEqual({ count: 1, line: 5, column: 0, value: 'green' });

    // A new file, with and without the label column, read through the saved form.
    const saved = JSON.parse(JSON.stringify(prep.toJSON()));
    const withLabel = parseDelimited('colour,size,label\nblue,4,b\npurple,NA,a\n', { preparation: saved });
    expect([withLabel.labelColumn, withLabel.labelNames, Array.from(withLabel.x.data)]).toEqual([2, ['a', 'b'], [1, 0, 4, 0.5, 0.5, 2]]);
    expect(withLabel.unseen).toEqual({ count: 1, line: 3, column: 0, value: 'purple' });
    // No header, no label: the first line is data, and the columns are the training file's less its label.
    const bare = parseDelimited('red,7\n', { preparation: saved });
    expect([bare.labels, Array.from(bare.x.data)]).toEqual([null, [0, 1, 7]]);
    // The header repeated without the label column is a header, whatever detection would say.
    expect(parseDelimited('colour,size\nred,7\n', { preparation: saved }).header).toEqual(['colour', 'size']);
    expect(() => parseDelimited('colour,size\npurple,7\n', { preparation: saved, missing: 'refuse' })).toThrow(
      /^parseDelimited: line 2, column 1: "purple" is not one of the 2 categories of column 'colour' \(blue, red\), and unknown categories are refused as missing values are/,
    );
    expect(() => parseDelimited('size,colour\n7,red\n', { preparation: saved })).toThrow(
      /^parseDelimited: column 0 is named 'size', where the training file had 'colour'; the columns must be the training file's, in its order$/,
    );
    expect(() => parseDelimited('red,7,a,1\n', { preparation: saved })).toThrow(
      /^parseDelimited: 4 feature columns \(and no label column\) on line 1, but the training file had 2 and the label column \(2\)$/,
    );
    expect(() => parseDelimited('red,x\n', { preparation: saved })).toThrow(
      /^parseDelimited: line 1, column 2: "x" is not a number \(column index 1 held numbers in the rows the table preparation was fitted on\)$/,
    );
    expect(() => parseDelimited('red,1\n', { preparation: saved, ignoreColumns: [0] })).toThrow(
      /options.ignoreColumns goes without options.preparation/,
    );
  });

  it('is checked field by field when read back', () => {
    const json = TablePreparation.fit(parseDelimited(train, { labelColumn: -1 }).table).toJSON();
    expect(() => TablePreparation.fromJSON({ ...json, columns: [{ ...json.columns[0], fill: [0.5] }, json.columns[1]] })).toThrow(
      /columns\[0\]\.fill must hold 3 numbers in \[0, 1\]/,
    );
    expect(() => TablePreparation.fromJSON({ ...json, columns: [json.columns[1], json.columns[0]] })).toThrow(
      /columns\[1\]\.column must be an integer in \(1, 2\], after the one before and not the label column, got 0/,
    );
    expect(() => TablePreparation.fromJSON({ ...json, missing: 'guess' })).toThrow(/missing must be 'impute' or 'refuse', got 'guess'/);
    expect(() => TablePreparation.fromJSON({ ...json, header: ['a'] })).toThrow(/header must be null or 3 strings/);
    expect(TablePreparation.fromJSON(json).inputs).toBe(4);
  });
});

describe('the fingerprint of the data rows', () => {
  it('is the same for the same rows whatever the line endings, quoting or gzip, and changes with a cell', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fingerprint-'));
    try {
      const text = readFileSync(penguinsPath, 'utf8');
      const crlf = join(dir, 'crlf.csv');
      await writeFile(crlf, text.replaceAll('\n', '\r\n'));
      const zipped = join(dir, 'zipped.csv.gz');
      await writeFile(zipped, gzipSync(text.replace('Adelie,Torgersen,39.1', '"Adelie","Torgersen",39.1')));
      const changed = join(dir, 'changed.csv');
      await writeFile(changed, text.replace('39.1', '39.2'));
      const print = async (path: string) => (await loadDelimited(path, { labelColumn: 0 })).fingerprint;
      const original = await print(penguinsPath);
      expect(original).toMatch(/^fnv1a32:[0-9a-f]{8}$/);
      expect(await print(crlf)).toBe(original);
      expect(await print(zipped)).toBe(original);
      expect(await print(changed)).not.toBe(original);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
