/**
 * Models saved through the API rather than by `train`: `net.save()` without `meta.classes`, or
 * `toJSON()` text. The command infers what the outputs mean from the output layer and loss
 * (softmax → classes 0…k−1; one sigmoid output with binary cross-entropy → 0 and 1), compares
 * its figures with the same computation in this process, and refuses cleanly what a file of one
 * label per row cannot evaluate. Also: a one-input model predicts on a file of its feature only.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANN, setKernelBuild, type Matrix } from '../../src/index.js';
import { cli, scratch, seedsPath } from './helpers.js';

// The command runs the plain SIMD kernels (see seeds.test.ts); predictions are compared bit for bit.
setKernelBuild('simd');

const dir = scratch('api-models');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The seeds rows: 7 features, and the variety as 0, 1, 2 (the classes an API model without names has). */
const rows = readFileSync(seedsPath, 'utf8')
  .trim()
  .split('\n')
  .map((l) => l.trim().split(/\s+/).map(Number));
const x: Matrix = { data: Float64Array.from(rows.flatMap((r) => r.slice(0, 7))), rows: rows.length, cols: 7 };
const variety = rows.map((r) => r[7] - 1);
const zeroBased = join(dir, 'seeds-0.csv');
writeFileSync(zeroBased, rows.map((r) => [...r.slice(0, 7), r[7] - 1].join(',')).join('\n') + '\n');

/** Saves a trained network without classes, both ways; returns the in-process outputs. */
async function saveBoth(
  name: string,
  options: Parameters<typeof ANN.create>[0],
  y: Matrix,
): Promise<{ file: string; v1: string; out: Float64Array }> {
  const net = await ANN.create(options);
  await net.fit(x, y, { epochs: 15, batchSize: 16, learningRate: 0.05 });
  const file = join(dir, `${name}.json`);
  const v1 = join(dir, `${name}-v1.json`);
  await net.save(file);
  writeFileSync(v1, JSON.stringify(net.toJSON()));
  const out = Float64Array.from(net.predict(x).data);
  net.dispose();
  return { file, v1, out };
}

const argmax = (out: ArrayLike<number>, r: number, k: number) => {
  let best = 0;
  for (let j = 1; j < k; j++) if (out[r * k + j] > out[r * k + best]) best = j;
  return best;
};

describe('a softmax classifier saved through the API, without classes', () => {
  let saved: { file: string; v1: string; out: Float64Array };
  beforeAll(async () => {
    const y = new Float64Array(rows.length * 3);
    variety.forEach((c, r) => (y[r * 3 + c] = 1));
    saved = await saveBoth(
      'softmax',
      { layers: [7, 8, 3], output: 'softmax', loss: 'categoricalCrossEntropy', seed: 1 },
      { data: y, rows: rows.length, cols: 3 },
    );
  });

  it('eval scores it as classes 0, 1, 2 with the accuracy and confusion counts computed here, from save() and toJSON() files alike', () => {
    const guesses = variety.map((_, r) => argmax(saved.out, r, 3));
    const correct = guesses.filter((g, r) => g === variety[r]).length;
    for (const model of [saved.file, saved.v1]) {
      const r = cli(['eval', '--model', model, '--data', zeroBased]);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.stdout).toContain(`(${correct} of ${rows.length})`);
      // The first row of the confusion matrix: true class 0, by predicted class.
      const counts = [0, 1, 2].map((g) => guesses.filter((p, i) => variety[i] === 0 && p === g).length);
      expect(r.stdout).toMatch(new RegExp(`^ {2}0 {2}${counts.map((c) => ` *${c}`).join(' {2}')}$`, 'm'));
    }
  });

  it('predict writes classes 0–2 and the probabilities this process computes, exactly', () => {
    const lines = cli(['predict', '--model', saved.file, '--data', zeroBased]).stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('predicted,p(0),p(1),p(2)');
    expect(lines).toHaveLength(rows.length + 1);
    lines.slice(1).forEach((line, r) => {
      const [predicted, ...p] = line.split(',').map(Number);
      expect(predicted).toBe(argmax(saved.out, r, 3));
      expect(p).toEqual(Array.from(saved.out.subarray(3 * r, 3 * r + 3)));
    });
  });

  it('info says the classes were inferred, not that it predicts numbers', () => {
    for (const model of [saved.file, saved.v1]) {
      const r = cli(['info', '--model', model]);
      expect(r.status).toBe(0);
      expect(r.stdout).toContain('classes: 0, 1, 2 (not recorded in the file; taken from the softmax output of 3 units)');
      expect(r.stdout).not.toContain('regression');
    }
  });

  it('labels outside 0…2 are named with their file line', () => {
    const r = cli(['eval', '--model', saved.file, '--data', seedsPath]);
    const first3 = variety.indexOf(2) + 1;
    expect(r).toMatchObject({
      status: 1,
      stderr: `backprop-wasm eval: ${seedsPath}: line ${first3} has the label 3, which is not one of the model's classes (0, 1, 2)\n`,
    });
  });
});

describe('one sigmoid output with binary cross-entropy, without classes', () => {
  it('is a classifier of 0 and 1 for eval, predict and info', async () => {
    // Kama (0) against the rest (1).
    const binary = variety.map((c) => (c === 0 ? 0 : 1));
    const file01 = join(dir, 'kama.csv');
    writeFileSync(file01, rows.map((r, i) => [...r.slice(0, 7), binary[i]].join(',')).join('\n') + '\n');
    const { file, out } = await saveBoth(
      'sigmoid',
      { layers: [7, 6, 1], output: 'sigmoid', loss: 'binaryCrossEntropy', seed: 2 },
      { data: Float64Array.from(binary), rows: rows.length, cols: 1 },
    );
    const correct = binary.filter((b, r) => (out[r] >= 0.5 ? 1 : 0) === b).length;
    const evaluated = cli(['eval', '--model', file, '--data', file01]);
    expect(evaluated.status).toBe(0);
    expect(evaluated.stdout).toContain(`(${correct} of ${rows.length})`);
    const lines = cli(['predict', '--model', file, '--data', file01]).stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('predicted,p(0),p(1)');
    expect(lines[1]).toBe(`${out[0] >= 0.5 ? 1 : 0},${1 - out[0]},${out[0]}`);
    expect(cli(['info', '--model', file]).stdout).toContain(
      'classes: 0, 1 (not recorded in the file; taken from the one sigmoid output trained with binary cross-entropy; the output is the probability of 1)',
    );
  });
});

describe('what one label per row cannot evaluate', () => {
  it('a model of three numeric outputs: eval and gradcheck --data refuse it by name, predict writes its three columns', async () => {
    const y = Float64Array.from(rows.flatMap((r) => r.slice(0, 3)));
    const { file, out } = await saveBoth(
      'three',
      { layers: [7, 4, 3], output: 'identity', loss: 'meanSquaredError', seed: 3 },
      { data: y, rows: rows.length, cols: 3 },
    );
    const message = `model ${file}: 3 outputs (identity output, meanSquaredError) and no classes recorded, so one label per row cannot be compared with them; net.evaluate(x, y) in the API takes targets of 3 columns\n`;
    expect(cli(['eval', '--model', file, '--data', zeroBased])).toMatchObject({
      status: 1,
      stdout: '',
      stderr: `backprop-wasm eval: ${message}`,
    });
    expect(cli(['gradcheck', '--model', file, '--data', zeroBased])).toMatchObject({
      status: 1,
      stdout: '',
      stderr: `backprop-wasm gradcheck: ${message}`,
    });
    const lines = cli(['predict', '--model', file, '--data', zeroBased]).stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('output 1,output 2,output 3');
    expect(lines[1]).toBe(Array.from(out.subarray(0, 3)).join(','));
    expect(cli(['info', '--model', file]).stdout).toContain('outputs: 3 numbers (regression)');
  });
});

describe('a model of one input', () => {
  it('predicts on a file holding that one feature, as on the file with its label', async () => {
    const area = rows.map((r) => r[0]);
    const withLabel = join(dir, 'area-label.csv');
    const featureOnly = join(dir, 'area.csv');
    writeFileSync(withLabel, rows.map((r, i) => `${area[i]},${variety[i] === 0 ? 0 : 1}`).join('\n') + '\n');
    writeFileSync(featureOnly, area.join('\n') + '\n');
    const model = join(dir, 'one-input.json');
    expect(
      cli(['train', '--data', withLabel, '--layers', '4', '--standardize', '--epochs', '3', '--seed', '1', '--out', model]).status,
    ).toBe(0);
    const only = cli(['predict', '--model', model, '--data', featureOnly]);
    expect(only.stderr).toBe('');
    expect(only.status).toBe(0);
    const lines = only.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(rows.length + 1);
    expect(only.stdout).toBe(cli(['predict', '--model', model, '--data', withLabel]).stdout);
  });
});
