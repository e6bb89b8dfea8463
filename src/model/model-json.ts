/**
 * The saved form of a network as `toJSON()` gives it (format version 1): the architecture, the
 * standardisation, the shuffling state and the weights as JSON numbers. Every float32 and float64
 * value prints as the shortest decimal that reads back to the same bits, so the round trip is
 * exact. The model file (version 2, model-file.ts) holds the same fields, weights in base64.
 */
import { savedArchitecture, type SavedArchitecture } from '../core/architecture.js';
import type { LayerWeights } from './weights.js';

/** The `format` of every saved model, version 1 (toJSON) and 2 (the model file). */
export const MODEL_FORMAT = 'backprop-wasm/ann';
/** The version of `toJSON()`'s form. */
export const JSON_VERSION = 1;

/** Names become strings in a saved model: it may come from a file written by another version. */
type Widen<T> = T extends string ? string : T extends readonly (infer E)[] ? Widen<E>[] : T;

export type ModelJSON = {
  format: typeof MODEL_FORMAT;
  version: number;
} & { -readonly [K in keyof SavedArchitecture]: Widen<SavedArchitecture[K]> } & {
  standardizer: { mean: number[]; std: number[] } | null;
  /** Where the shuffling generator stands, so that training resumes exactly as it would have gone on. */
  shuffleState?: number[];
  weights: { W: number[]; b: number[] }[];
  /** Where training stands, so that a loaded network trains on exactly as the saved one would have (absent before version 3). */
  trainingState?: TrainingStateJSON;
};

/** What a resumed fit needs besides the weights and the shuffling generator. */
export interface TrainingStateJSON {
  /** Steps and epochs trained: where a learning-rate schedule stands. */
  step: number;
  epoch: number;
  /** The dropout masks' generator. */
  masks: number[];
  /**
   * The optimizer of the last fit and its state: moments or velocities in its order, as numbers (the
   * model file: base64). `learningRate` is the base rate that fit used (absent in files written
   * before it was kept: the optimizer's default is shown then).
   */
  optimizer: {
    name: string;
    learningRate?: number;
    settings: Record<string, number | boolean>;
    steps: number;
    buffers: number[][];
  } | null;
}

export function toModelJSON(
  arch: SavedArchitecture,
  weights: LayerWeights[],
  standardizer: ModelJSON['standardizer'],
  shuffleState: number[],
  trainingState: TrainingStateJSON,
): ModelJSON {
  return {
    format: MODEL_FORMAT,
    version: JSON_VERSION,
    ...savedArchitecture(arch),
    standardizer,
    shuffleState,
    weights: weights.map(({ W, b }) => ({ W: Array.from(W), b: Array.from(b) })),
    trainingState,
  };
}
