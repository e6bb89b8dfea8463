/**
 * A pool of worker threads (Node `worker_threads`, browser Web Workers) that run kernel calls on
 * one shared WebAssembly memory. The calling thread posts a task to each worker it needs (the
 * export to call and its arguments, written into a shared block), does its own part, and waits for
 * them: synchronously, so that the network core keeps calling its kernels as plain functions.
 *
 * Posting and waiting allocate nothing: tasks go through preallocated typed arrays and Atomics.
 * Workers are unref'd in Node, so that a pool never keeps a process alive, and terminated by
 * `dispose`.
 */
import { CONTROL, type KernelWorkerInit, kernelWorkerSource, STOP, TASK_ARGS } from './kernel-worker.js';

/** What the pool needs of a Node Worker or a browser Worker. */
interface AnyWorker {
  postMessage(message: unknown): void;
  terminate(): unknown;
}

/**
 * How long a worker polls for its next task before it sleeps, in ms. Waking a sleeping thread
 * (Atomics.notify, a futex wake) cost the poster 10–40 µs on a 2-vCPU cloud VM, and the worker as
 * long again to start; the gaps between the kernels of an R1 step at batch 32 (the batch's gather,
 * the loss) are up to some 100 µs. With a count of 1,000 polls instead (20–70 µs, as an
 * Atomics.load costs 20–70 ns by machine), R1's first epochs at batch 32 on two threads spent 60 ms
 * of 220 in post(). A worker that polls holds its core only while a network trains, but it holds
 * it: an earlier 20,000 polls (0.7 ms) tripled the CPU time of an R1 epoch at batch 32 on two
 * threads (1,128 ms against 414) on a machine shared with other work, so the window stays short.
 */
const SPIN_MS = 0.3;

/** Polls before the calling thread sleeps while it waits for the workers' parts (short: they finish with its own). */
const WAIT_SPINS = 1_000;

export class WorkerPool {
  private readonly control: Int32Array;
  private readonly argBlock: Float64Array;
  /** One view of TASK_ARGS numbers per worker, made once. */
  private readonly taskViews: Float64Array[];
  private posted = 0;
  private workers: AnyWorker[];
  /** False in a browser page's main thread, where Atomics.wait throws: there the caller spins. */
  private readonly canBlock: boolean;

  private constructor(workers: AnyWorker[], control: SharedArrayBuffer, args: SharedArrayBuffer) {
    this.workers = workers;
    this.control = new Int32Array(control);
    this.argBlock = new Float64Array(args);
    this.taskViews = workers.map((_, w) => this.argBlock.subarray(w * TASK_ARGS, (w + 1) * TASK_ARGS));
    this.canBlock = threadCanBlock();
  }

  /**
   * Starts `count` workers, each with an instance of `module` (a shared-memory kernel build) on
   * `memory`, and resolves once every one is ready. `names` are the exports that ops number.
   * Call before anything runs on the memory: instantiating rewrites the module's data segments.
   */
  static async start(count: number, module: WebAssembly.Module, memory: WebAssembly.Memory, names: readonly string[]): Promise<WorkerPool> {
    const control = new SharedArrayBuffer((CONTROL.first + count * CONTROL.stride) * 4);
    const args = new SharedArrayBuffer(count * TASK_ARGS * 8);
    const spawn = await spawner();
    const workers: AnyWorker[] = [];
    try {
      const ready: Promise<void>[] = [];
      for (let slot = 0; slot < count; slot++) {
        const init: KernelWorkerInit = {
          module,
          memory,
          control,
          args,
          slot,
          names,
          layout: CONTROL,
          taskArgs: TASK_ARGS,
          stop: STOP,
          spinMs: SPIN_MS,
        };
        const { worker, first } = spawn();
        workers.push(worker);
        ready.push(first);
        worker.postMessage(init);
      }
      await Promise.all(ready);
    } catch (e) {
      for (const w of workers) w.terminate();
      throw e;
    }
    return new WorkerPool(workers, control, args);
  }

  /** Workers in the pool. */
  get size(): number {
    return this.workers.length;
  }

  /** Where worker w's next task's arguments go (the export's parameters, in order). */
  args(w: number): Float64Array {
    return this.taskViews[w];
  }

  /** Sends worker w the task whose arguments are in args(w): a call of export number `op`. */
  post(w: number, op: number): void {
    const at = CONTROL.first + w * CONTROL.stride;
    Atomics.store(this.control, at + CONTROL.opOffset, op);
    this.posted++;
    Atomics.add(this.control, CONTROL.pending, 1);
    Atomics.add(this.control, at, 1);
    // Only a sleeping worker needs the (costly) wake-up; one that polls sees the counter move.
    if (Atomics.load(this.control, at + CONTROL.asleepOffset) !== 0) Atomics.notify(this.control, at, 1);
  }

  /**
   * Waits until every posted task is done; throws if a kernel failed in a worker. True when some
   * task was still running when it was called (the calling thread finished its own part first).
   */
  wait(): boolean {
    if (this.posted === 0) return false;
    this.posted = 0;
    const c = this.control;
    let spins = 0;
    let left = Atomics.load(c, CONTROL.pending);
    const waited = left !== 0;
    for (; left !== 0; left = Atomics.load(c, CONTROL.pending)) {
      if (this.canBlock && ++spins > WAIT_SPINS) {
        Atomics.wait(c, CONTROL.pending, left);
        spins = 0;
      }
    }
    if (Atomics.load(c, CONTROL.failed) !== 0) {
      Atomics.store(c, CONTROL.failed, 0);
      throw new Error('backprop-wasm: a kernel failed in a worker thread');
    }
    return waited;
  }

  /** Stops and terminates every worker; the pool cannot be used after. */
  dispose(): void {
    for (let w = 0; w < this.workers.length; w++) this.post(w, STOP);
    this.posted = 0;
    for (const w of this.workers) w.terminate();
    this.workers = [];
  }
}

/** Whether this thread may Atomics.wait (Node: every thread; a browser: workers only). */
function threadCanBlock(): boolean {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}

type Spawn = () => { worker: AnyWorker; first: Promise<void> };

/** How this runtime starts a kernel worker. */
async function spawner(): Promise<Spawn> {
  const isNode = typeof process !== 'undefined' && process.versions?.node !== undefined;
  if (isNode) {
    const { Worker } = await import(/* webpackIgnore: true */ /* @vite-ignore */ 'node:worker_threads');
    const source = kernelWorkerSource('node');
    return () => {
      const worker = new Worker(source, { eval: true });
      // A pool must never keep a process (a CLI run, a test) alive.
      worker.unref();
      const first = new Promise<void>((resolve, reject) => {
        worker.once('message', (m: unknown) => (m === 'ready' ? resolve() : reject(workerError(m))));
        worker.once('error', reject);
      });
      return { worker, first };
    };
  }
  const url = URL.createObjectURL(new Blob([kernelWorkerSource('browser')], { type: 'text/javascript' }));
  return () => {
    const worker = new Worker(url);
    const first = new Promise<void>((resolve, reject) => {
      worker.onmessage = (e: MessageEvent) => (e.data === 'ready' ? resolve() : reject(workerError(e.data)));
      worker.onerror = (e: ErrorEvent) => reject(new Error(`backprop-wasm: a kernel worker failed to start (${e.message})`));
    });
    return { worker, first };
  };
}

function workerError(message: unknown): Error {
  const why = (message as { error?: string })?.error ?? String(message);
  return new Error(`backprop-wasm: a kernel worker could not instantiate the shared kernel build (${why})`);
}
