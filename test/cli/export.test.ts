/**
 * `backprop-wasm export`, run as a user runs it: a model file becomes an .onnx file that ONNX
 * Runtime runs, or a TensorFlow.js folder (model.json, weights.bin) that TensorFlow.js loads, both
 * computing what the model file's network computes on raw seeds rows. Bad usage exits with 2.
 */
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANN, loadDelimited, type Matrix, oneHot, Standardizer } from '../../src/index.js';
import { runOnnx } from '../helpers/onnx-runtime.js';
import { cli, scratch, seedsPath } from './helpers.js';

const dir = scratch('export');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let x: Matrix;
let net: ANN;
const modelPath = join(dir, 'seeds.json');
beforeAll(async () => {
  await tf.setBackend('cpu');
  const data = await loadDelimited(seedsPath, { labelColumn: -1 });
  x = data.x;
  net = await ANN.create({
    layers: [7, 8, 3],
    activation: 'relu',
    output: 'softmax',
    loss: 'categoricalCrossEntropy',
    seed: 4,
    standardizer: Standardizer.fit(x),
  });
  await net.fit(x, oneHot(data.labels!, [1, 2, 3]).y, { epochs: 10, batchSize: 16, learningRate: 0.05 });
  net.meta = { classes: ['Kama', 'Rosa', 'Canadian'] };
  await net.save(modelPath);
});

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('backprop-wasm export', () => {
  it('--out FILE.onnx: an ONNX file that ONNX Runtime runs on raw rows as the model computes', async () => {
    const out = join(dir, 'seeds.onnx');
    const r = cli(['export', '--model', modelPath, '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(
      `wrote ${out} (${(readFileSync(out).length / 1000).toFixed(1)} kB): ONNX opset 13, float32, 7-8-3\ninput 'input' [batch, 7]: raw features, standardized inside the model; output 'output' [batch, 3] (softmax: Kama, Rosa, Canadian)\n`,
    );
    const theirs = await runOnnx(new Uint8Array(readFileSync(out)), Float32Array.from(x.data), x.rows, 7);
    expect(maxDiff(theirs.data, net.predict(x).data)).toBeLessThanOrEqual(1e-6);
  });

  it('--format tfjs --out DIR: model.json and weights.bin that TensorFlow.js loads', async () => {
    const out = join(dir, 'seeds-tfjs');
    const r = cli(['export', '-m', modelPath, '--format', 'tfjs', '-o', out]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(
      /^wrote .*seeds-tfjs\/model\.json \(\d+\.\d kB\) and .*seeds-tfjs\/weights\.bin \(\d+ B\): TensorFlow\.js layers model, 2 Dense layers, float32\n/,
    );
    expect(readdirSync(out).sort()).toEqual(['model.json', 'weights.bin']);
    const json = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8'));
    const bin = readFileSync(join(out, 'weights.bin'));
    const model = await tfl.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: json.modelTopology,
        weightSpecs: json.weightsManifest[0].weights,
        weightData: new Uint8Array(bin).buffer,
      }),
    );
    const theirs = tf.tidy(() => (model.predict(tf.tensor2d(Float32Array.from(x.data), [x.rows, 7])) as tf.Tensor).dataSync());
    expect(maxDiff(theirs, net.predict(x).data)).toBeLessThanOrEqual(1e-6);
    // And the folder comes back in by its model.json.
    const back = await ANN.fromTfjs(join(out, 'model.json'));
    expect(back.meta.classes).toEqual(['Kama', 'Rosa', 'Canadian']);
    expect(maxDiff(back.predict(x).data, net.predict(x).data)).toBeLessThanOrEqual(1e-6);
  });

  it('bad usage exits with 2 and says what is wrong; a damaged model file exits with 1 and names it', () => {
    const noFormat = cli(['export', '--model', modelPath, '--out', join(dir, 'model.bin')]);
    expect(noFormat.status).toBe(2);
    expect(noFormat.stderr).toMatch(
      /^backprop-wasm export: --format is required \(onnx or tfjs\) unless --out ends in \.onnx; got --out '.*model\.bin' \(see backprop-wasm export --help\)\n$/,
    );
    const badFormat = cli(['export', '--model', modelPath, '--format', 'pb', '--out', join(dir, 'm.pb')]);
    expect(badFormat.status).toBe(2);
    expect(badFormat.stderr).toContain('--format must be one of onnx, tfjs');
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    const onFile = cli(['export', '--model', modelPath, '--format', 'tfjs', '--out', file]);
    expect(onFile.status).toBe(2);
    expect(onFile.stderr).toContain(`--out '${file}' is a file; --format tfjs writes a folder (model.json and weights.bin)`);
    const damaged = join(dir, 'damaged.json');
    writeFileSync(damaged, readFileSync(modelPath, 'utf8').replace('"softmax"', '"sigmoid"'));
    const bad = cli(['export', '--model', damaged, '--out', join(dir, 'damaged.onnx')]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/^backprop-wasm export: model .*damaged\.json: checksum mismatch/);
    expect(existsSync(join(dir, 'damaged.onnx'))).toBe(false);
  });

  it('--help shows the flags and an example', () => {
    const r = cli(['export', '--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Usage: backprop-wasm export --model FILE --format onnx\|tfjs --out PATH\n/);
    expect(r.stdout).toContain('backprop-wasm export --model seeds.json --out seeds.onnx');
  });
});
