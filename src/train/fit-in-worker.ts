/**
 * fit() from a browser page's main thread, for a network on several threads: the page may not
 * Atomics.wait, so it must not run the steps itself (it would spin through each one, and the page
 * would freeze for the whole fit). Instead a driver worker (fit-driver.ts) restores the network
 * from its JSON, runs the whole training loop on threads of its own, and posts each callback's
 * log back; the callbacks run here, on the page, and their answers (false: stop) go back. When the
 * fit ends, the page's network takes the trained weights and training state; until then it keeps
 * the ones it had.
 */
import type { Samples } from '../core/csr-rows.js';
import type { Matrix } from '../io/matrix.js';
import type { ModelJSON } from '../model/model-json.js';
import type { WasmSources } from '../backend/wasm-module.js';
import type { EpochLog, FitOptions } from './fit-options.js';

/** True on a browser page's main thread (not in a worker, not in Node): where fit of a threaded network goes to a driver worker. */
export function onPageMainThread(): boolean {
  return typeof window !== 'undefined' && typeof document !== 'undefined' && typeof Worker === 'function';
}

/** What the driver is sent: the network, where its kernels come from, the prepared data and the options without callbacks. */
export interface FitRequest {
  json: ModelJSON;
  threads: number;
  build: string;
  sources: WasmSources | null;
  x: Samples;
  y: Matrix;
  options: Omit<FitOptions, 'onBatchEnd' | 'onEpochEnd'>;
  onBatchEnd: boolean;
  onEpochEnd: boolean;
}

/** What the driver posts: a callback's log to run here, or the end of the fit. */
type DriverMessage =
  | { type: 'batch' | 'epoch'; log: never }
  | { type: 'done'; history: EpochLog[]; json: ModelJSON }
  | { type: 'error'; message: string; name: string };

/** Runs the fit in a driver worker; resolves with the history and the trained network's JSON. */
export function fitInWorker(
  request: FitRequest,
  callbacks: Pick<FitOptions, 'onBatchEnd' | 'onEpochEnd'>,
): Promise<{ history: EpochLog[]; json: ModelJSON }> {
  const worker = new Worker(new URL('./fit-driver.js', import.meta.url), { type: 'module' });
  return new Promise((resolve, reject) => {
    // An error thrown by a callback here ends the fit with that very error.
    let thrown: unknown = null;
    const finish = (settle: () => void) => {
      worker.terminate();
      settle();
    };
    worker.onerror = (e) => finish(() => reject(new Error(`fit: the training worker failed (${e.message})`)));
    worker.onmessage = (e: MessageEvent<DriverMessage>) => {
      const msg = e.data;
      if (msg.type === 'done') return finish(() => resolve({ history: msg.history, json: msg.json }));
      if (msg.type === 'error') {
        const err = thrown ?? Object.assign(new Error(msg.message), { name: msg.name });
        return finish(() => reject(err));
      }
      const callback = msg.type === 'batch' ? callbacks.onBatchEnd : callbacks.onEpochEnd;
      Promise.resolve()
        .then(() => callback?.(msg.log))
        .then(
          (value) => worker.postMessage({ type: 'reply', stop: value === false }),
          (err: unknown) => {
            thrown = err;
            worker.postMessage({ type: 'reply', error: true });
          },
        );
    };
    try {
      worker.postMessage(request);
    } catch (e) {
      finish(() => reject(new TypeError(`fit: the options cannot be sent to the training worker (${(e as Error).message})`)));
    }
  });
}
