/**
 * Learning-rate schedules: what fit()'s `schedule` option names, checked, as a function from the
 * position in training to the rate of the next step. `per` says whether the position counts
 * steps or epochs. A warm-up (`warmup: n`, in the same unit) ramps the rate linearly up to the
 * schedule's over the first n, and the schedule then starts from its beginning.
 *
 *   step         rate · factor^⌊t / every⌋
 *   exponential  rate · factor^t
 *   cosine       min + (rate − min)·(1 + cos(π·min(t, steps)/steps))/2   (as PyTorch's CosineAnnealingLR)
 *   plateau      rate · factor^k, k the times `monitor` failed to improve for `patience` epochs (≥ min)
 *   a function   (step, epoch) => rate, both counted from 0 over the network's whole training
 */
import { describe, oneOf } from '../io/describe.js';
import { improves, MONITORS, type Monitor } from './monitor.js';

type Per = 'step' | 'epoch';

export type ScheduleSpec =
  | { type: 'step'; every: number; factor: number; per?: Per; warmup?: number }
  | { type: 'exponential'; factor: number; per?: Per; warmup?: number }
  | { type: 'cosine'; steps: number; minLearningRate?: number; per?: Per; warmup?: number }
  | { type: 'plateau'; monitor?: Monitor; factor?: number; patience?: number; minLearningRate?: number; minDelta?: number }
  | ((step: number, epoch: number) => number);

/** Where training stands, as a schedule reads it: steps and epochs done before the next step. */
export interface SchedulePosition {
  step: number;
  epoch: number;
}

/** A checked schedule. `rate` gives the rate of the next step; `endEpoch` lets the plateau schedule see each epoch's figures. */
export interface Schedule {
  /** True when the rate never changes: the fit loop then reads it once, not per step. */
  readonly constant: boolean;
  rate(base: number, at: SchedulePosition): number;
  /** Called after every epoch with its log; true when the schedule keeps state that a save must carry. */
  endEpoch(log: Record<string, number | undefined>): void;
  /** The schedule's own state (the plateau's), for saving; null when it has none. */
  state(): number[] | null;
  setState(state: readonly number[]): void;
}

const TYPES = ['step', 'exponential', 'cosine', 'plateau'] as const;
const PERS: readonly Per[] = ['step', 'epoch'];

/** The schedule `spec` describes (undefined: a constant rate), with every field checked; errors start with `where`. */
export function resolveSchedule(spec: unknown, where: string): Schedule {
  if (spec === undefined) return constant();
  if (typeof spec === 'function') return fromFunction(spec as (step: number, epoch: number) => number, where);
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) {
    throw new TypeError(
      `${where} must be an object such as { type: 'step', every: 10, factor: 0.5 } or a function (step, epoch) => rate, got ${describe(spec)}`,
    );
  }
  const s = spec as Record<string, unknown>;
  const type = oneOf(`${where}.type`, s.type, TYPES);
  const allowed: Record<(typeof TYPES)[number], string[]> = {
    step: ['every', 'factor', 'per', 'warmup'],
    exponential: ['factor', 'per', 'warmup'],
    cosine: ['steps', 'minLearningRate', 'per', 'warmup'],
    plateau: ['monitor', 'factor', 'patience', 'minLearningRate', 'minDelta'],
  };
  const unknown = Object.keys(s).find((k) => k !== 'type' && !allowed[type].includes(k));
  if (unknown !== undefined)
    throw new TypeError(`${where}: a '${type}' schedule has no field '${unknown}'; its fields are ${allowed[type].join(', ')}`);
  if (type === 'plateau') return plateau(s, where);
  const per = s.per === undefined ? 'epoch' : oneOf(`${where}.per`, s.per, PERS);
  const warmup = s.warmup === undefined ? 0 : integer(s.warmup, `${where}.warmup`, 0);
  let shape: (base: number, t: number) => number;
  if (type === 'step') {
    const every = integer(s.every, `${where}.every`, 1);
    const factor = positive(s.factor, `${where}.factor`);
    shape = (base, t) => base * factor ** Math.floor(t / every);
  } else if (type === 'exponential') {
    const factor = positive(s.factor, `${where}.factor`);
    shape = (base, t) => base * factor ** t;
  } else {
    const steps = integer(s.steps, `${where}.steps`, 1);
    const min = s.minLearningRate === undefined ? 0 : nonNegative(s.minLearningRate, `${where}.minLearningRate`);
    shape = (base, t) => min + ((base - min) * (1 + Math.cos((Math.PI * Math.min(t, steps)) / steps))) / 2;
  }
  return {
    constant: false,
    rate: (base, at) => {
      const t = per === 'step' ? at.step : at.epoch;
      return t < warmup ? (base * (t + 1)) / warmup : shape(base, t - warmup);
    },
    endEpoch: () => {},
    state: () => null,
    setState: () => {},
  };
}

function constant(): Schedule {
  return { constant: true, rate: (base) => base, endEpoch: () => {}, state: () => null, setState: () => {} };
}

function fromFunction(f: (step: number, epoch: number) => number, where: string): Schedule {
  return {
    constant: false,
    rate: (_base, at) => {
      const r = f(at.step, at.epoch);
      if (typeof r !== 'number' || !Number.isFinite(r) || r <= 0) {
        throw new RangeError(`${where}(${at.step}, ${at.epoch}) must return a finite number > 0, got ${describe(r)}`);
      }
      return r;
    },
    endEpoch: () => {},
    state: () => null,
    setState: () => {},
  };
}

/** Multiplies the rate by `factor` whenever `monitor` has not improved by more than `minDelta` for `patience` epochs. */
function plateau(s: Record<string, unknown>, where: string): Schedule {
  const monitor = s.monitor === undefined ? 'valLoss' : oneOf(`${where}.monitor`, s.monitor, MONITORS);
  const factor = s.factor === undefined ? 0.1 : positive(s.factor, `${where}.factor`);
  if (factor >= 1) throw new RangeError(`${where}.factor must be below 1 (it lowers the rate), got ${factor}`);
  const patience = s.patience === undefined ? 10 : integer(s.patience, `${where}.patience`, 0);
  const min = s.minLearningRate === undefined ? 0 : nonNegative(s.minLearningRate, `${where}.minLearningRate`);
  const minDelta = s.minDelta === undefined ? 0 : nonNegative(s.minDelta, `${where}.minDelta`);
  // [best value so far (NaN: none yet), epochs without improvement, times the rate was cut]
  let st = [Number.NaN, 0, 0];
  return {
    constant: false,
    rate: (base) => Math.max(min, base * factor ** st[2]),
    endEpoch: (log) => {
      const v = log[monitor];
      if (v === undefined)
        throw new RangeError(
          `${where}: monitor '${monitor}' needs ${monitor.startsWith('val') ? 'validation data (validationData or validationSplit)' : 'a training loss'}`,
        );
      if (improves(monitor, v, st[0], minDelta)) st = [v, 0, st[2]];
      else if (st[1] + 1 >= Math.max(patience, 1)) st = [st[0], 0, st[2] + 1];
      else st = [st[0], st[1] + 1, st[2]];
    },
    state: () => [...st],
    setState: (state) => {
      st = [...state];
    },
  };
}

function integer(v: unknown, where: string, least: number): number {
  if (!Number.isInteger(v) || (v as number) < least) throw new RangeError(`${where} must be an integer ≥ ${least}, got ${describe(v)}`);
  return v as number;
}

function positive(v: unknown, where: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0)
    throw new RangeError(`${where} must be a finite number > 0, got ${describe(v)}`);
  return v;
}

function nonNegative(v: unknown, where: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
    throw new RangeError(`${where} must be a finite number ≥ 0, got ${describe(v)}`);
  return v;
}
