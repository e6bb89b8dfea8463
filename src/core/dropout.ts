/**
 * Inverted dropout after a hidden layer: in training, each value is kept with probability 1 − p
 * and scaled by 1/(1 − p), so that the expected output is the input and nothing changes at
 * prediction; outside training (predict, evaluate, gradients, gradient checks) the layer passes
 * its input through. The masks come from a generator seeded with the network, so a seed
 * reproduces them.
 */
import type { Buffer, Kernels } from '../backend/kernels.js';
import type { Layer, LayerJSON } from './layer.js';
import type { Parameter } from './parameter.js';
import type { Random } from './random.js';

export class Dropout implements Layer {
  readonly outputs: number;
  private mask!: Buffer;
  private out!: Buffer;
  /** The rows of the last forward pass in training (0: the last pass let everything through). */
  private maskedRows = 0;
  /** A value is dropped when a 32-bit draw falls below this. */
  private readonly threshold: number;

  constructor(
    private readonly kernels: Kernels,
    readonly inputs: number,
    readonly rate: number,
    private readonly rng: Random,
  ) {
    this.outputs = inputs;
    this.threshold = Math.round(rate * 2 ** 32);
  }

  get output(): Buffer {
    return this.out;
  }

  plan(kernels: Kernels, capacity: number): void {
    this.mask = kernels.alloc(capacity * this.inputs);
    this.out = kernels.alloc(capacity * this.inputs);
  }

  forward(input: Buffer, rows: number, training: boolean): void {
    const n = rows * this.inputs;
    const k = this.kernels;
    if (!training) {
      this.maskedRows = 0;
      k.view(this.out).set(k.view(input).subarray(0, n));
      return;
    }
    const mask = k.view(this.mask);
    const keep = 1 / (1 - this.rate);
    for (let i = 0; i < n; i++) mask[i] = this.rng.uint32() < this.threshold ? 0 : keep;
    this.maskedRows = rows;
    k.multiply(input, this.mask, this.out, n);
  }

  backward(_input: Buffer, gradient: Buffer, inputGradient: Buffer | null, rows: number, _accumulate: boolean): void {
    if (inputGradient === null) return;
    const n = rows * this.inputs;
    const k = this.kernels;
    if (this.maskedRows === 0) k.view(inputGradient).set(k.view(gradient).subarray(0, n));
    else k.multiply(gradient, this.mask, inputGradient, n);
  }

  parameters(): readonly Parameter[] {
    return [];
  }

  toJSON(): LayerJSON {
    return { type: 'dropout', inputs: this.inputs, rate: this.rate };
  }
}
