/**
 * What each worker thread of a pool runs (src/backend/worker-pool.ts): an instance of the
 * shared-memory kernel build on the network's memory, and a loop that waits for a task, calls the
 * kernel it names, and says it is done. The worker never allocates in the memory and never grows
 * it: the thread that planned the network owns the layout (src/backend/wasm.ts), and a task only
 * carries pointers into it.
 *
 * The worker's code is this file's `runKernelWorker`, turned back into source text
 * (`kernelWorkerSource`), so that it needs no file of its own next to the package: Node starts it
 * with `eval`, a browser from a Blob URL, and a bundler has nothing to copy. Hence the function
 * uses nothing from outside itself but its arguments and the globals of a worker.
 */

/** The control block that the pool and its workers share, as Int32 indices (worker-pool.ts writes, workers read). */
export const CONTROL = {
  /** Tasks posted and not finished. The caller waits on it. */
  pending: 0,
  /** Set to 1 by a worker whose kernel threw; the caller reports it. */
  failed: 1,
  /** Worker w's slot starts at first + w·stride: its task counter, then (at these offsets) the op and a flag set while it sleeps. */
  first: 16,
  opOffset: 1,
  asleepOffset: 2,
  /** Int32s per worker: a 64-byte cache line each, so that one worker's counter does not share a line with another's. */
  stride: 16,
} as const;

/** Float64 arguments per task: room for WORKER_CALL_ARGS. */
export const TASK_ARGS = 16;

/**
 * The arguments a worker passes to every kernel it calls (runKernelWorker spells them out): the most
 * a kernel export takes (gemm's and adam_update_rows' 13). test/kernel-abi.test.ts checks that no
 * export takes more.
 */
export const WORKER_CALL_ARGS = 13;

/** The op that tells a worker to leave its loop. */
export const STOP = -1;

/** What a worker is sent once, before any task. */
export interface KernelWorkerInit {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  /** Int32 control block on a SharedArrayBuffer (CONTROL). */
  control: SharedArrayBuffer;
  /** Float64 arguments, TASK_ARGS per worker. */
  args: SharedArrayBuffer;
  /** This worker's index. */
  slot: number;
  /** The kernel exports, in the order ops number them. */
  names: readonly string[];
  /** CONTROL, passed in rather than closed over (the function runs as text). */
  layout: typeof CONTROL;
  taskArgs: number;
  stop: number;
  /**
   * Milliseconds a worker polls its counter after a task before it sleeps (worker-pool.ts,
   * SPIN_MS): long enough to span the gaps between the kernels of a training step, since waking a
   * sleeping thread costs the poster tens of microseconds.
   */
  spinMs: number;
}

/**
 * The worker's whole life: instantiate, report 'ready' (or the error), then run tasks until STOP.
 * `post` sends a message to the thread that started it.
 */
export function runKernelWorker(init: KernelWorkerInit, post: (message: unknown) => void): void {
  let exports: WebAssembly.Exports;
  try {
    const abort = () => {
      throw new Error('backprop-wasm: a kernel aborted in a worker');
    };
    exports = new WebAssembly.Instance(init.module, { env: { memory: init.memory, abort } }).exports;
  } catch (e) {
    post({ error: String((e as Error)?.message ?? e) });
    return;
  }
  const fns = init.names.map((name) => exports[name] as (...args: number[]) => unknown);
  const control = new Int32Array(init.control);
  const a = new Float64Array(init.args);
  const { pending, failed, first, stride, opOffset, asleepOffset } = init.layout;
  const counter = first + init.slot * stride;
  const opAt = counter + opOffset;
  const o = init.slot * init.taskArgs;
  const asleep = counter + asleepOffset;
  let seen = Atomics.load(control, counter);
  post('ready');
  for (;;) {
    // Poll, reading the clock every 64 polls, then sleep. The flag tells the poster to wake this
    // thread: set before the last look at the counter, so that either that look sees a task
    // posted meanwhile or the poster sees the flag (both are sequentially consistent).
    const since = performance.now();
    let polls = 0;
    while (Atomics.load(control, counter) === seen) {
      if ((++polls & 63) !== 0 || performance.now() - since < init.spinMs) continue;
      Atomics.store(control, asleep, 1);
      if (Atomics.load(control, counter) === seen) Atomics.wait(control, counter, seen);
      Atomics.store(control, asleep, 0);
    }
    seen = Atomics.load(control, counter);
    const op = Atomics.load(control, opAt);
    if (op === init.stop) return;
    try {
      fns[op](
        a[o],
        a[o + 1],
        a[o + 2],
        a[o + 3],
        a[o + 4],
        a[o + 5],
        a[o + 6],
        a[o + 7],
        a[o + 8],
        a[o + 9],
        a[o + 10],
        a[o + 11],
        a[o + 12],
      );
    } catch {
      Atomics.store(control, failed, 1);
    }
    if (Atomics.sub(control, pending, 1) === 1) Atomics.notify(control, pending);
  }
}

/** The source of a worker script for Node (`new Worker(source, { eval: true })`) or a browser (a Blob URL). */
export function kernelWorkerSource(runtime: 'node' | 'browser'): string {
  const run = `(${runKernelWorker.toString()})`;
  return runtime === 'node'
    ? // import(), not require: the text runs as a module when the process was started as one (node --input-type=module -e …).
      `import('node:worker_threads').then(({ parentPort }) => parentPort.once('message', (init) => ${run}(init, (m) => parentPort.postMessage(m))));\n`
    : `self.onmessage = (e) => { self.onmessage = null; ${run}(e.data, (m) => self.postMessage(m)); };\n`;
}
