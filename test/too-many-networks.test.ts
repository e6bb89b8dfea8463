/**
 * When the runtime cannot make another WebAssembly memory (about 13,000 live networks exhaust the
 * address space in V8: 10 GiB is reserved for each), ANN.create says how many networks are alive
 * and what to do, instead of V8's bare "WebAssembly.Memory(): could not allocate memory" (issue 14).
 * Reaching the real limit takes over a minute (V8 collects and retries on every failure near it),
 * so the memory constructor is replaced by one that fails as V8's does.
 */
import { afterEach, expect, it } from 'vitest';
import { ANN } from '../src/index.js';
import { kernelSlotsPooled, kernelsAlive } from '../src/backend/kernel-memory.js';

const RealMemory = WebAssembly.Memory;
afterEach(() => {
  WebAssembly.Memory = RealMemory;
});

function exhaustAddressSpace(): void {
  WebAssembly.Memory = function Memory() {
    throw new RangeError('WebAssembly.Memory(): could not allocate memory');
  } as unknown as typeof WebAssembly.Memory;
}

it('a memory that cannot be made is reported with the networks alive and the advice to dispose of some', async () => {
  // Nothing was disposed before in this file: no memory waits for reuse, so ANN.create must make one.
  expect(kernelSlotsPooled()).toBe(0);
  const before = kernelsAlive();
  const nets = await Promise.all([1, 2, 3].map((seed) => ANN.create({ layers: [2, 3, 1], seed })));
  expect(kernelsAlive()).toBe(before + 3);
  exhaustAddressSpace();
  const err = await ANN.create({ layers: [2, 3, 1] }).catch((e: Error) => e);
  expect(err).toBeInstanceOf(RangeError);
  expect((err as Error).message).toBe(
    `backprop-wasm: cannot create the WebAssembly memory of another network (WebAssembly.Memory(): could not allocate memory): ${before + 3} networks are alive, and each reserves a large region of address space (10 GiB in V8) until it is disposed or collected; dispose() the ones you no longer need`,
  );
  expect(((err as Error).cause as Error).message).toBe('WebAssembly.Memory(): could not allocate memory');
  // Disposed networks are alive no more, however often they are disposed.
  nets[0].dispose();
  nets[0].dispose();
  expect(kernelsAlive()).toBe(before + 2);
  WebAssembly.Memory = RealMemory;
  for (const n of nets) n.dispose();
  expect(kernelsAlive()).toBe(before);
});

it('the js backend needs no WebAssembly memory', async () => {
  exhaustAddressSpace();
  const net = await ANN.create({ layers: [2, 3, 1], backend: 'js' });
  expect(net.predict([[1, 2]]).rows).toBe(1);
  net.dispose();
});
