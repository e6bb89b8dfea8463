/**
 * From what a user writes as `optimizer` — a name, or an object with a name and settings — to a
 * checked recipe that makes the optimizer over a network's parameters. Every optimizer is listed
 * here once, with the settings it has and the check of each.
 */
import type { Kernels } from '../backend/kernels.js';
import type { Parameter } from '../core/parameter.js';
import { describe, oneOf } from '../io/describe.js';
import type { Optimizer, OptimizerName, OptimizerRecipe } from './optimizer.js';
import { Sgd } from './sgd.js';

interface OptimizerKind {
  /** The settings this optimizer has besides the learning rate, each with its check. */
  settings: Record<string, (value: unknown, where: string) => number>;
  create(kernels: Kernels, parameters: readonly Parameter[], settings: Record<string, number>): Optimizer;
}

const OPTIMIZERS: Record<OptimizerName, OptimizerKind> = {
  sgd: {
    settings: { momentum: checkMomentum },
    create: (kernels, parameters, s) => new Sgd(kernels, parameters, s.momentum),
  },
};

const NAMES = Object.keys(OPTIMIZERS) as OptimizerName[];

/** fit()'s options that an optimizer's settings fall back on. */
export interface OptimizerDefaults {
  learningRate: number;
  momentum: number;
}

/**
 * The optimizer that `spec` names (default SGD), its settings checked, those it leaves out taken
 * from `defaults`. Errors name the option as `where` (for example 'fit: options.optimizer').
 */
export function resolveOptimizer(spec: unknown, defaults: OptimizerDefaults, where: string): OptimizerRecipe {
  const config: Partial<Record<string, unknown>> =
    spec === undefined ? { name: 'sgd' } : typeof spec === 'string' ? { name: spec } : (spec as Record<string, unknown>);
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    throw new TypeError(
      `${where} must be a name (${NAMES.map((n) => `'${n}'`).join(', ')}) or an object { name, … }, got ${describe(spec)}`,
    );
  }
  const name = oneOf(typeof spec === 'string' ? where : `${where}.name`, config.name, NAMES);
  const kind = OPTIMIZERS[name];
  const known = ['name', 'learningRate', ...Object.keys(kind.settings)];
  const unknown = Object.keys(config).find((key) => !known.includes(key));
  if (unknown !== undefined)
    throw new TypeError(`${where}: '${name}' has no setting '${unknown}'; its settings are ${known.slice(1).join(', ')}`);
  const learningRate =
    config.learningRate === undefined ? defaults.learningRate : checkLearningRate(config.learningRate, `${where}.learningRate`);
  const settings: Record<string, number> = {};
  for (const [key, check] of Object.entries(kind.settings)) {
    settings[key] = config[key] === undefined ? defaults[key as keyof OptimizerDefaults] : check(config[key], `${where}.${key}`);
  }
  return { name, learningRate, settings, create: (kernels, parameters) => kind.create(kernels, parameters, settings) };
}

export function checkLearningRate(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)
    throw new RangeError(`${where} must be a finite number > 0, got ${describe(value)}`);
  return value;
}

export function checkMomentum(value: unknown, where: string): number {
  if (typeof value !== 'number' || !(value >= 0 && value < 1))
    throw new RangeError(`${where} must be a number in [0, 1), got ${describe(value)}`);
  return value;
}
