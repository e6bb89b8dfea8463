/**
 * How much memory a backend holds at most, and the refusal when more is asked of it. A network's
 * parameters are checked against it before any of them is allocated, so that one too large is
 * refused at once: not after zero-filling gigabytes of WebAssembly memory (7 s and 3.1 GB
 * resident for a 20000-20000-1 network, measured), nor after the js backend has allocated it all
 * (a 25000-25000-1 network took 13 s and 2.5 GB, of 7.5 GB allocated; issue 14 saw 9.6 GB and 31 s
 * for 50000-50000-10).
 *
 * wasm: 32-bit WebAssembly addresses 4 GiB (65,536 pages of 64 KiB), the kernels' workspace included.
 * js: the same 4 GiB, by choice. Typed arrays would allow more (2^32 elements each, 16 GiB of
 * float32), bounded by RAM alone; but the js backend is the wasm backend's oracle and baseline,
 * and a network should be accepted by both or by neither (a model trained on one loads on the
 * other). A network of over 4 GiB would also take the plain TypeScript kernels hours an epoch.
 */
import type { BackendName } from './kernels.js';

export const MEMORY_LIMIT_BYTES = 2 ** 32;

const WHY: Record<BackendName, string> = {
  wasm: 'the address space of 32-bit WebAssembly',
  js: "the same as the wasm backend's, whose 32-bit memory holds no more",
};

/** `bytes` in words: MiB below a GiB, GiB with two decimals above. */
export function formatBytes(bytes: number): string {
  return bytes < 2 ** 30 ? `${(bytes / 2 ** 20).toFixed(1)} MiB` : `${(bytes / 2 ** 30).toFixed(2)} GiB`;
}

/**
 * Throws when `needed` bytes (all that the backend would hold, `inUse` of them held already) are
 * over the limit; `what` says what they are for ("the 400,040,001 parameters of a 20000-20000-1
 * network need") and `advice` what to do.
 */
export function checkRoom(backend: BackendName, what: string, inUse: number, needed: number, advice: string): void {
  if (needed <= MEMORY_LIMIT_BYTES) return;
  const held = inUse > 0 ? ` (${formatBytes(inUse)} of it in use already)` : '';
  throw new RangeError(
    `backprop-wasm: ${what} ${formatBytes(needed)} of memory${held}, more than the ${backend} backend's limit of ${formatBytes(MEMORY_LIMIT_BYTES)} (${WHY[backend]}); ${advice}`,
  );
}
