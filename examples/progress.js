// The progress display of the command-line trainer (src/cli/progress.ts), for the examples: a
// redrawn bar on a terminal, plain lines otherwise (a log file, or CI where the CI variable is set).
// The examples' held-out figures are the test set, hence "test loss" and "test accuracy".
import { batchProgress, epochLine as line } from '../dist/cli/progress.js';

export { batchProgress };

/** One line per finished epoch. */
export const epochLine = (log) => line(log, 'test');
