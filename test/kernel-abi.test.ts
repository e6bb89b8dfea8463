/**
 * The kernel ABI (src/backend/abi.ts): a module whose exports, parameter counts, codes or sizes
 * differ from what this library calls is refused at load with a message that names the export
 * and says what to do.
 */
import { describe, expect, it } from 'vitest';
import { KERNEL_FUNCTIONS, KERNEL_SIZES, KernelAbiError, checkKernelExports, kernelCodes } from '../src/backend/abi.js';
import { Activation, LossKernel } from '../src/backend/kernels.js';
import { kernelModule, type KernelBuild } from '../src/backend/wasm-module.js';

const STALE = /The build\/ folder is probably stale: run "npm run build"/;

/** A fresh instance of a real build, its exports copied into a plain object that a test may change. */
async function realExports(build: KernelBuild = 'simd') {
  const instance = await WebAssembly.instantiate(await kernelModule(build), {});
  return { exports: { ...instance.exports } as Record<string, unknown> };
}

const i32 = (value: number) => new WebAssembly.Global({ value: 'i32', mutable: false }, value);

/** The error that the check WasmKernels runs throws for a real build's exports with `change` applied. */
async function refusal(change: (x: Record<string, unknown>) => void): Promise<KernelAbiError> {
  const real = await realExports();
  change(real.exports);
  try {
    checkKernelExports(real.exports as WebAssembly.Exports, 'the simd kernel module');
  } catch (err) {
    expect(err).toBeInstanceOf(KernelAbiError);
    return err as KernelAbiError;
  }
  throw new Error('the changed exports were accepted');
}

describe('the ABI in src/backend/abi.ts', () => {
  for (const build of ['simd', 'relaxed'] as const) {
    it(`is exactly what the ${build} build exports`, async () => {
      const module = await kernelModule(build);
      const listed = [...Object.keys(KERNEL_FUNCTIONS), ...Object.keys(kernelCodes()), ...Object.keys(KERNEL_SIZES), 'memory'];
      expect(WebAssembly.Module.exports(module).map((e) => e.name).sort()).toEqual(listed.sort());
      const { exports } = await realExports(build);
      for (const [name, n] of Object.entries(KERNEL_FUNCTIONS)) expect((exports[name] as Function).length, name).toBe(n);
    });
  }

  it('takes every code from kernels.ts: the module holds the same numbers', async () => {
    const { exports } = await realExports();
    for (const [key, value] of Object.entries(Activation)) expect((exports[`Activation_${key}`] as WebAssembly.Global).value).toBe(value);
    for (const [key, value] of Object.entries(LossKernel)) expect((exports[`LossKernel_${key}`] as WebAssembly.Global).value).toBe(value);
  });
});

describe('a module that does not match is refused, naming the export and what to do', () => {
  it('a missing function', async () => {
    const err = await refusal((x) => delete x.gemm_f64);
    expect(err.message).toMatch(/^backprop-wasm: the simd kernel module does not match this library: export gemm_f64: expected a function of 13 parameters, got nothing\./);
    expect(err.message).toMatch(STALE);
  });

  it('a function with the wrong number of parameters', async () => {
    const err = await refusal((x) => (x.gemm_f32 = x.bias_add_f32));
    expect(err.message).toMatch(/export gemm_f32: expected a function of 13 parameters, got a function of 4 parameters\./);
    expect(err.message).toMatch(STALE);
  });

  it('a code that disagrees with kernels.ts, or is missing', async () => {
    const err = await refusal((x) => (x.Activation_Softmax = i32(6)));
    expect(err.message).toMatch(/code Activation\.Softmax is 6 in the module \(export Activation_Softmax\) but 5 here \(src\/backend\/kernels\.ts\)/);
    expect(err.message).toMatch(STALE);
    const gone = await refusal((x) => delete x.LossKernel_BinaryCrossEntropyLogits);
    expect(gone.message).toMatch(/export LossKernel_BinaryCrossEntropyLogits: expected the code LossKernel\.BinaryCrossEntropyLogits \(2\) as a global, got nothing/);
  });

  it('a size that is not what the allocator assumes', async () => {
    const err = await refusal((x) => (x.sizeof_f64 = i32(4)));
    expect(err.message).toMatch(/export sizeof_f64: expected 8 bytes, got 4/);
  });

  it('an export the ABI does not list', async () => {
    const err = await refusal((x) => (x.gemm_f16 = x.gemm_f32));
    expect(err.message).toMatch(/export gemm_f16: not in the ABI \(src\/backend\/abi\.ts\), got a function of 13 parameters/);
  });

  it('every difference at once', async () => {
    const err = await refusal((x) => {
      delete x.heap_base;
      x.sgd_update_f64 = x.heap_base;
      x.LossKernel_SquaredError = i32(3);
    });
    expect(err.message).toMatch(/export heap_base: expected a function of 0 parameters, got nothing; export sgd_update_f64: expected a function of 6 parameters, got nothing; code LossKernel\.SquaredError is 3/);
  });
});
