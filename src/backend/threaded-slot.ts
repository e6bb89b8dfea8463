/**
 * What a disposed threaded network leaves for the next one: its shared memory, the kernel
 * module's instance on it and the pool of workers with their instances — one set, kept while
 * small, for the next threaded network on the same module and thread count.
 *
 * Why keep them rather than start afresh: a wasm export is a function of its instance. The
 * kernels' call sites (WasmKernels, ThreadedKernels) are shared by every network, so a second
 * network on a new instance shows each of them a second function; V8 then stops inlining the
 * JS-to-wasm call there, and every argument that is not a small integer (a learning rate, a
 * slope, a scale) is boxed into a new heap number, call after call: 48 bytes a step on R1 for
 * the second optimizer of a process, where the first allocated none (bench/allocation.js). A
 * network on one thread takes over a disposed one's instance for the same reason
 * (kernel-memory.ts). Measured: with V8's inlining of those calls switched off
 * (--no-turbo-inline-js-wasm-calls) even the first network's Adam steps allocate, 368 bytes each.
 *
 * While kept, the workers sleep on their counters (Atomics.wait), unref'd in Node: they keep no
 * process alive. Only one set is kept, of at most POOLED_MAX_BYTES of memory; handing back another
 * terminates the older one's workers.
 */
import type { WorkerPool } from './worker-pool.js';

export interface ThreadedSlot {
  readonly module: WebAssembly.Module;
  readonly memory: WebAssembly.Memory;
  readonly instance: { readonly exports: WebAssembly.Exports };
  readonly pool: WorkerPool;
}

/** A memory larger than this goes with its network: its touched pages would stay resident while they wait. */
const POOLED_MAX_BYTES = 16 * 2 ** 20;

let kept: ThreadedSlot | null = null;

/** The set a disposed network left on `module` with `workers` workers (taken: the next call gets null), or null. */
export function takeThreadedSlot(module: WebAssembly.Module, workers: number): ThreadedSlot | null {
  if (kept === null || kept.module !== module || kept.pool.size !== workers) return null;
  const slot = kept;
  kept = null;
  return slot;
}

/** Keeps `slot` for the next threaded network when its memory is small enough; otherwise terminates its workers. */
export function giveBackThreadedSlot(slot: ThreadedSlot): void {
  if (slot.memory.buffer.byteLength > POOLED_MAX_BYTES) {
    slot.pool.dispose();
    return;
  }
  kept?.pool.dispose();
  kept = slot;
}

/** Sets kept for reuse (0 or 1), for tests. */
export function threadedSlotsPooled(): number {
  return kept === null ? 0 : 1;
}
