/**
 * Initial weights. Glorot (Xavier) uniform keeps the variance of activations and gradients
 * level through sigmoid and tanh layers; He uniform does the same for the ReLU family, whose
 * units pass only half of their input. Biases start at zero.
 */
import type { InitName } from './architecture.js';
import type { Random } from './random.js';

/** Fills `w` (units × inputs) with uniform values in ±limit. */
export function initWeights(w: Float32Array | Float64Array, units: number, inputs: number, init: InitName, rng: Random): void {
  const limit = init === 'he' ? Math.sqrt(6 / inputs) : Math.sqrt(6 / (inputs + units));
  for (let i = 0; i < units * inputs; i++) w[i] = rng.uniform(-limit, limit);
}
