/**
 * Stochastic gradient descent, with classical (heavy-ball) momentum as Keras has it:
 * v = μ·v − lr·g; w += v (μ = 0: w −= lr·g, and no velocity is kept).
 */
import type { Buffer, Kernels } from '../backend/kernels.js';
import type { Parameter } from '../core/parameter.js';
import type { Optimizer } from './optimizer.js';

export class Sgd implements Optimizer {
  readonly name = 'sgd' as const;
  /** One velocity per parameter (empty buffers without momentum: the kernel does not read them then). */
  private readonly velocity: Buffer[];

  constructor(
    private readonly kernels: Kernels,
    private readonly parameters: readonly Parameter[],
    readonly momentum: number,
  ) {
    this.velocity = parameters.map((p) => kernels.alloc(momentum === 0 ? 0 : p.length));
  }

  step(learningRate: number): void {
    const { kernels, parameters, velocity } = this;
    for (let i = 0; i < parameters.length; i++) {
      const p = parameters[i];
      kernels.sgdUpdate(p.value, p.gradient, velocity[i], p.length, learningRate, this.momentum);
    }
  }
}
