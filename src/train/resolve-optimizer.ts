/**
 * From what a user writes as `optimizer` — a name, or an object with a name and settings — to a
 * checked recipe that makes the optimizer over a network's parameters. Every optimizer is listed
 * here once, with its settings, their defaults (torch.optim's) and the check of each.
 */
import type { Kernels } from '../backend/kernels.js';
import type { Parameter } from '../core/parameter.js';
import { describe, oneOf } from '../io/describe.js';
import { Adam } from './adam.js';
import type { Optimizer, OptimizerName, OptimizerRecipe } from './optimizer.js';
import { RmsProp } from './rmsprop.js';
import { Sgd } from './sgd.js';

type Settings = Record<string, number | boolean>;
type Check = (value: unknown, where: string) => number | boolean;

interface OptimizerKind {
  /** The learning rate when neither fit() nor the object gives one. */
  learningRate: number;
  /** Each setting besides the learning rate: its default and its check. */
  settings: Record<string, { fallback: number | boolean; check: Check }>;
  /** Refuses settings that cannot go together. */
  combine?: (s: Settings, where: string) => void;
  create(kernels: Kernels, parameters: readonly Parameter[], s: Settings): Optimizer;
}

const fraction = (fallback: number) => ({ fallback, check: checkFraction });
const epsilon = { fallback: 1e-8, check: checkPositive };
const decay = (fallback: number) => ({ fallback, check: checkNonNegative });

const OPTIMIZERS: Record<OptimizerName, OptimizerKind> = {
  sgd: {
    learningRate: 0.01,
    settings: { momentum: fraction(0), nesterov: { fallback: false, check: checkBoolean }, weightDecay: decay(0) },
    combine: (s, where) => {
      if (s.nesterov && s.momentum === 0) throw new RangeError(`${where}: nesterov needs a momentum above 0`);
    },
    create: (k, p, s) => new Sgd(k, p, s.momentum as number, s.nesterov as boolean, s.weightDecay as number),
  },
  adam: {
    learningRate: 0.001,
    settings: { beta1: fraction(0.9), beta2: fraction(0.999), epsilon, weightDecay: decay(0) },
    create: (k, p, s) => new Adam(k, p, 'adam', s.beta1 as number, s.beta2 as number, s.epsilon as number, s.weightDecay as number),
  },
  adamw: {
    learningRate: 0.001,
    settings: { beta1: fraction(0.9), beta2: fraction(0.999), epsilon, weightDecay: decay(0.01) },
    create: (k, p, s) => new Adam(k, p, 'adamw', s.beta1 as number, s.beta2 as number, s.epsilon as number, s.weightDecay as number),
  },
  rmsprop: {
    learningRate: 0.01,
    settings: { rho: fraction(0.99), epsilon, weightDecay: decay(0) },
    create: (k, p, s) => new RmsProp(k, p, s.rho as number, s.epsilon as number, s.weightDecay as number),
  },
};

export const OPTIMIZER_NAMES = Object.keys(OPTIMIZERS) as OptimizerName[];

/** fit()'s top-level options that an optimizer's settings fall back on (undefined: not given). */
export interface OptimizerDefaults {
  learningRate: number | undefined;
  momentum: number | undefined;
}

/**
 * The optimizer that `spec` names (default SGD), its settings checked, those it leaves out taken
 * from `defaults` or the optimizer's own. Errors name the option as `where` ('fit: options.optimizer').
 */
export function resolveOptimizer(spec: unknown, defaults: OptimizerDefaults, where: string): OptimizerRecipe {
  const config: Partial<Record<string, unknown>> =
    spec === undefined ? { name: 'sgd' } : typeof spec === 'string' ? { name: spec } : (spec as Record<string, unknown>);
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    throw new TypeError(
      `${where} must be a name (${OPTIMIZER_NAMES.map((n) => `'${n}'`).join(', ')}) or an object { name, … }, got ${describe(spec)}`,
    );
  }
  const name = oneOf(typeof spec === 'string' ? where : `${where}.name`, config.name, OPTIMIZER_NAMES);
  const kind = OPTIMIZERS[name];
  const known = ['name', 'learningRate', ...Object.keys(kind.settings)];
  const unknown = Object.keys(config).find((key) => !known.includes(key));
  if (unknown !== undefined)
    throw new TypeError(`${where}: '${name}' has no setting '${unknown}'; its settings are ${known.slice(1).join(', ')}`);
  if (defaults.momentum !== undefined && defaults.momentum !== 0 && !('momentum' in kind.settings)) {
    throw new RangeError(`fit: options.momentum is a setting of 'sgd'; '${name}' has none (its settings are ${known.slice(1).join(', ')})`);
  }
  const learningRate =
    config.learningRate === undefined
      ? (defaults.learningRate ?? kind.learningRate)
      : checkLearningRate(config.learningRate, `${where}.learningRate`);
  const settings: Settings = {};
  for (const [key, { fallback, check }] of Object.entries(kind.settings)) {
    const topLevel = key === 'momentum' ? defaults.momentum : undefined;
    settings[key] = config[key] === undefined ? (topLevel ?? fallback) : check(config[key], `${where}.${key}`);
  }
  kind.combine?.(settings, where);
  return { name, learningRate, settings, create: (kernels, parameters) => kind.create(kernels, parameters, settings) };
}

export function checkLearningRate(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)
    throw new RangeError(`${where} must be a finite number > 0, got ${describe(value)}`);
  return value;
}

export function checkFraction(value: unknown, where: string): number {
  if (typeof value !== 'number' || !(value >= 0 && value < 1))
    throw new RangeError(`${where} must be a number in [0, 1), got ${describe(value)}`);
  return value;
}

function checkPositive(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)
    throw new RangeError(`${where} must be a finite number > 0, got ${describe(value)}`);
  return value;
}

function checkNonNegative(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
    throw new RangeError(`${where} must be a finite number ≥ 0, got ${describe(value)}`);
  return value;
}

function checkBoolean(value: unknown, where: string): boolean {
  if (typeof value !== 'boolean') throw new TypeError(`${where} must be true or false, got ${describe(value)}`);
  return value;
}
