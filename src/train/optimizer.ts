/**
 * The optimizer seam: an optimizer owns its state (buffers per parameter, allocated once per
 * fit) and updates every parameter from its gradient, through kernels, in one step. What a
 * user writes — a name, or an object with a name and settings — is resolved into one by
 * resolve-optimizer.ts.
 *
 * A new optimizer is a file beside sgd.ts (a class implementing `Optimizer`), its update kernel
 * (assembly/, with its TypeScript twin in backend/js.ts, both behind backend/kernels.ts), its
 * name in `OptimizerName`, and an entry in resolve-optimizer.ts.
 */
import type { Buffer, Kernels } from '../backend/kernels.js';
import type { Parameter } from '../core/parameter.js';

export interface Optimizer {
  readonly name: OptimizerName;
  /** Updates every parameter from its gradient, with this learning rate. Allocates nothing. */
  step(learningRate: number): void;
  /**
   * The state buffers in a fixed order, for saving and restoring: so many per parameter, each set
   * in the parameters' order (all first moments, then all second moments). Network.savedState
   * relies on it to turn a transposed parameter's state back to the saved layout.
   */
  state(): readonly Buffer[];
  /** Called after the state buffers were written from outside (a saved model's state restored): forget what was known of them. */
  restored?(): void;
  /** Steps taken so far, where the update depends on it (Adam's bias correction); otherwise 0. */
  steps: number;
}

export type OptimizerName = 'sgd' | 'adam' | 'adamw' | 'rmsprop';

/** An optimizer and its settings (as torch.optim names them); a setting left out takes fit()'s option of the same name, or its default. */
export interface OptimizerConfig {
  name: OptimizerName;
  learningRate?: number;
  /** SGD: momentum in [0, 1). Default 0. */
  momentum?: number;
  /** SGD: Nesterov's momentum (needs momentum > 0). Default false. */
  nesterov?: boolean;
  /** Adam, AdamW: decay of the first moment, in [0, 1). Default 0.9. */
  beta1?: number;
  /** Adam, AdamW: decay of the second moment, in [0, 1). Default 0.999. */
  beta2?: number;
  /** Adam, AdamW, RMSprop: added to the root of the second moment. Default 1e-8. */
  epsilon?: number;
  /** RMSprop: decay of the mean square, in [0, 1). Default 0.99. */
  rho?: number;
  /** L2 on the weights (never the biases): coupled (λ·w added to the gradient), except in AdamW (decoupled). Default 0; AdamW 0.01. */
  weightDecay?: number;
}

/** What fit() accepts as `optimizer`. */
export type OptimizerSpec = OptimizerName | OptimizerConfig;

/** A checked optimizer: its learning rate and settings, and how to make it over a network's parameters. */
export interface OptimizerRecipe {
  readonly name: OptimizerName;
  readonly learningRate: number;
  /** Every setting, defaults filled in, for logs, summaries and the model file. */
  readonly settings: Readonly<Record<string, number | boolean>>;
  create(kernels: Kernels, parameters: readonly Parameter[]): Optimizer;
}
