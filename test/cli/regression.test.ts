/**
 * Regression through the command line, on real data: the kernel groove length of the seeds file
 * (column 6) predicted from the other measurements, with the label column in the middle of the file.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ANN, loadDelimited, matrix, setKernelBuild, trainTestSplit } from '../../src/index.js';
import { cli, scratch, seedsPath } from './helpers.js';

// The command runs the plain SIMD kernels (see seeds.test.ts); so does this process.
setKernelBuild('simd');

const dir = scratch('regression');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('backprop-wasm on a numeric target', () => {
  it("trains identity + squared error on standardized targets, and eval and predict give the loaded model's outputs in millimetres", async () => {
    const model = join(dir, 'groove.json');
    const r = cli([
      'train',
      '--data',
      seedsPath,
      '--label-column',
      '6',
      '--layers',
      '8',
      '--standardize',
      '--epochs',
      '60',
      '--lr',
      '0.01',
      '--seed',
      '2',
      '--out',
      model,
    ]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('210 rows × 7 features; numeric targets (regression)');
    expect(r.stdout).toContain(
      'task: regression, because the label column 6 holds 148 distinct real numbers; pass --task classify to treat them as classes',
    );
    expect(r.stdout).toContain('split: 168 training rows, 42 validation rows (seed 2)');
    expect(r.stdout).toMatch(/network: 7-8-1, relu → identity, meanSquaredError, .*; targets standardized \(mean 5\.\d+, std 0\.4\d+\)/);
    expect(r.stdout).not.toContain('accuracy');

    const net = await ANN.load(model);
    expect(net.meta.classes).toBeUndefined();
    expect(net.meta.labelColumn).toBe(6);
    const { x, labels } = await loadDelimited(seedsPath, { labelColumn: 6 });
    // The scaling is the training rows' mean and standard deviation (the split is not stratified for numbers).
    const split = trainTestSplit(x, matrix(Float64Array.from(labels!), 210, 1), { testFraction: 0.2, seed: 2 });
    const train = Array.from(split.yTrain.data);
    const mean = train.reduce((a, b) => a + b, 0) / train.length;
    const std = Math.sqrt(train.reduce((a, b) => a + (b - mean) ** 2, 0) / train.length);
    expect(net.meta.targetScaling!.mean[0]).toBeCloseTo(mean, 12);
    expect(net.meta.targetScaling!.std[0]).toBeCloseTo(std, 12);
    const predicted = Array.from(net.predict(x).data, (v) => v * net.meta.targetScaling!.std[0] + net.meta.targetScaling!.mean[0]);
    const mse = predicted.reduce((sum, p, i) => sum + (p - labels![i]) ** 2, 0) / 210;
    // Groove lengths spread with a standard deviation of about 0.49 mm: a useful model errs far less.
    expect(Math.sqrt(mse)).toBeLessThan(0.25);
    const evaluated = cli(['eval', '--model', model, '--data', seedsPath]);
    expect(evaluated.stdout).toContain(
      `loss (mean squared error) ${mse.toPrecision(6)}, root mean squared error ${Math.sqrt(mse).toPrecision(6)}`,
    );

    const lines = cli(['predict', '--model', model, '--data', seedsPath]).stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('predicted');
    expect(lines.slice(1).map(Number)).toEqual(predicted);
    net.dispose();
  });
});
