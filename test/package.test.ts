/**
 * The package as a user gets it: `npm pack`, install the tarball into an empty project, then load it
 * from plain Node ESM and from CommonJS and train. This proves that the .wasm ships and is found
 * without any configuration (TF.js users hit exactly this: tfjs#6857, #4253), and that
 * `require('backprop-wasm')` resolves (it failed with ERR_PACKAGE_PATH_NOT_EXPORTED while "exports"
 * had only an "import" condition).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'backprop-wasm-pack-'));
const app = join(work, 'app');
const npm = (args: string[], cwd: string) => execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
/** Runs `node …args` in the app; its exit status, stdout and stderr. */
const node = (args: string[]) => {
  const r = spawnSync('node', args, { cwd: app, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
};

// XOR needs the hidden layer: a network that learns it is really training.
const XOR = `const x = [[0, 0], [0, 1], [1, 0], [1, 1]];
const y = [0, 1, 1, 0];
const net = await ANN.create({ layers: [2, 8, 1], activation: 'tanh', output: 'sigmoid', loss: 'binaryCrossEntropy', seed: 2 });
const history = await net.fit(x, y, { epochs: 500, batchSize: 4, learningRate: 0.5 });
console.log(JSON.stringify({ backend: net.backend, predictions: Array.from(net.predict(x).data), loss: history.at(-1).loss }));
`;

function expectXorLearned(stdout: string): void {
  const out = JSON.parse(stdout.trim()) as { backend: string; predictions: number[]; loss: number };
  expect(out.backend).toBe('wasm');
  expect(out.predictions.map((p) => (p >= 0.5 ? 1 : 0))).toEqual([0, 1, 1, 0]);
  expect(out.loss).toBeLessThan(0.1);
}

let files: string[] = [];

beforeAll(() => {
  // The build is done before the tests run (npm install / npm ci run it): pack what was built.
  expect(existsSync(join(root, 'build', 'kernels.wasm'))).toBe(true);
  const packed = JSON.parse(npm(['pack', '--json', '--ignore-scripts', '--pack-destination', work], root)) as {
    filename: string;
    files: { path: string }[];
  }[];
  files = packed[0].files.map((f) => f.path);
  mkdirSync(app, { recursive: true });
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', type: 'module', private: true }));
  npm(['install', '--no-audit', '--no-fund', '--offline', join(work, packed[0].filename)], app);
}, 120_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the packed npm package', () => {
  it('ships the build and not the sources', () => {
    expect(files).toContain('build/kernels.wasm');
    expect(files).toContain('dist/index.js');
    expect(files).toContain('dist/index.d.ts');
    expect(files.some((f) => f.startsWith('src/') || f.startsWith('test/'))).toBe(false);
    expect(readdirSync(join(app, 'node_modules', 'backprop-wasm', 'build'))).toContain('kernels.wasm');
  });

  it('installs from its tarball and trains from plain Node ESM with the wasm found automatically', () => {
    writeFileSync(join(app, 'main.js'), `import { ANN } from 'backprop-wasm';\n${XOR}`);
    const r = node(['main.js']);
    expect(r.status, r.stderr).toBe(0);
    expectXorLearned(r.stdout);
  });

  it("require('backprop-wasm') from CommonJS gives the same module and trains, without a warning (Node ≥ 20.19: require of ES modules)", () => {
    // Node 20.19 and later load an ES module graph without top-level await synchronously from require().
    expect(process.features.require_module, `Node ${process.version} has no require(esm); the README says what works where`).toBe(true);
    writeFileSync(
      join(app, 'main.cjs'),
      `const lib = require('backprop-wasm');
const { ANN } = lib;
if (typeof ANN.create !== 'function' || typeof lib.loadMnist !== 'function') throw new Error('require gave ' + Object.keys(lib).join(', '));
(async () => {
${XOR}
})().catch((e) => { console.error(e); process.exit(1); });
`,
    );
    const r = node(['main.cjs']);
    expect(r.status, r.stderr).toBe(0);
    expectXorLearned(r.stdout);
    expect(r.stderr, 'no ExperimentalWarning or other output on stderr').toBe('');
  });

  it('on a runtime without require(esm), require() fails with a message that names dynamic import()', () => {
    // --no-experimental-require-module gives this Node the behaviour of Node < 20.19 (and 22.0–22.11).
    writeFileSync(join(app, 'old.cjs'), `require('backprop-wasm');\n`);
    const r = node(['--no-experimental-require-module', 'old.cjs']);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/ERR_REQUIRE_ESM/);
    expect(r.stderr).toMatch(/backprop-wasm[/\\]dist[/\\]index\.js/);
    expect(r.stderr).toMatch(/to a dynamic import\(\) which is available in all CommonJS modules/);
    expect(r.stderr).not.toMatch(/ERR_PACKAGE_PATH_NOT_EXPORTED/);
  });
});
