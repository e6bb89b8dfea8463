/**
 * RMSprop as torch.optim.RMSprop has it (not centred, no momentum): g = ∇ + λ·w (weights only),
 * v = ρ·v + (1 − ρ)·g², w −= lr·g / (√v + ε).
 */
import type { Buffer, Kernels } from '../backend/kernels.js';
import type { Parameter } from '../core/parameter.js';
import type { Optimizer } from './optimizer.js';

export class RmsProp implements Optimizer {
  /** Unused: the update does not depend on the step count. */
  steps = 0;
  readonly name = 'rmsprop' as const;
  private readonly v: Buffer[];

  constructor(
    private readonly kernels: Kernels,
    private readonly parameters: readonly Parameter[],
    readonly rho: number,
    readonly epsilon: number,
    readonly weightDecay: number,
  ) {
    this.v = parameters.map((p) => kernels.alloc(p.length));
  }

  step(learningRate: number): void {
    const { kernels, parameters } = this;
    for (let i = 0; i < parameters.length; i++) {
      const p = parameters[i];
      kernels.rmspropUpdate(
        p.value,
        p.gradient,
        this.v[i],
        p.length,
        learningRate,
        this.rho,
        this.epsilon,
        p.decays ? this.weightDecay : 0,
      );
    }
  }

  state(): Buffer[] {
    return this.v;
  }
}
