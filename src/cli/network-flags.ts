/** The short names the flags accept for losses, and building a network from flag values (refusals told in flag terms). */
import { ANN, type ANNOptions } from '../ann.js';
import type { ActivationName } from '../core/activations.js';
import { checkArchitecture } from '../core/architecture.js';
import type { LossName } from '../core/losses.js';
import { UsageError } from './args.js';

/** Short names of the losses. */
export const LOSS_ALIASES: Record<string, LossName> = {
  mse: 'meanSquaredError',
  bce: 'binaryCrossEntropy',
  cce: 'categoricalCrossEntropy',
};

/** Refuses an output and loss that cannot go together (cross-entropy on an identity output) before any data are read. */
export function checkHead(output: ActivationName | undefined, loss: LossName | undefined): void {
  if (output === undefined || loss === undefined) return;
  try {
    checkArchitecture({ layers: [1, 2], output, loss });
  } catch (e) {
    throw flagError(e as Error);
  }
}

/** ANN.create, with a refused combination (such as CE on an identity output) told in terms of the flags: bad usage. */
export async function createNetwork(options: ANNOptions): Promise<ANN> {
  try {
    return await ANN.create(options);
  } catch (e) {
    if (!(e instanceof RangeError || e instanceof TypeError)) throw e;
    throw flagError(e);
  }
}

/** A refusal of ANN.create, told in terms of the flags. */
function flagError(e: Error): UsageError {
  return new UsageError(e.message.replace(/^ANN\.create: /, '').replace(/options\.(\w+)/g, '--$1'));
}
