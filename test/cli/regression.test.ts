/**
 * Regression through the command line, on real data: the kernel groove length of the seeds file
 * (column 6) predicted from the other measurements, with the label column in the middle of the file.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ANN, loadDelimited, setKernelBuild } from '../../src/index.js';
import { cli, scratch, seedsPath } from './helpers.js';

// The command runs the plain SIMD kernels (see seeds.test.ts); so does this process.
setKernelBuild('simd');

const dir = scratch('regression');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('backprop-wasm on a numeric target', () => {
  it('trains identity + squared error, and eval and predict give what the loaded model gives here', async () => {
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
    expect(r.stdout).toContain('split: 168 training rows, 42 validation rows (seed 2)');
    expect(r.stdout).toContain('network: 7-8-1, relu → identity, meanSquaredError');
    expect(r.stdout).not.toContain('accuracy');

    const net = await ANN.load(model);
    expect(net.meta.classes).toBeUndefined();
    expect(net.meta.labelColumn).toBe(6);
    const { x, labels } = await loadDelimited(seedsPath, { labelColumn: 6 });
    const { loss } = net.evaluate(x, labels!);
    // Groove lengths spread with a standard deviation of about 0.49 mm: a useful model errs far less.
    expect(Math.sqrt(loss)).toBeLessThan(0.25);
    const evaluated = cli(['eval', '--model', model, '--data', seedsPath]);
    expect(evaluated.stdout).toContain(
      `loss (mean squared error) ${loss.toPrecision(6)}, root mean squared error ${Math.sqrt(loss).toPrecision(6)}`,
    );

    const predicted = cli(['predict', '--model', model, '--data', seedsPath]).stdout.trimEnd().split('\n');
    expect(predicted[0]).toBe('predicted');
    expect(predicted.slice(1).map(Number)).toEqual(Array.from(net.predict(x).data));
    net.dispose();
  });
});
