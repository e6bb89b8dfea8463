/**
 * dispose() (issue 14): it used to free nothing until a collection, and not even then while the
 * network was still referenced after a fit (its kept optimizer held the kernels, which held the
 * memory: 2,000 such networks kept 20 TiB of address space after a full collection). Now it drops
 * every reference to the memory, and hands a small memory back with its instance for the next
 * network, so that a create/dispose loop runs on one memory instead of reserving 10 GiB of
 * address space per cycle until the collector catches up.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { ANN } from '../src/index.js';
import { internalsOf } from '../src/ann.js';
import { JsKernels } from '../src/backend/js.js';
import { createKernelMemory, kernelSlotsPooled } from '../src/backend/kernel-memory.js';
import { LossKernel } from '../src/backend/kernels.js';
import { WasmKernels } from '../src/backend/wasm.js';
import { instantiateKernels, kernelModule } from '../src/backend/wasm-module.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** True when the collector took `ref`'s target (a WeakRef's target survives the job that made or read it). */
async function collected(ref: WeakRef<object>): Promise<boolean> {
  for (let i = 0; i < 3; i++) {
    await new Promise((resolve) => setTimeout(resolve, 0));
    gc();
  }
  await new Promise((resolve) => setTimeout(resolve, 0));
  return ref.deref() === undefined;
}

const kernelsOf = (net: ANN) => internalsOf(net).network().kernels as WasmKernels;
const X = [
  [0.1, 0.9],
  [0.8, 0.3],
  [0.5, 0.5],
  [0.9, 0.1],
];
const Y = [1, 0, 1, 0];

describe('what dispose() lets the collector take', () => {
  it('a network kept referenced after fit and dispose holds neither its kernels nor their memory', async () => {
    // 27 MB of parameters: a memory too large to be kept for reuse, so that only a leak could keep it.
    const net = await ANN.create({ layers: [1500, 1500, 1], seed: 1 });
    const x = [Array.from({ length: 1500 }, (_, i) => Math.sin(i))];
    await net.fit(x, [1], { epochs: 1, optimizer: { name: 'sgd', momentum: 0.9 } });
    const kernels = new WeakRef(kernelsOf(net));
    const memory = new WeakRef(kernelsOf(net).memory);
    net.dispose();
    expect(await collected(kernels), 'the kernels (the kept optimizer referred to them)').toBe(true);
    expect(await collected(memory), 'the memory').toBe(true);
    expect(() => net.predict(x)).toThrow('predict: this network was disposed; create or load a new one');
  });

  it('wasm kernels kept referenced after dispose, with a buffer and its view taken, hold no memory', async () => {
    const module = await kernelModule('simd');
    let memory: WebAssembly.Memory | null = createKernelMemory();
    const k = new WasmKernels(memory, instantiateKernels(module, memory), 'f32', 'simd');
    const ref = new WeakRef(memory);
    memory = null;
    const buf = k.alloc(1000);
    k.view(buf).fill(1);
    k.lossSum(LossKernel.SquaredError, buf, buf, 1, 1000, new Float64Array(1), 0);
    k.dispose();
    expect(await collected(ref)).toBe(true);
    // Anything done with disposed kernels is refused, never written into a memory another network may now use.
    expect(() => k.view(buf)).toThrow('backprop-wasm: these kernels were disposed');
    expect(() => k.alloc(4)).toThrow('backprop-wasm: these kernels were disposed');
    expect(() => k.scale(buf, 1000, 2)).toThrow('backprop-wasm: these kernels were disposed');
    expect(() => k.memory).toThrow('backprop-wasm: these kernels were disposed');
    expect(buf.length).toBe(1000);
    k.dispose(); // twice is harmless
  });

  it('js kernels empty every buffer they made on dispose', () => {
    const k = new JsKernels('f64');
    const buf = k.alloc(1000);
    k.view(buf).fill(1);
    k.dispose();
    expect(k.view(buf).length).toBe(0);
  });
});

describe('memories handed back for reuse', () => {
  it('a create/dispose loop runs on one memory and one instance of the kernel module', async () => {
    const memories = new Set<WebAssembly.Memory>();
    const instances = new Set<object>();
    for (let i = 0; i < 200; i++) {
      const net = await ANN.create({ layers: [2, 1 + (i % 7), 1], seed: i, precision: i % 2 ? 'f32' : 'f64' });
      net.predict(X);
      memories.add(kernelsOf(net).memory);
      instances.add(kernelsOf(net).exports);
      net.dispose();
    }
    expect(memories.size).toBe(1);
    expect(instances.size).toBe(1);
    expect(kernelSlotsPooled()).toBe(1);
  });

  it('networks alive at once never share a memory', async () => {
    const nets = await Promise.all([1, 2, 3].map((seed) => ANN.create({ layers: [2, 3, 1], seed })));
    expect(new Set(nets.map((n) => kernelsOf(n).memory)).size).toBe(3);
    for (const n of nets) n.dispose();
    const again = await Promise.all([1, 2, 3, 4].map((seed) => ANN.create({ layers: [2, 3, 1], seed })));
    expect(new Set(again.map((n) => kernelsOf(n).memory)).size).toBe(4);
    for (const n of again) n.dispose();
  });

  it("a network on a memory handed back (grown, and full of the last one's numbers) trains exactly as one on a new memory", async () => {
    const options = { layers: [2, 8, 1], activation: 'tanh', seed: 7 } as const;
    const fit = { epochs: 3, batchSize: 2, learningRate: 0.5, optimizer: { name: 'adam' } } as const;
    // Fill a memory with numbers other than zero, grow it, then hand it back.
    const first = await ANN.create({ layers: [2, 64, 64, 1], seed: 3 });
    await first.fit(X, Y, { epochs: 2, batchSize: 1, optimizer: { name: 'adam' } });
    first.predict(Array.from({ length: 2000 }, (_, i) => [i, -i]));
    const used = kernelsOf(first).memory;
    first.dispose();

    const reused = await ANN.create(options);
    expect(kernelsOf(reused).memory, 'the memory handed back last is taken first').toBe(used);
    // Whatever else waits in the pool is taken by these, so that the next network gets a new memory.
    const holders: ANN[] = [];
    while (kernelSlotsPooled() > 0) holders.push(await ANN.create({ layers: [1, 1] }));
    const fresh = await ANN.create(options);
    expect(kernelsOf(fresh).memory.buffer.byteLength).toBeLessThan(used.buffer.byteLength);
    const logs = async (net: ANN) => (await net.fit(X, Y, fit)).map(({ seconds: _, ...log }) => log);
    expect(await logs(reused)).toEqual(await logs(fresh));
    expect(reused.getWeights()).toEqual(fresh.getWeights());
    expect(reused.predict(X).data).toEqual(fresh.predict(X).data);
    for (const n of [reused, fresh, ...holders]) n.dispose();
  });
});
