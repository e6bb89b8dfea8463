/**
 * The activations a user can name, and everything the library knows about each name: its kernel
 * code, where it may be used, and whether its derivative jumps (a kink that finite differences
 * must not straddle). A new activation is a kernel in assembly/activation.ts and js.ts, a code in
 * backend/kernels.ts, and one entry here.
 */
import { Activation } from '../backend/kernels.js';

export type ActivationName = 'identity' | 'sigmoid' | 'tanh' | 'relu' | 'leakyRelu' | 'softmax';

interface ActivationFacts {
  code: Activation;
  /** Allowed in hidden layers (softmax couples the units of a row: output only). */
  hidden: boolean;
  /** f′ jumps at z = 0. */
  kink: boolean;
  /** Units pass about half of their input (initialised by He rather than Glorot). */
  relu: boolean;
}

const FACTS: Record<ActivationName, ActivationFacts> = {
  identity: { code: Activation.Identity, hidden: true, kink: false, relu: false },
  sigmoid: { code: Activation.Sigmoid, hidden: true, kink: false, relu: false },
  tanh: { code: Activation.Tanh, hidden: true, kink: false, relu: false },
  relu: { code: Activation.Relu, hidden: true, kink: true, relu: true },
  leakyRelu: { code: Activation.LeakyRelu, hidden: true, kink: true, relu: true },
  softmax: { code: Activation.Softmax, hidden: false, kink: false, relu: false },
};

/** Every activation, in the order messages list them. */
export const OUTPUT_ACTIVATIONS = Object.keys(FACTS) as ActivationName[];
/** The activations a hidden layer may have. */
export const HIDDEN_ACTIVATIONS = OUTPUT_ACTIVATIONS.filter((a) => FACTS[a].hidden);

export function activationCode(name: ActivationName): Activation {
  return FACTS[name].code;
}

export function hasKink(name: ActivationName): boolean {
  return FACTS[name].kink;
}

export function isReluFamily(name: ActivationName): boolean {
  return FACTS[name].relu;
}
