/**
 * A fully connected layer with its activation: Z = X·Wᵀ + b, A = f(Z), with
 * W (units × inputs, row-major) and b (units). When the loss is computed from Z (sigmoid with
 * binary cross-entropy, softmax with categorical cross-entropy), the network hands `backward`
 * ∂loss/∂Z directly and the layer is built with `gradientIsPreActivation`.
 */
import type { Buffer, Kernels } from '../backend/kernels.js';
import type { FloatArray } from '../io/matrix.js';
import { activationCode, type ActivationName } from './activations.js';
import { initWeights } from './init.js';
import type { InitName } from './architecture.js';
import type { Layer, LayerJSON } from './layer.js';
import { createParameter, type Parameter } from './parameter.js';
import type { Random } from './random.js';

export class Dense implements Layer {
  /** The lengths of the buffers the constructor allocates: a value, a gradient and a backup (createParameter) of W and of b. */
  static bufferLengths(inputs: number, outputs: number): number[] {
    const [w, b] = [outputs * inputs, outputs];
    return [w, w, w, b, b, b];
  }

  readonly weights: Parameter;
  readonly bias: Parameter;
  protected readonly code: ReturnType<typeof activationCode>;
  /** Z (capacity × units), before the activation. */
  protected z!: Buffer;
  protected a!: Buffer;

  constructor(
    protected readonly kernels: Kernels,
    /** 1-based position among the network's dense layers, for parameter names. */
    index: number,
    readonly inputs: number,
    readonly outputs: number,
    readonly activation: ActivationName,
    protected readonly slope: number,
    protected readonly gradientIsPreActivation: boolean,
    /** W's buffers hold Wᵀ (inputs × units): the layout of a layer whose input may be sparse (sparse-input.ts). */
    weightsTransposed = false,
  ) {
    this.code = activationCode(activation);
    this.weights = createParameter(
      kernels,
      `W${index}`,
      outputs * inputs,
      true,
      weightsTransposed ? { rows: outputs, cols: inputs } : null,
    );
    this.bias = createParameter(kernels, `b${index}`, outputs, false);
  }

  get output(): Buffer {
    return this.a;
  }

  /** Z of the last forward pass. */
  get preActivation(): Buffer {
    return this.z;
  }

  plan(kernels: Kernels, capacity: number): void {
    this.z = kernels.alloc(capacity * this.outputs);
    this.a = kernels.alloc(capacity * this.outputs);
  }

  forward(input: Buffer, rows: number, _training: boolean): void {
    const k = this.kernels;
    k.gemm(false, true, rows, this.outputs, this.inputs, input, this.weights.value, this.z, false);
    k.biasAdd(this.z, this.bias.value, rows, this.outputs);
    k.activate(this.code, this.z, this.a, rows, this.outputs, this.slope);
  }

  backward(input: Buffer, gradient: Buffer, inputGradient: Buffer | null, rows: number, accumulate: boolean): void {
    const k = this.kernels;
    // dZ = dA ⊙ f′(Z), in place.
    if (!this.gradientIsPreActivation) k.activateBackward(this.code, this.z, this.a, gradient, gradient, rows, this.outputs, this.slope);
    // dW (units × inputs) = dZᵀ (units × rows) · X (rows × inputs)
    k.gemm(true, false, this.outputs, this.inputs, rows, gradient, input, this.weights.gradient, accumulate);
    k.biasGradient(gradient, this.bias.gradient, rows, this.outputs, accumulate);
    // dX (rows × inputs) = dZ (rows × units) · W (units × inputs)
    if (inputGradient !== null) k.gemm(false, false, rows, this.inputs, this.outputs, gradient, this.weights.value, inputGradient, false);
  }

  /** Copies of dW (units × inputs) and db, as the last backward pass left them. */
  readGradients(): { dW: FloatArray; db: FloatArray } {
    return { dW: this.kernels.view(this.weights.gradient).slice(), db: this.kernels.view(this.bias.gradient).slice() };
  }

  parameters(): readonly Parameter[] {
    return [this.weights, this.bias];
  }

  /** Fresh weights (uniform, Glorot or He) and zero biases. */
  initialize(init: InitName, rng: Random): void {
    initWeights(this.kernels.view(this.weights.value), this.outputs, this.inputs, init, rng);
  }

  /** Copies of W and b. */
  read(): { W: FloatArray; b: FloatArray } {
    return { W: this.kernels.view(this.weights.value).slice(), b: this.kernels.view(this.bias.value).slice() };
  }

  /** Replaces W and b (checked by the caller: W has units × inputs values, b has units). */
  write(W: ArrayLike<number>, b: ArrayLike<number>): void {
    this.kernels.view(this.weights.value).set(W);
    this.kernels.view(this.bias.value).set(b);
  }

  toJSON(): LayerJSON {
    return { type: 'dense', inputs: this.inputs, units: this.outputs, activation: this.activation };
  }
}
