/**
 * The trainable tensors of a network, as one list (micrograd's `parameters()`): each holds its
 * values, the gradient of the loss with respect to them, and a copy to fall back on. Saving aside,
 * restoring and the finiteness check are one loop over the list; an optimizer keeps its own state
 * per parameter, in the list's order.
 */
import type { Buffer, IndexBuffer, Kernels } from '../backend/kernels.js';

/**
 * The rows of a gradient that may be non-zero (rows of `width` values, listed in `list[0 … count − 1]`);
 * every other row is zero. A first layer over sparse input sets it after every pass over a
 * compressed batch, so that an optimizer can leave alone the rows that would not move: plain SGD
 * updates only the listed rows, Adam the rows that have ever been listed.
 */
export interface GradientRows {
  list: IndexBuffer;
  count: number;
  readonly width: number;
}

export interface Parameter {
  /** 'W1', 'b1', … : the tensor and its layer (1-based), for messages and saved state. */
  readonly name: string;
  readonly length: number;
  readonly value: Buffer;
  readonly gradient: Buffer;
  /** Where `saveAside` copies the value. */
  readonly backup: Buffer;
  /** Weights decay under L2 regularisation; biases do not. */
  readonly decays: boolean;
  /**
   * Set when the buffers hold the transpose of a rows × cols matrix (W1 of a layer that takes
   * sparse input keeps Wᵀ, inputs × units); null for the plain layout. Whatever leaves the network
   * (weights, gradients, an optimizer's saved state) is turned back to rows × cols.
   */
  readonly transposed: { readonly rows: number; readonly cols: number } | null;
  /** Set by the layer at each backward pass: the gradient's rows that may be non-zero, or null (any may be). */
  gradientRows: GradientRows | null;
}

/** A zero-filled parameter of `length` numbers with its gradient and backup. */
export function createParameter(
  kernels: Kernels,
  name: string,
  length: number,
  decays: boolean,
  transposed: Parameter['transposed'] = null,
): Parameter {
  return {
    name,
    length,
    value: kernels.alloc(length),
    gradient: kernels.alloc(length),
    backup: kernels.alloc(length),
    decays,
    transposed,
    gradientRows: null,
  };
}

/** out (rows × cols, row-major) = the transpose of `t` (cols × rows); returns out. */
export function untranspose<T extends { [i: number]: number }>(out: T, t: ArrayLike<number>, rows: number, cols: number): T {
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[i * cols + j] = t[j * rows + i];
  return out;
}

/** out (cols × rows) = the transpose of `m` (rows × cols, row-major); returns out. */
export function transposeInto<T extends { [i: number]: number }>(out: T, m: ArrayLike<number>, rows: number, cols: number): T {
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = m[i * cols + j];
  return out;
}

/** Copies every value to its backup (`restore` brings them back). */
export function saveAside(kernels: Kernels, params: readonly Parameter[]): void {
  for (const p of params) kernels.view(p.backup).set(kernels.view(p.value));
}

/** Every value as it was at the last `saveAside`. */
export function restore(kernels: Kernels, params: readonly Parameter[]): void {
  for (const p of params) kernels.view(p.value).set(kernels.view(p.backup));
}

/** True when every value is finite. */
export function allFinite(kernels: Kernels, params: readonly Parameter[]): boolean {
  for (let i = 0; i < params.length; i++) if (!kernels.allFinite(params[i].value, params[i].length)) return false;
  return true;
}
