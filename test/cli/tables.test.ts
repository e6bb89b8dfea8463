/**
 * Real tables through the command, as a new user meets them: the Palmer penguins (text columns,
 * NA in eleven rows; data/penguins.csv, CC0, from the R package palmerpenguins), and the seeds data
 * as scikit-learn ships its CSVs (a line of counts and class names before the table). Each figure
 * the command prints is compared with the same computation done here on the loaded model.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANN, oneHot, selectRows, setKernelBuild } from '../../src/index.js';
import { loadDelimited, readDelimited } from '../../src/data/delimited.js';
import { TablePreparation } from '../../src/data/table-preparation.js';
import { holdOut } from '../../src/cli/holdout.js';
import { cli, repoRoot, scratch, seedsPath, type Run } from './helpers.js';

// The command runs the plain SIMD kernels (see seeds.test.ts); so does this process.
setKernelBuild('simd');

const penguins = join(repoRoot, 'test/cli/data/penguins.csv');
const dir = scratch('tables');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const percent = (f: number) => `${(100 * f).toFixed(2)}%`;

describe('train on the penguins: text one-hot encoded, NA filled in, a test part held out', () => {
  const model = join(dir, 'penguins.json');
  let trained: Run;
  beforeAll(() => {
    trained = cli([
      'train',
      '--data',
      penguins,
      '--label-column',
      'species',
      '--layers',
      '16',
      '--standardize',
      '--epochs',
      '30',
      '--seed',
      '1',
      '--test',
      '0.2',
      '--out',
      model,
    ]);
  });

  it('says what became inputs, what was missing, which task and why, and how the rows were split', () => {
    expect(trained.stderr).toBe('');
    expect(trained.status).toBe(0);
    const out = trained.stdout;
    expect(out).toContain(`data: ${penguins}: 344 rows × 7 features; 3 classes (Adelie, Chinstrap, Gentoo)\n`);
    expect(out).toContain("task: classification, because the label column 'species' holds names (3 distinct)\n");
    expect(out).toContain('split: 205 training rows, 70 validation rows, 69 test rows (stratified, seed 1)\n');
    expect(out).toContain(
      "columns: 7 feature columns → 10 network inputs; text one-hot encoded: 'island' (3 categories), 'sex' (2 categories)\n",
    );
    expect(out).toContain(
      "missing values: 19 ('bill_length_mm' 2, 'bill_depth_mm' 2, 'flipper_length_mm' 2, 'body_mass_g' 2, 'sex' 11), filled in with the training rows' mean",
    );
    expect(out).toContain('network: 10-16-3, relu → softmax');
    expect(out).toMatch(/^test: loss [\d.]+, accuracy [\d.]+% \(\d+ of 69 rows held out, never trained on\)$/m);
  });

  it('saves the preparation fitted on the training rows only, and the split, which eval --rows redraws', async () => {
    const net = await ANN.load(model);
    const read = await readDelimited(penguins, { labelColumn: 'species' });
    // The split the command made, redrawn here: the test part first, then validation, stratified by species.
    const y = oneHot(read.labels!).y;
    const parts = holdOut(y, { validation: 0.2, test: 0.2, seed: 1, stratified: true });
    expect(net.meta.preparation).toEqual(TablePreparation.fit(read.table, { rows: parts.train }).toJSON());
    expect(net.meta.split).toMatchObject({
      rows: 344,
      fingerprint: read.fingerprint,
      seed: 1,
      validation: 0.2,
      test: 0.2,
      stratified: true,
      validationRows: 70,
      testRows: 69,
    });
    expect(net.meta.features).toEqual([
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

    const x = TablePreparation.fromJSON(net.meta.preparation).apply(read.table).x;
    const test = net.evaluate(selectRows(x, parts.test!), selectRows(y, parts.test!));
    const r = cli(['eval', '--model', model, '--data', penguins, '--rows', 'test']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain(`data: ${penguins}: 69 of 344 rows (the test rows train held out, seed 1)\n`);
    expect(r.stdout).toContain(`loss ${test.loss.toFixed(4)}, accuracy ${percent(test.accuracy!)} (`);
    expect(trained.stdout).toContain(`test: loss ${test.loss.toFixed(4)}, accuracy ${percent(test.accuracy!)} (`);
    expect(net.meta.training).toMatchObject({ rows: 205, validationRows: 70, testRows: 69, testLoss: Number(test.loss.toPrecision(6)) });
    const validation = cli(['eval', '--model', model, '--data', penguins, '--rows', 'validation']).stdout;
    expect(validation).toContain(`loss ${net.meta.training!.valLoss}`.slice(0, 11));
    expect(validation).toContain(`accuracy ${percent(net.meta.training!.valAccuracy as number)}`);
    const info = cli(['info', '--model', model]).stdout;
    expect(info).toContain(
      "columns: the training file had 8; 5 number columns, text one-hot encoded: 'island' (Biscoe, Dream, Torgersen); 'sex' (female, male)\n",
    );
    expect(info).toContain(
      `held out: 70 validation rows (0.2), 69 test rows (0.2) of the training file's 344, stratified, seed 1; rows fingerprint ${read.fingerprint}`,
    );
    // The whole file mixes in the training rows, and eval says so.
    expect(cli(['eval', '--model', model, '--data', penguins]).stdout).toContain(
      "note: this is the model's training file: 205 of its 344 rows were trained on; --rows validation or --rows test scores only the held-out ones\n",
    );
    net.dispose();
  });

  it('predict takes raw rows without the label column, fills NA and an island it never saw, and warns of that', async () => {
    const lines = readFileSync(penguins, 'utf8').trim().split('\n');
    const rows = [lines[1], lines[4], lines[200].replace('Biscoe', 'Anvers'), lines[300]].map((l) => l.split(',').slice(1).join(','));
    const raw = file('new-penguins.csv', [lines[0].split(',').slice(1).join(','), ...rows].join('\n') + '\n');
    const r = cli(['predict', '--model', model, '--data', raw]);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe(
      `warning: ${raw}: 1 cell of categories the training rows did not have, encoded as missing values are (the training rows' category frequencies); the first on line 4, column 1: "Anvers"\n`,
    );
    const net = await ANN.load(model);
    const d = await loadDelimited(raw, { preparation: net.meta.preparation });
    expect(d.x.rows).toBe(4);
    const out = net.predict(d.x).data;
    const [head, ...csv] = r.stdout.trimEnd().split('\n');
    expect(head).toBe('predicted,p(Adelie),p(Chinstrap),p(Gentoo)');
    csv.forEach((line, i) => expect(line.split(',').slice(1).map(Number)).toEqual(Array.from(out.subarray(3 * i, 3 * i + 3))));
    expect(csv.map((l) => l.split(',')[0])).toEqual(['Adelie', 'Adelie', 'Gentoo', 'Chinstrap']);
    // eval needs the labels this file lacks, and says so.
    expect(cli(['eval', '--model', model, '--data', raw])).toMatchObject({
      status: 1,
      stderr: `backprop-wasm eval: ${raw} has the training file's columns without its label column ('species', column 0); scoring needs the labels\n`,
    });
    // Stricter than training: the first missing value refused, by line and column.
    expect(cli(['predict', '--model', model, '--data', raw, '--missing', 'refuse'])).toMatchObject({
      status: 1,
      stderr: expect.stringMatching(
        /^backprop-wasm predict: loadDelimited: .*new-penguins.csv: line 3, column 2: "NA" is a missing value \(missing values are refused: --missing refuse\)\n$/,
      ),
    });
    net.dispose();
  });

  it('refuses, by flag, columns that are not there, columns chosen again at eval, and held-out rows of another file', () => {
    expect(cli(['train', '--data', penguins, '--label-column', 'species', '--ignore-columns', 'iland'])).toMatchObject({
      status: 2,
      stderr: `backprop-wasm train: --ignore-columns: no column is named 'iland'; the columns are 'species', 'island', 'bill_length_mm', 'bill_depth_mm', 'flipper_length_mm', 'body_mass_g', 'sex', 'year' (in ${penguins}) (see backprop-wasm train --help)\n`,
    });
    expect(cli(['train', '--data', penguins, '--label-column', 'specie'])).toMatchObject({
      status: 2,
      stderr: expect.stringMatching(/^backprop-wasm train: --label-column: no column is named 'specie'/),
    });
    expect(cli(['eval', '--model', model, '--data', penguins, '--ignore-columns', 'year'])).toMatchObject({
      status: 2,
      stderr: expect.stringMatching(/--ignore-columns chooses the columns to train on; the model reads the columns it was trained on/),
    });
    expect(cli(['train', '--data', penguins, '--label-column', 'species', '--missing', 'refuse'])).toMatchObject({
      status: 1,
      stderr: `backprop-wasm train: loadDelimited: ${penguins}: line 5, column 3: "NA" is a missing value (missing values are refused: --missing refuse)\n`,
    });
    const edited = file('edited.csv', readFileSync(penguins, 'utf8').replace('39.1', '39.2'));
    expect(cli(['eval', '--model', model, '--data', edited, '--rows', 'test'])).toMatchObject({
      status: 1,
      stderr: expect.stringMatching(
        /^backprop-wasm eval: .*edited.csv is not the file the model was trained on: it has 344 data rows \(fingerprint fnv1a32:[0-9a-f]{8}\), the training file had 344 \(fingerprint fnv1a32:[0-9a-f]{8}\); --rows test picks rows of that file\n$/,
      ),
    });
    const whole = join(dir, 'whole.json');
    expect(
      cli(['train', '--data', penguins, '--label-column', 'species', '--validation', '0', '--epochs', '1', '--out', whole]).status,
    ).toBe(0);
    expect(cli(['eval', '--model', whole, '--data', penguins, '--rows', 'validation'])).toMatchObject({
      status: 1,
      stderr: expect.stringMatching(/records no held-out rows/),
    });
  });

  it('--feature-columns keeps those columns only, by name or index, and says what it left out', () => {
    const r = cli([
      'train',
      '--data',
      penguins,
      '--label-column',
      '0',
      '--feature-columns',
      'island,2',
      '--epochs',
      '1',
      '--seed',
      '1',
      '--out',
      join(dir, 'two.json'),
    ]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(
      "columns: 2 feature columns → 4 network inputs; text one-hot encoded: 'island' (3 categories); left out: 'bill_depth_mm', 'flipper_length_mm', 'body_mass_g', 'sex', 'year'\n",
    );
  });
});

describe('a label column of big numbers: the task said and why, the targets standardized', () => {
  const model = join(dir, 'mass.json');

  it('trains a regression on body mass in grams, and eval and predict answer in grams', async () => {
    const r = cli([
      'train',
      '--data',
      penguins,
      '--label-column',
      'body_mass_g',
      '--standardize',
      '--epochs',
      '40',
      '--seed',
      '1',
      '--out',
      model,
    ]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('labels: 2 rows without a label (a missing value, the first on line 5) left out\n');
    expect(r.stdout).toContain(
      "task: regression, because the label column 'body_mass_g' holds 94 distinct integers (more than 20: quantities, not class codes); pass --task classify to treat them as classes\n",
    );
    expect(r.stdout).toMatch(/; targets standardized \(mean 4\d{3}, std [78]\d\d\.\d\), so losses are in standard deviations squared\n/);
    const net = await ANN.load(model);
    const { mean, std } = net.meta.targetScaling!;
    const d = await loadDelimited(penguins, { preparation: net.meta.preparation });
    const grams = Array.from(net.predict(d.x).data, (v) => v * std[0] + mean[0]);
    const predicted = cli(['predict', '--model', model, '--data', penguins]).stdout.trimEnd().split('\n');
    expect(predicted[0]).toBe('body_mass_g');
    expect(predicted.slice(1).map(Number)).toEqual(grams);
    // Against the 342 labelled rows: a model that learned something errs far less than the 800 g spread.
    const labelled = d.labels!.map((l, i) => [l, grams[i]]).filter(([l]) => !Number.isNaN(l));
    const mse = labelled.reduce((s, [l, p]) => s + (p - l) ** 2, 0) / labelled.length;
    expect(Math.sqrt(mse)).toBeLessThan(450);
    expect(cli(['eval', '--model', model, '--data', penguins]).stdout).toContain(
      `loss (mean squared error) ${mse.toPrecision(6)}, root mean squared error ${Math.sqrt(mse).toPrecision(6)}`,
    );
    expect(cli(['info', '--model', model]).stdout).toMatch(
      /^targets: standardized for training \(mean 4\d+\.?\d*, std \d+\.?\d*\); eval and predict give the outputs back in the label's units$/m,
    );
    net.dispose();
  });

  it('without the scaling, the same run diverges with SGD at its learning rate (what every such run did before)', () => {
    // Adam, the default, takes steps of about its rate whatever the gradient's size, so it crawls
    // towards targets in the thousands instead of diverging; SGD's step grows with the gradient.
    const r = cli([
      'train',
      '--data',
      penguins,
      '--label-column',
      'body_mass_g',
      '--optimizer',
      'sgd',
      '--epochs',
      '40',
      '--seed',
      '1',
      '--target-scaling',
      'none',
      '--out',
      join(dir, 'never.json'),
    ]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^backprop-wasm train: fit: training diverged in epoch 1/);
  });

  it('real numbers as labels are named as such', () => {
    const r = cli([
      'train',
      '--data',
      penguins,
      '--label-column',
      'bill_length_mm',
      '--epochs',
      '1',
      '--seed',
      '1',
      '--out',
      join(dir, 'bill.json'),
    ]);
    expect(r.stdout).toContain(
      "task: regression, because the label column 'bill_length_mm' holds 164 distinct real numbers; pass --task classify to treat them as classes\n",
    );
  });
});

describe("scikit-learn's CSVs: a line of counts and class names before the table", () => {
  const rows = readFileSync(seedsPath, 'utf8')
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/));
  const sklearn = file(
    'seeds_sklearn.csv',
    ['210,7,Kama,Rosa,Canadian', ...rows.map((f) => [...f.slice(0, 7), Number(f[7]) - 1].join(','))].join('\n') + '\n',
  );
  const model = join(dir, 'sklearn.json');

  it('are refused with the flag that reads them, and read with --skip-rows 1 by train, eval and predict', () => {
    const refused = cli(['train', '--data', sklearn, '--out', model]);
    expect(refused).toMatchObject({
      status: 1,
      stderr: `backprop-wasm train: loadDelimited: ${sklearn}: line 2: expected 5 fields, as on line 1, got 8; if line 1 is not part of the table, skip it (--skip-rows 1)\n`,
    });
    const r = cli([
      'train',
      '--data',
      sklearn,
      '--skip-rows',
      '1',
      '--standardize',
      '--epochs',
      '20',
      '--seed',
      '4',
      '--test',
      '0.2',
      '--out',
      model,
    ]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`data: ${sklearn}: 210 rows × 7 features; 3 classes (0, 1, 2)\n`);
    expect(r.stdout).toContain('split: 126 training rows, 42 validation rows, 42 test rows (stratified, seed 4)\n');
    const test = r.stdout.match(/^test: loss ([\d.]+), accuracy ([\d.]+%)/m)!;
    const evaluated = cli(['eval', '--model', model, '--data', sklearn, '--skip-rows', '1', '--rows', 'test']);
    expect(evaluated.stdout).toContain(`loss ${test[1]}, accuracy ${test[2]} (`);
    expect(cli(['eval', '--model', model, '--data', sklearn]).stderr).toBe(
      `backprop-wasm eval: loadDelimited: ${sklearn}: 4 feature columns besides the label column (4) on line 1, but the training file had 7 and the label column (7); if line 1 is not part of the table, skip it (--skip-rows 1)\n`,
    );
    expect(cli(['predict', '--model', model, '--data', sklearn, '--skip-rows', '1']).stdout.trimEnd().split('\n')).toHaveLength(211);
  });
});
