/**
 * The training display: a bar redrawn in place on a terminal (batches done, samples/s, ETA), plain
 * lines instead when the output is a file or a pipe or CI is set, and one line per finished epoch.
 */
import type { BatchLog, EpochLog } from '../train/fit-options.js';

/** Where progress goes: a stream (process.stdout), and whether to redraw in place. */
export interface ProgressOptions {
  /** `columns` is the terminal's width (process.stdout has it, and keeps it current as the window is resized). */
  out?: { write(text: string): unknown; isTTY?: boolean; columns?: number };
  /** Default: the stream is a terminal and the CI variable is not set. */
  interactive?: boolean;
  /** Plain lines only once an epoch has run this long: a fast epoch's progress tells nothing. Default 1. */
  quietSeconds?: number;
}

/** Returns an onBatchEnd callback that shows batches done, samples/s and the epoch's ETA. */
export function batchProgress(totalEpochs: number, options: ProgressOptions = {}): (log: BatchLog) => void {
  const out = options.out ?? process.stdout;
  const interactive = options.interactive ?? (out.isTTY === true && !process.env.CI);
  const quietSeconds = options.quietSeconds ?? 1;
  let epochStart = 0;
  let samples = 0;
  let lastPlain = -1;
  let lastDraw = 0;
  return ({ epoch, batch, batches, samples: n }) => {
    const now = performance.now();
    if (batch === 1) {
      // The callback runs after a batch: the rate is measured from the end of the first one.
      epochStart = now;
      samples = 0;
      lastPlain = -1;
    } else {
      samples += n;
    }
    const seconds = (now - epochStart) / 1000;
    const rateText = batch > 1 ? `${Math.round(samples / Math.max(seconds, 1e-9))}` : '…';
    const etaText = batch > 1 ? `${((seconds / (batch - 1)) * (batches - batch)).toFixed(1)} s` : '…';
    const label = `epoch ${epoch}/${totalEpochs}`;
    if (interactive) {
      // Redraw at most every 50 ms: hundreds of batches a second need no more.
      if (batch !== batches && now - lastDraw < 50) return;
      lastDraw = now;
      // Clearing to the end of the line wipes what a longer previous line left there.
      out.write(`\r${barLine(label, batch, batches, rateText, etaText, out.columns)}\x1b[K`);
      if (batch === batches) out.write('\r\x1b[K');
    } else {
      // Four plain lines per epoch at most (at its quarters): enough to see it move, few enough for a log.
      const quarter = Math.floor((4 * batch) / batches);
      if (quarter > lastPlain && batch < batches && seconds >= quietSeconds) {
        lastPlain = quarter;
        if (quarter > 0) out.write(`${label}: ${batch}/${batches} batches, ${rateText} samples/s, ETA ${etaText}\n`);
      }
    }
  };
}

/** The widest bar drawn, and the narrowest worth drawing. */
const BAR_WIDTH = 30;
const MIN_BAR_WIDTH = 10;

/**
 * The progress line, fitted to a terminal of `columns` (unknown: drawn in full). A line as wide as
 * the terminal wraps, and every redraw would then leave a line behind, so it keeps to columns − 1:
 * the bar narrows first, then the rate goes, then the bar, then the line is cut.
 */
export function barLine(label: string, batch: number, batches: number, rate: string, eta: string, columns?: number): string {
  const room = columns === undefined || !(columns > 0) ? Infinity : columns - 1;
  const bar = (width: number) => {
    const filled = Math.round((width * batch) / batches);
    return '█'.repeat(filled) + '░'.repeat(width - filled);
  };
  const tails = [`${batch}/${batches} batches  ${rate} samples/s  ETA ${eta}`, `${batch}/${batches} batches  ETA ${eta}`];
  for (const tail of tails) {
    const width = Math.min(BAR_WIDTH, room - label.length - tail.length - 2);
    if (width >= MIN_BAR_WIDTH) return `${label} ${bar(width)} ${tail}`;
  }
  return `${label} ${batch}/${batches} ETA ${eta}`.slice(0, Math.max(room, 0));
}

/**
 * One line per finished epoch; `validation` names the held-out figures ('val', or 'test' when they
 * are the test set); `rate` adds the learning rate of the epoch's last step (when a schedule moves it).
 */
export function epochLine(log: EpochLog, validation = 'val', rate = false): string {
  const parts = [`epoch ${log.epoch}`, `loss ${log.loss.toFixed(4)}`];
  if (log.accuracy !== undefined) parts.push(`accuracy ${(100 * log.accuracy).toFixed(2)}%`);
  if (log.valLoss !== undefined) parts.push(`${validation} loss ${log.valLoss.toFixed(4)}`);
  if (log.valAccuracy !== undefined) parts.push(`${validation} accuracy ${(100 * log.valAccuracy).toFixed(2)}%`);
  if (rate) parts.push(`lr ${Number(log.learningRate.toPrecision(6))}`);
  // Small data sets train in well under a millisecond per epoch; "0.00 s" would say nothing.
  parts.push(log.seconds < 0.1 ? `${(1000 * log.seconds).toFixed(2)} ms` : `${log.seconds.toFixed(2)} s`);
  return parts.join('  ');
}
