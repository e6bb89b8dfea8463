/**
 * A network too large for its backend is refused before anything is allocated (issue 14): the js
 * backend had no limit (50000-50000-10 took 9.6 GB and 31 s) and the wasm backend refused
 * 20000-20000-1 only after zero-filling 3.1 GB. Both now check the parameters' values, gradients
 * and backups against 4 GiB (src/backend/room.ts) first.
 */
import { describe, expect, it } from 'vitest';
import { ANN, type BackendName } from '../src/index.js';
import { checkArchitecture } from '../src/core/architecture.js';
import { objectiveOf } from '../src/core/losses.js';
import { Network } from '../src/core/network.js';
import { JsKernels } from '../src/backend/js.js';
import type { Kernels, Precision } from '../src/backend/kernels.js';
import { WasmKernels } from '../src/backend/wasm.js';

const GiB = 2 ** 30;

async function kernelsOf(backend: BackendName, precision: Precision): Promise<Kernels> {
  return backend === 'wasm' ? WasmKernels.create(precision) : new JsKernels(precision);
}

describe.each(['wasm', 'js'] as BackendName[])('backend %s', (backend) => {
  it('a network whose parameters need more than 4 GiB is refused before a single buffer is allocated', async () => {
    const kernels = await kernelsOf(backend, 'f32');
    const mark = kernels.mark();
    // Any allocation would be a failure of the guard; stopped here, so that the test stays cheap without it.
    const alloc = kernels.alloc.bind(kernels);
    let allocated = 0;
    kernels.alloc = (length: number) => {
      allocated++;
      if (length > 2 ** 20) throw new Error(`allocated a buffer of ${length} numbers`);
      return alloc(length);
    };
    const arch = checkArchitecture({ layers: [20000, 20000, 1], backend });
    expect(() => new Network(kernels, arch, objectiveOf(arch.loss, arch.activations[1]))).toThrow(
      new RegExp(
        `^backprop-wasm: the 400,040,001 parameters of a 20000-20000-1 network \\(a value, a gradient and a backup of each, f32\\) need 4\\.47 GiB of memory.*, more than the ${backend} backend's limit of 4\\.00 GiB \\(.+\\); use fewer or smaller layers$`,
      ),
    );
    expect(allocated, 'buffers allocated before the refusal').toBe(0);
    expect(kernels.mark()).toBe(mark);
    kernels.dispose();
  });

  it('ANN.create refuses a 50000-50000-10 network at once, naming the size needed and the limit', async () => {
    const started = performance.now();
    await expect(ANN.create({ layers: [50000, 50000, 10], backend })).rejects.toThrow(
      `the 2,500,550,010 parameters of a 50000-50000-10 network (a value, a gradient and a backup of each, f32) need 27.95 GiB of memory`,
    );
    // Refused by arithmetic, not by running out: milliseconds (the 9.6 GB allocation took 31 s).
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('float64 counts 8 bytes a number: 9000-9000-1 fits in f32 (0.91 GiB) but 19000-19000-1 does not in f64 (8.07 GiB)', async () => {
    const f64 = await kernelsOf(backend, 'f64');
    expect(() => f64.checkRoom([19000 * 19000, 19000 * 19000, 19000 * 19000], 'these')).toThrow(/these need 8\.07 GiB of memory/);
    f64.dispose();
    const f32 = await kernelsOf(backend, 'f32');
    expect(() => f32.checkRoom([9000 * 9000, 9000 * 9000, 9000 * 9000], 'these')).not.toThrow();
    f32.dispose();
  });

  it('the limit is 4 GiB exactly, what the backend already holds included', async () => {
    const k = await kernelsOf(backend, 'f64');
    const held = backend === 'wasm' ? (k as WasmKernels).bytesUsed : 0;
    // Lengths whose bytes (a multiple of 64, so that wasm's alignment adds nothing) bring the total to 4 GiB.
    const fill = (4 * GiB - held) / 8;
    expect(() => k.checkRoom([fill], 'these')).not.toThrow();
    expect(() => k.checkRoom([fill + 1], 'these')).toThrow(/these need 4\.00 GiB of memory.*more than the .* limit of 4\.00 GiB/);
    k.dispose();
  });
});

it('js: buffers allocated after the parameters (batch, optimizer) are held to the same limit, as wasm memory is', () => {
  const k = new JsKernels('f64');
  k.alloc(2 ** 28); // 2 GiB
  expect(() => k.alloc(2 ** 28 + 1)).toThrow(
    /^backprop-wasm: the network needs 4\.00 GiB of memory \(2\.00 GiB of it in use already\), more than the js backend's limit of 4\.00 GiB .*; use fewer or smaller layers, or a smaller batch$/,
  );
  // Released buffers no longer count.
  k.release(0);
  expect(() => k.alloc(2 ** 28 + 1)).not.toThrow();
  k.dispose();
});
