/**
 * The kernel ABI (src/backend/abi.ts): a module whose exports, parameter counts, codes, sizes or
 * imports differ from what this library calls is refused at load with a message that names the
 * export and says what to do; and the memory is the caller's: handed in at instantiation, one per
 * WasmKernels, grown and re-viewed as before.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ANN, setWasmSource } from '../src/index.js';
import { KERNEL_FUNCTIONS, KERNEL_SIZES, KernelAbiError, kernelCodes } from '../src/backend/abi.js';
import { Activation, LossKernel, type Buffer, type Kernels } from '../src/backend/kernels.js';
import { runKernelWorker, TASK_ARGS, WORKER_CALL_ARGS } from '../src/backend/kernel-worker.js';
import { WasmKernels } from '../src/backend/wasm.js';
import { createKernelMemory, instantiateKernels, kernelModule, type KernelBuild } from '../src/backend/wasm-module.js';

const STALE = /The build\/ folder is probably stale: run "npm run build"/;

function load(k: Kernels, values: ArrayLike<number>): Buffer {
  const buf = k.alloc(values.length);
  k.view(buf).set(values);
  return buf;
}

/** A fresh instance of a real build on a fresh memory, its exports copied into a plain object that a test may change. */
async function realExports(build: KernelBuild = 'simd') {
  const memory = createKernelMemory();
  const instance = await instantiateKernels(await kernelModule(build), memory);
  return { memory, exports: { ...instance.exports } as Record<string, unknown> };
}

const i32 = (value: number) => new WebAssembly.Global({ value: 'i32', mutable: false }, value);

/** `refuses(change)`: the message WasmKernels throws for a real build's exports with `change` applied. */
async function refusal(change: (x: Record<string, unknown>) => void, memory?: WebAssembly.Memory): Promise<KernelAbiError> {
  const real = await realExports();
  change(real.exports);
  try {
    new WasmKernels(memory ?? real.memory, { exports: real.exports as WebAssembly.Exports }, 'f32', 'simd');
  } catch (err) {
    expect(err).toBeInstanceOf(KernelAbiError);
    return err as KernelAbiError;
  }
  throw new Error('the changed exports were accepted');
}

describe('the ABI in src/backend/abi.ts', () => {
  for (const build of ['simd', 'relaxed'] as const) {
    it(`is exactly what the ${build} build exports and imports`, async () => {
      const module = await kernelModule(build);
      const listed = [...Object.keys(KERNEL_FUNCTIONS), ...Object.keys(kernelCodes()), ...Object.keys(KERNEL_SIZES), 'memory'];
      expect(
        WebAssembly.Module.exports(module)
          .map((e) => e.name)
          .sort(),
      ).toEqual(listed.sort());
      expect(WebAssembly.Module.imports(module)).toEqual([{ module: 'env', name: 'memory', kind: 'memory' }]);
      const { exports } = await realExports(build);
      for (const [name, n] of Object.entries(KERNEL_FUNCTIONS)) expect((exports[name] as Function).length, name).toBe(n);
    });
  }

  it('takes no more arguments in any export than a worker thread passes (and a task holds)', () => {
    const most = Math.max(...Object.values(KERNEL_FUNCTIONS));
    expect(most).toBeLessThanOrEqual(WORKER_CALL_ARGS);
    expect(WORKER_CALL_ARGS).toBeLessThanOrEqual(TASK_ARGS);
    // The worker spells its call out: as many arguments as WORKER_CALL_ARGS says.
    expect(runKernelWorker.toString().match(/a\[o( \+ \d+)?\]/g)?.length).toBe(WORKER_CALL_ARGS);
  });

  it('takes every code from kernels.ts: the module holds the same numbers', async () => {
    const { exports } = await realExports();
    for (const [key, value] of Object.entries(Activation)) expect((exports[`Activation_${key}`] as WebAssembly.Global).value).toBe(value);
    for (const [key, value] of Object.entries(LossKernel)) expect((exports[`LossKernel_${key}`] as WebAssembly.Global).value).toBe(value);
  });
});

describe('a module that does not match is refused, naming the export and what to do', () => {
  it('a missing function', async () => {
    const err = await refusal((x) => delete x.gemm_f64);
    expect(err.message).toMatch(
      /^backprop-wasm: the simd kernel module does not match this library: export gemm_f64: expected a function of 13 parameters, got nothing\./,
    );
    expect(err.message).toMatch(STALE);
  });

  it('a function with the wrong number of parameters', async () => {
    const err = await refusal((x) => (x.gemm_f32 = x.bias_add_f32));
    expect(err.message).toMatch(/export gemm_f32: expected a function of 13 parameters, got a function of 4 parameters\./);
    expect(err.message).toMatch(STALE);
  });

  it('a code that disagrees with kernels.ts, or is missing', async () => {
    const err = await refusal((x) => (x.Activation_Softmax = i32(6)));
    expect(err.message).toMatch(
      /code Activation\.Softmax is 6 in the module \(export Activation_Softmax\) but 5 here \(src\/backend\/kernels\.ts\)/,
    );
    expect(err.message).toMatch(STALE);
    const gone = await refusal((x) => delete x.LossKernel_BinaryCrossEntropyLogits);
    expect(gone.message).toMatch(
      /export LossKernel_BinaryCrossEntropyLogits: expected the code LossKernel\.BinaryCrossEntropyLogits \(2\) as a global, got nothing/,
    );
  });

  it('a size that is not what the allocator assumes', async () => {
    const err = await refusal((x) => (x.sizeof_f64 = i32(4)));
    expect(err.message).toMatch(/export sizeof_f64: expected 8 bytes, got 4/);
  });

  it('an export the ABI does not list', async () => {
    const err = await refusal((x) => (x.gemm_f16 = x.gemm_f32));
    expect(err.message).toMatch(/export gemm_f16: not in the ABI \(src\/backend\/abi\.ts\), got a function of 13 parameters/);
  });

  it('an instance that runs on a memory other than the one handed in', async () => {
    const err = await refusal(() => {}, createKernelMemory());
    expect(err.message).toMatch(/export memory: expected the memory handed in as env\.memory, got a memory of its own/);
  });

  it('every difference at once', async () => {
    const err = await refusal((x) => {
      delete x.heap_base;
      x.sgd_update_f64 = x.heap_base;
      x.LossKernel_SquaredError = i32(3);
    });
    expect(err.message).toMatch(
      /export heap_base: expected a function of 0 parameters, got nothing; export sgd_update_f64: expected a function of 8 parameters, got nothing; code LossKernel\.SquaredError is 3/,
    );
  });
});

/** `(module (memory 1) (export "memory" (memory 0)))`: a module with a memory of its own, as every build before the memory was imported. */
const OWN_MEMORY = new Uint8Array([
  0x00,
  0x61,
  0x73,
  0x6d,
  0x01,
  0x00,
  0x00,
  0x00,
  0x05,
  0x03,
  0x01,
  0x00,
  0x01, // memory section: one memory, min 1 page
  0x07,
  0x0a,
  0x01,
  0x06,
  ...new TextEncoder().encode('memory'),
  0x02,
  0x00, // export it
]);
/** `(module (import "env" "memory" (memory 1)) (export "memory" (memory 0)))`: the memory handed in, and not one kernel. */
const NO_KERNELS = new Uint8Array([
  0x00,
  0x61,
  0x73,
  0x6d,
  0x01,
  0x00,
  0x00,
  0x00,
  0x02,
  0x0f,
  0x01,
  0x03,
  ...new TextEncoder().encode('env'),
  0x06,
  ...new TextEncoder().encode('memory'),
  0x02,
  0x00,
  0x01, // import env.memory, min 1 page
  0x07,
  0x0a,
  0x01,
  0x06,
  ...new TextEncoder().encode('memory'),
  0x02,
  0x00,
]);

describe('modules given to setWasmSource', () => {
  afterEach(() => setWasmSource(null));

  it('a module from a build that made its own memory is refused before it is instantiated, as bytes or as a compiled module', async () => {
    for (const source of [OWN_MEMORY, new WebAssembly.Module(OWN_MEMORY)]) {
      setWasmSource(source);
      const expected =
        /the simd kernel module \((\d+ bytes|a compiled WebAssembly\.Module)\) does not match this library: it does not import its memory as env\.memory .*The build\/ folder is probably stale: run "npm run build"/;
      await expect(ANN.create({ layers: [2, 1], seed: 1 })).rejects.toThrow(expected);
      await expect(WasmKernels.create('f32')).rejects.toThrow(KernelAbiError);
    }
  });

  it('a module that imports the memory but exports none of the kernels is refused, naming what is missing', async () => {
    setWasmSource(NO_KERNELS);
    await expect(WasmKernels.create('f64')).rejects.toThrow(
      /the simd kernel module does not match this library: export heap_base: expected a function of 0 parameters, got nothing; .*export sizeof_usize: expected a global holding 4, got nothing\. The build\/ folder/,
    );
  });
});

describe('the memory is handed in', () => {
  it('two WasmKernels on memories the caller made work independently, each on its own', async () => {
    const module = await kernelModule('simd');
    const memories = [createKernelMemory(), new WebAssembly.Memory({ initial: 40 })];
    const [p, q] = await Promise.all(
      memories.map(async (memory) => new WasmKernels(memory, await instantiateKernels(module, memory), 'f32', 'simd')),
    );
    expect(p.memory).toBe(memories[0]);
    expect(q.memory).toBe(memories[1]);
    expect(p.exports.memory).toBe(memories[0]);
    expect(q.memoryBytes).toBe(40 * 65536);
    // The same buffers at the same offsets, in two memories.
    const a = [load(p, [1, 2, 3, 4, 5, 6]), load(q, [6, 5, 4, 3, 2, 1])];
    const b = [load(p, [1, 0, 0, 1, 1, 1]), load(q, [2, 0, 0, 2, 2, 2])];
    const c = [p.alloc(4), q.alloc(4)];
    p.gemm(false, false, 2, 2, 3, a[0], b[0], c[0], false);
    expect(Array.from(p.view(c[0]))).toEqual([4, 5, 10, 11]);
    expect(Array.from(q.view(c[1]))).toEqual([0, 0, 0, 0]);
    q.gemm(false, false, 2, 2, 3, a[1], b[1], c[1], false);
    expect(Array.from(q.view(c[1]))).toEqual([20, 18, 8, 6]);
    expect(Array.from(p.view(c[0]))).toEqual([4, 5, 10, 11]);
    expect(Array.from(p.view(a[0]))).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('views and the loss result are remade when the memory grows: by the kernels planning more, or by anyone holding the memory', async () => {
    const memory = createKernelMemory();
    const k = new WasmKernels(memory, await instantiateKernels(await kernelModule('relaxed'), memory), 'f64', 'relaxed');
    const out = load(k, [0.5, 2]);
    const y = load(k, [0, 1]);
    const sum = new Float64Array(1);
    k.lossSum(LossKernel.SquaredError, out, y, 1, 2, sum, 0);
    expect(sum[0]).toBe(1.25);

    const before = k.view(out);
    const bytes = k.memoryBytes;
    k.alloc(1 << 20); // 8 MiB more than the memory has: the kernels grow it
    expect(k.memoryBytes).toBeGreaterThan(bytes);
    expect(before.length, 'growth detached the old view').toBe(0);
    expect(Array.from(k.view(out))).toEqual([0.5, 2]);
    k.lossSum(LossKernel.SquaredError, out, y, 1, 2, sum, 0);
    expect(sum[0]).toBe(2.5);

    const again = k.view(y);
    memory.grow(3); // as the module itself (kernel_peak_f32) or another holder of the memory would
    expect(again.length).toBe(0);
    expect(Array.from(k.view(y))).toEqual([0, 1]);
    k.lossSum(LossKernel.SquaredError, out, y, 1, 2, sum, 0);
    expect(sum[0]).toBe(3.75);
  });

  it('a memory smaller than the module declares is refused with the same advice', async () => {
    const tooSmall = new WebAssembly.Memory({ initial: 0 });
    const module = await kernelModule('simd');
    expect(() => instantiateKernels(module, tooSmall)).toThrow(
      /the kernel module does not match this library: it cannot be instantiated on the memory handed in \(.*\)\. The build\/ folder is probably stale/,
    );
  });

  it('the benchmark probe that grows the memory from inside the module grows the one handed in', async () => {
    const memory = createKernelMemory();
    const { exports } = await instantiateKernels(await kernelModule('simd'), memory);
    expect(memory.buffer.byteLength).toBe(65536);
    (exports.kernel_peak_f32 as (iterations: number) => void)(1);
    const need = (exports.heap_base as () => number)() + (exports.gemm_workspace_bytes_f32 as () => number)();
    expect(memory.buffer.byteLength).toBeGreaterThanOrEqual(need);
  });
});
