/**
 * The options of ANN.fromONNX and ANN.fromTfjs, checked, and the creation options that an imported
 * network and those options make together (checked by checkArchitecture, so that ANN.create, which
 * checks them again, cannot fail with a message that does not name the import).
 */
import type { BackendName, Precision } from '../backend/kernels.js';
import { checkThreads, type ThreadsOption } from '../backend/threads.js';
import { checkArchitecture, type CreateOptions } from '../core/architecture.js';
import { LOSSES, type LossName } from '../core/losses.js';
import type { Standardizer } from '../data/transform.js';
import { describe, oneOf, refuseUnknownKeys } from '../io/describe.js';
import type { ImportedNetwork } from './portable-network.js';

export interface ImportOptions {
  /**
   * The loss the imported network trains with. Default: the loss the file records (backprop-wasm's
   * own exports do), else categoricalCrossEntropy for a softmax output, binaryCrossEntropy for a
   * sigmoid output, meanSquaredError for any other.
   */
  loss?: LossName;
  /** Where it computes. Default 'wasm'. */
  backend?: BackendName;
  /** Seed of fit()'s shuffling. Default: drawn at random. */
  seed?: number;
  /** Default: the precision of the file's weights (float64 → 'f64', float32 → 'f32'). */
  precision?: Precision;
  /** Threads the kernels run on, as ANN.create's option. Default 'auto'. */
  threads?: ThreadsOption;
}

export interface OnnxImportOptions extends ImportOptions {
  /** Which graph output is the network's, when the graph has several (as scikit-learn classifiers' label and probabilities). */
  output?: string;
}

const IMPORT_KEYS = ['loss', 'backend', 'seed', 'precision', 'threads'] as const;

/** `options` checked: an object (or nothing) with only the known keys, and a known loss and precision. */
export function checkImportOptions<T extends ImportOptions>(options: T | null | undefined, extra: readonly string[], where: string): T {
  if (options === undefined || options === null) return {} as T;
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(`${where}: options must be an object such as { loss: 'meanSquaredError' }, got ${describe(options)}`);
  }
  refuseUnknownKeys(options, [...IMPORT_KEYS, ...extra], `${where}: unknown option`);
  if (options.loss !== undefined) oneOf(`${where}: options.loss`, options.loss, LOSSES);
  if (options.precision !== undefined) oneOf(`${where}: options.precision`, options.precision, ['f32', 'f64']);
  checkThreads(options.threads, `${where}: options.threads`);
  return options;
}

/** What ANN.create takes to make `net`, with the caller's options; checked, errors starting with `where`. */
export function createOptionsOf(
  net: ImportedNetwork,
  options: ImportOptions,
  where: string,
): CreateOptions & { standardizer: Standardizer | null; threads: ThreadsOption | undefined } {
  const create: CreateOptions = {
    layers: net.layers,
    activation: net.activations.slice(0, -1),
    output: net.activations[net.activations.length - 1],
    loss: options.loss ?? net.loss,
    leakyReluSlope: net.leakyReluSlope,
    precision: options.precision ?? net.precision,
    seed: options.seed,
    backend: options.backend,
  };
  checkArchitecture(create, where);
  const precision = create.precision;
  if (precision === 'f32') {
    net.weights.forEach(({ W, b }, l) => {
      for (const [name, values] of [
        ['W', W],
        ['b', b],
      ] as const) {
        const bad = values.findIndex((v) => !Number.isFinite(Math.fround(v)));
        if (bad >= 0)
          throw new RangeError(
            `${where}: layer ${l + 1} ${name}[${bad}] is ${values[bad]}, which overflows float32 (options.precision 'f32')`,
          );
      }
    });
  }
  return { ...create, standardizer: net.standardizer, threads: options.threads };
}
