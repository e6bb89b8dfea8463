/**
 * train's training flags and its defaults, through the real command: each flag reaches fit (as the
 * saved model and its training state record it), and the defaults (features standardized, Adam,
 * weight decay, early stopping with the best weights kept) learn a raw real table on which the
 * defaults before them ended at the majority class. Bad values are in errors.test.ts.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ANN, setKernelBuild } from '../../src/index.js';
import { cli, repoRoot, scratch, seedsPath } from './helpers.js';

// The command runs the plain SIMD kernels (see seeds.test.ts); so does this process.
setKernelBuild('simd');

const penguins = join(repoRoot, 'test/cli/data/penguins.csv');
const dir = scratch('training-flags');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const saved = (path: string) => JSON.parse(readFileSync(path, 'utf8'));
const epochLines = (out: string) => out.split('\n').filter((l) => /^epoch \d+ {2}/.test(l));
/** What train did by default before the defaults for tables: 20 epochs of SGD at 0.05 (momentum 0.9) on raw features, 32 units. */
const OLD_DEFAULTS = ['--optimizer', 'sgd', '--lr', '0.05', '--momentum', '0.9', '--weight-decay', '0'];
const OLD_RUN = [...OLD_DEFAULTS, '--epochs', '20', '--patience', '0', '--no-standardize', '--layers', '32'];

describe('the training flags reach fit', () => {
  it('--optimizer, --lr, --weight-decay, --dropout per layer, --schedule, --clip-norm, --class-weight, --patience', async () => {
    const model = join(dir, 'flags.json');
    const r = cli([
      'train',
      '--data',
      seedsPath,
      '--layers',
      '16,8',
      '--optimizer',
      'adamw',
      '--lr',
      '0.002',
      '--weight-decay',
      '0.001',
      '--dropout',
      '0.1,0.2',
      '--schedule',
      'step:every=5,factor=0.5',
      '--clip-norm',
      '1',
      '--class-weight',
      'balanced',
      '--patience',
      '3',
      '--epochs',
      '30',
      '--seed',
      '2',
      '--out',
      model,
    ]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(
      "training: adamw, learning rate 0.002, weight decay 0.001 (decoupled), batch 32; up to 30 epochs, stopping after 3 without a better loss on the 42 validation rows (the best epoch's weights kept); dropout 0.1,0.2; schedule step:every=5,factor=0.5; gradients clipped to norm 1; classes weighted (balanced)\n",
    );
    expect(r.stdout).toMatch(/^settings: defaults for a table \(.*\), except --epochs 30, --optimizer adamw, --lr 0\.002, .* as given$/m);
    // The step schedule halves the rate every 5 epochs: the epoch lines show the rate each ended at.
    const lines = epochLines(r.stdout);
    expect(lines[0]).toMatch(/ {2}lr 0\.002 {2}/);
    expect(lines[5]).toMatch(/^epoch 6 .* {2}lr 0\.001 {2}/);
    if (lines.length >= 11) expect(lines[10]).toMatch(/^epoch 11 .* {2}lr 0\.0005 {2}/);
    const file = saved(model);
    expect(file.dropout).toEqual([0.1, 0.2]);
    expect(file.trainingState.optimizer).toMatchObject({ name: 'adamw', settings: { weightDecay: 0.001, beta1: 0.9, beta2: 0.999 } });
    // 168 training rows in batches of 32: 6 steps an epoch, every epoch trained counted.
    expect(file.trainingState.optimizer.steps).toBe(6 * lines.length);
    expect(file.training).toMatchObject({
      optimizer: 'adamw',
      learningRate: 0.002,
      weightDecay: 0.001,
      maxEpochs: 30,
      patience: 3,
      dropout: '0.1,0.2',
      schedule: 'step:every=5,factor=0.5',
      clipNorm: 1,
      classWeight: 'balanced',
      epochs: lines.length,
    });
    const net = await ANN.load(model);
    expect(net.summary()).toMatch(/^dense 1 +16 +relu .*\ndropout +16 +rate 0\.1\ndense 2 +8 +relu .*\ndropout +8 +rate 0\.2\n/m);
    expect(net.summary()).toMatch(/^trains with: adamw \(.*weightDecay 0\.001\)/m);
    net.dispose();
  });

  it('class weights weigh the loss: all zero, the loss is 0 and (with no decay) the weights never move', async () => {
    const model = join(dir, 'zero-weights.json');
    const r = cli([
      'train',
      '--data',
      seedsPath,
      '--layers',
      '8',
      '--class-weight',
      '0,0,0',
      '--weight-decay',
      '0',
      '--epochs',
      '3',
      '--seed',
      '5',
      '--out',
      model,
    ]);
    expect(r.status).toBe(0);
    const lines = epochLines(r.stdout);
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(line).toMatch(/ {2}loss 0\.0000 {2}/);
    const trained = await ANN.load(model);
    const fresh = await ANN.create({ layers: [7, 8, 3], activation: 'relu', output: 'softmax', loss: 'categoricalCrossEntropy', seed: 5 });
    expect(trained.getWeights()).toEqual(fresh.getWeights());
    expect(saved(model).training.classWeight).toBe('0,0,0');
    trained.dispose();
    fresh.dispose();
  });

  it('--momentum alone means sgd (the command lines of the SGD days mean what they meant)', () => {
    const model = join(dir, 'sgd.json');
    const r = cli(['train', '--data', seedsPath, '--lr', '0.01', '--momentum', '0.5', '--epochs', '2', '--seed', '1', '--out', model]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('training: sgd (as --momentum implies), learning rate 0.01, momentum 0.5, weight decay 0.0001, batch 32;');
    expect(saved(model).trainingState.optimizer).toMatchObject({ name: 'sgd', settings: { momentum: 0.5, weightDecay: 0.0001 } });
  });

  it('--no-standardize leaves the features as they are; --validation 0 trains every epoch, with nothing to stop on', () => {
    const model = join(dir, 'raw.json');
    const r = cli(['train', '--data', seedsPath, '--no-standardize', '--validation', '0', '--epochs', '4', '--seed', '1', '--out', model]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^network: 7-100-3, .*; seed 1; features as they are$/m);
    expect(r.stdout).toContain('; 4 epochs (no validation rows to stop early on)\n');
    expect(r.stdout).toMatch(/, except --epochs 4, --no-standardize as given$/m);
    expect(epochLines(r.stdout)).toHaveLength(4);
    const file = saved(model);
    expect(file.standardizer).toBeNull();
    expect(file.training).toMatchObject({ patience: 0, epochs: 4 });
  });
});

describe('the defaults on a raw real table (the Palmer penguins: grams beside millimetres, text columns, NAs)', () => {
  /** train on the penguins with a test part held out, then eval's accuracy on exactly those rows. */
  const run = (name: string, flags: string[]) => {
    const model = join(dir, `${name}.json`);
    const r = cli(['train', '--data', penguins, '--label-column', 'species', '--test', '0.2', '--seed', '1', '--out', model, ...flags]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const evaluated = cli(['eval', '--model', model, '--data', penguins, '--rows', 'test']);
    const [, accuracy, correct, rows] = /accuracy ([\d.]+)% \((\d+) of (\d+)\)/.exec(evaluated.stdout)!;
    const counts = { correct: Number(correct), rows: Number(rows) };
    expect(r.stdout).toContain(`test: loss `);
    expect(r.stdout).toContain(`accuracy ${accuracy}% (${correct} of ${rows} rows held out, never trained on)`);
    return { stdout: r.stdout, ...counts, file: saved(model) };
  };

  it('reach ≥ 97% on the held-out test rows, said to be the defaults for a table, and stop early', () => {
    const { stdout, correct, rows, file } = run('defaults', []);
    expect(stdout).toContain(
      "settings: the defaults for a table (as scikit-learn's MLPClassifier: standardized features, Adam at 0.001 with L2 weight decay 1e-4; and early stopping on the validation rows)\n",
    );
    expect(stdout).toMatch(/^network: 10-100-3, .*; features standardized$/m);
    expect(correct / rows).toBeGreaterThanOrEqual(0.97);
    expect(file.training.epochs).toBeLessThan(200);
    expect(file.training.epochs).toBe(file.training.bestEpoch + 10);
  });

  it('where the old defaults (SGD at 0.05, raw features, 20 epochs) end at the majority class', () => {
    const { correct, rows, file } = run('old-defaults', OLD_RUN);
    // The test rows are stratified: the largest class (Adelie, 152 of 344) has 30 of the 69.
    expect(rows).toBe(69);
    expect(correct).toBeLessThanOrEqual(30);
    expect(file.standardizer).toBeNull();
  });
});
