/**
 * The linear memories the wasm kernels run on, one per network: made, counted and reused here.
 *
 * V8 reserves about 10 GiB of address space for every WebAssembly.Memory, whatever its size or
 * declared maximum: guard regions that let compiled code skip bounds checks. Measured in Node 20:
 * 10.0 GiB of VmSize per memory with no maximum and with a maximum of 16 to 65,536 pages, shared
 * or not, and with --wasm-enforce-bounds-checks; 13,086 memories exhaust the 128 TiB of a
 * process. So a maximum would not help, and the reservation is returned only when the garbage
 * collector collects the memory (V8 collects and retries before it gives up, so only memories
 * still reachable count). Hence:
 * - a failure to make one is reported with the number of networks alive and what to do about it;
 * - `dispose()` hands a small memory back with its instance, and the next network on the same
 *   module takes them instead of reserving another memory, so that a create/dispose loop holds a
 *   memory or two rather than every memory made since the last collection (up to 781 GiB of
 *   address space in 2,000 cycles, measured). The instance is reused too, not only the memory:
 *   V8 keeps about 10 KB of native memory for every instance ever made on a memory as long as
 *   the memory lives (16,000 instances on one memory: 164 MiB more resident, measured). The
 *   kernels keep no state in the instance (the module has no mutable global), so reusing it is
 *   as good as a fresh one.
 */

/**
 * Pages (64 KiB each) of a new kernel memory: the minimum the module declares for its import
 * (asconfig.json "initialMemory"). A `WasmKernels` grows it to whatever it plans.
 */
export const KERNEL_MEMORY_PAGES = 1;

/**
 * Pages a shared kernel memory may grow to: 4 GiB, all that wasm32 addresses. A shared memory
 * must declare its maximum (it is never moved, so that every thread sees the same bytes), and the
 * shared builds declare this one (asconfig.json "maximumMemory"). It costs no more address space
 * than an unshared memory (see above: V8 reserves the same 10 GiB either way).
 */
export const SHARED_KERNEL_MEMORY_MAX_PAGES = 65536;

/** A memory and the instance of the kernel module on it, as a disposed network leaves them. */
export interface KernelSlot {
  readonly module: WebAssembly.Module;
  readonly memory: WebAssembly.Memory;
  readonly instance: { readonly exports: WebAssembly.Exports };
}

/** Memories at most this large are kept for reuse: their touched pages stay resident while they wait. */
const POOLED_MAX_BYTES = 16 * 2 ** 20;
/** A loop that keeps a network or two alive besides the one it disposes (a twin, a reference) is served from the pool. */
const POOL_SIZE = 4;

/** Unshared memories made by `createKernelMemory`, fit for any network. Only these are pooled: a shared one goes with its workers. */
const made = new WeakSet<WebAssembly.Memory>();
const pool: KernelSlot[] = [];

/** Kernels alive: made and neither disposed nor collected. */
let alive = 0;
const counted = new WeakSet<object>();
const collected =
  typeof FinalizationRegistry === 'undefined'
    ? null
    : new FinalizationRegistry<null>(() => {
        alive--;
      });

/**
 * A fresh memory for one network's kernels (shared: for the shared build, which threads run on one memory). When the runtime cannot
 * make one, the error says how many networks are alive and what to do, instead of V8's bare
 * "could not allocate memory".
 */
export function createKernelMemory(shared = false): WebAssembly.Memory {
  let memory: WebAssembly.Memory;
  try {
    memory = shared
      ? new WebAssembly.Memory({ initial: KERNEL_MEMORY_PAGES, maximum: SHARED_KERNEL_MEMORY_MAX_PAGES, shared: true })
      : new WebAssembly.Memory({ initial: KERNEL_MEMORY_PAGES });
  } catch (e) {
    throw new RangeError(
      `backprop-wasm: cannot create the WebAssembly memory of another network (${(e as Error).message}): ${alive} networks are alive, and each reserves a large region of address space (10 GiB in V8) until it is disposed or collected; dispose() the ones you no longer need`,
      { cause: e },
    );
  }
  if (!shared) made.add(memory);
  return memory;
}

/**
 * The memory and instance of a disposed network on `module`, to be taken over by a new one (its
 * memory is not zero), or null. The last handed back first: its pages are the likeliest in cache.
 */
export function takeKernelSlot(module: WebAssembly.Module): KernelSlot | null {
  for (let i = pool.length - 1; i >= 0; i--) if (pool[i].module === module) return pool.splice(i, 1)[0];
  return null;
}

/** Takes back the memory and instance of disposed kernels, for reuse when the memory is small; otherwise leaves them to the collector. */
export function giveBackKernelSlot(slot: KernelSlot): void {
  if (!made.has(slot.memory) || slot.memory.buffer.byteLength > POOLED_MAX_BYTES || pool.some((s) => s.memory === slot.memory)) return;
  // The newest are kept: after setWasmSource the old module's slots are the ones to go.
  if (pool.length === POOL_SIZE) pool.shift();
  pool.push(slot);
}

/** Counts `kernels` alive until `kernelsDisposed(kernels)`, or until the collector takes them. */
export function kernelsMade(kernels: object): void {
  alive++;
  counted.add(kernels);
  collected?.register(kernels, null, kernels);
}

/** Counts `kernels` alive no more (once, however often it is called). */
export function kernelsDisposed(kernels: object): void {
  if (!counted.delete(kernels)) return;
  alive--;
  collected?.unregister(kernels);
}

/** Networks alive, for tests. */
export function kernelsAlive(): number {
  return alive;
}

/** Memories (with their instances) waiting for reuse, for tests. */
export function kernelSlotsPooled(): number {
  return pool.length;
}
