/** Locating the kernel module: found by default, pointed elsewhere with setWasmSource, and the build (plain or relaxed SIMD) chosen at load time. */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ANN, kernelBuild, relaxedSimdSupported, setKernelBuild, setWasmSource } from '../src/index.js';
import { WasmKernels } from '../src/backend/wasm.js';

const DEFAULT = new URL('../build/kernels.wasm', import.meta.url);
const tiny = () => ANN.create({ layers: [2, 1], seed: 1 });

describe('setWasmSource', () => {
  afterAll(() => setWasmSource(null));

  it('reads a Windows-style path as a file path, and says what failed and what to do', async () => {
    setWasmSource('C:\\nowhere\\kernels.wasm');
    await expect(tiny()).rejects.toThrow(/cannot read the kernel module at C:\\nowhere\\kernels\.wasm: .*call setWasmSource\(\)/);
  });

  it('names the URL when fetching fails', async () => {
    setWasmSource('http://127.0.0.1:9/kernels.wasm');
    await expect(tiny()).rejects.toThrow(/fetching the kernel module http:\/\/127\.0\.0\.1:9\/kernels\.wasm failed .*setWasmSource/);
  });

  it('says so when a server answers with a page instead of the module (a dev server that does not serve build/)', async () => {
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><html><body>app</body></html>');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      setWasmSource(`http://127.0.0.1:${port}/node_modules/build/kernels.wasm`);
      await expect(tiny()).rejects.toThrow(
        /kernels\.wasm is not a WebAssembly module \(text\/html, starts with "<!doctype html>"\).*optimizeDeps/,
      );
    } finally {
      server.close();
    }
  });

  it('accepts the module as bytes, as a compiled module, and as a file URL', async () => {
    const bytes = readFileSync(DEFAULT);
    for (const source of [new Uint8Array(bytes), new WebAssembly.Module(bytes), DEFAULT]) {
      setWasmSource(source);
      const net = await tiny();
      expect(net.predict([[1, 2]]).rows).toBe(1);
      net.dispose();
    }
  });
});

describe('the kernel build', () => {
  afterEach(() => {
    setWasmSource(null);
    setKernelBuild('auto');
  });

  it('is the relaxed one where the runtime validates relaxed SIMD (the tests run Node with the flag), the plain one when asked', async () => {
    expect(relaxedSimdSupported()).toBe(true);
    expect(kernelBuild()).toBe('relaxed');
    expect((await WasmKernels.create('f32')).build).toBe('relaxed');
    setKernelBuild('simd');
    expect(kernelBuild()).toBe('simd');
    expect((await WasmKernels.create('f32')).build).toBe('simd');
  });

  it('a single module given to setWasmSource is taken as the plain build, and relaxed cannot be forced onto it', () => {
    setWasmSource(readFileSync(DEFAULT));
    expect(kernelBuild()).toBe('simd');
    expect(() => setKernelBuild('relaxed')).toThrow(/setWasmSource\(\) gave no relaxed build/);
    setWasmSource({ simd: DEFAULT, relaxed: new URL('../build/kernels-relaxed.wasm', import.meta.url) });
    expect(kernelBuild()).toBe('relaxed');
  });

  it('refuses a build name it does not know', () => {
    expect(() => setKernelBuild('avx' as never)).toThrow(/build must be 'auto', 'simd' or 'relaxed', got "avx"/);
  });

  it('both builds train the same network to the same predictions, up to the rounding that fused multiply-add saves', async () => {
    const x = [
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
    ];
    const out: Record<string, Float32Array | Float64Array> = {};
    for (const build of ['simd', 'relaxed'] as const) {
      setKernelBuild(build);
      const net = await ANN.create({ layers: [2, 16, 1], activation: 'tanh', output: 'sigmoid', loss: 'binaryCrossEntropy', seed: 3 });
      await net.fit(x, [0, 1, 1, 0], { epochs: 300, batchSize: 4, learningRate: 0.5 });
      out[build] = net.predict(x).data;
      net.dispose();
    }
    expect(Array.from(out.simd).map((p) => p >= 0.5)).toEqual([false, true, true, false]);
    for (let i = 0; i < 4; i++) expect(Math.abs(out.simd[i] - out.relaxed[i])).toBeLessThan(1e-3);
  });
});
