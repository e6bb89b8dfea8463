/**
 * The protocol every layer of a network follows (after convnetjs' layers). A network is a stack
 * of them: each maps a batch of `rows × inputs` values to `rows × outputs` values in buffers it
 * plans for a batch size, and back-propagates the gradient of the loss. A new kind of layer (a
 * dropout layer, say) is one file implementing this, and a line where the network is assembled.
 *
 * Batches are row-major, one sample per row; a batch smaller than the plan uses the leading rows.
 */
import type { Buffer, Kernels } from '../backend/kernels.js';
import type { Parameter } from './parameter.js';

export interface Layer {
  readonly inputs: number;
  readonly outputs: number;
  /** Allocates the layer's batch buffers for up to `capacity` rows (again whenever a larger batch comes). */
  plan(kernels: Kernels, capacity: number): void;
  /** The output of the last `forward` (capacity × outputs). */
  readonly output: Buffer;
  /** Output = f(input) for the first `rows` rows; `training` is true inside fit() alone. */
  forward(input: Buffer, rows: number, training: boolean): void;
  /**
   * From `gradient` (∂loss/∂output, rows × outputs; the layer may overwrite it) the gradients of
   * its parameters — added to what they hold when `accumulate` — and ∂loss/∂input into
   * `inputGradient` unless that is null (the first layer's input needs none).
   */
  backward(input: Buffer, gradient: Buffer, inputGradient: Buffer | null, rows: number, accumulate: boolean): void;
  /** The layer's trainable tensors (none for a layer without weights). */
  parameters(): readonly Parameter[];
  /** What the layer is, as saved (its weights are saved through `parameters()`). */
  toJSON(): LayerJSON;
}

/** The saved description of a layer. */
export interface LayerJSON {
  type: string;
  [key: string]: unknown;
}
