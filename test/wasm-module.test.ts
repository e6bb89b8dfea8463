/** Locating the kernel module: found by default, and pointed elsewhere with setWasmSource. */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { ANN, setWasmSource } from '../src/index.js';

const DEFAULT = new URL('../build/kernels.wasm', import.meta.url);
const tiny = () => ANN.create({ layers: [2, 1], seed: 1 });

describe('setWasmSource', () => {
  afterAll(() => setWasmSource(DEFAULT));

  it('reads a Windows-style path as a file path, and says what failed and what to do', async () => {
    setWasmSource('C:\\nowhere\\kernels.wasm');
    await expect(tiny()).rejects.toThrow(/cannot read the kernel module at C:\\nowhere\\kernels\.wasm: .*call setWasmSource\(\)/);
  });

  it('names the URL when fetching fails', async () => {
    setWasmSource('http://127.0.0.1:9/kernels.wasm');
    await expect(tiny()).rejects.toThrow(/fetching the kernel module http:\/\/127\.0\.0\.1:9\/kernels\.wasm failed .*setWasmSource/);
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
