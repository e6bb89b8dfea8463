/**
 * The public network, a facade: it checks every argument before touching any state, turns what a
 * user passes into matrices of the network's precision, and hands the work to the numerical core
 * (core/network.ts, core/passes.ts) and the training loop (train/fit.ts). It holds no pointer and
 * no buffer of its own.
 */
import { checkThreads, chooseThreads, createKernels, kernelBuild, type ThreadsOption } from './backend/index.js';
import { wasmSources } from './backend/wasm-module.js';
import { fitInWorker, onPageMainThread } from './train/fit-in-worker.js';
import type { BackendName } from './backend/kernels.js';
import { CREATE_OPTIONS, checkArchitecture, type Architecture, type CreateOptions } from './core/architecture.js';
import { checkTargets, objectiveOf } from './core/losses.js';
import { Network } from './core/network.js';
import { evaluate, gradients, predict, type Evaluation } from './core/passes.js';
import { Random } from './core/random.js';
import { type Standardizer, selectRows, splitRowIndices } from './data/transform.js';
import { isClassification } from './core/accuracy.js';
import { describeSource, isNode, type ByteSource } from './data/source.js';
import { checkTargetPath, writeFileAtomic } from './io/atomic-write.js';
import { describe, refuseUnknownKeys } from './io/describe.js';
import { toMatrix } from './io/input.js';
import type { FloatArray, Matrix, MatrixLike } from './io/matrix.js';
import { isCsrLike, selectCsrRows, toCsr, type CsrLike } from './io/csr.js';
import { isCsr, type Samples } from './core/csr-rows.js';
import { encodeModelFile, readModelText, type ModelMeta } from './model/model-file.js';
import { toModelJSON, type ModelJSON, type TrainingStateJSON } from './model/model-json.js';
import type { Optimizer, OptimizerRecipe } from './train/optimizer.js';
import { type CheckedModel, checkSavedModel, checkStandardizer } from './model/read-model.js';
import { checkWeights, type LayerWeights, type WeightsInput } from './model/weights.js';
import { train, type TrainingProgress } from './train/fit.js';
import { toOnnxBytes } from './interop/onnx-export.js';
import type { ImportOptions, OnnxImportOptions } from './interop/import-options.js';
import type { ImportedNetwork } from './interop/portable-network.js';
import { readOnnx } from './interop/read-onnx.js';
import { readTfjs, type TfjsSource } from './interop/read-tfjs.js';
import { toTfjsModel, type TfjsModel } from './interop/tfjs-export.js';
import { sampleWeights } from './train/sample-weights.js';
import { checkFitOptions, type EpochLog, type FitOptions } from './train/fit-options.js';

export type { Evaluation } from './core/passes.js';

/**
 * Package-internal access to a network's numerical core, for tools that must look inside a
 * forward pass (gradCheck) and for tests. Not exported from the package.
 */
const internals = new WeakMap<ANN, { network(): Network; inputs(x: MatrixLike | CsrLike): Samples }>();

export function internalsOf(ann: ANN): { network(): Network; inputs(x: MatrixLike | CsrLike): Samples } {
  return internals.get(ann)!;
}

/** Separate the shuffling and validation-split streams from the initialisation stream of the same seed. */
const SHUFFLE_STREAM = 0x5bd1e995;
export const SPLIT_STREAM = 0x27d4eb2f;

export interface ANNOptions extends CreateOptions {
  /** Input standardisation applied to every x this network sees, and saved with it. */
  standardizer?: Standardizer | null;
  /**
   * Threads the kernels run on: a count, or 'auto' (the default: the cores available, one for a
   * small network). One where the runtime cannot share memory (see `threadsReason`). Results are
   * bit-for-bit the same at any count. Not saved with the model: a setting of where it runs.
   */
  threads?: ThreadsOption;
}

/** How a saved network is brought back: where it computes, on how many threads. */
export interface LoadOptions {
  backend?: BackendName;
  /** As ANNOptions.threads. */
  threads?: ThreadsOption;
}

// The architecture's fields (layers, activations, loss, leakyReluSlope, init, seed, precision,
// backend) are the ANN's own, read-only: declared once, in core/architecture.ts, and copied in
// by the constructor.
export interface ANN extends Architecture {}

// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: see the interface above.
export class ANN {
  private std: Standardizer | null;
  private net: Network | null;
  /** Draws the shuffles of fit(); apart from initialisation, so a loaded network trains as the saved one would have. */
  private readonly shuffler: Random;
  private training = false;
  /** Steps and epochs trained over all fits: where a learning-rate schedule stands. */
  private readonly progress: TrainingProgress = { step: 0, epoch: 0 };
  /**
   * The optimizer of the last fit, kept with its state (moments, velocities) so that a fit with
   * the same optimizer and settings goes on where the last one stopped, as a run that never
   * stopped would; other settings start a fresh one. Saved with the model.
   */
  private optimizer: { key: string; recipe: OptimizerRecipe; instance: Optimizer } | null = null;
  /** What the model file tells about the data: class names, feature names, a training summary. Saved by save() and toFile(). */
  meta: ModelMeta = {};
  /** Threads the kernels run on (1: this thread alone). */
  readonly threads: number;
  /** Why `threads` is what it is: what was asked, and what the runtime allowed. */
  readonly threadsReason: string;

  private constructor(arch: Architecture, net: Network, standardizer: Standardizer | null, threads: { threads: number; reason: string }) {
    Object.assign(this, arch);
    this.threads = threads.threads;
    this.threadsReason = threads.reason;
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
    if (options !== null && typeof options === 'object')
      refuseUnknownKeys(options, [...CREATE_OPTIONS, 'standardizer', 'threads'], 'ANN.create: unknown option');
    const arch = checkArchitecture(options);
    const std = checkStandardizer(options.standardizer, arch.layers[0], 'ANN.create');
    const threads = checkThreads(options.threads, 'ANN.create: options.threads');
    const ann = await ANN.build(arch, std, threads);
    ann.net!.initialize(arch.init, new Random(arch.seed));
    return ann;
  }

  /** Restores a network saved by `toJSON()` (an object or its JSON text), weights exactly. */
  static async fromJSON(json: ModelJSON | string, options?: LoadOptions | null): Promise<ANN> {
    return ANN.restore(json, options, 'ANN.fromJSON');
  }

  /**
   * @internal What fromJSON, load and the command share: a saved model (object or text, version
   * 1 or 2) restored, with every error starting with `where` (the method, or the file's name).
   */
  static async restore(json: unknown, options: LoadOptions | null | undefined, where: string): Promise<ANN> {
    if (options !== undefined && options !== null && typeof options !== 'object') {
      throw new TypeError(`${where}: options must be an object such as { backend: 'js' }, got ${describe(options)}`);
    }
    const threads = checkThreads(options?.threads, `${where}: options.threads`);
    const saved = checkSavedModel(json, options?.backend, where);
    const ann = await ANN.build(saved.arch, saved.standardizer, threads);
    ann.meta = saved.meta;
    ann.takeState(saved, where);
    return ann;
  }

  /** Takes the weights and training state of a checked saved model of this very architecture (restore, and a fit run in a worker). */
  private takeState(saved: CheckedModel, where: string): void {
    const { arch, weights, shuffleState, trainingState } = saved;
    const net = this.net!;
    net.setWeights(weights);
    if (shuffleState !== undefined) this.shuffler.setState(shuffleState);
    if (trainingState !== undefined) {
      this.progress.step = trainingState.step;
      this.progress.epoch = trainingState.epoch;
      net.masks.setState(trainingState.masks);
      const state = trainingState.optimizer;
      if (state !== null) {
        const instance = this.optimizerFor(state.recipe);
        const buffers = instance.state();
        const lengths = buffers.map((b) => b.length);
        if (state.buffers.length !== buffers.length || state.buffers.some((b, i) => b.length !== lengths[i])) {
          this.dispose();
          throw new RangeError(
            `${where}: trainingState.optimizer.buffers must be ${buffers.length} arrays of ${lengths.join(', ')} numbers for '${state.name}' on ${arch.layers.join('-')}, got ${state.buffers.length} of ${state.buffers.map((b) => b.length).join(', ')}`,
          );
        }
        net.restoreState(buffers, state.buffers);
        instance.restored?.();
        instance.steps = state.steps;
      }
    }
  }

  private static async build(arch: Architecture, std: Standardizer | null, threadsOption: ThreadsOption): Promise<ANN> {
    const threads = await chooseThreads(threadsOption, arch.backend, arch.layers);
    const kernels = await createKernels(arch.backend, arch.precision, threads.threads);
    const objective = objectiveOf(arch.loss, arch.activations[arch.activations.length - 1]);
    try {
      return new ANN(arch, new Network(kernels, arch, objective), std, threads);
    } catch (e) {
      // A network refused (too large) must not leave workers behind.
      kernels.dispose();
      throw e;
    }
  }

  /**
   * Trains by minibatch gradient descent and returns one log per epoch. x is samples × inputs, y
   * is samples × outputs (a flat array is read as one column).
   */
  async fit(x: MatrixLike | CsrLike, y: MatrixLike | readonly number[], options?: FitOptions): Promise<EpochLog[]> {
    const net = this.live('fit');
    if (this.training) throw new Error('fit: this network is already training; await the running fit() first');
    const vd = options?.validationData;
    const split = options?.validationSplit;
    if (vd !== undefined && split !== undefined)
      throw new TypeError('fit: options.validationData and options.validationSplit both give validation data; pass one');
    if (split !== undefined && !(typeof split === 'number' && split > 0 && split < 1)) {
      throw new RangeError(`fit: options.validationSplit must be a fraction in (0, 1), got ${describe(split)}`);
    }
    const checked = checkFitOptions(options, vd !== undefined || split !== undefined);
    let X = this.inputs(x, 'fit', 'x');
    let Y = this.targets(y, X.rows, 'fit', 'y');
    let validation: { X: Samples; Y: Matrix } | null = null;
    if (vd !== undefined) {
      if (!Array.isArray(vd) || vd.length !== 2) throw new TypeError(`fit: options.validationData must be [x, y], got ${describe(vd)}`);
      const vX = this.inputs(vd[0] as MatrixLike | CsrLike, 'fit', 'validationData[0]');
      validation = { X: vX, Y: this.targets(vd[1] as MatrixLike, vX.rows, 'fit', 'validationData[1]', 'validationData[0]') };
    }
    if (this.threads > 1 && onPageMainThread()) return this.fitInDriver(X, Y, validation, options ?? {});
    const classify = isClassification(this.loss, Y);
    let W = sampleWeights(options?.classWeight, options?.sampleWeight, Y, classify);
    if (split !== undefined) {
      // The same rows of x (dense or CSR), y and the sample weights go to each part; stratified on the targets.
      const { train: kept, test: held } = splitRowIndices(Y, split, this.seed ^ SPLIT_STREAM, classify, 'fit: options.validationSplit');
      const rowsOf = (S: Samples, rows: number[]): Samples => (isCsr(S) ? selectCsrRows(S, rows) : selectRows(S, rows));
      validation = { X: rowsOf(X, held), Y: selectRows(Y, held) };
      [X, Y, W] = [rowsOf(X, kept), selectRows(Y, kept), W === null ? null : selectRows(W, kept)];
    }
    const optimizer = this.optimizerFor(checked.optimizer);
    this.training = true;
    try {
      return await train(
        net,
        optimizer,
        this.shuffler,
        this.progress,
        { X, Y, W, validation, classify },
        checked,
        () => void this.live('fit'),
      );
    } catch (e) {
      // A diverged fit leaves its moments behind: the next fit starts the optimizer afresh.
      this.optimizer = null;
      throw e;
    } finally {
      this.training = false;
    }
  }

  /**
   * fit() on a page's main thread for a threaded network: the training runs in a driver worker
   * (train/fit-in-worker.ts) and the page only awaits, running the callbacks. The network takes the
   * trained weights and state when the fit ends; a fit that fails leaves it as it was.
   */
  private async fitInDriver(X: Samples, Y: Matrix, validation: { X: Samples; Y: Matrix } | null, options: FitOptions): Promise<EpochLog[]> {
    const { onBatchEnd, onEpochEnd, validationData: _given, ...rest } = options;
    // Copies, so that the worker's structured clone never shares the caller's arrays (CSR as CSR: the driver's fit reads it the same way).
    const copy = <M extends Samples>(m: M): M =>
      (isCsr(m)
        ? { rows: m.rows, cols: m.cols, rowStart: m.rowStart.slice(), columns: m.columns.slice(), values: m.values.slice() }
        : { data: m.data.slice(), rows: m.rows, cols: m.cols }) as M;
    this.training = true;
    try {
      const { history, json } = await fitInWorker(
        {
          json: this.toJSON(),
          threads: this.threads,
          build: kernelBuild(),
          sources: wasmSources(),
          x: copy(X),
          y: copy(Y),
          options: validation === null ? rest : { ...rest, validationData: [copy(validation.X), copy(validation.Y)] },
          onBatchEnd: typeof onBatchEnd === 'function',
          onEpochEnd: typeof onEpochEnd === 'function',
        },
        { onBatchEnd, onEpochEnd },
      );
      this.live('fit');
      this.takeState(checkSavedModel(json, this.backend, 'fit'), 'fit');
      return history;
    } finally {
      this.training = false;
    }
  }

  /** The network's outputs for every row of x: a samples × outputs Matrix. */
  predict(x: MatrixLike | CsrLike): Matrix {
    const net = this.live('predict');
    return predict(net, this.inputs(x, 'predict', 'x'));
  }

  /** Mean loss and accuracy over the samples, as Keras and TF.js define them. */
  evaluate(x: MatrixLike | CsrLike, y: MatrixLike | readonly number[]): Evaluation {
    const net = this.live('evaluate');
    const X = this.inputs(x, 'evaluate', 'x');
    return evaluate(net, X, this.targets(y, X.rows, 'evaluate', 'y'));
  }

  /** ∂(mean loss)/∂W and ∂(mean loss)/∂b of every layer over all the samples, without changing anything. */
  gradients(x: MatrixLike | CsrLike, y: MatrixLike | readonly number[]): { dW: FloatArray; db: FloatArray }[] {
    const net = this.live('gradients');
    const X = this.inputs(x, 'gradients', 'x');
    return gradients(net, X, this.targets(y, X.rows, 'gradients', 'y'));
  }

  /** A copy of every layer's weights: W is units × inputs, row-major, and b has one value per unit. */
  getWeights(): LayerWeights[] {
    return this.live('getWeights').weights();
  }

  /** Replaces every layer's weights (same form as getWeights; W flat or nested rows). Checks all before changing any. */
  setWeights(weights: readonly WeightsInput[]): void {
    const net = this.live('setWeights');
    net.setWeights(checkWeights(weights, this.layers, this.precision, 'setWeights'));
  }

  /** Everything needed to rebuild this network exactly, as plain JSON-safe data. Refused when it would not load (non-finite weights). */
  toJSON(): ModelJSON {
    this.live('toJSON');
    return loadable(this.modelJSON(), this.backend, 'toJSON');
  }

  /** The model file (format version 2): self-describing JSON, weights exact in base64, a checksum, and `meta`. Refused when it would not load. */
  toFile(): string {
    return this.fileText('toFile');
  }

  private modelJSON(): ModelJSON {
    const net = this.net!;
    const o = this.optimizer;
    const trainingState: TrainingStateJSON = {
      step: this.progress.step,
      epoch: this.progress.epoch,
      masks: net.masks.state(),
      optimizer: o && {
        name: o.recipe.name,
        learningRate: o.recipe.learningRate,
        settings: { ...o.recipe.settings },
        steps: o.instance.steps,
        buffers: net.savedState(o.instance.state()),
      },
    };
    return toModelJSON(this, this.getWeights(), this.std?.toJSON() ?? null, this.shuffler.state(), trainingState);
  }

  private fileText(where: string): string {
    this.live(where);
    return loadable(encodeModelFile(this.modelJSON(), this.meta), this.backend, where);
  }

  /** Writes the model file to `path` (Node), atomically: a failed or interrupted save leaves the previous file intact. */
  async save(path: string | URL): Promise<void> {
    if (!isNode()) throw new Error('save: writing files needs Node; in a browser, offer net.toFile() as a download instead');
    // The path first: a bad one is refused before the model is encoded (and before a refusal of its weights hides it).
    await checkTargetPath(path, 'path').catch((e: Error) => {
      throw new TypeError(`save: ${e.message}`);
    });
    const text = this.fileText('save');
    try {
      await writeFileAtomic(path, text);
    } catch (e) {
      throw new Error(`save: ${(e as Error).message}`, { cause: e });
    }
  }

  /** Restores a network from a model file (or `toJSON()` text): a path or URL, or the file's bytes. Errors name the file. */
  static async load(source: string | URL | ArrayBuffer | Uint8Array, options?: LoadOptions | null): Promise<ANN> {
    return (await loadModelFile(source, options, 'ANN.load: ')).net;
  }

  /**
   * A table of the network: each layer with its units, activation and parameter count, the loss,
   * where it computes, and what it trains with (the optimizer of the last fit, its settings, and
   * the steps and epochs trained so far).
   */
  summary(): string {
    const net = this.live('summary');
    const count = (n: number) => n.toLocaleString('en-US');
    const rows: string[][] = [['layer', 'units', 'activation', 'parameters']];
    rows.push(['input', String(this.layers[0]), '', '']);
    let dense = 0;
    for (const layer of net.layers) {
      const saved = layer.toJSON();
      if (saved.type === 'dense') {
        const [units, inputs] = [layer.outputs, layer.inputs];
        rows.push([
          `dense ${++dense}`,
          String(units),
          String(saved.activation),
          `${count(units * inputs + units)} (W ${units}×${inputs}, b ${units})`,
        ]);
      } else rows.push([String(saved.type), String(layer.outputs), `rate ${saved.rate}`, '']);
    }
    const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
    const table = rows.map((r) =>
      r
        .map((cell, c) => cell.padEnd(widths[c]))
        .join('  ')
        .trimEnd(),
    );
    const total = net.parameters.reduce((n, p) => n + p.length, 0);
    const o = this.optimizer;
    const trains =
      o === null
        ? 'not trained yet'
        : `${o.recipe.name} (${Object.entries({ learningRate: o.recipe.learningRate, ...o.recipe.settings })
            .map(([k, v]) => `${k} ${v}`)
            .join(', ')})`;
    return [
      `ANN ${this.layers.join('-')}: ${count(total)} parameters, loss ${this.loss}, ${this.backend} ${this.precision}, seed ${this.seed}`,
      `runs on ${this.threads} thread${this.threads === 1 ? '' : 's'} (${this.threadsReason})`,
      ...table,
      `trains with: ${trains}; ${count(this.progress.step)} steps, ${count(this.progress.epoch)} epochs so far`,
    ].join('\n');
  }

  /**
   * Frees the network's memory; any later call throws. Nothing kept here refers to it after (the
   * optimizer's state lives in the kernels' memory too), so that a disposed network still
   * referenced holds none of it.
   */
  dispose(): void {
    this.net?.kernels.dispose();
    this.net = null;
    this.optimizer = null;
  }

  /**
   * The optimizer `recipe` makes: the kept one when its name and settings are the same, else a
   * fresh one. The learning rate is not a setting (a fit may change it and keep the moments), but
   * the recipe is the latest fit's, so that summary() and a save tell the rate trained with last.
   */
  private optimizerFor(recipe: OptimizerRecipe): Optimizer {
    const key = JSON.stringify([recipe.name, recipe.settings]);
    if (this.optimizer?.key !== key) {
      const net = this.net!;
      const instance = net.allocatePersistent((kernels) => recipe.create(kernels, net.parameters));
      this.optimizer = { key, recipe, instance };
    } else this.optimizer.recipe = recipe;
    return this.optimizer.instance;
  }

  private inputs(x: MatrixLike | CsrLike, where: string, name: string): Samples {
    if (isCsrLike(x)) {
      // Mean subtraction would turn every zero into a non-zero: the sparse input would become dense.
      if (this.std !== null) {
        throw new TypeError(
          `${where}: ${name} is CSR, and this network has a standardizer, whose mean subtraction would make every zero non-zero; set net.standardizer = null and scale the columns yourself (dividing each by its largest |value| keeps the zeros)`,
        );
      }
      return toCsr(x, { name, where, precision: this.precision, cols: this.layers[0] });
    }
    const kernels = this.live(where).kernels;
    const everyFinite = (values: FloatArray) => kernels.everyFinite(values);
    const X = toMatrix(x, { name, where, precision: this.precision, cols: this.layers[0], colsName: 'inputs', everyFinite });
    if (this.std === null) return X;
    const S = this.std.apply(X);
    return toMatrix(S, {
      name: `standardized ${name}`,
      where,
      precision: this.precision,
      cols: this.layers[0],
      colsName: 'inputs',
      everyFinite,
    });
  }

  /** Targets for the samples of `xName` (rows of them), in the loss's range. */
  private targets(y: MatrixLike | readonly number[], rows: number, where: string, name: string, xName = 'x'): Matrix {
    const outputs = this.layers[this.layers.length - 1];
    const Y = toMatrix(y, { name, where, precision: this.precision, cols: outputs, colsName: 'outputs', flatIsColumn: outputs === 1 });
    if (Y.rows !== rows) throw new RangeError(`${where}: ${name} has ${Y.rows} rows (targets), but ${xName} has ${rows} samples`);
    checkTargets(this.loss, Y, where, name);
    return Y;
  }

  private live(where: string): Network {
    if (this.net === null) throw new Error(`${where}: this network was disposed; create or load a new one`);
    return this.net;
  }

  // Taking a model elsewhere and bringing one in: the work is in src/interop/; these only delegate.

  /** The network as an ONNX model's bytes: Gemm and activation nodes, the standardizer as Sub/Div in front (raw features in). */
  toONNX(): Uint8Array {
    this.live('toONNX');
    return toOnnxBytes(this, 'toONNX');
  }

  /** Writes toONNX() to `path` (Node), atomically, as save() writes the model file. */
  async saveONNX(path: string | URL): Promise<void> {
    if (!isNode()) throw new Error('saveONNX: writing files needs Node; in a browser, offer net.toONNX() as a download instead');
    this.live('saveONNX');
    const bytes = toOnnxBytes(this, 'saveONNX');
    try {
      await writeFileAtomic(path, bytes);
    } catch (e) {
      throw new Error(`saveONNX: ${(e as Error).message}`, { cause: e });
    }
  }

  /** A network from an ONNX model of dense layers (its bytes, a path or a URL), ready to predict, fit and save. */
  static async fromONNX(source: string | URL | ArrayBuffer | Uint8Array, options?: OnnxImportOptions | null): Promise<ANN> {
    const { network, create } = await readOnnx(source, options, 'fromONNX');
    return ANN.fromImported(network, create);
  }

  /** The network in TensorFlow.js's layers-model format: model.json's contents and the weights file's bytes (float32). */
  toTfjs(): TfjsModel {
    this.live('toTfjs');
    return toTfjsModel(this, 'toTfjs');
  }

  /** A network from a TensorFlow.js layers model of Dense layers: toTfjs()'s result, tf.io's artifacts, or model.json's path or URL. */
  static async fromTfjs(source: TfjsSource, options?: ImportOptions | null): Promise<ANN> {
    const { network, create } = await readTfjs(source, options, 'fromTfjs');
    return ANN.fromImported(network, create);
  }

  private static async fromImported(network: ImportedNetwork, create: ANNOptions): Promise<ANN> {
    const ann = await ANN.create(create);
    ann.setWeights(network.weights);
    ann.meta = network.meta;
    return ann;
  }
}

/**
 * A model file (or toJSON() text) read from a path, URL or bytes and restored, with its text (for
 * tools that also describe the file). Errors start with `prefix` and the source's name:
 * 'ANN.load: ' gives "ANN.load: model.json: …". Package-internal: not exported from index.ts.
 */
export async function loadModelFile(
  source: ByteSource,
  options: LoadOptions | null | undefined,
  prefix: string,
): Promise<{ net: ANN; text: string }> {
  const text = await readModelText(source, prefix);
  return { net: await ANN.restore(text, options, `${prefix}${describeSource(source)}`), text };
}

/**
 * `saved` when loading it would succeed; otherwise an error that says why, so that nothing is
 * saved that cannot be loaded (an atomic save would otherwise replace the last good file).
 */
function loadable<T>(saved: T, backend: BackendName, where: string): T {
  try {
    checkSavedModel(saved, backend, 'the model');
  } catch (e) {
    throw new RangeError(
      `${where}: refused, because the saved model would not load: ${(e as Error).message}${where === 'save' ? '; the file was not written' : ''}`,
      { cause: e },
    );
  }
  return saved;
}
