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

export type ModelJSON = {
  format: typeof MODEL_FORMAT;
  version: number;
} & ReturnType<typeof savedArchitecture> & {
    standardizer: { mean: number[]; std: number[] } | null;
    /** Where the shuffling generator stands, so that training resumes exactly as it would have gone on. */
    shuffleState?: number[];
    weights: { W: number[]; b: number[] }[];
  };

export function toModelJSON(
  arch: SavedArchitecture,
  weights: LayerWeights[],
  standardizer: ModelJSON['standardizer'],
  shuffleState: number[],
): ModelJSON {
  return {
    format: MODEL_FORMAT,
    version: JSON_VERSION,
    ...savedArchitecture(arch),
    standardizer,
    shuffleState,
    weights: weights.map(({ W, b }) => ({ W: Array.from(W), b: Array.from(b) })),
  };
}
