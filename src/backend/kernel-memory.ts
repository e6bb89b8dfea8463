/**
 * The linear memories the wasm kernels run on, one per network: made and counted here.
 *
 * V8 reserves about 10 GiB of address space for every WebAssembly.Memory, whatever its size or
 * declared maximum: guard regions that let compiled code skip bounds checks. Measured in Node 20:
 * 10.0 GiB of VmSize per memory with no maximum and with a maximum of 16 to 65,536 pages, shared
 * or not, and with --wasm-enforce-bounds-checks; 13,086 memories exhaust the 128 TiB of a
 * process. So a maximum would not help, and the reservation is returned only when the garbage
 * collector collects the memory (V8 collects and retries before it gives up, so only memories
 * still reachable count). A failure to make one is reported with the number of networks alive
 * and what to do about it, instead of V8's bare "could not allocate memory".
 */

/**
 * Pages (64 KiB each) of a new kernel memory: the minimum the module declares for its import
 * (asconfig.json "initialMemory"). A `WasmKernels` grows it to whatever it plans.
 */
export const KERNEL_MEMORY_PAGES = 1;

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
 * A fresh memory for one instance of the kernel module (one network's). When the runtime cannot
 * make one, the error says how many networks are alive and what to do.
 */
export function createKernelMemory(): WebAssembly.Memory {
  try {
    return new WebAssembly.Memory({ initial: KERNEL_MEMORY_PAGES });
  } catch (e) {
    throw new RangeError(
      `backprop-wasm: cannot create the WebAssembly memory of another network (${(e as Error).message}): ${alive} networks are alive, and each reserves a large region of address space (10 GiB in V8) until it is disposed or collected; dispose() the ones you no longer need`,
      { cause: e },
    );
  }
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
