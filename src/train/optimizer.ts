/**
 * The optimizer seam: an optimizer owns its state (one set of buffers per parameter, allocated
 * once per fit) and updates every parameter from its gradient, through kernels, in one step.
 * What a user writes — a name, or an object with a name and settings — is resolved into one by
 * resolve-optimizer.ts.
 *
 * A new optimizer is a file beside sgd.ts (a class implementing `Optimizer`), its update kernel
 * (assembly/, with its TypeScript twin in backend/js.ts, both behind backend/kernels.ts), its
 * name in `OptimizerName`, and an entry in resolve-optimizer.ts.
 */
import type { Kernels } from '../backend/kernels.js';
import type { Parameter } from '../core/parameter.js';

export interface Optimizer {
  readonly name: OptimizerName;
  /** Updates every parameter from its gradient, with this learning rate. Allocates nothing. */
  step(learningRate: number): void;
}

export type OptimizerName = 'sgd';

/** An optimizer and its settings; a setting left out is taken from fit()'s options of the same name. */
export interface OptimizerConfig {
  name: OptimizerName;
  learningRate?: number;
  /** SGD: classical momentum in [0, 1). */
  momentum?: number;
}

/** What fit() accepts as `optimizer`. */
export type OptimizerSpec = OptimizerName | OptimizerConfig;

/** A checked optimizer: its learning rate, and how to make it over a network's parameters. */
export interface OptimizerRecipe {
  readonly name: OptimizerName;
  readonly learningRate: number;
  /** Settings besides the learning rate, for logs and messages. */
  readonly settings: Readonly<Record<string, number>>;
  create(kernels: Kernels, parameters: readonly Parameter[]): Optimizer;
}
