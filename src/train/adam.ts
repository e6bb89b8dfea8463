/**
 * Adam (Kingma & Ba) and AdamW (Loshchilov & Hutter), as torch.optim has them. Per parameter:
 *   g = ∇ + λ·w            (Adam's weight decay: coupled L2; weights only)
 *   m = β₁·m + (1 − β₁)·g,  v = β₂·v + (1 − β₂)·g²
 *   w −= (lr / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)
 * AdamW instead decays the weights apart from the gradient, w ·= 1 − lr·λ, before the update.
 */
import type { Buffer, Kernels } from '../backend/kernels.js';
import type { Parameter } from '../core/parameter.js';
import { LiveRows } from './live-rows.js';
import type { Optimizer } from './optimizer.js';

/**
 * ε·√(1 − β₂), the smallest ε̂ of a run, must be at least this for rows to be skipped: a row left
 * out is one where the update computes w − ŝ·0 / (0 + ε̂), which is w only while ε̂ is not 0 (it
 * would be in float32 below about 1e-45).
 */
const SKIP_MIN_EPSILON_HAT = 1e-30;

export class Adam implements Optimizer {
  /** First and second moments, one of each per parameter. */
  private readonly m: Buffer[];
  private readonly v: Buffer[];
  /** Steps taken: the bias corrections depend on it. */
  steps = 0;
  /**
   * Per parameter, for the weights of a first layer over sparse input, the rows to update (see
   * live-rows.ts); null where every value is updated each step (the other parameters, and any
   * parameter when a decay would move the rows with zero moments).
   */
  private readonly live: (LiveRows | null)[];

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
    const skips = epsilon * Math.sqrt(1 - beta2) >= SKIP_MIN_EPSILON_HAT;
    this.live = parameters.map((p) =>
      p.transposed !== null && skips && !(p.decays && weightDecay !== 0)
        ? new LiveRows(kernels, p.transposed.cols, p.transposed.rows)
        : null,
    );
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
      const live = this.live[i];
      if (live !== null) {
        live.add(p.gradientRows);
        if (!live.all) {
          kernels.adamUpdateRows(
            p.value,
            p.gradient,
            this.m[i],
            this.v[i],
            live.width,
            live.list,
            live.count,
            stepSize,
            this.beta1,
            this.beta2,
            this.epsilon,
            correction2,
          );
          continue;
        }
      }
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

  restored(): void {
    for (let i = 0; i < this.parameters.length; i++) this.live[i]?.restore([this.kernels.view(this.m[i]), this.kernels.view(this.v[i])]);
  }
}
