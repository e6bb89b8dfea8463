/**
 * Broken flags and broken files through the real command: the exit code (2 bad usage, 1 a failure
 * while running) and a message that names the flag, or the file and line, at fault. A failed run
 * never damages the model file it would have replaced.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, scratch, seedsPath } from './helpers.js';

const dir = scratch('errors');
const model = join(dir, 'model.json');
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

beforeAll(() => {
  const r = cli(['train', '--data', seedsPath, '--epochs', '2', '--seed', '3', '--out', model]);
  expect(r.status).toBe(0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('bad usage exits with 2 and names the flag', () => {
  const cases: [string[], RegExp][] = [
    [['train'], /^backprop-wasm train: --data is required \(see backprop-wasm train --help\)\n$/],
    [['train', '--data', seedsPath, '--epochs', '0'], /train: --epochs must be an integer ≥ 1, got '0'/],
    [['train', '--data', seedsPath, '--epochs', '2.5'], /train: --epochs must be an integer ≥ 1, got '2.5'/],
    [['train', '--data', seedsPath, '--epochs'], /train: --epochs needs a value/],
    [['train', '--data', seedsPath, '--lr', '-1'], /train: --lr needs a value \(a value that starts with '-' is written --lr=-1\)/],
    [['train', '--data', seedsPath, '--lr=-1'], /train: --lr must be a number > 0, got '-1'/],
    [['train', '--data', seedsPath, '--momentum', '1'], /train: --momentum must be a number ≥ 0 and < 1, got '1'/],
    [['train', '--data', seedsPath, '--validation', '1'], /train: --validation must be a number ≥ 0 and < 1, got '1'/],
    [
      ['train', '--data', seedsPath, '--layers', '16,x'],
      /train: --layers must be a comma-separated list of integers ≥ 1 \(or 'none'\); item 2 is 'x'/,
    ],
    [
      ['train', '--data', seedsPath, '--loss', 'hinge'],
      /train: --loss must be one of meanSquaredError, binaryCrossEntropy, categoricalCrossEntropy, mse, bce, cce; got 'hinge'/,
    ],
    [
      ['train', '--data', seedsPath, '--activation', 'softmax'],
      /train: --activation must be one of identity, sigmoid, tanh, relu, leakyRelu; got 'softmax'/,
    ],
    [
      ['train', '--data', seedsPath, '--output', 'identity', '--loss', 'cce'],
      /train: loss 'categoricalCrossEntropy' needs --output 'softmax', got 'identity'/,
    ],
    [
      ['train', '--data', seedsPath, '--task', 'regress', '--loss', 'bce'],
      /train: --loss bce needs class labels, but .* has numeric targets/,
    ],
    // The loss came from --output: the message names the flag that was given.
    [
      ['train', '--data', seedsPath, '--task', 'regress', '--output', 'softmax'],
      /train: --output softmax needs class labels, but .* has numeric targets/,
    ],
    [
      ['train', '--data', seedsPath, '--label-column', '8'],
      /train: --label-column 8 is not a column of .*seeds_dataset.txt, which has 8 columns \(0 to 7, or -8 to -1 counting from the end\) \(see/,
    ],
    [
      ['eval', '--model', model, '--data', seedsPath, '--label-column=-9'],
      /eval: --label-column -9 is not a column of .*seeds_dataset.txt, which has 8 columns/,
    ],
    [
      ['predict', '--model', model, '--data', seedsPath, '--label-column', '12'],
      /predict: --label-column 12 is not a column of .*seeds_dataset.txt, which has 8 columns/,
    ],
    [['train', '--data', seedsPath, '--classes', '1,2'], /train: --classes picks MNIST digits/],
    [['train', '--data', 'mnist', '--classes', '5,5'], /train: --classes must list at least two distinct digits 0–9, got '5,5'/],
    [['train', '--data', 'mnist', '--label-column', '0'], /train: --label-column is for data files/],
    [
      ['train', '--data', seedsPath, '--standardise'],
      /^backprop-wasm train: unknown flag --standardise \(did you mean --standardize\?\) \(see backprop-wasm train --help\)\n$/,
    ],
    [['train', '--data', seedsPath, '--standardize=yes'], /train: --standardize takes no value/],
    [['train', '--data', seedsPath, 'extra'], /train: unexpected argument 'extra'/],
    [['train', '--data', seedsPath, '--weight_decay', '0'], /train: unknown flag --weight_decay \(did you mean --weight-decay\?\)/],
    [
      ['train', '--data', seedsPath, '--standardize', 'off'],
      /train: --standardize takes no value, got 'off' after it \(--no-standardize turns it off\)/,
    ],
    [['train', '--data', seedsPath, '--standardize', '--no-standardize'], /train: --standardize and --no-standardize contradict/],
    [
      ['train', '--data', seedsPath, '--optimizer', 'adagrad'],
      /train: --optimizer must be one of adam, adamw, sgd, rmsprop; got 'adagrad'/,
    ],
    [['train', '--data', seedsPath, '--optimizer', 'adam', '--momentum', '0.9'], /train: --momentum is sgd's; --optimizer adam has none/],
    [['train', '--data', seedsPath, '--weight-decay=-1'], /train: --weight-decay must be a number ≥ 0, got '-1'/],
    [['train', '--data', seedsPath, '--dropout', '1'], /train: --dropout must be a rate in \[0, 1\), .*got '1'/],
    [
      ['train', '--data', seedsPath, '--dropout', '0.1,0.2'],
      /train: --dropout lists 2 rates, but --layers gives 1 hidden layer; give one rate per hidden layer, or one for all/,
    ],
    [['train', '--data', seedsPath, '--layers', 'none', '--dropout', '0.2'], /train: --dropout acts after hidden layers/],
    [
      ['train', '--data', seedsPath, '--schedule', 'step:every=0,factor=0.5'],
      /train: --schedule 'step:every=0,factor=0.5': every must be an integer ≥ 1, got 0/,
    ],
    [
      ['train', '--data', seedsPath, '--schedule', 'stepp'],
      /train: --schedule 'stepp': 'stepp' is not a schedule \(did you mean 'step'\?\)/,
    ],
    [
      ['train', '--data', seedsPath, '--schedule', 'step:evry=10,factor=0.5'],
      /train: --schedule 'step:evry=10,factor=0.5': step has no setting 'evry' \(did you mean 'every'\?\)/,
    ],
    [
      ['train', '--data', seedsPath, '--schedule', 'step:factor=0.5'],
      /train: --schedule 'step:factor=0.5': step needs every=…, as in step:every=10,factor=0.5/,
    ],
    [['train', '--data', seedsPath, '--schedule', 'cosine:min=x'], /train: --schedule 'cosine:min=x': min must be a number, got 'x'/],
    [
      ['train', '--data', seedsPath, '--schedule', 'plateau:factor=2'],
      /train: --schedule 'plateau:factor=2': factor must be below 1 \(it lowers the rate\), got 2/,
    ],
    [
      ['train', '--data', seedsPath, '--schedule', 'plateau:patience=10'],
      /train: --schedule 'plateau:patience=10': the rate would be cut after 10 epochs .* but --patience 10 stops training then or before/,
    ],
    [
      ['train', '--data', seedsPath, '--validation', '0', '--schedule', 'plateau'],
      /train: --schedule 'plateau' watches the validation loss; with --validation 0 there is none/,
    ],
    [
      ['train', '--data', seedsPath, '--validation', '0', '--patience', '5'],
      /train: --patience watches the validation rows; with --validation 0/,
    ],
    [['train', '--data', seedsPath, '--patience=-1'], /train: --patience must be an integer ≥ 0, got '-1'/],
    [['train', '--data', seedsPath, '--clip-norm', '0'], /train: --clip-norm must be a number > 0, got '0'/],
    [['train', '--data', seedsPath, '--class-weight', 'heavy'], /train: --class-weight must be balanced, none, or .*; item 1 is 'heavy'/],
    [
      ['train', '--data', seedsPath, '--class-weight', '1,2'],
      /train: --class-weight lists 2 weights, but .*seeds_dataset.txt has 3 classes \(1, 2, 3\); give one per class, in that order/,
    ],
    [['eval', '--data', seedsPath], /eval: --model is required/],
    [
      ['gradcheck', '--model', model, '--layers', '3'],
      /gradcheck: --layers describes a network to build; it cannot change the one --model loads/,
    ],
    [['gradcheck', '--data', seedsPath], /gradcheck: --data goes with --model/],
    [
      ['eval', '--model', model, '--data', seedsPath, '--set', 'train'],
      /eval: --set picks an MNIST split; .*seeds_dataset.txt is used whole/,
    ],
    [['frobnicate'], /^backprop-wasm: unknown command 'frobnicate'; the commands are train, eval, predict, gradcheck, info/],
    [[], /^Usage: backprop-wasm <command> \[flags\]/],
  ];
  for (const [args, message] of cases) {
    it(`${args.join(' ').replaceAll(seedsPath, 'seeds.txt').replaceAll(model, 'model.json') || '(no command)'}`, () => {
      const r = cli(args);
      expect(r.stderr).toMatch(message);
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
    });
  }
});

describe('--help on every command exits 0 with an example', () => {
  for (const command of ['train', 'eval', 'predict', 'gradcheck', 'info']) {
    it(command, () => {
      const r = cli([command, '--help']);
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^Usage: backprop-wasm ${command} `));
      expect(r.stdout).toMatch(new RegExp(`\\nExample\\n {2}backprop-wasm ${command} --`));
      expect(cli(['help', command]).stdout).toBe(r.stdout);
    });
  }
  it('the tool itself', () => {
    const r = cli(['--help']);
    expect(r.status).toBe(0);
    for (const command of ['train', 'eval', 'predict', 'gradcheck', 'info'])
      expect(r.stdout).toMatch(new RegExp(`^ {2}${command} +\\S`, 'm'));
  });
});

describe('failures while running exit with 1 and name the file, line and column', () => {
  it('a data file with a bad cell', () => {
    const bad = file('bad.csv', 'a,b,label\n1,2,x\n3,4x,y\n');
    const r = cli(['train', '--data', bad, '--out', join(dir, 'never.json')]);
    expect([r.status, r.stderr]).toEqual([
      1,
      `backprop-wasm train: loadDelimited: ${bad}: line 3, column 2: "4x" is not a number, though column 'b' held numbers above it (the first, 2, on line 2); a column holds numbers or text (categories), not both\n`,
    ]);
  });

  it('a number too large for a float64, with its line and column', () => {
    const huge = file('huge.csv', '1,2,0\n3,1e999,1\n');
    expect(cli(['train', '--data', huge])).toMatchObject({
      status: 1,
      stderr: `backprop-wasm train: loadDelimited: ${huge}: line 2, column 2: "1e999" is not a finite number (beyond ±1.8e308)\n`,
    });
  });

  it('a ragged data file, and one that does not exist', () => {
    const ragged = file('ragged.tsv', '1\t2\t0\n3\t4\t1\n5\t1\n');
    expect(cli(['train', '--data', ragged]).stderr).toBe(
      `backprop-wasm train: loadDelimited: ${ragged}: line 3: expected 3 fields, as on line 1, got 2; runs of tabs (and spaces) count as one separator, so an empty cell is not a field\n`,
    );
    const r = cli(['eval', '--model', model, '--data', join(dir, 'absent.csv')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^backprop-wasm eval: loadDelimited: .*absent.csv: cannot read file: ENOENT/);
  });

  it('an --out folder that does not exist, found before any training', () => {
    const out = join(dir, 'no-such-folder', 'model.json');
    expect(cli(['train', '--data', seedsPath, '--out', out])).toMatchObject({
      status: 1,
      stdout: '',
      stderr: `backprop-wasm train: --out ${out}: the folder ${join(dir, 'no-such-folder')} does not exist\n`,
    });
  });

  it('an --out that names a folder, found before any training', () => {
    const r = cli(['train', '--data', seedsPath, '--out', dir]);
    expect(r).toMatchObject({
      status: 1,
      stdout: '',
      stderr: `backprop-wasm train: --out ${dir} is a folder; name the model file, as in --out ${join(dir, 'model.json')}\n`,
    });
  });

  it('data with one class only', () => {
    const one = file('one.csv', '1,2,a\n3,4,a\n');
    expect(cli(['train', '--data', one])).toMatchObject({
      status: 1,
      stderr: 'backprop-wasm train: every label is "a": classification needs at least two classes\n',
    });
  });

  it('a model file that is missing, truncated, or damaged', () => {
    const text = readFileSync(model, 'utf8');
    const truncated = file('truncated.json', text.slice(0, text.length / 2));
    const damaged = file('damaged.json', text.replace(/"seed": 3/, '"seed": 4'));
    for (const [path, message] of [
      [join(dir, 'nope.json'), /cannot read file: ENOENT/],
      [truncated, /the text is not valid JSON \(.*\); is the file truncated or not a model\?/],
      [
        damaged,
        /checksum mismatch: the file records crc32:[0-9a-f]{8} but its contents give crc32:[0-9a-f]{8}; the file was damaged or edited after it was saved/,
      ],
    ] as const) {
      for (const command of ['eval', 'predict', 'info']) {
        const r = cli([command, '--model', path, '--data', seedsPath].slice(0, command === 'info' ? 3 : 5));
        expect(r.status).toBe(1);
        expect(r.stderr.startsWith(`backprop-wasm ${command}: model ${path}: `)).toBe(true);
        expect(r.stderr).toMatch(message);
      }
    }
  });

  it('data that do not fit the model: too few columns, an unknown class', () => {
    const narrow = file('narrow.csv', '1,2,1\n3,4,2\n');
    expect(cli(['eval', '--model', model, '--data', narrow]).stderr).toBe(
      `backprop-wasm eval: loadDelimited: ${narrow}: 2 feature columns besides the label column (2) on line 1, but the training file had 7 and the label column (7)\n`,
    );
    // The bad label is on line 5 of the file (after a header and a blank line), the third data row.
    const unknown = file('unknown.csv', 'a,b,c,d,e,f,g,variety\n1,2,3,4,5,6,7,2\n\n1,2,3,4,5,6,7,3\n1,2,3,4,5,6,7,9\n');
    expect(cli(['eval', '--model', model, '--data', unknown])).toMatchObject({
      status: 1,
      stderr: `backprop-wasm eval: ${unknown}: line 5 has the label 9, which is not one of the model's classes (1, 2, 3)\n`,
    });
  });

  it('gradcheck that finds errors above the tolerance', () => {
    const r = cli(['gradcheck', '--tolerance', '1e-30']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /^backprop-wasm gradcheck: the largest relative error \S+ exceeds the tolerance 1e-30: backpropagation and finite differences disagree\n$/,
    );
  });
});

describe('a failed run leaves the previous model file as it was', () => {
  it('training that diverges writes nothing', () => {
    const before = readFileSync(model);
    const r = cli(['train', '--data', seedsPath, '--lr', '1e30', '--momentum', '0', '--epochs', '3', '--out', model]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /^backprop-wasm train: fit: training diverged in epoch 1, batch \d+: the learning rate \(1e\+30\) is too large/,
    );
    expect(readFileSync(model)).toEqual(before);
  });

  it('a save that fails midway (file-size limit, as a full disk) keeps the old model and says so', () => {
    const before = readFileSync(model);
    // 7-1000-1000-3 is about a million weights, a 5 MB file; the limit allows 256 kB.
    const r = cli(['train', '--data', seedsPath, '--layers', '1000,1000', '--epochs', '1', '--out', model], undefined, 'ulimit -f 256');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      new RegExp(
        `^backprop-wasm train: save: cannot write ${model}: EFBIG: file too large, write; the previous file \\(if any\\) is unchanged\\n$`,
      ),
    );
    expect(readFileSync(model)).toEqual(before);
    expect(cli(['info', '--model', model]).status).toBe(0);
  });
});
