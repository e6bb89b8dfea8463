/**
 * The training loop: epochs of minibatch steps — gradients from the network, clipped if asked,
 * an update from the optimizer at the schedule's rate — with shuffling, logs, callbacks,
 * validation, early stopping, and the guard against divergence. Everything one fit() needs
 * travels in one `FitRun` object.
 */
import type { Network, StepSource } from '../core/network.js';
import { CHUNK, StepStats } from '../core/network.js';
import { evaluate } from '../core/passes.js';
import type { Random } from '../core/random.js';
import { SampleRows } from '../core/sample-rows.js';
import { rowsOf, type Samples } from '../core/csr-rows.js';
import type { FloatArray, Matrix } from '../io/matrix.js';
import type { CheckedFit, EpochLog } from './fit-options.js';
import { improves } from './monitor.js';
import type { Optimizer } from './optimizer.js';
import type { Schedule, SchedulePosition } from './schedule.js';

/** The data of one fit(), checked by the caller. */
export interface FitData {
  /** Dense or CSR. */
  X: Samples;
  Y: Matrix;
  /** Each sample's weight in the loss (rows × 1), or null. */
  W: Matrix | null;
  /** The targets are classes (accuracy means something). */
  classify: boolean;
  validation: { X: Samples; Y: Matrix } | null;
}

/** One fit() in progress: the step source the network reads, and what the loop needs besides. */
interface FitRun extends StepSource {
  readonly network: Network;
  readonly optimizer: Optimizer;
  /** The rate the schedule starts from. */
  readonly baseRate: number;
  readonly schedule: Schedule;
  /** Steps and epochs done over the network's whole training (the schedule reads them). */
  readonly position: SchedulePosition;
  /** The rate of the last step. */
  rate: number;
  readonly clipNorm: number | null;
  /** Samples in the training set. */
  readonly n: number;
  /** Samples per step (the last step of an epoch may have fewer). */
  readonly stepRows: number;
  /** One number for the checks and the gradient norm. */
  readonly scratch: Float64Array;
}

/** What a network keeps between fits: the position a schedule reads. */
export interface TrainingProgress {
  step: number;
  epoch: number;
}

/**
 * Trains `network` on `data` with `optimizer` (made from options.optimizer; it may carry state
 * from an earlier fit) as `options` say and returns one log per epoch. `progress` is the
 * network's position over all its fits, moved on as training goes. `alive` is called after every
 * await (a callback may dispose of the network) and throws if training must stop.
 */
export async function train(
  network: Network,
  optimizer: Optimizer,
  shuffler: Random,
  progress: TrainingProgress,
  data: FitData,
  options: CheckedFit,
  alive: () => void,
): Promise<EpochLog[]> {
  const { X, Y, validation } = data;
  const n = X.rows;
  const stepRows = Math.min(options.batchSize, n);
  const recipe = options.optimizer;
  const order = identity(new Uint32Array(n));
  const run: FitRun = {
    network,
    optimizer,
    baseRate: recipe.learningRate,
    schedule: options.schedule,
    position: progress,
    rate: recipe.learningRate,
    clipNorm: options.clipNorm,
    x: rowsOf(X, true),
    y: new SampleRows(Y, true),
    w: data.W && new SampleRows(data.W, true),
    order: options.shuffle ? order : null,
    chunk: Math.min(stepRows, CHUNK),
    classify: data.classify,
    // The steps report through a typed array: a number returned from a call can be a new heap object.
    stats: new Float64Array(StepStats.Size),
    n,
    stepRows,
    scratch: new Float64Array(1),
  };
  const { onBatchEnd, onEpochEnd, earlyStopping } = options;
  const batches = Math.ceil(n / stepRows);
  const history: EpochLog[] = [];
  const watch = earlyStopping && new EarlyStopping(earlyStopping);
  for (let epoch = 1; epoch <= options.epochs; epoch++) {
    const started = now();
    // A diverging run (loss NaN or Infinity) is rolled back to the start of its epoch, shuffling
    // generator and position included.
    network.saveAside();
    const shuffleState = shuffler.state();
    const [stepAtStart, scheduleState] = [progress.step, run.schedule.state()];
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
        progress.step = stepAtStart;
        if (scheduleState !== null) run.schedule.setState(scheduleState);
        const batch = failed / stepRows + 1;
        // In epoch 1 the weights restored are those the fit started from: a batch whose loss is
        // not finite at them overflows whatever the learning rate, and blaming the rate would
        // send the user after the wrong cause.
        if (epoch === 1 && !lossFiniteAt(run, failed)) {
          throw new RangeError(
            `fit: the loss of epoch 1, batch ${batch} is not finite at the starting weights, so no learning rate would help: inputs or targets too large? Standardize them (Standardizer.fit(x) for the inputs; scale the targets); the weights were restored to where the fit began`,
          );
        }
        throw new RangeError(
          `fit: training diverged in epoch ${epoch}, batch ${batch}: the learning rate (${run.rate}) is too large for this network and data; the weights were restored to where epoch ${epoch} began`,
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
          learningRate: run.rate,
        });
      }
      alive();
    }
    progress.epoch++;
    const log: EpochLog = { epoch, loss: run.stats[StepStats.Loss] / network.lossDivisor(n), seconds: 0, learningRate: run.rate };
    if (run.classify) log.accuracy = run.stats[StepStats.Correct] / n;
    if (validation) {
      const v = evaluate(network, validation.X, validation.Y);
      log.valLoss = v.loss;
      if (v.accuracy !== undefined) log.valAccuracy = v.accuracy;
    }
    run.schedule.endEpoch(log as unknown as Record<string, number | undefined>);
    const stop = watch?.after(log, network) ?? false;
    log.seconds = (now() - started) / 1000;
    history.push(log);
    // Checked before a stop too: a callback that disposed the network and stopped gets the same
    // message as one that only disposed it, not an error from the best weights' restore.
    const stopped = onEpochEnd != null && (await onEpochEnd(log)) === false;
    alive();
    if (stopped || stop) break;
  }
  watch?.finish(network);
  return history;
}

/**
 * The steps whose batches start in [start, end) of an epoch: the start of the batch at which
 * training diverged, or −1. A loss of NaN or Infinity means an earlier update diverged; the last
 * update before a callback or the epoch's end is checked on the weights themselves, so that no
 * callback (which may save a checkpoint) and no caller ever sees a non-finite weight.
 */
function runSteps(run: FitRun, start: number, end: number): number {
  const rate = run.schedule.constant ? run.baseRate : Number.NaN;
  return stepsAtRate(run, start, end, rate, run.clipNorm);
}

/**
 * The steps of runSteps at `fixedRate`, or at the schedule's rate of each step when it is NaN,
 * with gradients clipped to `clipNorm` unless it is null. The rate and the norm come in as
 * parameters so that the loop hands the optimizer and the clipping the same number each step: a
 * number read from an object field afresh would be boxed anew for every call, and a step
 * allocates nothing.
 */
function stepsAtRate(run: FitRun, start: number, end: number, fixedRate: number, clipNorm: number | null): number {
  const { network, optimizer, n, stepRows, position } = run;
  const scheduled = Number.isNaN(fixedRate);
  if (!scheduled) run.rate = fixedRate;
  for (let s = start; s < end; s += stepRows) {
    const rows = Math.min(stepRows, n - s);
    // The next step of this call, whose samples the network may gather while the workers compute this one.
    const next = s + stepRows < end ? s + stepRows : -1;
    if (!network.lossAndGradients(run, s, rows, next, next < 0 ? 0 : Math.min(stepRows, n - next))) return s;
    if (clipNorm !== null) network.clipGradients(clipNorm, run.scratch);
    if (scheduled) {
      run.rate = run.schedule.rate(run.baseRate, position);
      optimizer.step(run.rate);
    } else optimizer.step(fixedRate);
    position.step++;
    if (s + stepRows >= end && !network.finite()) return s;
  }
  return -1;
}

/** True when the loss of the batch of this epoch's order starting at `start` is finite with the weights as they are (computed as predict would: no dropout). */
function lossFiniteAt(run: FitRun, start: number): boolean {
  const rows = Math.min(run.stepRows, run.n - start);
  for (let c = 0; c < rows; c += run.chunk) {
    run.network.load(run.x, run.y, run.order, start + c, Math.min(run.chunk, rows - c), run.w);
    if (!run.network.lossFiniteOnLoaded(run.scratch)) return false;
  }
  return true;
}

/** Stops training when `monitor` has not improved for `patience` epochs, and keeps the best weights when asked. */
class EarlyStopping {
  private best = Number.NaN;
  private wait = 0;
  private bestWeights: { W: FloatArray; b: FloatArray }[] | null = null;

  constructor(private readonly options: NonNullable<CheckedFit['earlyStopping']>) {}

  /** Takes the epoch's log; true when training should stop. */
  after(log: EpochLog, network: Network): boolean {
    const { monitor, minDelta, patience, restoreBestWeights } = this.options;
    const v = log[monitor];
    if (v === undefined)
      throw new RangeError(`fit: options.earlyStopping.monitor '${monitor}' needs validation data (validationData or validationSplit)`);
    if (improves(monitor, v, this.best, minDelta)) {
      this.best = v;
      this.wait = 0;
      if (restoreBestWeights) this.bestWeights = network.weights();
      return false;
    }
    this.wait++;
    return this.wait >= patience;
  }

  /** Puts the best epoch's weights back (with restoreBestWeights). */
  finish(network: Network): void {
    if (this.bestWeights !== null) network.setWeights(this.bestWeights);
  }
}

/** Fills `order` with 0, 1, 2, … */
function identity(order: Uint32Array): Uint32Array {
  for (let i = 0; i < order.length; i++) order[i] = i;
  return order;
}

function now(): number {
  return globalThis.performance?.now() ?? Date.now();
}
