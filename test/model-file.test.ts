/**
 * The model file (format version 2): exact weights in base64, metadata, a checksum over the whole
 * document, precise refusals of damaged files, and atomic saves that never leave half a model.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ANN, Standardizer, matrix } from '../src/index.js';
import { crc32 } from '../src/model/crc32.js';

const dir = mkdtempSync(join(tmpdir(), 'model-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const X = [
  [0.5, -1.25, 3],
  [2, 0.125, -0.75],
  [-3.5, 1, 0.25],
  [1, 1, 1],
];
const Y = [
  [1, 0],
  [0, 1],
  [0, 1],
  [1, 0],
];

async function trained(precision: 'f32' | 'f64') {
  const net = await ANN.create({
    layers: [3, 5, 2],
    activation: 'tanh',
    output: 'softmax',
    loss: 'categoricalCrossEntropy',
    seed: 7,
    precision,
    standardizer: Standardizer.fit(matrix(Float64Array.from(X.flat()), 4, 3)),
  });
  await net.fit(X, Y, { epochs: 5, batchSize: 2, learningRate: 0.1 });
  net.meta = {
    classes: ['cat', 'dog'],
    features: ['a', 'b', 'c'],
    target: 'animal',
    labelColumn: 3,
    training: { epochs: 5, data: 'toy.csv', valAccuracy: null },
  };
  return net;
}

/** The bytes of every weight, so that equality means bitwise equality (and -0 ≠ 0, NaN = NaN). */
function weightBytes(net: ANN): number[][] {
  return net
    .getWeights()
    .flatMap(({ W, b }) => [
      Array.from(new Uint8Array(W.buffer, W.byteOffset, W.byteLength)),
      Array.from(new Uint8Array(b.buffer, b.byteOffset, b.byteLength)),
    ]);
}
const outputBytes = (net: ANN) => Array.from(new Uint8Array(net.predict(X).data.buffer));

/** Re-signs an edited document the way the format defines its checksum, so a test can reach the checks after it. */
function resign(doc: Record<string, unknown>): string {
  const { checksum: _, ...rest } = doc;
  doc.checksum = `crc32:${crc32(new TextEncoder().encode(JSON.stringify(rest)))
    .toString(16)
    .padStart(8, '0')}`;
  return JSON.stringify(doc);
}

describe('CRC-32', () => {
  it('gives the standard check value 0xCBF43926 for "123456789" and 0 for nothing', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });
});

describe('model file round trip', () => {
  for (const precision of ['f32', 'f64'] as const) {
    it(`${precision}: save → load restores every weight bit, the standardizer, the metadata, and bitwise-identical predictions`, async () => {
      const net = await trained(precision);
      const path = join(dir, `round-${precision}.json`);
      await net.save(path);
      const text = readFileSync(path, 'utf8');
      const doc = JSON.parse(text);
      expect(doc).toMatchObject({
        format: 'backprop-wasm/ann',
        version: 2,
        precision,
        weights: { encoding: `base64-float${precision.slice(1)}le` },
      });
      expect(doc.checksum).toMatch(/^crc32:[0-9a-f]{8}$/);
      const loaded = await ANN.load(path);
      expect(weightBytes(loaded)).toEqual(weightBytes(net));
      expect(outputBytes(loaded)).toEqual(outputBytes(net));
      expect(loaded.standardizer!.toJSON()).toEqual(net.standardizer!.toJSON());
      expect(loaded.meta).toEqual(net.meta);
      expect([loaded.layers, loaded.activations, loaded.loss, loaded.precision, loaded.seed]).toEqual([
        net.layers,
        net.activations,
        net.loss,
        net.precision,
        net.seed,
      ]);
      // The same text from bytes (the browser path) and from toFile().
      const fromBytes = await ANN.load(new TextEncoder().encode(net.toFile()));
      expect(outputBytes(fromBytes)).toEqual(outputBytes(net));
      // Training goes on exactly as the saved network's would (shuffle state saved too).
      await net.fit(X, Y, { epochs: 2, batchSize: 2, learningRate: 0.1 });
      await loaded.fit(X, Y, { epochs: 2, batchSize: 2, learningRate: 0.1 });
      expect(weightBytes(loaded)).toEqual(weightBytes(net));
      for (const n of [net, loaded, fromBytes]) n.dispose();
    });
  }

  it('still loads a version 1 file (toJSON text) from disk, with empty metadata', async () => {
    const net = await trained('f32');
    const path = join(dir, 'v1.json');
    writeFileSync(path, JSON.stringify(net.toJSON()));
    const loaded = await ANN.load(path);
    expect(outputBytes(loaded)).toEqual(outputBytes(net));
    expect(loaded.meta).toEqual({});
    net.dispose();
    loaded.dispose();
  });

  it('keeps the checksum valid when only the indentation changes', async () => {
    const net = await trained('f32');
    const loaded = await ANN.load(new TextEncoder().encode(JSON.stringify(JSON.parse(net.toFile()), null, 4)));
    expect(outputBytes(loaded)).toEqual(outputBytes(net));
    net.dispose();
    loaded.dispose();
  });

  it('refuses metadata that does not fit the network before writing anything', async () => {
    const net = await trained('f32');
    net.meta = { classes: ['only one'] };
    expect(() => net.toFile()).toThrow(/toFile: meta: classes must list 2 classes \(one per output\), got an array of length 1/);
    net.meta = { features: ['a', 'b'] };
    expect(() => net.toFile()).toThrow(/features must list 3 names \(one per input\)/);
    net.meta = { color: 'red' } as never;
    expect(() => net.toFile()).toThrow(/unknown field 'color'; the fields are classes, features, target, labelColumn, training/);
    net.meta = { training: { seconds: NaN } };
    expect(() => net.toFile()).toThrow(/training.seconds must be a string, a finite number, a boolean or null, got NaN/);
    const path = join(dir, 'never.json');
    await expect(net.save(path)).rejects.toThrow(/training.seconds/);
    expect(readdirSync(dir)).not.toContain('never.json');
    net.dispose();
  });
});

describe('damaged model files are refused with the file and the fault named', () => {
  let good: Record<string, unknown>;
  const write = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('a changed weight byte: checksum mismatch', async () => {
    const net = await trained('f32');
    const text = net.toFile();
    good = JSON.parse(text);
    net.dispose();
    const doc = JSON.parse(text);
    const W: string = doc.weights.layers[0].W;
    doc.weights.layers[0].W = (W[0] === 'A' ? 'B' : 'A') + W.slice(1);
    const path = write('flipped.json', JSON.stringify(doc));
    await expect(ANN.load(path)).rejects.toThrow(
      new RegExp(
        `^ANN\\.load: ${path}: checksum mismatch: the file records crc32:[0-9a-f]{8} but its contents give crc32:[0-9a-f]{8}; the file was damaged or edited after it was saved$`,
      ),
    );
  });

  it('a truncated file: not valid JSON', async () => {
    const path = write('truncated.json', JSON.stringify(good).slice(0, 200));
    await expect(ANN.load(path)).rejects.toThrow(
      new RegExp(`^ANN\\.load: ${path}: the text is not valid JSON \\(.+\\); is the file truncated or not a model\\?$`),
    );
  });

  it('a missing or malformed checksum', async () => {
    const doc = structuredClone(good);
    delete doc.checksum;
    await expect(ANN.load(write('nosum.json', JSON.stringify(doc)))).rejects.toThrow(
      /nosum.json: checksum must be 'crc32:' and 8 hex digits, got undefined/,
    );
  });

  it('weights of the wrong byte count, with the layer and its shape', async () => {
    const doc = structuredClone(good) as { weights: { layers: { W: string }[] } };
    doc.weights.layers[1].W = btoa('x'.repeat(36));
    await expect(ANN.load(write('short.json', resign(doc)))).rejects.toThrow(
      /short.json: weights.layers\[1\].W \(2 × 5\) holds 36 bytes, expected 10 float32 values = 40 bytes/,
    );
  });

  it('weights that are not base64', async () => {
    const doc = structuredClone(good) as { weights: { layers: { b: string }[] } };
    doc.weights.layers[0].b = 'AAAA*AAA';
    await expect(ANN.load(write('b64.json', resign(doc)))).rejects.toThrow(
      /b64.json: weights.layers\[0\].b \(5\) is not valid base64 \(8 characters;/,
    );
  });

  it('a NaN weight, with its index', async () => {
    const doc = structuredClone(good) as { weights: { layers: { W: string }[] } };
    const bytes = Uint8Array.from(atob(doc.weights.layers[0].W), (c) => c.charCodeAt(0));
    new DataView(bytes.buffer).setFloat32(4 * 7, NaN, true);
    doc.weights.layers[0].W = btoa(String.fromCharCode(...bytes));
    await expect(ANN.load(write('nan.json', resign(doc)))).rejects.toThrow(
      /nan.json: weights\[0\].W\[7\] must be a finite number, got NaN/,
    );
  });

  it('an encoding that does not match the precision, and layers that do not match the weights', async () => {
    const doc = structuredClone(good) as { weights: { encoding: string }; layers: number[] };
    doc.weights.encoding = 'base64-float64le';
    await expect(ANN.load(write('enc.json', resign(doc)))).rejects.toThrow(
      /weights.encoding must be 'base64-float32le' for precision 'f32', got 'base64-float64le'/,
    );
    const doc2 = structuredClone(good) as { layers: number[] };
    doc2.layers = [3, 6, 2];
    await expect(ANN.load(write('layers.json', resign(doc2)))).rejects.toThrow(
      /layers.json: weights.layers\[0\].W \(6 × 3\) holds 60 bytes, expected 18 float32 values = 72 bytes/,
    );
  });

  it('activations missing or not one per layer, though the checksum is valid', async () => {
    for (const [name, activations, got] of [
      ['noact.json', undefined, 'undefined'],
      ['shortact.json', ['tanh'], 'an array of length 1'],
      ['stringact.json', 'tanh', "'tanh'"],
    ] as const) {
      const doc = structuredClone(good);
      if (activations === undefined) delete doc.activations;
      else doc.activations = activations;
      const path = write(name, resign(doc));
      await expect(ANN.load(path)).rejects.toThrow(
        new RegExp(`^ANN\\.load: ${path}: activations must list one name per weight layer \\(2\\), got ${got}$`),
      );
    }
  });

  it('metadata that contradicts the network', async () => {
    const doc = structuredClone(good);
    doc.classes = ['cat', 'dog', 'cow'];
    await expect(ANN.load(write('classes.json', resign(doc)))).rejects.toThrow(
      /classes.json: classes must list 2 classes \(one per output\), got an array of length 3/,
    );
  });

  it('a file that is not there', async () => {
    await expect(ANN.load(join(dir, 'absent.json'))).rejects.toThrow(/^ANN\.load: .*absent.json: cannot read file: ENOENT/);
  });
});

describe('atomic save', () => {
  const root = fileURLToPath(new URL('..', import.meta.url));
  /** A fresh folder with a Node script that imports the built package; TARGET in `body` is the model path. */
  const saver = (prefix: string, body: string) => {
    const work = mkdtempSync(join(dir, prefix));
    const target = join(work, 'model.json');
    const script = join(work, 'save.mjs');
    writeFileSync(
      script,
      `import { ANN } from ${JSON.stringify(join(root, 'dist/index.js'))};\nconst TARGET = ${JSON.stringify(target)};\n${body}\n`,
    );
    return { work, target, script };
  };

  it('a failed rename leaves no temporary file behind and says the previous file is unchanged', async () => {
    const net = await trained('f32');
    const target = join(dir, 'occupied');
    mkdirSync(join(target, 'inside'), { recursive: true });
    await expect(net.save(target)).rejects.toThrow(
      new RegExp(`^save: cannot write ${target}: .*; the previous file \\(if any\\) is unchanged$`),
    );
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    net.dispose();
  });

  it('a save that fails midway through writing (file-size limit, as a full disk) leaves the previous model intact', () => {
    const { work, target, script } = saver(
      'limit-',
      `const size = Number(process.argv[2]);
const net = await ANN.create({ layers: [size, size, 2], seed: 1 });
await net.save(TARGET);`,
    );
    execFileSync('node', [script, '4']);
    const before = readFileSync(target);
    // A 3.2 MB model under a 256 kB file-size limit: the write of the temporary file fails with
    // EFBIG after 256 kB (Node ignores SIGXFSZ; were it not ignored, the process would die there).
    const failed = spawnSync('bash', ['-c', 'ulimit -f 256; exec node "$0" 900', script], { encoding: 'utf8' });
    expect(failed.status === 0 && failed.signal === null).toBe(false);
    if (failed.signal === null) {
      expect(failed.stderr).toMatch(
        new RegExp(`save: cannot write ${target}: EFBIG: file too large, write; the previous file \\(if any\\) is unchanged`),
      );
      expect(readdirSync(work).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    }
    expect(readFileSync(target)).toEqual(before);
  });

  it('a process killed (SIGKILL) while saving again and again always leaves a complete model', async () => {
    const { target, script } = saver(
      'kill-',
      `const net = await ANN.create({ layers: [900, 900, 2], seed: 1 });
for (let i = 0; ; i++) {
  net.meta = { training: { save: i } };
  await net.save(TARGET);
  process.stdout.write(i + '\\n');
}`,
    );
    const child = spawn('node', [script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let saves = 0;
    let killing = false;
    await new Promise<void>((done) => {
      child.stdout.on('data', (chunk: Buffer) => {
        saves += chunk.toString().split('\n').filter(Boolean).length;
        // Kill at an arbitrary point of a later save: whatever it was doing, the file must be whole.
        // One chunk may report several saves at once, so the count can pass 2 without equalling it.
        if (saves >= 2 && !killing) {
          killing = true;
          setTimeout(() => child.kill('SIGKILL'), 7);
        }
      });
      child.on('exit', () => done());
    });
    expect(child.signalCode).toBe('SIGKILL');
    const loaded = await ANN.load(target);
    expect(loaded.layers).toEqual([900, 900, 2]);
    expect(loaded.meta.training!.save).toBeGreaterThanOrEqual(1);
    loaded.dispose();
  });
});
