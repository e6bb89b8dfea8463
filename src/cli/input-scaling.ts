/**
 * How train scales the network's inputs. A file's features are standardized (mean 0, std 1, fitted
 * on the training rows and saved in the model) unless --no-standardize says otherwise: features
 * in raw units (a wine table's proline in the thousands beside hue near 1) otherwise start the
 * loss in the tens of thousands and kill the ReLUs. MNIST's pixels are divided by 255 unless
 * --standardize asks for a fitted standardization.
 */
import { Standardizer } from '../data/transform.js';
import type { Matrix } from '../io/matrix.js';
import { UsageError, type FlagSpec, type Flags } from './args.js';

export const SCALING_FLAGS: Record<string, FlagSpec> = {
  standardize: { type: 'boolean' },
  'no-standardize': { type: 'boolean' },
};

export const SCALING_HELP = `  --no-standardize        leave the features in their units (default: a file's features are standardized,
                          mean 0 and std 1 fitted on the training rows and saved; MNIST's pixels divided by 255)
  --standardize           standardize MNIST's pixels too`;

export type InputScaling = 'standardized' | 'pixels' | 'none';

/**
 * What the flags ask for, checked before any data are read; `pixels` is true for MNIST, `sparse` for
 * an svmlight file, whose features stay as they are: a mean subtracted would make its zeros
 * non-zero (svmlight-data.ts refuses --standardize with the reason).
 */
export function readScaling(flags: Flags, pixels: boolean, sparse = false): { scaling: InputScaling; given: boolean } {
  if (flags.standardize && flags['no-standardize']) throw new UsageError('--standardize and --no-standardize contradict each other');
  if (sparse) return { scaling: 'none', given: flags['no-standardize'] === true };
  if (flags.standardize) return { scaling: 'standardized', given: true };
  if (flags['no-standardize']) return { scaling: pixels ? 'pixels' : 'none', given: true };
  return { scaling: pixels ? 'pixels' : 'standardized', given: false };
}

/** The standardizer of the network (null: none), fitted on the training rows `x` when standardized. */
export function standardizerFor(scaling: InputScaling, x: Matrix): Standardizer | null {
  if (scaling === 'standardized') return Standardizer.fit(x);
  return scaling === 'pixels' ? Standardizer.pixels() : null;
}

/** A few words on the inputs, for the output. */
export function describeScaling(scaling: InputScaling, pixels: boolean): string {
  if (scaling === 'pixels') return 'pixels scaled to [0, 1]';
  if (scaling === 'standardized') return pixels ? 'pixels standardized' : 'features standardized';
  return 'features as they are';
}
