/**
 * Adam (Kingma & Ba) and AdamW (Loshchilov & Hutter), as torch.optim has them. Per parameter:
 *   g = ∇ + λ·w            (Adam's weight decay: coupled L2; weights only)
 *   m = β₁·m + (1 − β₁)·g,  v = β₂·v + (1 − β₂)·g²
 *   w −= (lr / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)
 * AdamW instead decays the weights apart from the gradient, w ·= 1 − lr·λ, before the update.
 */
import type { Buffer, Kernels } from '../backend/kernels.js';
import type { Parameter } from '../core/parameter.js';
import type { Optimizer } from './optimizer.js';

export class Adam implements Optimizer {
  /** First and second moments, one of each per parameter. */
  private readonly m: Buffer[];
  private readonly v: Buffer[];
  /** Steps taken: the bias corrections depend on it. */
  steps = 0;

  constructor(
    private readonly kernels: Kernels,
    private readonly parameters: readonly Parameter[],
    readonly name: 'adam' | 'adamw',
    readonly beta1: number,
    readonly beta2: number,
    readonly epsilon: number,
    readonly weightDecay: number,
  ) {
    this.m = parameters.map((p) => kernels.alloc(p.length));
    this.v = parameters.map((p) => kernels.alloc(p.length));
  }

  step(learningRate: number): void {
    const { kernels, parameters } = this;
    const t = ++this.steps;
    const stepSize = learningRate / (1 - this.beta1 ** t);
    const correction2 = Math.sqrt(1 - this.beta2 ** t);
    const decoupled = this.name === 'adamw';
    for (let i = 0; i < parameters.length; i++) {
      const p = parameters[i];
      const decay = p.decays ? this.weightDecay : 0;
      // AdamW's decay, w ·= 1 − lr·λ, is folded into the kernel as a factor.
      kernels.adamUpdate(
        p.value,
        p.gradient,
        this.m[i],
        this.v[i],
        p.length,
        stepSize,
        this.beta1,
        this.beta2,
        this.epsilon,
        correction2,
        decoupled ? 0 : decay,
        decoupled ? 1 - learningRate * decay : 1,
      );
    }
  }

  state(): Buffer[] {
    return [...this.m, ...this.v];
  }
}
