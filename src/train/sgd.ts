/**
 * Stochastic gradient descent as torch.optim.SGD has it: d = g + λ·w (λ, the weight decay, on
 * weights only); with momentum μ: v = μ·v + d, then d = v, or d = d + μ·v with Nesterov's
 * form; w −= lr·d. Without momentum no velocity is kept.
 */
import type { Buffer, Kernels } from '../backend/kernels.js';
import type { Parameter } from '../core/parameter.js';
import type { Optimizer } from './optimizer.js';

export class Sgd implements Optimizer {
  /** Unused: the update does not depend on the step count. */
  steps = 0;
  readonly name = 'sgd' as const;
  /** One velocity per parameter (empty buffers without momentum: the kernel does not read them then). */
  private readonly velocity: Buffer[];

  constructor(
    private readonly kernels: Kernels,
    private readonly parameters: readonly Parameter[],
    readonly momentum: number,
    readonly nesterov: boolean,
    readonly weightDecay: number,
  ) {
    this.velocity = parameters.map((p) => kernels.alloc(momentum === 0 ? 0 : p.length));
  }

  step(learningRate: number): void {
    const { kernels, parameters, velocity } = this;
    for (let i = 0; i < parameters.length; i++) {
      const p = parameters[i];
      const decay = p.decays ? this.weightDecay : 0;
      const rows = p.gradientRows;
      // Plain SGD leaves a row whose gradient is zero as it is: only the listed rows need the update.
      if (rows !== null && this.momentum === 0 && decay === 0)
        kernels.sgdUpdateRows(p.value, p.gradient, rows.width, rows.list, rows.count, learningRate);
      else kernels.sgdUpdate(p.value, p.gradient, velocity[i], p.length, learningRate, this.momentum, this.nesterov, decay);
    }
  }

  state(): Buffer[] {
    return this.momentum === 0 ? [] : this.velocity;
  }
}
