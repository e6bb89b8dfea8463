/**
 * The package as a user gets it: `npm pack`, install the tarball into an empty project, import it
 * from plain Node ESM and train. This proves that the .wasm ships and is found without any
 * configuration (TF.js users hit exactly this: tfjs#6857, #4253).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'backprop-wasm-pack-'));
const npm = (args: string[], cwd: string) => execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the packed npm package', () => {
  it('installs from its tarball and trains from plain Node ESM with the wasm found automatically', () => {
    // The build is done before the tests run (npm install / npm ci run it): pack what was built.
    expect(existsSync(join(root, 'build', 'kernels.wasm'))).toBe(true);
    const packed = JSON.parse(npm(['pack', '--json', '--ignore-scripts', '--pack-destination', work], root)) as {
      filename: string;
      files: { path: string }[];
    }[];
    const files = packed[0].files.map((f) => f.path);
    expect(files).toContain('build/kernels.wasm');
    expect(files).toContain('dist/index.js');
    expect(files).toContain('dist/index.d.ts');
    expect(files.some((f) => f.startsWith('src/') || f.startsWith('test/'))).toBe(false);

    const app = join(work, 'app');
    execFileSync('mkdir', ['-p', app]);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', type: 'module', private: true }));
    npm(['install', '--no-audit', '--no-fund', '--offline', join(work, packed[0].filename)], app);
    expect(readdirSync(join(app, 'node_modules', 'backprop-wasm', 'build'))).toContain('kernels.wasm');

    // XOR needs the hidden layer: a network that learns it is really training.
    writeFileSync(
      join(app, 'main.js'),
      `import { ANN } from 'backprop-wasm';
const x = [[0, 0], [0, 1], [1, 0], [1, 1]];
const y = [0, 1, 1, 0];
const net = await ANN.create({ layers: [2, 8, 1], activation: 'tanh', output: 'sigmoid', loss: 'binaryCrossEntropy', seed: 2 });
const history = await net.fit(x, y, { epochs: 500, batchSize: 4, learningRate: 0.5 });
console.log(JSON.stringify({ backend: net.backend, predictions: Array.from(net.predict(x).data), loss: history.at(-1).loss }));
`,
    );
    const out = JSON.parse(execFileSync('node', ['main.js'], { cwd: app, encoding: 'utf8' }).trim()) as {
      backend: string;
      predictions: number[];
      loss: number;
    };
    expect(out.backend).toBe('wasm');
    expect(out.predictions.map((p) => (p >= 0.5 ? 1 : 0))).toEqual([0, 1, 1, 0]);
    expect(out.loss).toBeLessThan(0.1);
  });
});
