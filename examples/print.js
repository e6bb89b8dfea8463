// What the examples print: the progress display of the command-line trainer (src/cli/progress.ts),
// a redrawn bar on a terminal, plain lines otherwise (a log file, or CI where the CI variable is
// set); one line per epoch; percentages. The examples' held-out figures are the test set, hence
// "test loss" and "test accuracy".
import { batchProgress, epochLine as line } from '../dist/cli/progress.js';

export { batchProgress };

/**
 * One line per finished epoch.
 * @param {import('backprop-wasm').EpochLog} log
 */
export const epochLine = (log) => line(log, 'test');

/**
 * Percent with one decimal.
 * @param {number | undefined} a a fraction
 */
export const pct = (a) => `${(100 * (a ?? NaN)).toFixed(1)}%`;
