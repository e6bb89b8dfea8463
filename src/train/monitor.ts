/** The figures of an epoch that early stopping and the plateau schedule watch, and what counts as better. */

export type Monitor = 'loss' | 'valLoss' | 'valAccuracy';
export const MONITORS: readonly Monitor[] = ['loss', 'valLoss', 'valAccuracy'];

/** True when `value` of `monitor` beats `best` (NaN: nothing yet) by more than `minDelta`: accuracy up, losses down. */
export function improves(monitor: Monitor, value: number, best: number, minDelta: number): boolean {
  if (Number.isNaN(best)) return true;
  return monitor === 'valAccuracy' ? value > best + minDelta : value < best - minDelta;
}
