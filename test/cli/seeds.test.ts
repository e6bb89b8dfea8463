/**
 * The command line end to end on the UCI seeds data (three wheat varieties): train a softmax
 * network, save it, then eval, predict, info and gradcheck with the saved file, each compared with
 * the same computation done in this process on the loaded model.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANN, loadDelimited, oneHot, relaxedSimdSupported, setKernelBuild, trainTestSplit, type Matrix } from '../../src/index.js';
import { cli, scratch, seedsPath, type Run } from './helpers.js';

// The command runs under plain Node, which compiles the plain SIMD kernels; this process has the
// relaxed-SIMD flag (vitest.config.ts), whose fused multiply-add rounds differently. Bit-for-bit
// comparisons with the command need the same build here.
setKernelBuild('simd');

const dir = scratch('seeds');
const model = join(dir, 'seeds.json');
let trained: Run;
let net: ANN;
let x: Matrix;
let labels: number[];

beforeAll(async () => {
  // The defaults but for a small hidden layer (features standardized, Adam, early stopping on the
  // validation rows), which the info and gradcheck checks below count on. Seed 4: 42
  // validation rows make accuracy move in steps of 2.4%; with this split, the settings tried
  // (these defaults; 16 or 32 units, relu or tanh, SGD at 0.01–0.05 for 20–100 epochs) all reach
  // 95.2%, so the ≥ 90% check keeps a margin of two rows should the kernels' rounding change.
  trained = cli(['train', '--data', seedsPath, '--layers', '16', '--seed', '4', '--out', model]);
  net = await ANN.load(model);
  const data = await loadDelimited(seedsPath, { labelColumn: -1 });
  x = data.x;
  labels = data.labels!;
});

afterAll(() => {
  net?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

/** The class each row of outputs predicts (argmax). */
const argmax = (out: ArrayLike<number>, r: number, k: number) => {
  let best = 0;
  for (let j = 1; j < k; j++) if (out[r * k + j] > out[r * k + best]) best = j;
  return best;
};

describe('backprop-wasm train on the seeds file', () => {
  it('exits 0 and reports the data, the split, the network, each epoch and where the model went', () => {
    expect(trained.stderr).toBe('');
    expect(trained.status).toBe(0);
    const out = trained.stdout;
    expect(out).toContain(`data: ${seedsPath}: 210 rows × 7 features; 3 classes (1, 2, 3)`);
    expect(out).toContain('split: 168 training rows, 42 validation rows (stratified, seed 4)');
    expect(out).toContain(
      'network: 7-16-3, relu → softmax, categoricalCrossEntropy, f32 on wasm, plain SIMD kernels; seed 4; features standardized',
    );
    expect(out).toContain(
      "training: adam, learning rate 0.001, weight decay 0.0001, batch 32; up to 200 epochs, stopping after 10 without a better loss on the 42 validation rows (the best epoch's weights kept)\nsettings: the defaults for a table (",
    );
    const epochs = out
      .split('\n')
      .filter((l) => /^epoch \d+ {2}loss [\d.]+ {2}accuracy [\d.]+% {2}val loss [\d.]+ {2}val accuracy [\d.]+% {2}[\d.]+ m?s$/.test(l));
    // Early stopping ended the run 10 epochs after the best one, before the 200 allowed.
    const best = net.meta.training!.bestEpoch as number;
    expect(epochs).toHaveLength(best + 10);
    expect(epochs.length).toBeLessThan(200);
    expect(out).toContain(
      `early stopping: no better validation loss in the 10 epochs after epoch ${best}; kept the weights of epoch ${best} (val loss `,
    );
    expect(out).toMatch(new RegExp(`model written to ${model} \\([\\d.]+ kB\\)`));
  });

  it("reaches ≥ 90% validation accuracy, and the loaded model (the best epoch's weights) scores exactly that on the same split", () => {
    const summary = net.meta.training!;
    expect(summary).toMatchObject({
      data: seedsPath,
      rows: 168,
      validationRows: 42,
      batchSize: 32,
      optimizer: 'adam',
      learningRate: 0.001,
      weightDecay: 0.0001,
      maxEpochs: 200,
      patience: 10,
    });
    expect(summary.epochs).toBe((summary.bestEpoch as number) + 10);
    expect(summary.valAccuracy).toBeGreaterThanOrEqual(0.9);
    // The split the command made, redone here from the same seed.
    const split = trainTestSplit(x, oneHot(labels).y, { testFraction: 0.2, seed: 4, stratify: true });
    const here = net.evaluate(split.xTest, split.yTest);
    expect(Number(here.accuracy!.toPrecision(6))).toBe(summary.valAccuracy);
    expect(Number(here.loss.toPrecision(6))).toBe(summary.valLoss);
    expect(trained.stdout).toContain(`val accuracy ${(100 * here.accuracy!).toFixed(2)}%`);
  });

  it('saves the classes, the label column and the standardization fitted on the training rows', () => {
    expect(net.meta).toMatchObject({ classes: [1, 2, 3], labelColumn: 7 });
    const split = trainTestSplit(x, oneHot(labels).y, { testFraction: 0.2, seed: 4, stratify: true });
    const cols = 7;
    const mean = Array.from({ length: cols }, (_, c) => {
      let s = 0;
      for (let r = 0; r < split.xTrain.rows; r++) s += split.xTrain.data[r * cols + c];
      return s / split.xTrain.rows;
    });
    net.standardizer!.mean.forEach((m, c) => expect(m).toBeCloseTo(mean[c], 12));
  });
});

describe('backprop-wasm eval', () => {
  it('prints the loss, accuracy and confusion matrix that the loaded model gives in this process', () => {
    const r = cli(['eval', '--model', model, '--data', seedsPath]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const y = oneHot(labels).y;
    const { loss, accuracy } = net.evaluate(x, y);
    const out = net.predict(x).data;
    const confusion = [0, 1, 2].map(() => [0, 0, 0]);
    labels.forEach((l, i) => confusion[l - 1][argmax(out, i, 3)]++);
    const correct = confusion[0][0] + confusion[1][1] + confusion[2][2];
    expect(r.stdout).toContain(`loss ${loss.toFixed(4)}, accuracy ${(100 * accuracy!).toFixed(2)}% (${correct} of 210)`);
    const rows = r.stdout
      .trimEnd()
      .split('\n')
      .slice(-3)
      .map((l) => l.trim().split(/\s+/).map(Number));
    expect(rows).toEqual(confusion.map((row, i) => [i + 1, ...row]));
    expect(accuracy).toBeGreaterThan(0.9);
  });
});

describe('backprop-wasm predict', () => {
  /** The CSV the command printed, as the class column and the probability columns. */
  const parse = (csv: string) => {
    const [head, ...rows] = csv.trimEnd().split('\n');
    return { head, rows: rows.map((l) => l.split(',')) };
  };

  it('prints one row per input row whose probabilities are bit for bit the in-process predictions', () => {
    const r = cli(['predict', '--model', model, '--data', seedsPath]);
    expect(r.status).toBe(0);
    const { head, rows } = parse(r.stdout);
    expect(head).toBe('predicted,p(1),p(2),p(3)');
    expect(rows).toHaveLength(210);
    const out = net.predict(x).data;
    rows.forEach((row, i) => {
      expect(row.slice(1).map(Number)).toEqual(Array.from(out.subarray(3 * i, 3 * i + 3)));
      expect(Number(row[0])).toBe(argmax(out, i, 3) + 1);
    });
  });

  it('--build relaxed (Node given the relaxed-SIMD flag) predicts what relaxed kernels compute here, and says it ran them', async () => {
    // This process has the flag (vitest.config.ts); without it, there is nothing to compare.
    expect(relaxedSimdSupported()).toBe(true);
    setKernelBuild('relaxed');
    const relaxed = await ANN.load(model);
    setKernelBuild('simd');
    const out = relaxed.predict(x).data;
    relaxed.dispose();
    const target = join(dir, 'relaxed.csv');
    const r = cli(['predict', '--model', model, '--data', seedsPath, '--build', 'relaxed', '--out', target], undefined, undefined, [
      '--experimental-wasm-relaxed-simd',
    ]);
    expect(r.stderr).toBe(`210 predictions written to ${target} (run on wasm, relaxed SIMD kernels)\n`);
    const { rows } = parse(readFileSync(target, 'utf8'));
    rows.forEach((row, i) => expect(row.slice(1).map(Number)).toEqual(Array.from(out.subarray(3 * i, 3 * i + 3))));
    // Plain Node has no relaxed SIMD: asking for it is bad usage, named.
    expect(cli(['predict', '--model', model, '--data', seedsPath, '--build', 'relaxed'])).toMatchObject({
      status: 2,
      stderr: expect.stringMatching(
        /^backprop-wasm predict: --build relaxed: this Node does not compile relaxed SIMD; Node 20 does when started as node --experimental-wasm-relaxed-simd/,
      ),
    });
    expect(cli(['eval', '--model', model, '--data', seedsPath, '--build', 'simd']).stdout).toMatch(
      /^model: .*seeds.json \(7-16-3, softmax output, categoricalCrossEntropy\), run on wasm, plain SIMD kernels$/m,
    );
    expect(cli(['eval', '--model', model, '--data', seedsPath, '--backend', 'js']).stdout).toMatch(/^model: .*, run on js$/m);
  });

  it('reads a file of features only (CSV with a header) and writes --out atomically, with the same numbers', () => {
    const features = join(dir, 'features.csv');
    const lines = readFileSync(seedsPath, 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.trim().split(/\s+/).slice(0, 7).join(','));
    writeFileSync(features, ['area,perimeter,compactness,length,width,asymmetry,groove', ...lines].join('\r\n'));
    const target = join(dir, 'predictions.csv');
    const r = cli(['predict', '-m', model, '--data', features, '--out', target]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`210 predictions written to ${target} (run on wasm, plain SIMD kernels)\n`);
    const direct = cli(['predict', '--model', model, '--data', seedsPath]).stdout;
    expect(readFileSync(target, 'utf8')).toBe(direct);
  });
});

describe('backprop-wasm info and gradcheck on the saved model', () => {
  it('info describes the checked file', () => {
    const r = cli(['info', '--model', model]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(
      /^file: .*seeds.json \([\d.]+ kB\), backprop-wasm\/ann format version 3, checksum crc32:[0-9a-f]{8} \(verified\)$/m,
    );
    expect(r.stdout).toContain('architecture: 7-16-3 (relu → softmax), loss categoricalCrossEntropy, precision f32, init he, seed 4');
    expect(r.stdout).toContain('parameters: 179 (layer 1: 16 × 7 weights + 16 biases; layer 2: 3 × 16 weights + 3 biases)');
    expect(r.stdout).toContain('classes: 1, 2, 3');
    const { epochs, bestEpoch } = net.meta.training!;
    expect(r.stdout).toMatch(
      new RegExp(
        `^training: data .*seeds_dataset.txt, rows 168, validationRows 42, epochs ${epochs}, bestEpoch ${bestEpoch}, optimizer adam, learningRate 0.001, weightDecay 0.0001, batchSize 32, maxEpochs 200, patience 10, `,
        'm',
      ),
    );
  });

  it('gradcheck checks a large network on an even spread of its parameters (--params), a small one on all', () => {
    // 60-80-2: 60·80 + 80 + 80·2 + 2 parameters, just above the count that takes seconds.
    const count = 60 * 80 + 80 + 80 * 2 + 2;
    const big = cli(['gradcheck', '--inputs', '60', '--layers', '80', '--outputs', '2', '--samples', '1']);
    expect(big.status).toBe(0);
    expect(big.stdout).toContain(
      `checking at most 100 weights and 100 biases of each layer, evenly spaced, of ${count.toLocaleString('en-US')} parameters (--params)\n`,
    );
    // Layer 1: 100 weights + 80 biases; layer 2: 100 weights + 2 biases.
    expect(big.stdout).toContain(`checked ${100 + 80 + 100 + 2} parameters`);
    const few = cli(['gradcheck', '--inputs', '60', '--layers', '80', '--outputs', '2', '--samples', '1', '--params', '7']);
    expect(few.stdout).toContain(`checked ${7 + 7 + 7 + 2} parameters`);
    expect(cli(['gradcheck', '--params', '0']).status).toBe(2);
    const small = cli(['gradcheck', '--model', model, '--data', seedsPath, '--samples', '2']);
    expect(small.status).toBe(0);
    expect(small.stdout).not.toContain('--params');
    expect(small.stdout).toContain('checked 179 parameters');
  });

  it('gradcheck on rows of the data passes at the float32 tolerance', () => {
    const r = cli(['gradcheck', '--model', model, '--data', seedsPath, '--samples', '12']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`data: the first 12 rows of ${seedsPath}`);
    const errors = [...r.stdout.matchAll(/max relative error (\S+)/g)].map((m) => Number(m[1]));
    expect(errors).toHaveLength(2);
    // The analytic gradient is float32 arithmetic: errors of a few 1e-4 here (2.1e-4 for this
    // model; up to 1.0e-3 for other seeds of the same training), far below what a wrong
    // derivative gives (order 1). NaN fails toBeLessThan, so a broken parse cannot pass.
    for (const e of errors) expect(e).toBeLessThan(1e-3);
    expect(r.stdout).toContain(`largest error ${Math.max(...errors).toExponential(2)}`);
  });
});

describe('the same data as a CSV with a header, quoted names as labels and CRLF line ends', () => {
  it('trains on the names, and predict and eval speak of them', () => {
    const varieties = ['Kama', 'Rosa', 'Canadian'];
    const rows = readFileSync(seedsPath, 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.trim().split(/\s+/));
    const csv = join(dir, 'named.csv');
    const text = [
      'area,perimeter,compactness,"length, kernel",width,asymmetry,groove,variety',
      ...rows.map((f) => [...f.slice(0, 7), `"${varieties[Number(f[7]) - 1]}"`].join(',')),
    ];
    writeFileSync(csv, text.join('\r\n') + '\r\n');
    const named = join(dir, 'named.json');
    const r = cli(['train', '--data', csv, '--layers', '16', '--standardize', '--epochs', '40', '--seed', '4', '--out', named]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('210 rows × 7 features; 3 classes (Canadian, Kama, Rosa)');
    const info = cli(['info', '--model', named]).stdout;
    expect(info).toContain('classes: Canadian, Kama, Rosa');
    expect(info).toContain('features: area, perimeter, compactness, length, kernel, width, asymmetry, groove');
    expect(info).toContain('label: variety, column 7 of the training file');
    const predicted = cli(['predict', '--model', named, '--data', csv]).stdout.trimEnd().split('\n');
    expect(predicted[0]).toBe('predicted,p(Canadian),p(Kama),p(Rosa)');
    const hits = predicted.slice(1).filter((line, i) => line.split(',')[0] === varieties[Number(rows[i][7]) - 1]).length;
    expect(hits / 210).toBeGreaterThan(0.9);
    const evaluated = cli(['eval', '--model', named, '--data', csv]).stdout;
    expect(evaluated).toContain(`(${hits} of 210)`);
    expect(evaluated).toMatch(/^ {2} {8} {2}Canadian {6}Kama {6}Rosa$/m);
  });
});
