/**
 * `--schedule`: a compact spelling of fit()'s learning-rate schedules, a kind and `key=value`
 * settings after a colon:
 *
 *   step:every=10,factor=0.5     rate · factor^⌊epoch / every⌋
 *   exponential:factor=0.95      rate · factor^epoch
 *   cosine                       down to min (default 0) over steps epochs (default: --epochs)
 *   plateau:patience=5           rate · factor (default 0.5) after patience epochs (default 5) without a better validation loss
 *   none                         a constant rate (the default)
 *
 * step, exponential and cosine also take warmup=N (a linear ramp over the first N) and per=step
 * (count steps instead of epochs); cosine and plateau take min=X (the lowest rate), plateau
 * delta=X (the least change that counts). The settings are checked by fit's own schedule check,
 * so the command line and the API refuse the same values, here in the flag's terms.
 */
import { nearest } from '../io/describe.js';
import { resolveSchedule, type ScheduleSpec } from '../train/schedule.js';
import { UsageError } from './args.js';

const KINDS = ['step', 'exponential', 'cosine', 'plateau', 'none'] as const;

/** The keys each kind takes, in the flag's spelling, and the field of fit's schedule each stands for. */
const KEYS: Record<Exclude<(typeof KINDS)[number], 'none'>, Record<string, string>> = {
  step: { every: 'every', factor: 'factor', warmup: 'warmup', per: 'per' },
  exponential: { factor: 'factor', warmup: 'warmup', per: 'per' },
  cosine: { steps: 'steps', min: 'minLearningRate', warmup: 'warmup', per: 'per' },
  plateau: { patience: 'patience', factor: 'factor', min: 'minLearningRate', delta: 'minDelta' },
};

/** The settings a kind cannot do without, and a whole example of it. */
const REQUIRED: Record<string, string[]> = { step: ['every', 'factor'], exponential: ['factor'] };
const EXAMPLES: Record<string, string> = { step: 'step:every=10,factor=0.5', exponential: 'exponential:factor=0.95' };

/** The plateau schedule's settings when the flag leaves them out: half the rate after 5 epochs without a better validation loss. */
export const PLATEAU_DEFAULTS = { factor: 0.5, patience: 5 };

export const SCHEDULE_HELP = `  --schedule S            the rate per epoch: step:every=10,factor=0.5, exponential:factor=0.95,
                          cosine (min=, steps=), plateau:patience=5 (factor=0.5), or none (default none)`;

/**
 * The schedule `value` spells (undefined for none); `epochs` is cosine's length when it gives no
 * steps. `validates` says whether there are validation rows (the plateau schedule watches them).
 */
export function readSchedule(value: string | undefined, epochs: number, validates: boolean): ScheduleSpec | undefined {
  if (value === undefined) return undefined;
  const colon = value.indexOf(':');
  const kind = colon < 0 ? value : value.slice(0, colon);
  if (!(KINDS as readonly string[]).includes(kind)) {
    const near = nearest(kind, KINDS);
    throw new UsageError(
      `--schedule '${value}': '${kind}' is not a schedule${near ? ` (did you mean '${near}'?)` : ''}; the schedules are step:every=N,factor=X, exponential:factor=X, cosine, plateau and none`,
    );
  }
  const text = colon < 0 ? '' : value.slice(colon + 1);
  if (kind === 'none') {
    if (text !== '') throw new UsageError(`--schedule '${value}': none takes no settings`);
    return undefined;
  }
  const keys = KEYS[kind as keyof typeof KEYS];
  const spec: Record<string, unknown> = { type: kind };
  if (kind === 'cosine') spec.steps = epochs;
  if (kind === 'plateau') Object.assign(spec, { monitor: 'valLoss', ...PLATEAU_DEFAULTS });
  for (const item of text === '' ? [] : text.split(',')) {
    const eq = item.indexOf('=');
    const [key, given] = eq < 0 ? [item.trim(), ''] : [item.slice(0, eq).trim(), item.slice(eq + 1).trim()];
    if (!Object.hasOwn(keys, key)) {
      const near = nearest(key, Object.keys(keys));
      throw new UsageError(
        `--schedule '${value}': ${kind} has no setting '${key}'${near ? ` (did you mean '${near}'?)` : ''}; its settings are ${Object.keys(keys).join(', ')}`,
      );
    }
    if (given === '') throw new UsageError(`--schedule '${value}': ${key} needs a value, as in ${key}=${example(key)}`);
    if (key === 'per') spec.per = given;
    else {
      const n = Number(given);
      if (!Number.isFinite(n)) throw new UsageError(`--schedule '${value}': ${key} must be a number, got '${given}'`);
      spec[keys[key]] = n;
    }
  }
  const missing = (REQUIRED[kind] ?? []).find((k) => spec[keys[k]] === undefined);
  if (missing !== undefined) throw new UsageError(`--schedule '${value}': ${kind} needs ${missing}=…, as in ${EXAMPLES[kind]}`);
  if (kind === 'plateau' && !validates)
    throw new UsageError(`--schedule '${value}' watches the validation loss; with --validation 0 there is none`);
  try {
    // fit checks the same spec again; checking it here refuses a bad value before any data are read.
    resolveSchedule(spec, '--schedule');
  } catch (e) {
    // '--schedule.every must be …' → "--schedule 'step:every=0,…': every must be …", in the flag's names.
    const field = /^--schedule(?:\.(\w+))?/.exec((e as Error).message)?.[1];
    const key = Object.keys(keys).find((k) => keys[k] === field) ?? field;
    const rest = (e as Error).message.replace(/^--schedule(\.\w+)?:? ?/, '');
    throw new UsageError(`--schedule '${value}': ${key ? `${key} ` : ''}${rest}`);
  }
  return spec as ScheduleSpec;
}

function example(key: string): string {
  return { every: '10', factor: '0.5', steps: '100', min: '1e-5', warmup: '5', per: 'step', patience: '5', delta: '0.001' }[key] ?? '1';
}
