/**
 * The public network: layers, training by SGD, prediction, evaluation, gradients, weights and
 * their serialisation. It checks every argument before touching any state, then hands the
 * numbers to `Network`, which hands them to the kernels.
 */
import { createKernels } from './backend/index.js';
import type { BackendName, Precision } from './backend/kernels.js';
import { Standardizer } from './data/transform.js';
import { initWeights } from './core/init.js';
import { toMatrix } from './io/input.js';
import type { FloatArray, Matrix, MatrixLike } from './io/matrix.js';
import { countCorrect, Network, StepStats } from './core/network.js';
import {
  ACTIVATIONS,
  checkArchitecture,
  checkFitOptions,
  describe,
  objectiveOf,
  type ActivationName,
  type Architecture,
  type CreateOptions,
  type EpochLog,
  type FitOptions,
  type InitName,
  type LossName,
} from './core/options.js';
import { Random } from './core/random.js';
import { writeFileAtomic } from './io/atomic-write.js';
import { describeSource, isNode, type ByteSource } from './data/source.js';
import { encodeModelFile, readModelText, type ModelMeta } from './model/model-file.js';
import { SampleRows } from './core/sample-rows.js';
import { checkWeights, fromModelJSON, toModelJSON, type LayerWeights, type ModelJSON, type WeightsInput } from './model/model-json.js';

/**
 * Package-internal access to a network's numerical core, for tools that must look inside a
 * forward pass (gradCheck). Not exported from the package.
 */
const internals = new WeakMap<ANN, { network(): Network; inputs(x: MatrixLike): Matrix }>();

export function internalsOf(ann: ANN): { network(): Network; inputs(x: MatrixLike): Matrix } {
  return internals.get(ann)!;
}

/** Separates the shuffling stream from the initialisation stream of the same seed. */
const SHUFFLE_STREAM = 0x5bd1e995;

/** Rows per kernel pass when predicting, evaluating, or taking a step on a large batch. */
const CHUNK = 1024;

export interface Evaluation {
  loss: number;
  /** Absent for regression targets (one output, targets other than 0 and 1, squared error). */
  accuracy?: number;
}

export interface ANNOptions extends CreateOptions {
  /** Input standardisation applied to every x this network sees, and saved with it. */
  standardizer?: Standardizer | null;
}

export class ANN {
  /** Units per layer, input first. */
  readonly layers: readonly number[];
  /** Activation of each weight layer (hidden layers, then the output). */
  readonly activations: readonly ActivationName[];
  readonly loss: LossName;
  readonly leakyReluSlope: number;
  readonly init: InitName;
  readonly seed: number;
  readonly backend: BackendName;
  readonly precision: Precision;
  private std: Standardizer | null;
  private net: Network | null;
  /** Draws the shuffles of fit(); apart from initialisation, so a loaded network trains as the saved one would have. */
  private readonly shuffler: Random;
  private training = false;

  private constructor(arch: Architecture, net: Network, standardizer: Standardizer | null) {
    this.layers = Object.freeze([...arch.sizes]);
    this.activations = Object.freeze([...arch.activations]);
    this.loss = arch.loss;
    this.leakyReluSlope = arch.leakyReluSlope;
    this.init = arch.init;
    this.seed = arch.seed;
    this.backend = arch.backend;
    this.precision = arch.precision;
    this.std = standardizer;
    this.net = net;
    this.shuffler = new Random(arch.seed ^ SHUFFLE_STREAM);
    internals.set(this, { network: () => this.live('internals'), inputs: (x) => this.inputs(x, 'internals', 'x') });
  }

  /** Input standardisation applied to every x this network sees (fit, predict, evaluate, gradients), and saved with it. */
  get standardizer(): Standardizer | null {
    return this.std;
  }
  set standardizer(s: Standardizer | null) {
    this.std = checkStandardizer(s, this.layers[0], 'standardizer');
  }

  /** A network with freshly initialised weights (seeded: the same seed gives the same weights). */
  static async create(options: ANNOptions): Promise<ANN> {
    const arch = checkArchitecture(options);
    const std = checkStandardizer(options.standardizer, arch.sizes[0], 'ANN.create');
    const ann = await ANN.build(arch, std);
    const net = ann.net!;
    const rng = new Random(arch.seed);
    for (let l = 1; l <= net.depth; l++) {
      initWeights(net.k.view(net.W[l]), arch.sizes[l], arch.sizes[l - 1], arch.init, rng);
    }
    return ann;
  }

  /** Restores a network saved by `toJSON()` (an object or its JSON text), weights exactly. */
  static async fromJSON(json: ModelJSON | string, options?: { backend?: BackendName } | null): Promise<ANN> {
    return ANN.restore(json, options, 'ANN.fromJSON');
  }

  /**
   * @internal What fromJSON, load and the command share: a saved model (object or text, version
   * 1 or 2) restored, with every error starting with `where` (the method, or the file's name).
   */
  static async restore(json: unknown, options: { backend?: BackendName } | null | undefined, where: string): Promise<ANN> {
    const model = fromModelJSON(json, where);
    options ??= {};
    if (typeof options !== 'object')
      throw new TypeError(`${where}: options must be an object such as { backend: 'js' }, got ${describe(options)}`);
    const arch = checkArchitecture(
      {
        layers: model.layers,
        activation: model.activations.slice(0, -1) as ActivationName[],
        output: model.activations[model.activations.length - 1] as ActivationName,
        loss: model.loss as LossName,
        leakyReluSlope: model.leakyReluSlope,
        init: model.init as InitName,
        seed: model.seed,
        precision: model.precision as Precision,
        backend: options.backend,
      },
      where,
      (key) =>
        key === 'activation'
          ? 'activations (hidden)'
          : key === 'output'
            ? 'activations (last)'
            : key === 'backend'
              ? 'options.backend'
              : key,
    );
    const weights = checkWeights(model.weights, arch.sizes, arch.precision, `${where}: weights`);
    let std: Standardizer | null = null;
    if (model.standardizer) {
      try {
        std = Standardizer.fromJSON(model.standardizer);
      } catch (err) {
        throw new RangeError(`${where}: standardizer: ${(err as Error).message}`);
      }
    }
    checkStandardizer(std, arch.sizes[0], where);
    const shuffleState = model.shuffleState;
    if (shuffleState !== undefined && !Random.isState(shuffleState)) {
      throw new RangeError(`${where}: shuffleState must be four unsigned 32-bit integers, got ${describe(shuffleState)}`);
    }
    const ann = await ANN.build(arch, std);
    ann.meta = model.meta ?? {};
    ann.writeWeights(weights);
    if (shuffleState !== undefined) ann.shuffler.setState(shuffleState);
    return ann;
  }

  private static async build(arch: Architecture, std: Standardizer | null): Promise<ANN> {
    const k = await createKernels(arch.backend, arch.precision);
    const acts = [ACTIVATIONS.identity, ...arch.activations.map((a) => ACTIVATIONS[a])];
    const objective = objectiveOf(arch.loss, arch.activations[arch.activations.length - 1]);
    return new ANN(arch, new Network(k, arch.sizes, acts, arch.leakyReluSlope, objective), std);
  }

  /**
   * Trains by minibatch SGD and returns one log per epoch. x is samples × inputs, y is
   * samples × outputs (a flat array is read as one column).
   */
  async fit(x: MatrixLike, y: MatrixLike | readonly number[], options?: FitOptions): Promise<EpochLog[]> {
    const net = this.live('fit');
    if (this.training) throw new Error('fit: this network is already training; await the running fit() first');
    const opts = checkFitOptions(options);
    const X = this.inputs(x, 'fit', 'x');
    const Y = this.targets(y, X.rows, 'fit', 'y');
    let validation: { X: Matrix; Y: Matrix } | null = null;
    const vd = options?.validationData;
    if (vd !== undefined) {
      if (!Array.isArray(vd) || vd.length !== 2) throw new TypeError(`fit: options.validationData must be [x, y], got ${describe(vd)}`);
      const vX = this.inputs(vd[0] as MatrixLike, 'fit', 'validationData[0]');
      validation = { X: vX, Y: this.targets(vd[1] as MatrixLike, vX.rows, 'fit', 'validationData[1]', 'validationData[0]') };
    }

    const n = X.rows;
    const xRows = new SampleRows(X, true);
    const yRows = new SampleRows(Y, true);
    const stepRows = Math.min(opts.batchSize, n);
    const chunk = Math.min(stepRows, CHUNK);
    const classify = isClassification(this.loss, Y);
    const order = new Uint32Array(n).map((_, i) => i);
    const history: EpochLog[] = [];
    const batches = Math.ceil(n / stepRows);
    // The steps report through a typed array: a number returned from a call can be a new heap object.
    const stats = new Float64Array(StepStats.Size);
    net.resetVelocity();
    this.training = true;
    try {
      for (let epoch = 1; epoch <= opts.epochs; epoch++) {
        const started = now();
        // A diverging run (loss NaN or Infinity) is rolled back to the start of its epoch.
        net.save();
        if (opts.shuffle) this.shuffler.shuffle(order);
        stats.fill(0);
        // Without a per-batch callback the whole epoch runs in one synchronous call, which V8
        // optimises as a plain loop; with one, a call per batch and an await between them.
        const perCall = options?.onBatchEnd ? stepRows : n;
        for (let start = 0; start < n; start += perCall) {
          const end = Math.min(start + perCall, n);
          const failed = runSteps(
            net,
            xRows,
            yRows,
            opts.shuffle ? order : null,
            start,
            end,
            n,
            stepRows,
            chunk,
            classify,
            opts.learningRate,
            opts.momentum,
            stats,
          );
          if (failed >= 0) {
            net.restore();
            const batch = failed / stepRows + 1;
            throw new RangeError(
              `fit: training diverged in epoch ${epoch}, batch ${batch}: the learning rate (${opts.learningRate}) is too large for this network and data; the weights were restored to where epoch ${epoch} began`,
            );
          }
          if (options?.onBatchEnd) {
            const rows = end - start;
            await options.onBatchEnd({
              epoch,
              batch: start / stepRows + 1,
              batches,
              loss: stats[StepStats.BatchLoss] / net.lossDivisor(rows),
              samples: rows,
            });
          }
          this.live('fit');
        }
        const lossSum = stats[StepStats.Loss];
        const correct = stats[StepStats.Correct];
        const log: EpochLog = { epoch, loss: lossSum / net.lossDivisor(n), seconds: 0 };
        if (classify) log.accuracy = correct / n;
        if (validation) {
          const v = this.evaluateChecked(validation.X, validation.Y);
          log.valLoss = v.loss;
          if (v.accuracy !== undefined) log.valAccuracy = v.accuracy;
        }
        log.seconds = (now() - started) / 1000;
        history.push(log);
        if (options?.onEpochEnd && (await options.onEpochEnd(log)) === false) break;
        this.live('fit');
      }
    } finally {
      this.training = false;
    }
    return history;
  }

  /** The network's outputs for every row of x: a samples × outputs Matrix. */
  predict(x: MatrixLike): Matrix {
    const net = this.live('predict');
    const X = this.inputs(x, 'predict', 'x');
    const out = X.data instanceof Float32Array ? new Float32Array(X.rows * net.outputs) : new Float64Array(X.rows * net.outputs);
    this.chunks(X, null, (plan, start, rows) => {
      net.forward(plan, rows);
      out.set(net.k.view(plan.a[net.depth]).subarray(0, rows * net.outputs), start * net.outputs);
    });
    return { data: out, rows: X.rows, cols: net.outputs };
  }

  /** Mean loss and accuracy over the samples, as Keras and TF.js define them. */
  evaluate(x: MatrixLike, y: MatrixLike | readonly number[]): Evaluation {
    this.live('evaluate');
    const X = this.inputs(x, 'evaluate', 'x');
    return this.evaluateChecked(X, this.targets(y, X.rows, 'evaluate', 'y'));
  }

  /** ∂(mean loss)/∂W and ∂(mean loss)/∂b of every layer over all the samples, without changing anything. */
  gradients(x: MatrixLike, y: MatrixLike | readonly number[]): { dW: FloatArray; db: FloatArray }[] {
    const net = this.live('gradients');
    const X = this.inputs(x, 'gradients', 'x');
    const Y = this.targets(y, X.rows, 'gradients', 'y');
    this.chunks(X, Y, (plan, start, rows) => {
      net.forward(plan, rows);
      net.backward(plan, rows, X.rows, start > 0);
    });
    const out = [];
    for (let l = 1; l <= net.depth; l++) out.push({ dW: net.k.view(net.dW[l]).slice(), db: net.k.view(net.db[l]).slice() });
    return out;
  }

  /** A copy of every layer's weights: W is units × inputs, row-major, and b has one value per unit. */
  getWeights(): LayerWeights[] {
    const net = this.live('getWeights');
    const out: LayerWeights[] = [];
    for (let l = 1; l <= net.depth; l++) out.push({ W: net.k.view(net.W[l]).slice(), b: net.k.view(net.b[l]).slice() });
    return out;
  }

  /** Replaces every layer's weights (same form as getWeights; W flat or nested rows). Checks all before changing any. */
  setWeights(weights: readonly WeightsInput[]): void {
    this.live('setWeights');
    this.writeWeights(checkWeights(weights, this.layers, this.precision, 'setWeights'));
  }

  /** Everything needed to rebuild this network exactly, as plain JSON-safe data. */
  toJSON(): ModelJSON {
    this.live('toJSON');
    return toModelJSON(this, this.getWeights(), this.std?.toJSON() ?? null, this.shuffler.state());
  }

  /** What the model file tells about the data: class names, feature names, a training summary. Saved by save() and toFile(). */
  meta: ModelMeta = {};

  /** The model file (format version 2): self-describing JSON, weights exact in base64, a checksum, and `meta`. */
  toFile(): string {
    return encodeModelFile(this.toJSON(), this.meta);
  }

  /** Writes the model file to `path` (Node), atomically: a failed or interrupted save leaves the previous file intact. */
  async save(path: string | URL): Promise<void> {
    if (!isNode()) throw new Error('save: writing files needs Node; in a browser, offer net.toFile() as a download instead');
    const text = this.toFile();
    try {
      await writeFileAtomic(path, text);
    } catch (e) {
      throw new Error(`save: ${(e as Error).message}`, { cause: e });
    }
  }

  /** Restores a network from a model file (or `toJSON()` text): a path or URL, or the file's bytes. Errors name the file. */
  static async load(source: string | URL | ArrayBuffer | Uint8Array, options?: { backend?: BackendName } | null): Promise<ANN> {
    return (await loadModelFile(source, options, 'ANN.load: ')).net;
  }

  /** Frees the network's memory; any later call throws. */
  dispose(): void {
    this.net?.k.dispose();
    this.net = null;
  }

  private writeWeights(weights: { W: FloatArray; b: FloatArray }[]): void {
    const net = this.net!;
    for (let l = 1; l <= net.depth; l++) {
      net.k.view(net.W[l]).set(weights[l - 1].W);
      net.k.view(net.b[l]).set(weights[l - 1].b);
    }
  }

  private evaluateChecked(X: Matrix, Y: Matrix): Evaluation {
    const net = this.net!;
    const lossSum = new Float64Array(1);
    let correct = 0;
    const classify = isClassification(this.loss, Y);
    this.chunks(X, Y, (plan, _start, rows) => {
      net.forward(plan, rows);
      net.lossSum(plan, rows, lossSum, 0);
      if (classify) correct += countCorrect(net.k.view(plan.a[net.depth]), net.k.view(plan.y), rows, net.outputs);
    });
    const result: Evaluation = { loss: lossSum[0] / net.lossDivisor(X.rows) };
    if (classify) result.accuracy = correct / X.rows;
    return result;
  }

  /** Runs `body` on consecutive chunks of at most CHUNK rows, loaded into the batch buffers. */
  private chunks(X: Matrix, Y: Matrix | null, body: (plan: ReturnType<Network['batch']>, start: number, rows: number) => void): void {
    const net = this.net!;
    const chunk = Math.min(X.rows, CHUNK);
    const [xRows, yRows] = [new SampleRows(X), Y && new SampleRows(Y)];
    for (let start = 0; start < X.rows; start += chunk) {
      const rows = Math.min(chunk, X.rows - start);
      const plan = net.batch(rows);
      net.load(plan, xRows, yRows, null, start, rows);
      body(plan, start, rows);
    }
  }

  private inputs(x: MatrixLike, where: string, name: string): Matrix {
    const X = toMatrix(x, { name, where, precision: this.precision, cols: this.layers[0], colsName: 'inputs' });
    if (this.std === null) return X;
    const S = this.std.apply(X);
    return toMatrix(S, { name: `standardized ${name}`, where, precision: this.precision, cols: this.layers[0], colsName: 'inputs' });
  }

  /** Targets for the samples of `xName` (rows of them), in the loss's range. */
  private targets(y: MatrixLike | readonly number[], rows: number, where: string, name: string, xName = 'x'): Matrix {
    const outputs = this.layers[this.layers.length - 1];
    const Y = toMatrix(y, { name, where, precision: this.precision, cols: outputs, colsName: 'outputs', flatIsColumn: outputs === 1 });
    if (Y.rows !== rows) throw new RangeError(`${where}: ${name} has ${Y.rows} rows (targets), but ${xName} has ${rows} samples`);
    if (this.loss !== 'meanSquaredError') {
      const bad = Y.data.findIndex((v) => v < 0 || v > 1);
      if (bad >= 0) {
        const v = this.precision === 'f32' ? Number(Y.data[bad].toPrecision(7)) : Y.data[bad];
        throw new RangeError(
          `${where}: ${name} row ${Math.floor(bad / Y.cols)}, column ${bad % Y.cols} is ${v}; loss '${this.loss}' needs targets in [0, 1]`,
        );
      }
    }
    if (this.loss === 'categoricalCrossEntropy') {
      // The output gradient softmax(z) − y is that of −Σ y·log softmax(z) only when Σ y = 1.
      for (let r = 0; r < Y.rows; r++) {
        let sum = 0;
        for (let j = 0; j < Y.cols; j++) sum += Y.data[r * Y.cols + j];
        if (Math.abs(sum - 1) > 1e-5 * Y.cols) {
          throw new RangeError(
            `${where}: ${name} row ${r} sums to ${Number(sum.toPrecision(7))}; loss 'categoricalCrossEntropy' needs each target row to be a distribution summing to 1 (one-hot: use oneHot())`,
          );
        }
      }
    }
    return Y;
  }

  private live(where: string): Network {
    if (this.net === null) throw new Error(`${where}: this network was disposed; create or load a new one`);
    return this.net;
  }
}

/**
 * A model file (or toJSON() text) read from a path, URL or bytes and restored, with its text (for
 * tools that also describe the file). Errors start with `prefix` and the source's name:
 * 'ANN.load: ' gives "ANN.load: model.json: …". Package-internal: not exported from index.ts.
 */
export async function loadModelFile(
  source: ByteSource,
  options: { backend?: BackendName } | null | undefined,
  prefix: string,
): Promise<{ net: ANN; text: string }> {
  const text = await readModelText(source, prefix);
  return { net: await ANN.restore(text, options, `${prefix}${describeSource(source)}`), text };
}

/**
 * The SGD steps whose batches start in [start, end) of an epoch over n samples: the start of the
 * batch at which training diverged, or −1. A loss of NaN or Infinity means an earlier update
 * diverged; the epoch's last update is checked on the weights themselves.
 */
function runSteps(
  net: Network,
  x: SampleRows,
  y: SampleRows,
  order: Uint32Array | null,
  start: number,
  end: number,
  n: number,
  stepRows: number,
  chunk: number,
  classify: boolean,
  learningRate: number,
  momentum: number,
  stats: Float64Array,
): number {
  for (let s = start; s < end; s += stepRows) {
    const rows = Math.min(stepRows, n - s);
    if (!net.step(x, y, order, s, rows, chunk, classify, learningRate, momentum, stats) || (s + stepRows >= n && !net.finite())) return s;
  }
  return -1;
}

/** Accuracy means something for cross-entropy, for several outputs, and for 0/1 targets. */
function isClassification(loss: LossName, Y: Matrix): boolean {
  if (loss !== 'meanSquaredError' || Y.cols > 1) return true;
  return Y.data.every((v) => v === 0 || v === 1);
}

function checkStandardizer(std: unknown, inputs: number, where: string): Standardizer | null {
  if (std === undefined || std === null) return null;
  if (!(std instanceof Standardizer)) throw new TypeError(`${where}: standardizer must be a Standardizer, got ${describe(std)}`);
  if (std.mean.length !== inputs)
    throw new RangeError(`${where}: the standardizer has ${std.mean.length} columns, the network has ${inputs} inputs`);
  return std;
}

function now(): number {
  return globalThis.performance?.now() ?? Date.now();
}
