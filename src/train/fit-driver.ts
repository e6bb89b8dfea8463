/**
 * The driver worker of a fit started on a browser page's main thread (fit-in-worker.ts): it
 * restores the network, trains it here (its kernels' own workers do the cutting, and here a thread
 * may wait for them), and hands each callback's log to the page, waiting for its answer.
 */
import { ANN } from '../ann.js';
import { setKernelBuild, setWasmSource, type KernelBuild } from '../backend/wasm-module.js';
import type { FitRequest } from './fit-in-worker.js';

const scope = globalThis as unknown as {
  onmessage: ((e: MessageEvent) => void) | null;
  postMessage(message: unknown): void;
};

/** The page's answer to the callback in progress. */
let answer: ((reply: { stop?: boolean; error?: boolean }) => void) | null = null;

class CallbackFailed extends Error {}

/** Posts a callback's log to the page and waits for the callback to finish there: false stops the fit. */
function ask(type: 'batch' | 'epoch', log: unknown): Promise<boolean> {
  return new Promise((resolve, reject) => {
    answer = (reply) => {
      answer = null;
      if (reply.error) reject(new CallbackFailed('a callback threw on the page'));
      else resolve(!reply.stop);
    };
    scope.postMessage({ type, log });
  });
}

scope.onmessage = (e: MessageEvent) => {
  if (answer !== null) return answer(e.data);
  void train(e.data as FitRequest);
};

async function train(request: FitRequest): Promise<void> {
  let net: ANN | null = null;
  try {
    if (request.sources !== null) setWasmSource(request.sources);
    setKernelBuild(request.build as KernelBuild);
    net = await ANN.fromJSON(request.json, { threads: request.threads });
    // The page standardized x already (with the network's own standardizer).
    net.standardizer = null;
    const history = await net.fit(request.x, request.y, {
      ...request.options,
      onBatchEnd: request.onBatchEnd
        ? async (log) => {
            await ask('batch', log);
          }
        : undefined,
      onEpochEnd: request.onEpochEnd ? (log) => ask('epoch', log) : undefined,
    });
    scope.postMessage({ type: 'done', history, json: net.toJSON() });
  } catch (err) {
    const e = err as Error;
    scope.postMessage({ type: 'error', message: e?.message ?? String(err), name: e?.name ?? 'Error' });
  } finally {
    net?.dispose();
  }
}
