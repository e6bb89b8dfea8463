/**
 * The training loop: epochs of minibatch steps — gradients from the network, an update from the
 * optimizer — with shuffling, logs, callbacks, validation, and the guard against divergence.
 * Everything one fit() needs travels in one `FitRun` object.
 */
import { isClassification } from '../core/accuracy.js';
import type { Network, StepSource } from '../core/network.js';
import { StepStats } from '../core/network.js';
import { CHUNK } from '../core/network.js';
import { evaluate } from '../core/passes.js';
import type { Random } from '../core/random.js';
import { SampleRows } from '../core/sample-rows.js';
import type { Matrix } from '../io/matrix.js';
import type { CheckedFit, EpochLog } from './fit-options.js';
import type { Optimizer } from './optimizer.js';

/** The data of one fit(), checked by the caller. */
export interface FitData {
  X: Matrix;
  Y: Matrix;
  validation: { X: Matrix; Y: Matrix } | null;
}

/** One fit() in progress: the step source the network reads, and what the loop needs besides. */
interface FitRun extends StepSource {
  readonly network: Network;
  readonly optimizer: Optimizer;
  readonly learningRate: number;
  /** Samples in the training set. */
  readonly n: number;
  /** Samples per step (the last step of an epoch may have fewer). */
  readonly stepRows: number;
  /** One number for the check of the epoch's last update. */
  readonly scratch: Float64Array;
}

/**
 * Trains `network` on `data` as `options` say and returns one log per epoch. `alive` is called
 * after every await (a callback may dispose of the network) and throws if training must stop.
 */
export async function fit(network: Network, shuffler: Random, data: FitData, options: CheckedFit, alive: () => void): Promise<EpochLog[]> {
  const { X, Y, validation } = data;
  const n = X.rows;
  const stepRows = Math.min(options.batchSize, n);
  const recipe = options.optimizer;
  const order = identity(new Uint32Array(n));
  const run: FitRun = {
    network,
    optimizer: network.allocatePersistent((kernels) => recipe.create(kernels, network.parameters)),
    learningRate: recipe.learningRate,
    x: new SampleRows(X, true),
    y: new SampleRows(Y, true),
    order: options.shuffle ? order : null,
    chunk: Math.min(stepRows, CHUNK),
    classify: isClassification(network.objective.name, Y),
    // The steps report through a typed array: a number returned from a call can be a new heap object.
    stats: new Float64Array(StepStats.Size),
    n,
    stepRows,
    scratch: new Float64Array(1),
  };
  const { onBatchEnd, onEpochEnd } = options;
  const batches = Math.ceil(n / stepRows);
  const history: EpochLog[] = [];
  for (let epoch = 1; epoch <= options.epochs; epoch++) {
    const started = now();
    // A diverging run (loss NaN or Infinity) is rolled back to the start of its epoch, shuffling
    // generator included.
    network.saveAside();
    const shuffleState = shuffler.state();
    // Each epoch's order is a fresh permutation drawn by the generator, so that it depends on the
    // generator's position alone: fit(4) equals fit(2) then fit(2), also through a save and load.
    if (options.shuffle) shuffler.shuffle(identity(order));
    run.stats.fill(0);
    // Without a per-batch callback the whole epoch runs in one synchronous call, which V8
    // optimises as a plain loop; with one, a call per batch and an await between them.
    const perCall = onBatchEnd ? stepRows : n;
    for (let start = 0; start < n; start += perCall) {
      const end = Math.min(start + perCall, n);
      let failed = runSteps(run, start, end);
      // The epoch's last update is also checked on what it computes: finite weights can still overflow the outputs.
      if (failed < 0 && end === n && !network.lossFiniteOnLoaded(run.scratch)) failed = n - ((n - 1) % stepRows) - 1;
      if (failed >= 0) {
        network.restore();
        shuffler.setState(shuffleState);
        const batch = failed / stepRows + 1;
        throw new RangeError(
          `fit: training diverged in epoch ${epoch}, batch ${batch}: the learning rate (${run.learningRate}) is too large for this network and data; the weights were restored to where epoch ${epoch} began`,
        );
      }
      if (onBatchEnd) {
        const rows = end - start;
        await onBatchEnd({
          epoch,
          batch: start / stepRows + 1,
          batches,
          loss: run.stats[StepStats.BatchLoss] / network.lossDivisor(rows),
          samples: rows,
        });
      }
      alive();
    }
    const log: EpochLog = { epoch, loss: run.stats[StepStats.Loss] / network.lossDivisor(n), seconds: 0 };
    if (run.classify) log.accuracy = run.stats[StepStats.Correct] / n;
    if (validation) {
      const v = evaluate(network, validation.X, validation.Y);
      log.valLoss = v.loss;
      if (v.accuracy !== undefined) log.valAccuracy = v.accuracy;
    }
    log.seconds = (now() - started) / 1000;
    history.push(log);
    if (onEpochEnd && (await onEpochEnd(log)) === false) break;
    alive();
  }
  return history;
}

/**
 * The steps whose batches start in [start, end) of an epoch: the start of the batch at which
 * training diverged, or −1. A loss of NaN or Infinity means an earlier update diverged; the last
 * update before a callback or the epoch's end is checked on the weights themselves, so that no
 * callback (which may save a checkpoint) and no caller ever sees a non-finite weight.
 */
function runSteps(run: FitRun, start: number, end: number): number {
  const { network, optimizer, n, stepRows } = run;
  for (let s = start; s < end; s += stepRows) {
    const rows = Math.min(stepRows, n - s);
    if (!network.lossAndGradients(run, s, rows)) return s;
    optimizer.step(run.learningRate);
    if (s + stepRows >= end && !network.finite()) return s;
  }
  return -1;
}

/** Fills `order` with 0, 1, 2, … */
function identity(order: Uint32Array): Uint32Array {
  for (let i = 0; i < order.length; i++) order[i] = i;
  return order;
}

function now(): number {
  return globalThis.performance?.now() ?? Date.now();
}
